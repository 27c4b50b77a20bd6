"""The editors' Jinja2 templates: the environment, and errors that name the file and line."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from markupsafe import Markup

from digest.errors import TemplateError
from digest.personalize import Marker, neutralized
from digest.render.blocks import open_block
from digest.render.marks import SourceMarks
from digest.render.names import explain_undefined
from digest.render.wrapping import wordwrap


def environment(templates: Path | Sequence[Path]) -> jinja2.Environment:
    """Undefined names are errors, HTML is escaped; folders are searched in order (first match wins).

    One environment per set of folders is kept: it compiles each template once and recompiles it
    when the file changes on disk (auto_reload), which the live preview relies on.
    """
    folders = (templates,) if isinstance(templates, Path) else tuple(templates)
    return _environment(tuple(f.resolve() for f in folders if f.is_dir()))


@functools.lru_cache(maxsize=32)
def _environment(folders: tuple[Path, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders]),
        auto_reload=True,
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("mjml.j2", "html.j2", "html")),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_disarmed,
        extensions=[SourceMarks],
    )
    env.filters["credited"] = credited
    env.filters["default"] = env.filters["d"] = personal_default
    env.filters["wordwrap"] = wordwrap
    env.filters["dir"] = direction
    return env


def personal_default(value: Any, default_value: Any = "", boolean: bool = False) -> Any:
    """Jinja's ``default``; on a recipient placeholder, the fallback travels inside it.

    A placeholder is always defined when the template renders (the values come later, per
    recipient), so the fallback is carried to the fill: a recipient without the value gets it.
    """
    if isinstance(value, Marker):
        return value.or_else(str(default_value))
    return jinja2.filters.do_default(value, default_value, boolean)


def _disarmed(value: Any) -> Any:
    """Every value a template prints: a feed's or editor's text can never carry a recipient placeholder.

    Only the markers the template asked for (``recipient.*``) and markup the template made itself pass
    as they are; plain text is disarmed (personalize.neutralized).
    """
    if isinstance(value, Marker | Markup) or not isinstance(value, str):
        return value
    return neutralized(value)


# A page's own wording before the name ("Photo:", "Top image credit:"), replaced by the label.
_CREDIT_WORDING = re.compile(
    r"^(?:top\s+)?(?:image|photo|picture|illustration)?\s*(?:credit|photograph|photo)s?\s*:\s*",
    re.IGNORECASE,
)


def credited(credit: str, label: str) -> str:
    """The credit as its caption reads: ``Top image credit: Jane Doe``, or the name alone without a label."""
    name = _CREDIT_WORDING.sub("", credit.strip()) or credit.strip()
    return f"{label.strip()} {name}" if label.strip() else name


def direction(text: str) -> Markup:
    """`` dir="rtl" align="right"`` for text written right to left (Arabic, Urdu, Hebrew, Persian), else ''.

    Put inside a tag (``<p{{ paragraph | dir }}>``): the paragraph reads and aligns from the right even
    in a left-to-right layout, and its closing punctuation ("؟") stays at its end. The direction is the
    first letter's, as HTML's dir="auto" decides it (which not every email client knows).
    """
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return Markup(' dir="rtl" align="right"')
        if kind == "L":
            break
    return Markup("")


def search_path(env: jinja2.Environment) -> list[Path]:
    """The folders an environment loads templates from."""
    loader = env.loader
    if isinstance(loader, jinja2.FileSystemLoader):
        return [Path(p) for p in loader.searchpath]
    return []


def render_template(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render one template, turning every Jinja2 failure into a TemplateError with file and line."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise _syntax_error(env, exc, name) from None
    except jinja2.TemplateNotFound as exc:
        folders = ", ".join(str(p) for p in search_path(env)) or "no folder"
        raise TemplateError(
            str(exc.name or name), None, "not found", hint=f"templates are read from {folders}"
        ) from None
    except jinja2.UndefinedError as exc:
        template, lineno = _template_frame(exc.__traceback__, env) or (name, None)
        line = source_line(env, template, lineno)
        reason, hint = explain_undefined(str(exc.message or exc), context)
        raise TemplateError(template, lineno, reason, line, hint) from None


def _syntax_error(env: jinja2.Environment, exc: jinja2.TemplateSyntaxError, name: str) -> TemplateError:
    """A syntax error at its line; a block left open is named at the line that opened it."""
    template = exc.name or name
    message = exc.message or ""
    opened = None
    if message.startswith(("Unexpected end of template", "Encountered unknown tag 'end")):
        opened = open_block(env, _source(env, template))
    if opened is None:
        shown = source_line(env, template, exc.lineno)
        return TemplateError(template, exc.lineno, f"syntax error: {message}", shown)
    block, line = opened
    found = f"a wrong end tag at line {exc.lineno}"
    if message.startswith("Unexpected"):
        found = "the end of the file"
    return TemplateError(
        template,
        line,
        f"syntax error: '{{% {block} %}}' is never closed (Jinja found {found})",
        source_line(env, template, line),
        f"add {{% end{block} %}} where the block ends",
    )


def _template_frame(tb: TracebackType | None, env: jinja2.Environment) -> tuple[str, int] | None:
    """The innermost traceback frame that belongs to a template: its name and line."""
    found = None
    roots = search_path(env)
    while tb is not None:
        filename = Path(tb.tb_frame.f_code.co_filename)
        for root in roots:
            if root in filename.parents:
                found = (filename.relative_to(root).as_posix(), tb.tb_lineno)
                break
        tb = tb.tb_next
    return found


def _source(env: jinja2.Environment, template: str) -> str:
    try:
        return env.loader.get_source(env, template)[0] if env.loader else ""
    except jinja2.TemplateNotFound:
        return ""


def source_line(env: jinja2.Environment, template: str, lineno: int | None) -> str | None:
    """The text of one line of a template, to show beside an error."""
    if not lineno or env.loader is None:
        return None
    try:
        source = env.loader.get_source(env, template)[0]
    except jinja2.TemplateNotFound:
        return None
    lines = source.splitlines()
    return lines[lineno - 1] if 0 < lineno <= len(lines) else None
