"""The editors' draft of an issue: order, pins, drops, rewritten teasers, subject, preheader, note.

`digest draft` writes ``drafts/<newsletter>/<slot>.toml`` from the teasers of the next issue; editors
change it; `digest preview` and `digest run` apply it. A broken draft stops with its line.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError, field_validator

from digest.collect.canonical import canonical_url
from digest.config import describe_errors
from digest.errors import ConfigError
from digest.models import Placement, Teaser

PARAGRAPH_BREAK = "\n\n"
AUTOMATIC = "# The subject and preheader follow the lead article; uncomment a line to fix your own."
LITERAL = "\x27" * 3  # TOML's multi-line literal string delimiter


class DraftArticle(BaseModel):
    """One article of the draft, in the order the issue shows them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    title: str | None = None
    section: str | None = None
    pin: bool = False
    drop: bool = False
    reason: str | None = None  # why the editor dropped it, shown with the drop
    more: bool = False  # a link in "More this week" instead of a teaser
    text: str | None = None

    @field_validator("text")
    @classmethod
    def _trimmed(cls, value: str | None) -> str | None:
        # A multi-line string keeps the newline before its closing quotes: not part of the teaser.
        return value.strip() if value is not None else None


class Draft(BaseModel):
    """What editors changed for one issue; anything left out keeps its automatic value.

    ``articles`` is the issue, in order; ``candidates`` are the other articles that could enter it:
    moving a block from one to the other brings an article in or takes it out.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    subject: str | None = None
    preheader: str | None = None
    intro: str | None = None
    articles: list[DraftArticle] = []
    candidates: list[DraftArticle] = []
    # Where the file is and the line of each entry's url, so an entry that matches nothing is named.
    _path: str = PrivateAttr(default="draft")
    _lines: dict[tuple[str, int], int] = PrivateAttr(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Applied:
    """The teasers as the draft arranges them: the issue's, the held candidates, the dropped ones."""

    chosen: tuple[Teaser, ...]
    held: tuple[Teaser, ...] = ()
    dropped: tuple[Teaser, ...] = ()
    new: frozenset[str] = frozenset()  # URLs the draft does not mention: published after it was written
    listed: tuple[Teaser, ...] = ()  # moved to "More this week" by the editor (more = true)
    reasons: tuple[tuple[str, str], ...] = ()  # (url, the editor's reason) of the dropped ones


def draft_path(drafts_dir: str, newsletter: str, slot: str) -> Path:
    """Where the draft of one issue lives."""
    return Path(drafts_dir) / newsletter / f"{slot}.toml"


def load_draft(path: Path) -> Draft | None:
    """The draft at path, None when there is none; ConfigError naming the line when it is broken."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        draft = Draft.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), [f"not valid TOML: {exc}"], "fix the draft or delete it") from None
    except ValidationError as exc:
        raise ConfigError(str(path), describe_errors(text, exc), "fix the draft or delete it") from None
    draft._path, draft._lines = str(path), _url_lines(text)
    return draft


def _url_lines(text: str) -> dict[tuple[str, int], int]:
    """(table, index) → the line of that entry's url key, for [[articles]] and [[candidates]]."""
    lines: dict[tuple[str, int], int] = {}
    table, counts = "", {"articles": -1, "candidates": -1}
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.fullmatch(r"\s*\[\[\s*(\w+)\s*\]\]\s*(#.*)?", line)
        if header:
            table = header.group(1)
            counts[table] = counts.get(table, -1) + 1
        elif table in counts and re.match(r"\s*url\s*=", line):
            lines[(table, counts[table])] = number
    return lines


def match_key(url: str) -> str:
    """The address a draft entry is matched by: canonical, without www. and with either scheme."""
    key = canonical_url(url)
    scheme, _, rest = key.partition("://")
    rest = rest.removeprefix("www.")
    return rest if scheme in ("http", "https") else key


def apply_draft(teasers: Sequence[Teaser], draft: Draft) -> Applied:
    """The teasers as the draft arranges them: its articles (pinned first), then new ones, in the issue.

    Candidates stay out of the issue, and dropping an article frees its place without bringing one
    in: only the articles the draft does not mention (published after it was written) follow. An
    entry that matches no article is a ConfigError naming its line.
    """
    by_key = {match_key(t.url): t for t in teasers}
    _check_matches(draft, by_key)
    every = [*draft.articles, *draft.candidates]
    kept = [a for a in draft.articles if not a.drop and not a.more]
    ordered = [a for a in kept if a.pin] + [a for a in kept if not a.pin]
    mentioned = {match_key(a.url) for a in every}
    new = [t for t in teasers if match_key(t.url) not in mentioned]
    dropped = [a for a in every if a.drop]
    return Applied(
        chosen=tuple(_edited(by_key[match_key(a.url)], a) for a in ordered) + tuple(new),
        held=tuple(
            _edited(by_key[match_key(a.url)], a) for a in draft.candidates if not a.drop and not a.more
        ),
        dropped=tuple(by_key[match_key(a.url)] for a in dropped),
        new=frozenset(t.url for t in new),
        listed=tuple(_edited(by_key[match_key(a.url)], a) for a in every if a.more and not a.drop),
        reasons=tuple((by_key[match_key(a.url)].url, a.reason) for a in dropped if a.reason),
    )


def _check_matches(draft: Draft, by_key: dict[str, Teaser]) -> None:
    """Every entry names an article of the issue: a mistyped or vanished address is not ignored."""
    errors = []
    for table in ("articles", "candidates"):
        for index, entry in enumerate(getattr(draft, table)):
            if match_key(entry.url) not in by_key:
                line = draft._lines.get((table, index))
                where = f"line {line}: " if line else ""
                errors.append(f"{where}{table}[{index}]: '{entry.url}' matches no article of this issue")
    if errors:
        raise ConfigError(
            draft._path,
            errors,
            "check the address against `digest collect`, or delete the entry (a dropped article stays out)",
        )


def _edited(teaser: Teaser, edit: DraftArticle) -> Teaser:
    changes: dict[str, object] = {}
    if edit.title:
        changes["title"] = edit.title
    if edit.section:
        changes["section"] = edit.section
    if edit.text is not None:
        changes["paragraphs"] = tuple(p.strip() for p in re.split(r"\n\s*\n", edit.text) if p.strip())
        changes["truncated"] = False
    return replace(teaser, **changes)  # type: ignore[arg-type]


def render_draft(
    issue_id: str,
    subject: str,
    preheader: str,
    intro: str,
    teasers: Sequence[Teaser],
    candidates: Sequence[Placement] = (),
    left_out: Sequence[Placement] = (),
) -> str:
    """The draft file for editors: every value written out, every candidate and every article left out."""
    lines = [
        *_header(issue_id),
        AUTOMATIC,
        f"# subject = {_toml(subject)}",
        f"# preheader = {_toml(preheader)}",
        f"intro = {_toml(intro)}",
    ]
    for teaser in teasers:
        lines += ["", "[[articles]]", *_entry(teaser.url, teaser.title, teaser.section)]
        lines += [
            "pin = false",
            "drop = false",
            f"text = {_toml_block(PARAGRAPH_BREAK.join(teaser.paragraphs))}",
        ]
    if candidates:
        lines += ["", "# Candidates: not in the issue, each with where it goes now."]
    for placement in candidates:
        lines += ["", f"[[candidates]]  # {_comment(placement)}", *_entry(placement.url, placement.title)]
    if left_out:
        lines += ["", "# Left out when collecting (they cannot be brought in):"]
        lines += [f"#   {_comment(p)}: {_one_line(p.title)} <{_one_line(p.url)}>" for p in left_out]
    return "\n".join(lines) + "\n"


def _header(issue_id: str) -> list[str]:
    return [
        f"# Draft of {issue_id}. Edit and save; `digest preview` shows the result and `digest run`",
        "# sends it. Reorder the [[articles]] blocks to reorder the issue; pin = true puts one first,",
        '# drop = true leaves it out (reason = "..." says why), more = true makes it a link in',
        '# "More this week"; text holds the teaser (blank lines between paragraphs).',
        "# A dropped article frees its place and brings nothing in: to fill it, change a",
        "# [[candidates]] header below to [[articles]]. Articles are matched by address",
        "# (www., a trailing slash and tracking parameters make no difference).",
        "# Delete a line to go back to the automatic value, or the file to start over.",
        "",
    ]


def dump_draft(
    issue_id: str,
    draft: Draft,
    automatic: tuple[str, str] = ("", ""),
    comments: dict[str, str] | None = None,
    tail: Sequence[str] = (),
) -> str:
    """A draft written back as editors know it: what it sets, the automatic subject and preheader as
    comments, each candidate's ``comments[url]`` beside its header, then ``tail`` (kept comments)."""
    lines = [*_header(issue_id), AUTOMATIC]
    for key, value in zip(("subject", "preheader"), automatic, strict=True):
        chosen = getattr(draft, key)
        lines.append(f"{key} = {_toml(chosen)}" if chosen is not None else f"# {key} = {_toml(value)}")
    if draft.intro is not None:
        lines.append(f"intro = {_toml(draft.intro)}")
    for table in ("articles", "candidates"):
        for entry in getattr(draft, table):
            note = (comments or {}).get(entry.url, "")
            lines += ["", f"[[{table}]]" + (f"  # {_one_line(note)}" if note else "")]
            lines += _fields(entry)
    return "\n".join([*lines, *(["", *tail] if tail else [])]) + "\n"


def _fields(entry: DraftArticle) -> list[str]:
    """One entry's keys: the address, what it changes, and its flags."""
    lines = [f"url = {_toml(entry.url)}"]
    lines += [
        f"{k} = {_toml(getattr(entry, k))}" for k in ("title", "section") if getattr(entry, k) is not None
    ]
    lines += [f"pin = {str(entry.pin).lower()}", f"drop = {str(entry.drop).lower()}"]
    if entry.reason is not None:
        lines.append(f"reason = {_toml(entry.reason)}")
    if entry.more:
        lines.append("more = true")
    if entry.text is not None:
        lines.append(f"text = {_toml_block(entry.text)}")
    return lines


def _entry(url: str, title: str, section: str | None = None) -> list[str]:
    shown = [f"url = {_toml(url)}", f"title = {_toml(title)}"]
    return shown + ([f"section = {_toml(section)}"] if section is not None else [])


def _comment(placement: Placement) -> str:
    return _one_line(f"{placement.state.value}: {placement.reason}" if placement.reason else placement.state)


def _one_line(text: str) -> str:
    """Text from a feed as a comment may hold it: one line, whatever it contained."""
    return " ".join(text.split())


def _toml(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, for the characters json.dumps writes)."""
    return json.dumps(value, ensure_ascii=False)


def _toml_block(value: str) -> str:
    """A multi-line literal string (no escapes to get wrong) when it can be one, else a basic string."""
    if LITERAL in value:
        return _toml(value)
    # TOML drops the newline right after the opening delimiter.
    return f"{LITERAL}\n{value}\n{LITERAL}"
