"""One editor's action on a draft, as a pure function: Draft in, Draft out (the desk writes the file)."""

from __future__ import annotations

from dataclasses import dataclass

from digest.drafts import Draft, DraftArticle, match_key
from digest.errors import DigestError

KINDS = ("up", "down", "pin", "unpin", "drop", "restore", "more", "edit", "section", "fields")


@dataclass(frozen=True, slots=True)
class Action:
    """What an editor asked for: ``kind`` (one of KINDS) on one article (``url``) or on the issue."""

    kind: str
    url: str = ""
    neighbour: str = ""  # up/down: the article it trades places with
    title: str | None = None
    text: str | None = None
    section: str | None = None
    reason: str | None = None
    subject: str | None = None
    preheader: str | None = None
    intro: str | None = None


def edit_draft(draft: Draft, action: Action) -> Draft:
    """The draft with the action applied; a DigestError for an unknown kind or a missing article."""
    if action.kind == "fields":
        return _fields(draft, action)
    if action.kind not in KINDS or not action.url:
        raise DigestError(f"Desk action '{action.kind}' is not one the desk knows", f"use one of {KINDS}")
    if action.kind in ("up", "down"):
        return _swap(draft, action.url, action.neighbour)
    entry = _entry(draft, action.url)
    changed = _changed(entry, action)
    table, index = _place(draft, action.url)
    if action.kind in ("restore", "more") and table == "candidates":
        # Restored and listed articles are the editor's picks: they belong under [[articles]].
        table, index = "articles", len(draft.articles)
    draft = _without(draft, action.url)
    if action.kind == "pin":
        table, index = "articles", 0
    entries = list(getattr(draft, table))
    entries.insert(index, changed)
    return draft.model_copy(update={table: entries})


def _changed(entry: DraftArticle, action: Action) -> DraftArticle:
    """The entry with one article action applied."""
    updates: dict[str, dict[str, object]] = {
        "pin": {"pin": True, "drop": False, "more": False},
        "unpin": {"pin": False},
        "drop": {"drop": True, "pin": False, "reason": _text(action.reason)},
        "restore": {"drop": False, "reason": None, "more": False},
        "more": {"more": True, "pin": False, "drop": False},
        "edit": {"title": _text(action.title), "text": _text(action.text)},
        "section": {"section": _text(action.section)},
    }
    update = updates[action.kind]
    if action.kind == "edit" and action.section is not None:
        update["section"] = _text(action.section)  # the desk's edit box saves all three at once
    return entry.model_copy(update=update)


def _place(draft: Draft, url: str) -> tuple[str, int]:
    """Where an article's entry is: its table and index; a new one goes last under [[articles]]."""
    for table in ("articles", "candidates"):
        keys = [match_key(e.url) for e in getattr(draft, table)]
        if match_key(url) in keys:
            return table, keys.index(match_key(url))
    return "articles", len(draft.articles)


def ordered(draft: Draft) -> Draft:
    """The draft with its articles in the order the issue shows them: pinned ones first."""
    pinned = [a for a in draft.articles if a.pin]
    return draft.model_copy(update={"articles": pinned + [a for a in draft.articles if not a.pin]})


def _fields(draft: Draft, action: Action) -> Draft:
    """Subject and preheader: empty goes back to the automatic value; the note is kept as written."""
    return draft.model_copy(
        update={
            "subject": _text(action.subject),
            "preheader": _text(action.preheader),
            "intro": (action.intro or "").strip() if action.intro is not None else draft.intro,
        }
    )


def _swap(draft: Draft, url: str, neighbour: str) -> Draft:
    """Trade places with the neighbour; pin flags stay with the places, so the shown order follows."""
    draft = ordered(_with(_with(draft, _entry(draft, url)), _entry(draft, neighbour)))
    keys = [match_key(a.url) for a in draft.articles]
    if match_key(url) not in keys or match_key(neighbour) not in keys:
        raise DigestError(
            f"Article '{url}' is not in the issue", "only articles in the issue move up or down"
        )
    i, j = keys.index(match_key(url)), keys.index(match_key(neighbour))
    articles = list(draft.articles)
    first, second = articles[i], articles[j]
    articles[i] = second.model_copy(update={"pin": first.pin})
    articles[j] = first.model_copy(update={"pin": second.pin})
    return draft.model_copy(update={"articles": articles})


def _text(value: str | None) -> str | None:
    """A field as the draft keeps it: None (the automatic value) when left empty."""
    if value is None:
        return None
    cleaned = "\n\n".join(p.strip() for p in value.replace("\r\n", "\n").split("\n\n") if p.strip())
    return cleaned or None


def _entry(draft: Draft, url: str) -> DraftArticle:
    """The draft's entry for an article, or a new one (an article published after the draft)."""
    for entry in [*draft.articles, *draft.candidates]:
        if match_key(entry.url) == match_key(url):
            return entry
    return DraftArticle(url=url)


def _with(draft: Draft, entry: DraftArticle) -> Draft:
    """The draft holding the entry: a new one goes last under [[articles]], where the issue shows it."""
    if any(match_key(e.url) == match_key(entry.url) for e in [*draft.articles, *draft.candidates]):
        return draft
    return draft.model_copy(update={"articles": [*draft.articles, entry]})


def _without(draft: Draft, url: str) -> Draft:
    key = match_key(url)
    return draft.model_copy(
        update={
            "articles": [a for a in draft.articles if match_key(a.url) != key],
            "candidates": [a for a in draft.candidates if match_key(a.url) != key],
        }
    )
