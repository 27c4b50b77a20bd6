"""Compose stage: order the teasers into sections and write the subject line and preheader."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from digest.config import NewsletterConfig
from digest.drafts import Applied, Draft, apply_draft
from digest.errors import TemplateError
from digest.models import Fate, Issue, Placement, Section, Skipped, Teaser
from digest.sentences import sentence_ends

PREHEADER_CHARS = 110
# The subject comes from the config, which more people may edit than may run code on the server:
# the sandbox refuses attribute access to Python internals (__class__, __globals__, ...).
_SUBJECTS = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)


@dataclass(frozen=True, slots=True)
class Arrangement:
    """Where each candidate goes: the issue's teasers in order, the listed, the carried, every fate."""

    teasers: tuple[Teaser, ...]
    listed: tuple[Teaser, ...]
    carried: tuple[Teaser, ...]
    placements: tuple[Placement, ...]


def arrange(
    newsletter: NewsletterConfig,
    teasers: Sequence[Teaser],
    draft: Draft | None = None,
    skipped: Sequence[Skipped] = (),
) -> Arrangement:
    """Give every candidate (best first) and every skipped item one fate: nothing is left out unsaid.

    The draft's articles (or the best) fill the issue up to max_articles; the others go by the
    newsletter's overflow: "more" lists them, "carry" offers them next time, "drop" leaves them out.
    """
    applied = apply_draft(teasers, draft) if draft else Applied(tuple(teasers))
    sections = newsletter.sections
    chosen = [replace(t, section=sections.name_for(t.section, t.url)) for t in applied.chosen]
    held = [replace(t, section=sections.name_for(t.section, t.url)) for t in applied.held]
    limit = newsletter.max_articles
    shown = group_sections(chosen[:limit], sections.order)
    inside = tuple(t for s in shown for t in s.teasers)
    over = (*chosen[limit:], *held)
    state, reason = _overflow(newsletter, applied.held)
    why = dict(applied.reasons)
    placements = [
        _placed(t, Fate.ISSUE, "new since the draft" if t.url in applied.new else "") for t in inside
    ]
    placements += [_placed(t, Fate.LISTED, 'in "More this week" (by the editor)') for t in applied.listed]
    placements += [_placed(t, state, reason(t)) for t in over]
    placements += [_placed(t, Fate.DROPPED, _by_editor(why.get(t.url, ""))) for t in applied.dropped]
    placements += [Placement(s.url, s.title, Fate.DROPPED, s.reason, s.source) for s in skipped]
    return Arrangement(
        inside,
        applied.listed + (over if state is Fate.LISTED else ()),
        over if state is Fate.CARRIED else (),
        tuple(placements),
    )


def _by_editor(reason: str) -> str:
    return f"by the editor: {reason}" if reason else "by the editor"


def _overflow(newsletter: NewsletterConfig, held: Sequence[Teaser]) -> tuple[Fate, Callable[[Teaser], str]]:
    """The state of the articles past max_articles (or held back by the draft), and its reason."""
    held_urls = {t.url for t in held}
    state, where = {
        "more": (Fate.LISTED, 'in "More this week"'),
        "carry": (Fate.CARRIED, "offered again next issue"),
        "drop": (Fate.DROPPED, "the issue is full"),
    }[newsletter.overflow]

    def reason(teaser: Teaser) -> str:
        why = (
            "a candidate in the draft"
            if teaser.url in held_urls
            else f"over max_articles = {newsletter.max_articles}"
        )
        return f'{where} ({why}; overflow = "{newsletter.overflow}")'

    return state, reason


def _placed(teaser: Teaser, state: Fate, reason: str) -> Placement:
    return Placement(teaser.url, teaser.title, state, reason, teaser.source)


def compose(
    name: str,
    newsletter: NewsletterConfig,
    teasers: Sequence[Teaser],
    issue_id: str,
    now: datetime,
    draft: Draft | None = None,
    skipped: Sequence[Skipped] = (),
) -> Issue:
    """Build the issue: the editors' draft applied, at most max_articles teasers, every article placed."""
    arranged = arrange(newsletter, teasers, draft, skipped)
    issue = Issue(
        id=issue_id,
        newsletter=name,
        title=newsletter.title,
        subject="",
        preheader=preheader(arranged.teasers),
        sections=group_sections(arranged.teasers, newsletter.sections.order),
        created=now,
        intro=newsletter.intro,
        more=arranged.listed,
        placements=arranged.placements,
    )
    if draft and draft.preheader is not None:
        issue = replace(issue, preheader=draft.preheader)
    if draft and draft.intro is not None:
        issue = replace(issue, intro=draft.intro)
    if draft and draft.subject:
        return replace(issue, subject=draft.subject)
    try:
        return replace(issue, subject=render_subject(newsletter.subject, newsletter, issue))
    except TemplateError:
        if issue.sections:
            raise
        # skip_if_empty = false and nothing new: a subject that names the lead has none to name.
        return replace(issue, subject=newsletter.title)


def group_sections(teasers: Sequence[Teaser], order: Sequence[str] = ()) -> tuple[Section, ...]:
    """Group teasers by section: the configured order first, then others as their first teaser comes.

    Sections whose names differ only in case or spacing are one ("News" from one feed's category,
    "news" from another's): it is called as sections.order spells it, else as its first teaser does.
    """
    ranked = [_section_key(name) for name in order]
    names = dict(zip(ranked, order, strict=True))
    rank = {key: index for index, key in enumerate(ranked)}
    groups: dict[str, list[Teaser]] = {}
    for item in teasers:
        key = _section_key(item.section)
        names.setdefault(key, item.section)
        groups.setdefault(key, []).append(item)
    # sorted() is stable, so unranked sections keep their order of appearance after the ranked ones.
    keys = sorted(groups, key=lambda key: rank.get(key, len(rank)))
    return tuple(
        Section(names[key], tuple(replace(t, section=names[key]) for t in groups[key])) for key in keys
    )


def _section_key(name: str) -> str:
    return " ".join(name.split()).casefold()


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
    """Render the configured subject template (Jinja2 in its sandbox, undefined names are errors)."""
    try:
        subject = _SUBJECTS.from_string(template).render(newsletter=newsletter, issue=issue)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError("subject", None, f"syntax error: {exc.message}", template) from None
    except SecurityError as exc:
        raise TemplateError(
            "subject",
            None,
            f"not allowed: {exc}",
            template,
            "a subject may use the values of newsletter.* and issue.*, not Python internals",
        ) from None
    except (jinja2.UndefinedError, IndexError) as exc:
        raise TemplateError(
            "subject",
            None,
            str(exc),
            template,
            "the names you can use are newsletter.* and issue.*",
        ) from None
    return " ".join(subject.split())
