"""Compose stage: order the teasers into sections and write the subject line and preheader."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

import jinja2

from digest.config import NewsletterConfig
from digest.errors import TemplateError
from digest.models import Issue, Section, Teaser
from digest.summarize import sentence_ends

PREHEADER_CHARS = 110


def compose(
    name: str, newsletter: NewsletterConfig, teasers: Sequence[Teaser], issue_id: str, now: datetime
) -> Issue:
    """Build the issue: at most max_articles teasers, grouped by section in order of appearance."""
    picked = list(teasers)[: newsletter.max_articles]
    issue = Issue(
        id=issue_id,
        newsletter=name,
        title=newsletter.title,
        subject="",
        preheader=preheader(picked),
        sections=group_sections(picked),
        created=now,
        intro=newsletter.intro,
    )
    return replace(issue, subject=render_subject(newsletter.subject, newsletter, issue))


def group_sections(teasers: Sequence[Teaser]) -> tuple[Section, ...]:
    """Group teasers by section; sections appear in the order of their first (newest) teaser."""
    order: dict[str, list[Teaser]] = {}
    for item in teasers:
        order.setdefault(item.section, []).append(item)
    return tuple(Section(title, tuple(items)) for title, items in order.items())


def preheader(teasers: Sequence[Teaser]) -> str:
    """The inbox preview line: the lead's first sentence, shortened at a word boundary."""
    if not teasers or not teasers[0].paragraphs:
        return ""
    text = teasers[0].paragraphs[0]
    ends = sentence_ends(text)
    sentence = text[: ends[0]] if ends else text
    if len(sentence) <= PREHEADER_CHARS:
        return sentence
    return sentence[:PREHEADER_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def render_subject(template: str, newsletter: NewsletterConfig, issue: Issue) -> str:
    """Render the configured subject template (Jinja2, undefined names are errors)."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    try:
        subject = env.from_string(template).render(newsletter=newsletter, issue=issue)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError("subject", None, f"syntax error: {exc.message}", template) from None
    except (jinja2.UndefinedError, IndexError) as exc:
        raise TemplateError(
            "subject",
            None,
            str(exc),
            template,
            "the names you can use are newsletter.* and issue.*",
        ) from None
    return " ".join(subject.split())
