"""Building the next issue for editors: collect, preview (as the sample reader or a subscriber), draft."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from digest import job
from digest.config import Config
from digest.errors import DigestError
from digest.links import Links
from digest.models import Collection, Fate, Placement, RenderedIssue
from digest.personalize import Personalizer, Template
from digest.service.runtime import Runtime, mirrors
from digest.subscriber_csv import normalize_email


@dataclass(frozen=True, slots=True)
class PreviewResult:
    """The issue as the preview shows it, with the personal values it is filled in with."""

    prepared: job.Prepared
    rendered: RenderedIssue
    values: dict[str, str]


@dataclass(frozen=True, slots=True)
class DraftResult:
    """A draft written for editors (or kept, when theirs existed), with its preview file."""

    prepared: job.Prepared
    path: Path | None
    preview: Path | None = None


@dataclass(frozen=True, slots=True)
class SourceCount:
    """What one source gave an issue: its items, and how many ended in each state."""

    source: str
    items: int
    states: dict[Fate, int]


@dataclass(frozen=True, slots=True)
class Accounting:
    """What the next issue would contain: the collection, and every article's fate in the issue."""

    collection: Collection
    placements: tuple[Placement, ...]
    sources: tuple[SourceCount, ...]

    def count(self, state: Fate) -> int:
        """How many articles ended in one state."""
        return sum(1 for p in self.placements if p.state is state)


def collect(runtime: Runtime, name: str) -> Accounting:
    """What the next issue would contain (with the slot's draft), and where every other item went."""
    now, config = runtime.clock(), runtime.config
    found = runtime.fetching(lambda reader: job.gather(config, name, reader, runtime.store, now))
    placements = job.account(config, name, found, now)
    sources = [s.url for s in config.newsletters[name].sources]
    return Accounting(found, placements, count_by_source(placements, sources))


def count_by_source(placements: tuple[Placement, ...], sources: list[str]) -> tuple[SourceCount, ...]:
    """Each source's items and states, in the config's order (then any other source named)."""
    named = list(dict.fromkeys([*sources, *(p.source for p in placements)]))
    counts = []
    for source in named:
        states = Counter(p.state for p in placements if p.source == source)
        counts.append(SourceCount(source or "(unknown)", sum(states.values()), {f: states[f] for f in Fate}))
    return tuple(counts)


def preview(
    runtime: Runtime, name: str, *, fetch: bool = False, as_email: str | None = None
) -> PreviewResult:
    """The next issue from the last collect (or collected now), filled in for the sample reader or one."""
    now = runtime.clock()
    config, store = runtime.config, runtime.store
    prepared = runtime.fetching(lambda reader: job.preview(config, name, reader, store, now, fetch=fetch))
    if prepared.rendered is None:
        raise DigestError(f"Newsletter '{name}': {prepared.note}", "check the sources with `digest collect`")
    values = preview_values(runtime, name, prepared.rendered.issue_id, as_email)
    return PreviewResult(prepared, prepared.rendered, values)


def preview_values(runtime: Runtime, name: str, issue_id: str, as_email: str | None = None) -> dict[str, str]:
    """The sample reader's values, or a subscriber's own as they will see them (found by address)."""
    newsletter = runtime.config.newsletters[name]
    links = runtime.links(name) if as_email else _unsigned_links(runtime, name)
    personalizer = Personalizer(links, issue_id, newsletter.list_name)
    if not as_email:
        return personalizer.preview().values
    found = runtime.store.subscribers.find(newsletter.list_name, normalize_email(as_email))
    if found is None:
        raise DigestError(
            f"Subscriber '{as_email}' is not on list '{newsletter.list_name}'",
            f"see who is with `digest subscribers list --list {newsletter.list_name}`, or leave out --as",
        )
    return personalizer.subscriber(found.id, found.email, found.name, "", found.attributes).values


def _unsigned_links(runtime: Runtime, name: str) -> Links:
    """Links for the sample reader: nothing is signed, so no secret needs to be set for a preview."""
    return Links(runtime.config.server.public_url, "", runtime.config.newsletters[name].sender)


def write_preview(
    config: Config, rendered: RenderedIssue, values: dict[str, str], folder: Path, stem: str
) -> Path:
    """Write ``stem``.html and ``stem``.txt filled in with ``values``; mirrored images shown from disk."""
    folder.mkdir(parents=True, exist_ok=True)
    html_doc, text_doc = rendered.documents(values)  # the variant this reader gets
    html = local_images(config, Template(html_doc, escape=True).fill(values))
    (folder / f"{stem}.html").write_text(html, encoding="utf-8")
    (folder / f"{stem}.txt").write_text(Template(text_doc, escape=False).fill(values), encoding="utf-8")
    return folder / f"{stem}.html"


def local_images(config: Config, html: str) -> str:
    """In a preview only, show mirrored images from their local folder."""
    for mirror in mirrors(config):
        local = Path(mirror.dir).resolve().as_uri() + "/"
        html = html.replace(f'src="{mirror.url}', f'src="{local}')
    return html


def draft(
    runtime: Runtime, name: str, *, slot: datetime | None = None, force: bool = False, keep: bool = False
) -> DraftResult:
    """Write the editors' draft of a slot's issue (the next one by default) and its preview.

    ``keep``: an editors' draft that exists already wins, and is not an error (the scheduler's
    draft_ahead); otherwise an existing draft stops unless ``force``.
    """
    config, store, now = runtime.config, runtime.store, runtime.clock()

    async def prepare(reader: object) -> job.Prepared:
        found = await job.gather(config, name, reader, store, now)  # type: ignore[arg-type]
        return job.build(config, name, found, now, use_draft=False, slot_time=slot)

    prepared = runtime.fetching(prepare)
    if prepared.issue is None or prepared.rendered is None:
        raise DigestError(f"Newsletter '{name}': {prepared.note}", "nothing to draft yet")
    try:
        path: Path | None = job.write_draft(config, name, prepared, slot or now, force=force)
    except DigestError:
        if not keep:
            raise
        path = None
    values = preview_values(runtime, name, prepared.rendered.issue_id)
    stem = f"{name}-{job.issue_slot(config, name, slot or now)[1]}"
    shown = write_preview(config, prepared.rendered, values, config.base_dir / "preview", stem)
    return DraftResult(prepared, path, shown)
