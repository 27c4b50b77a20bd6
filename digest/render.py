"""Render stage: Jinja2 → MJML → HTML once per issue, plus the plain-text part, then lint."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
import mjml

from digest import models
from digest.config import NewsletterConfig, ThemeConfig
from digest.errors import TemplateError
from digest.lint import lint
from digest.models import Issue, RenderedIssue
from digest.personalize import RecipientPlaceholders

HTML_TEMPLATE = "digest.mjml.j2"
TEXT_TEMPLATE = "digest.txt.j2"
_POSITION = re.compile(r"at position (\d+):(\d+)")


def environment(templates_dir: Path) -> jinja2.Environment:
    """The editors' Jinja2 environment: undefined names are errors, HTML is escaped."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("mjml.j2", "html.j2", "html")),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(
    issue: Issue, newsletter: NewsletterConfig, theme: ThemeConfig, templates_dir: Path
) -> RenderedIssue:
    """Render an issue to HTML and text with recipient placeholders left in; lint the result."""
    env = environment(templates_dir)
    context = template_context(issue, newsletter, theme)
    source = render_template(env, HTML_TEMPLATE, context)
    html = compile_mjml(source, HTML_TEMPLATE)
    text = render_template(env, TEXT_TEMPLATE, context)
    problems = lint(html, text, issue, newsletter)
    errors = [p.message for p in problems if p.level == "error"]
    if errors:
        raise TemplateError(HTML_TEMPLATE, None, "; ".join(errors), hint="fix the template and try again")
    return RenderedIssue(
        issue_id=issue.id,
        newsletter=issue.newsletter,
        subject=issue.subject,
        html=html,
        text=text,
        warnings=tuple(p.message for p in problems),
    )


def template_context(issue: Issue, newsletter: NewsletterConfig, theme: ThemeConfig) -> dict[str, Any]:
    """The names a template can use."""
    return {
        "issue": issue,
        "newsletter": newsletter,
        "theme": theme,
        "recipient": RecipientPlaceholders,
        "keep_reading": newsletter.teaser.keep_reading,
    }


def render_template(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render one template, turning every Jinja2 failure into a TemplateError with file and line."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        template = exc.name or name
        line = _source_line(env, template, exc.lineno)
        raise TemplateError(template, exc.lineno, f"syntax error: {exc.message}", line) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(
            str(exc.name or name), None, "not found", hint=f"templates are read from {env_folder(env)}"
        ) from None
    except jinja2.UndefinedError as exc:
        template, lineno = _template_frame(exc.__traceback__, env) or (name, None)
        line = _source_line(env, template, lineno)
        reason, hint = _explain_undefined(str(exc.message or exc))
        raise TemplateError(template, lineno, reason, line, hint) from None


_NO_ATTRIBUTE = re.compile(r"'(?:[\w.]+\.)?(\w+) object' has no attribute '(\w+)'")


def _explain_undefined(message: str) -> tuple[str, str | None]:
    """Say which names a value does have when a template asks for one it lacks."""
    match = _NO_ATTRIBUTE.search(message)
    if not match:
        return message, None
    kind, attribute = match.groups()
    model = getattr(models, kind, None)
    if model is None or not dataclasses.is_dataclass(model):
        return message, None
    names = [f.name for f in dataclasses.fields(model)]
    names += [n for n, v in vars(model).items() if isinstance(v, property)]
    return f"a {kind} has no '{attribute}'", f"a {kind} has: {', '.join(names)}"


def env_folder(env: jinja2.Environment) -> str:
    """The folder the environment loads templates from (for hints)."""
    loader = env.loader
    if isinstance(loader, jinja2.FileSystemLoader):
        return ", ".join(str(p) for p in loader.searchpath)
    return "the template folder"


def _template_frame(tb: TracebackType | None, env: jinja2.Environment) -> tuple[str, int] | None:
    """The innermost traceback frame that belongs to a template: its name and line."""
    found = None
    roots = [Path(p) for p in getattr(env.loader, "searchpath", [])]
    while tb is not None:
        filename = Path(tb.tb_frame.f_code.co_filename)
        for root in roots:
            if root in filename.parents:
                found = (filename.relative_to(root).as_posix(), tb.tb_lineno)
        tb = tb.tb_next
    return found


def _source_line(env: jinja2.Environment, template: str, lineno: int | None) -> str | None:
    if not lineno or env.loader is None:
        return None
    try:
        source = env.loader.get_source(env, template)[0]
    except jinja2.TemplateNotFound:
        return None
    lines = source.splitlines()
    return lines[lineno - 1] if 0 < lineno <= len(lines) else None


def compile_mjml(source: str, template: str) -> str:
    """Compile MJML to HTML; an MJML error names the line and column of the rendered MJML."""
    try:
        return str(mjml.mjml2html(source, disable_comments=True, include_loader=_no_includes))
    except ValueError as exc:
        reason = str(exc)
        match = _POSITION.search(reason)
        if not match:
            raise TemplateError(template, None, f"MJML error: {reason}") from None
        line, column = line_and_column(source, int(match.group(1)))
        raise TemplateError(
            template,
            None,
            f"MJML error at rendered line {line}, column {column}: {reason}",
            source.splitlines()[line - 1] if source else None,
        ) from None


def line_and_column(text: str, byte_offset: int) -> tuple[int, int]:
    """Map an MJML byte offset (what mjml-python reports) to a 1-based line and column."""
    head = text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore")
    line = head.count("\n") + 1
    return line, len(head) - (head.rfind("\n") + 1) + 1


def _no_includes(path: str) -> str:
    raise ValueError(f"mj-include '{path}' is not supported; use Jinja2 {{% include %}} instead")
