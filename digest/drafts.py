"""The editors' draft of an issue: order, pins, drops, rewritten teasers, subject, preheader, note.

`digest draft` writes ``drafts/<newsletter>/<slot>.toml`` from the teasers of the next issue; editors
change it; `digest preview` and `digest run` apply it. A broken draft stops with its line.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import replace
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from digest.config import describe_errors
from digest.errors import ConfigError
from digest.models import Teaser

PARAGRAPH_BREAK = "\n\n"
LITERAL = "\x27" * 3  # TOML's multi-line literal string delimiter


class DraftArticle(BaseModel):
    """One article of the draft, in the order the issue shows them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    title: str | None = None
    section: str | None = None
    pin: bool = False
    drop: bool = False
    text: str | None = None


class Draft(BaseModel):
    """What editors changed for one issue; anything left out keeps its automatic value."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    subject: str | None = None
    preheader: str | None = None
    intro: str | None = None
    articles: list[DraftArticle] = []


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
        return Draft.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), [f"not valid TOML: {exc}"], "fix the draft or delete it") from None
    except ValidationError as exc:
        raise ConfigError(str(path), describe_errors(text, exc), "fix the draft or delete it") from None


def apply_draft(teasers: list[Teaser], draft: Draft) -> list[Teaser]:
    """The teasers in the draft's order, pinned first, dropped ones out, texts and titles replaced.

    Articles the draft does not list (published after it was written) follow in their own order.
    """
    by_url = {t.url: t for t in teasers}
    listed = [a for a in draft.articles if a.url in by_url and not a.drop]
    ordered = [a for a in listed if a.pin] + [a for a in listed if not a.pin]
    mentioned = {a.url for a in draft.articles}
    result = [_edited(by_url[a.url], a) for a in ordered]
    return result + [t for t in teasers if t.url not in mentioned]


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


def render_draft(issue_id: str, subject: str, preheader: str, intro: str, teasers: list[Teaser]) -> str:
    """The draft file for editors: every value written out, with a comment on what to change."""
    lines = [
        f"# Draft of {issue_id}. Edit and save; `digest preview` shows the result and `digest run`",
        "# sends it. Reorder the [[articles]] blocks to reorder the issue; pin = true puts one first,",
        "# drop = true leaves it out; text holds the teaser (blank lines between paragraphs).",
        "# Delete a line to go back to the automatic value, or the file to start over.",
        "",
        "# The subject and preheader follow the lead article; uncomment a line to fix your own.",
        f"# subject = {_toml(subject)}",
        f"# preheader = {_toml(preheader)}",
        f"intro = {_toml(intro)}",
    ]
    for teaser in teasers:
        lines += [
            "",
            "[[articles]]",
            f"url = {_toml(teaser.url)}",
            f"title = {_toml(teaser.title)}",
            f"section = {_toml(teaser.section)}",
            "pin = false",
            "drop = false",
            f"text = {_toml_block(PARAGRAPH_BREAK.join(teaser.paragraphs))}",
        ]
    return "\n".join(lines) + "\n"


def _toml(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, for the characters json.dumps writes)."""
    return json.dumps(value, ensure_ascii=False)


def _toml_block(value: str) -> str:
    """A multi-line literal string (no escapes to get wrong) when it can be one, else a basic string."""
    if LITERAL in value:
        return _toml(value)
    # TOML drops the newline right after the opening delimiter.
    return f"{LITERAL}\n{value}\n{LITERAL}"
