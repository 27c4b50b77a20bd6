"""The editors' desk: the day's issue as the desk shows it, and each action written to its draft file.

The draft file stays the source of truth: every action reads it, checks that it is the version the
page was built from (a hand edit in between refuses the save), applies the edit and writes it back.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from digest import job
from digest.compose import arrange, compose
from digest.config import Config, load_config
from digest.drafts import Draft, draft_path, dump_draft, load_draft, match_key
from digest.errors import DigestError
from digest.models import Collection, Fate, Placement, Teaser
from digest.service.draft_edits import Action, edit_draft, ordered
from digest.service.runtime import Runtime
from digest.service.scheduling import pending_slot, slot_sent
from digest.service.sending import TestReport, send_test

NO_FILE = "none"  # the version of a draft that does not exist yet
LEFT_OUT = "# Left out when collecting"


@dataclass(frozen=True, slots=True)
class DeskArticle:
    """One article as the desk lists it: its state, its text as sent and the lede as extracted."""

    url: str
    title: str
    section: str
    state: Fate
    reason: str
    text: str
    lede: str
    pinned: bool = False
    editable: bool = True  # False for what collect left out (already sent, outside the window...)


@dataclass(frozen=True, slots=True)
class DeskView:
    """The issue of the day for the desk: fields, articles, size, lint, and what the scheduler does next."""

    newsletter: str
    issue_id: str
    path: Path
    version: str
    subject: str
    preheader: str
    intro: str
    articles: tuple[DeskArticle, ...]
    size: int
    budget: int
    warnings: tuple[str, ...]
    next_run: str
    approval_required: bool
    approved: bool
    tests: tuple[str, ...]


def file_version(path: Path) -> str:
    """What a save must name: a hash of the draft file's bytes ("none" while there is no file)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except FileNotFoundError:
        return NO_FILE


class Desk:
    """One newsletter's desk on a runtime, over the articles collected once (as the live preview)."""

    def __init__(self, runtime: Runtime, name: str, collection: Collection) -> None:
        self.runtime, self.name, self.collection = runtime, name, collection
        self._lock = threading.Lock()  # one save at a time: check the version, then write

    @classmethod
    def open(cls, runtime: Runtime, name: str, *, fetch: bool = False) -> Desk:
        """The desk of a newsletter on the last collection (collected now when there is none, or asked)."""
        config, store, now = runtime.config, runtime.store, runtime.clock()
        prepared = runtime.fetching(lambda f: job.preview(config, name, f, store, now, fetch=fetch))
        return cls(runtime, name, prepared.collection)

    def config(self) -> Config:
        """The config as it is now on disk (editors change the theme or the limits while working)."""
        return load_config(self.runtime.config.path)

    def slot(self, config: Config) -> datetime:
        """The instant of the issue the desk works on: the one the scheduler sends next.

        That is a late slot not sent yet, else the next one (what `digest approve` approves); without
        a schedule ahead, today's issue. Its draft is the file the scheduler's send reads.
        """
        upcoming = pending_slot(replace(self.runtime, config=config), self.name)
        return upcoming or self.runtime.clock()

    def path(self, config: Config | None = None) -> Path:
        """The draft of the issue the desk works on."""
        config = config or self.config()
        slot = job.issue_slot(config, self.name, self.slot(config))[1]
        return draft_path(config.newsletters[self.name].drafts_dir, self.name, slot)

    def prepared(self, config: Config) -> job.Prepared:
        """The desk's issue built from the collection and its draft; an error when nothing can be built."""
        now, slot = self.runtime.clock(), self.slot(config)
        prepared = job.build(config, self.name, self.collection, now, slot_time=slot, strict=False)
        if prepared.issue is None or prepared.rendered is None:
            raise DigestError(f"Newsletter '{self.name}': {prepared.note}", "collect again with --fetch")
        return prepared

    def view(self) -> DeskView:
        """What the desk shows now: read from the draft file as it is on disk."""
        config = self.config()
        path = self.path(config)
        version = file_version(path)
        prepared = self.prepared(config)
        assert prepared.issue is not None and prepared.rendered is not None
        issue, rendered = prepared.issue, prepared.rendered
        draft = load_draft(path)
        return DeskView(
            self.name, issue.id, path, version, issue.subject, issue.preheader, issue.intro,
            self._articles(config, issue.teasers, issue.more, issue.placements, draft),
            len(rendered.html.encode()), config.lint.max_kb * 1024, rendered.warnings,
            *self._schedule(config), tuple(config.desk.test_addresses),
        )  # fmt: skip

    def _articles(
        self,
        config: Config,
        shown: tuple[Teaser, ...],
        more: tuple[Teaser, ...],
        placements: tuple[Placement, ...],
        draft: Draft | None,
    ) -> tuple[DeskArticle, ...]:
        ledes = {t.url: t for t in job.sourced_ledes(self.collection, config.newsletters[self.name].teaser)}
        edited = {t.url: t for t in (*shown, *more)}
        pins = {match_key(a.url) for a in (draft.articles if draft else []) if a.pin}
        articles = []
        for placed in placements:
            lede = ledes.get(placed.url)
            teaser = edited.get(placed.url, lede)
            articles.append(
                DeskArticle(
                    placed.url,
                    teaser.title if teaser else placed.title,
                    teaser.section if teaser else "",
                    placed.state,
                    placed.reason,
                    "\n\n".join(teaser.paragraphs) if teaser else "",
                    "\n\n".join(lede.paragraphs) if lede else "",
                    match_key(placed.url) in pins,
                    lede is not None,
                )
            )
        return tuple(articles)

    def _schedule(self, config: Config) -> tuple[str, bool, bool]:
        """What the scheduler will do next, in words; whether approval is required and given."""
        newsletter, runtime = config.newsletters[self.name], replace(self.runtime, config=config)
        slot = pending_slot(runtime, self.name)
        required = newsletter.approval == "required"
        if slot is None:
            return "The schedule has no upcoming issue.", required, False
        day = job.issue_slot(config, self.name, slot)[1]
        local = slot.astimezone(newsletter.schedule.zone)
        approved = runtime.store.issues.approved(self.name, day)
        when = f"{local:%a %Y-%m-%d %H:%M %Z} ({slot.astimezone(UTC):%H:%M} UTC)"
        if slot_sent(runtime, self.name, slot):
            return f"The issue of {day} went out already.", required, approved
        waits = " once approved" if required and not approved else ""
        return f"The scheduler sends the issue of {day} at {when}{waits}.", required, approved

    def act(self, action: Action, version: str) -> str:
        """Apply one action to the draft file if it is still the version the page showed; say what changed."""
        with self._lock:
            config = self.config()
            path = self.path(config)
            current = file_version(path)
            if current != version:
                raise DigestError(
                    f"Draft '{path}' changed since this page was built (version {version}, now {current})",
                    "the page has been reloaded with the file as it is now: make your change again",
                )
            draft, tail = self._read(config, path)
            edited = ordered(edit_draft(draft, action))
            self._write(config, path, edited, tail)
        return f"Saved: {action.kind}" + (f" '{action.url}'" if action.url else "")

    def _read(self, config: Config, path: Path) -> tuple[Draft, list[str]]:
        """The draft on disk (written from the issue first when there is none) and its closing comments."""
        if not path.exists():
            job.write_draft(config, self.name, self.prepared(config), self.slot(config))
        draft = load_draft(path)
        assert draft is not None
        lines = path.read_text(encoding="utf-8").splitlines()
        start = next((i for i, line in enumerate(lines) if line.startswith(LEFT_OUT)), len(lines))
        return draft, lines[start:]

    def _write(self, config: Config, path: Path, draft: Draft, tail: list[str]) -> None:
        """Write the draft back, each candidate's comment saying where it goes now; atomically."""
        newsletter, now = config.newsletters[self.name], self.runtime.clock()
        teasers = job.sourced_ledes(self.collection, newsletter.teaser)
        placements = arrange(newsletter, teasers, draft, self.collection.skipped).placements
        fates = {
            match_key(p.url): f"{p.state.value}: {p.reason}" if p.reason else p.state.value
            for p in placements
        }
        comments = {e.url: fates.get(match_key(e.url), "") for e in draft.candidates}
        automatic = compose(
            self.name, newsletter, teasers, "", now,
            draft.model_copy(update={"subject": None, "preheader": None}),
        )  # fmt: skip
        issue_id = job.issue_slot(config, self.name, self.slot(config))[0]
        text = dump_draft(issue_id, draft, (automatic.subject, automatic.preheader), comments, tail)
        partial = path.with_name(f".{path.name}.desk")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)

    def send_test(self, address: str) -> TestReport:
        """Send the issue as the desk shows it to one of the [desk] test_addresses."""
        config = self.config()
        if address not in config.desk.test_addresses:
            raise DigestError(
                f"Test address '{address}' is not in [desk] test_addresses",
                "add it to test_addresses in schedule.toml",
            )
        rendered = self.prepared(config).rendered
        assert rendered is not None
        return send_test(replace(self.runtime, config=config), self.name, address, rendered)

    def approve(self) -> str:
        """Approve the issue the scheduler sends next (as `digest approve` does); say which."""
        config = self.config()
        runtime = replace(self.runtime, config=config)
        slot = pending_slot(runtime, self.name)
        if slot is None:
            raise DigestError(f"Newsletter '{self.name}' has no upcoming issue", "check send_at")
        day = job.issue_slot(config, self.name, slot)[1]
        fresh = runtime.store.issues.approve(self.name, day, runtime.clock())
        return f"Approved {self.name} {day}" + ("" if fresh else " (it was approved already)")
