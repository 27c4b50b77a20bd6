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
from digest.render.mjml import compile_mjml, line_and_column
from digest.render.templates import environment, render_template, search_path

__all__ = [
    "HTML_TEMPLATE",
    "TEXT_TEMPLATE",
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
) -> RenderedIssue:
    """Render an issue to HTML and text with recipient placeholders left in; fit and lint the result."""
    limits = limits or LintConfig()
    env = environment(templates)
    html = _html(env, issue, newsletter, theme)
    notes: list[str] = []
    max_bytes = limits.max_kb * 1024
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
    )


def _html(env: jinja2.Environment, issue: Issue, newsletter: NewsletterConfig, theme: ThemeConfig) -> str:
    source = render_template(env, HTML_TEMPLATE, template_context(issue, newsletter, theme))
    return compile_mjml(source, HTML_TEMPLATE, search_path(env))


def _size(html: str) -> int:
    return len(html.encode("utf-8"))


def template_context(issue: Issue, newsletter: NewsletterConfig, theme: ThemeConfig) -> dict[str, Any]:
    """The names a template can use."""
    return {
        "issue": issue,
        "newsletter": newsletter,
        "theme": theme,
        "recipient": RecipientPlaceholders,
        "keep_reading": newsletter.teaser.keep_reading,
        "credit_label": newsletter.teaser.credit_label,
    }
