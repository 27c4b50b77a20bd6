"""Render stage: Jinja2 → MJML → HTML once per issue, plus the plain-text part; fit it and lint it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2

from digest.config import LintConfig, NewsletterConfig, ThemeConfig
from digest.errors import TemplateError
from digest.lint import lint
from digest.models import Issue, RenderedIssue
from digest.personalize import RecipientPlaceholders
from digest.render.budget import fit
from digest.render.marks import unmarked
from digest.render.mjml import compile_mjml, line_and_column
from digest.render.templates import environment, render_template, search_path, source_line
from digest.render.validate import Problem, check_mjml

__all__ = [
    "HTML_TEMPLATE",
    "TEXT_TEMPLATE",
    "check_mjml",
    "compile_mjml",
    "environment",
    "line_and_column",
    "render",
    "render_template",
    "template_context",
]

HTML_TEMPLATE = "digest.mjml.j2"
TEXT_TEMPLATE = "digest.txt.j2"


def render(
    issue: Issue,
    newsletter: NewsletterConfig,
    theme: ThemeConfig,
    templates: Path | Sequence[Path],
    limits: LintConfig | None = None,
    *,
    strict: bool = True,
) -> RenderedIssue:
    """Render an issue to HTML and text with recipient placeholders left in; fit and lint the result.

    The MJML is checked first (tags, attributes, values, parents): a problem stops the render when
    ``strict`` (before a send, in `digest check`), else it becomes a warning (the preview). A tag that
    is never closed always stops it.
    """
    limits = limits or LintConfig()
    theme = theme.merged(newsletter.theme)
    env = environment(templates)
    mjml_source = _mjml(env, issue, newsletter, theme)
    mistakes = check_mjml(mjml_source, HTML_TEMPLATE)
    if any(m.fatal for m in mistakes) or (strict and mistakes):
        raise _refusal(env, mistakes)
    html = compile_mjml(unmarked(mjml_source), HTML_TEMPLATE, search_path(env))
    notes = [m.described() for m in mistakes]
    max_bytes = limits.max_kb * 1024
    shown = [t.url for t in issue.teasers]
    if limits.clip_budget and _size(html) > max_bytes:
        before = _size(html)
        issue, note = fit(issue, lambda i: _size(_html(env, i, newsletter, theme)), max_bytes)
        html = _html(env, issue, newsletter, theme)
        notes.append(f"the HTML was {before // 1024} KB, over {limits.max_kb} KB: {note}")
    text = render_template(env, TEXT_TEMPLATE, template_context(issue, newsletter, theme))
    problems = lint(html, text, issue, newsletter, limits)
    errors = [p.message for p in problems if p.level == "error"]
    if errors:
        raise TemplateError(HTML_TEMPLATE, None, "; ".join(errors), hint="fix the template and try again")
    return RenderedIssue(
        issue_id=issue.id,
        newsletter=issue.newsletter,
        subject=issue.subject,
        html=html,
        text=text,
        warnings=tuple(notes + [p.message for p in problems]),
        reply_to=newsletter.reply_to,
        listed=tuple(url for url in shown if url not in {t.url for t in issue.teasers}),
    )


def _mjml(env: jinja2.Environment, issue: Issue, newsletter: NewsletterConfig, theme: ThemeConfig) -> str:
    """The MJML the templates make, each tag marked with its template file and line."""
    return render_template(env, HTML_TEMPLATE, template_context(issue, newsletter, theme))


def _html(env: jinja2.Environment, issue: Issue, newsletter: NewsletterConfig, theme: ThemeConfig) -> str:
    source = unmarked(_mjml(env, issue, newsletter, theme))
    return compile_mjml(source, HTML_TEMPLATE, search_path(env))


def _refusal(env: jinja2.Environment, problems: list[Problem]) -> TemplateError:
    """The first problem (fatal ones first) as the error, with its source line; the others in the hint."""
    ordered = sorted(problems, key=lambda p: not p.fatal)
    first, others = ordered[0], ordered[1:]
    hint = first.hint or ""
    if others:
        more = "\n  ".join(p.described() for p in others)
        hint = (f"{hint}\n" if hint else "") + f"{len(others)} more MJML problems:\n  {more}"
    line = source_line(env, first.template, first.line)
    return TemplateError(first.template, first.line, first.reason, line, hint or None)


def _size(html: str) -> int:
    return len(html.encode("utf-8"))


class TemplateValues(dict[str, Any]):
    """The newsletter's [values] as templates see them (``values.sponsor_name``)."""

    __slots__ = ()  # a named type, so that an undefined value's error says 'values' has no 'x'


def template_context(issue: Issue, newsletter: NewsletterConfig, theme: ThemeConfig) -> dict[str, Any]:
    """The names a template can use."""
    return {
        "issue": issue,
        "newsletter": newsletter,
        "theme": theme,
        "recipient": RecipientPlaceholders(),
        "values": TemplateValues(newsletter.values),
        "keep_reading": newsletter.teaser.keep_reading,
        "credit_label": newsletter.teaser.credit_label,
    }
