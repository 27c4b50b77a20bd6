"""Render stage: Jinja2 → MJML → HTML once per issue, plus the plain-text part; fit it and lint it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import jinja2

from digest.clicks import LinkPlan
from digest.config import LintConfig, NewsletterConfig, ThemeConfig
from digest.errors import TemplateError
from digest.lint import lint
from digest.models import Issue, RenderedIssue
from digest.personalize import RecipientPlaceholders
from digest.render.budget import fit
from digest.render.conditions import conditions
from digest.render.marks import unmarked
from digest.render.mjml import compile_mjml, include_loader, line_and_column
from digest.render.templates import environment, render_template, search_path, source_line
from digest.render.validate import Problem, check_mjml
from digest.variants import MAX_VARIANTS, Condition, Key, VariantRecipient, Variants, combinations

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
    public_url: str = "https://news.example.org",
) -> RenderedIssue:
    """Render an issue to HTML and text with recipient placeholders left in; fit and lint the result.

    The MJML is checked first (tags, attributes, values, parents): a problem stops the render when
    ``strict`` (before a send, in `digest check`), else it becomes a warning (the preview). A tag that
    is never closed always stops it. Article links get the newsletter's UTM tags and click tracking
    (clicks.LinkPlan); the size checks count a tracked link at its full length under ``public_url``.
    """
    limits = limits or LintConfig()
    theme = theme.merged(newsletter.theme)
    env = environment(templates)
    tested = conditions(env, (HTML_TEMPLATE, TEXT_TEMPLATE))
    keys = combinations(tested)
    if len(keys) > MAX_VARIANTS:
        raise _too_many(tested, len(keys))
    base = VariantRecipient(tested, keys[-1])  # every tested field empty: the public copy's reader
    html, mistakes = _checked(env, issue, newsletter, theme, base, strict=strict)
    notes = [m.described() for m in mistakes]
    max_bytes = limits.max_kb * 1024
    shown = [t.url for t in issue.teasers]

    def sent_size(candidate: Issue, document: str) -> int:
        """The HTML's size as sent: article links rewritten, a tracked one at its full length."""
        plan = _plan(candidate, newsletter)
        return _size(plan.measured(plan.html(document), public_url, candidate.id))

    if limits.clip_budget and sent_size(issue, html) > max_bytes:
        before = sent_size(issue, html)
        issue, note = fit(issue, lambda i: sent_size(i, _html(env, i, newsletter, theme, base)), max_bytes)
        html = _html(env, issue, newsletter, theme, base)
        notes.append(f"the HTML was {before // 1024} KB, over {limits.max_kb} KB: {note}")
    plan = _plan(issue, newsletter)
    text = render_template(env, TEXT_TEMPLATE, template_context(issue, newsletter, theme, base))
    variants = None
    if tested:
        variants = _variants(env, issue, newsletter, theme, tested, keys, (html, text), strict=strict)
        linked = tuple((plan.html(h), plan.text(t)) for h, t in variants.documents)
        variants = replace(variants, documents=linked)
    html, text = plan.html(html), plan.text(text)
    problems = lint(plan.measured(html, public_url, issue.id), text, issue, newsletter, limits)
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
        variants=variants,
        links=plan.targets,
        notes=(variants.describe(),) if variants else (),
    )


def _plan(issue: Issue, newsletter: NewsletterConfig) -> LinkPlan:
    """What the issue's article links become, in the order the store numbers them (teasers, then more)."""
    urls = [t.url for t in (*issue.teasers, *issue.more)]
    return LinkPlan.of(urls, newsletter.links, issue.newsletter, issue.id)


def _checked(
    env: jinja2.Environment, issue: Issue, newsletter: NewsletterConfig, theme: ThemeConfig,
    recipient: RecipientPlaceholders, *, strict: bool,
) -> tuple[str, list[Problem]]:  # fmt: skip
    """The compiled HTML of one variant, after its MJML is checked (a problem stops it when strict)."""
    mjml_source = render_template(env, HTML_TEMPLATE, template_context(issue, newsletter, theme, recipient))
    mistakes = check_mjml(mjml_source, HTML_TEMPLATE, include_loader(search_path(env)))
    if any(m.fatal for m in mistakes) or (strict and mistakes):
        raise _refusal(env, mistakes)
    return compile_mjml(unmarked(mjml_source), HTML_TEMPLATE, search_path(env)), mistakes


def _variants(
    env: jinja2.Environment, issue: Issue, newsletter: NewsletterConfig, theme: ThemeConfig,
    tested: tuple[Condition, ...], keys: list[Key], base: tuple[str, str], *, strict: bool,
) -> Variants:  # fmt: skip
    """Every class combination compiled once; equal documents are kept once (the base is the last key)."""
    documents: dict[tuple[str, str], int] = {}
    chosen: list[tuple[Key, int]] = []
    for key in keys:
        if key == keys[-1]:  # the base, already compiled (its links are rewritten with the others)
            document = base
        else:
            recipient = VariantRecipient(tested, key)
            html, _ = _checked(env, issue, newsletter, theme, recipient, strict=strict)
            text = render_template(env, TEXT_TEMPLATE, template_context(issue, newsletter, theme, recipient))
            document = (html, text)
        chosen.append((key, documents.setdefault(document, len(documents))))
    return Variants(tested, tuple(documents), tuple(chosen))


def _too_many(tested: tuple[Condition, ...], count: int) -> TemplateError:
    fields = "; ".join(f"{c.label}: {len(c.classes())} classes" for c in tested)
    return TemplateError(
        HTML_TEMPLATE,
        None,
        f"the template's tests on recipient fields make {count} variants of the issue, over {MAX_VARIANTS}",
        hint=f"each string a field is compared with is one more class ({fields}); "
        "compare with fewer strings, or make a segment and a newsletter per group",
    )


def _html(
    env: jinja2.Environment, issue: Issue, newsletter: NewsletterConfig, theme: ThemeConfig,
    recipient: RecipientPlaceholders,
) -> str:  # fmt: skip
    context = template_context(issue, newsletter, theme, recipient)
    source = unmarked(render_template(env, HTML_TEMPLATE, context))
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


def template_context(
    issue: Issue, newsletter: NewsletterConfig, theme: ThemeConfig,
    recipient: RecipientPlaceholders | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The names a template can use (``recipient``: one variant's, by default every field a placeholder)."""
    return {
        "issue": issue,
        "newsletter": newsletter,
        "theme": theme,
        "recipient": recipient or RecipientPlaceholders(),
        "values": TemplateValues(newsletter.values),
        "keep_reading": newsletter.teaser.keep_reading,
        "credit_label": newsletter.teaser.credit_label,
    }
