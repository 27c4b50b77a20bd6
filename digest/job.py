"""The weekly job, stage by stage: collect → ledes → compose → render → deliver."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from digest.collect import Reader, Window, collect, reading
from digest.collect.fetch import Fetcher
from digest.compose import arrange, compose
from digest.config import Config, TeaserConfig
from digest.deliver import Audience, Clock, DeliveryReport, Progress, deliver
from digest.drafts import Draft, draft_path, load_draft, render_draft
from digest.errors import DigestError
from digest.ledes import ledes
from digest.links import Links
from digest.models import Collection, Fate, Issue, Placement, Problem, RenderedIssue, Teaser
from digest.providers.base import Provider
from digest.render import render
from digest.report import expire_events
from digest.store import Store

log = logging.getLogger("digest.job")


@dataclass(frozen=True, slots=True)
class Prepared:
    """An issue built from the sources, with what collect found and what went wrong."""

    collection: Collection
    issue: Issue | None = None
    rendered: RenderedIssue | None = None
    note: str = ""
    draft: str = ""

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Sources and pages that could not be read."""
        return self.collection.problems


@dataclass(frozen=True, slots=True)
class RunReport:
    """The outcome of one run of the weekly job for one newsletter."""

    newsletter: str
    issue_id: str
    outcome: str
    delivery: DeliveryReport | None = None
    problems: tuple[Problem, ...] = field(default=())


def issue_slot(config: Config, name: str, now: datetime) -> tuple[str, str]:
    """The (issue id, slot) of a run now: one issue per newsletter per local day."""
    newsletter = config.newsletters[name]
    slot = now.astimezone(ZoneInfo(newsletter.timezone)).date().isoformat()
    return f"{name}-{slot}", slot


def issue_window(config: Config, name: str, store: Store | None, now: datetime) -> Window:
    """From the previous issue's cutoff to now; the first issue looks back window_days."""
    cutoff = store.issues.last_cutoff(name) if store else None
    if cutoff is None or cutoff >= now:
        cutoff = now - timedelta(days=config.newsletters[name].window_days)
    return Window(cutoff, now)


async def gather(
    config: Config, name: str, fetcher: Fetcher | Reader, store: Store | None, now: datetime
) -> Collection:
    """Collect the next issue's articles: new since the last issue, never sent before."""
    sources, limit = config.newsletters[name].sources, config.newsletters[name].max_articles
    window = issue_window(config, name, store, now)
    reader = reading(fetcher)
    if store is None:
        return await collect(sources, reader.fetcher, window, extract=reader.extract, limit=limit)
    sent, carried = store.issues.sent_articles(name), store.issues.carried(name)
    found = await collect(
        sources, reader.fetcher, window, sent=sent, seen=store.seen, extract=reader.extract, limit=limit,
        carried=carried, held=store.issues.carried_articles(name),
    )  # fmt: skip
    store.collections.save(name, found, now)
    return found


def build(
    config: Config,
    name: str,
    collection: Collection,
    now: datetime,
    *,
    use_draft: bool = True,
    slot_time: datetime | None = None,
    strict: bool = True,
) -> Prepared:
    """Summarize, compose (with the editors' draft of the slot, when there is one) and render.

    ``strict``: an MJML mistake stops the render (a send); previews pass False to show it as a warning.
    """
    newsletter = config.newsletters[name]
    if not collection.candidates and newsletter.skip_if_empty:
        return Prepared(collection, note=nothing_new(collection))
    issue_id, slot = issue_slot(config, name, slot_time or now)
    path = draft_path(newsletter.drafts_dir, name, slot)
    draft = load_draft(path) if use_draft else None
    teasers = sourced_ledes(collection, newsletter.teaser)
    issue = compose(name, newsletter, teasers, issue_id, now, draft, collection.skipped)
    rendered = render(
        issue, newsletter, config.theme, config.template_dirs(name), config.lint, strict=strict,
        public_url=config.server.public_url,
    )  # fmt: skip
    issue = budget_listed(issue, rendered.listed, config.lint.max_kb)
    return Prepared(collection, issue, rendered, draft=str(path) if draft else "")


def budget_listed(issue: Issue, urls: tuple[str, ...], max_kb: int) -> Issue:
    """The issue's placements with the teasers the clip budget moved to the list of links marked listed."""
    if not urls:
        return issue
    reason = f"in the list of links: the HTML would pass {max_kb} KB, where Gmail clips it"
    placements = tuple(
        replace(p, state=Fate.LISTED, reason=reason) if p.url in urls and p.state is Fate.ISSUE else p
        for p in issue.placements
    )
    return replace(issue, placements=placements)


def sourced_ledes(collection: Collection, settings: TeaserConfig) -> list[Teaser]:
    """The teaser of every candidate, best first, each with the source it came from."""
    articles = collection.candidates
    return [replace(t, source=a.source) for a, t in zip(articles, ledes(articles, settings), strict=True)]


def account(
    config: Config, name: str, collection: Collection, now: datetime, *, slot_time: datetime | None = None
) -> tuple[Placement, ...]:
    """Every collected article's fate in the slot's issue (with its draft), without rendering it."""
    newsletter = config.newsletters[name]
    slot = issue_slot(config, name, slot_time or now)[1]
    draft: Draft | None = load_draft(draft_path(newsletter.drafts_dir, name, slot))
    teasers = sourced_ledes(collection, newsletter.teaser)
    return arrange(newsletter, teasers, draft, collection.skipped).placements


def write_draft(
    config: Config, name: str, prepared: Prepared, slot_time: datetime, *, force: bool = False
) -> Path:
    """Write the editable draft of a prepared issue for a slot; an existing draft is kept unless forced."""
    assert prepared.issue is not None
    slot = issue_slot(config, name, slot_time)[1]
    path = draft_path(config.newsletters[name].drafts_dir, name, slot)
    if path.exists() and not force:
        raise DigestError(
            f"Draft '{path}' already exists", "edit it, delete it, or pass --force to write it anew"
        )
    issue = prepared.issue
    offered = {a.url for a in prepared.collection.candidates}
    others = [p for p in issue.placements if p.state is not Fate.ISSUE]
    candidates = [p for p in others if p.url in offered]
    left_out = [p for p in others if p.url not in offered]
    text = render_draft(
        issue.id, issue.subject, issue.preheader, issue.intro, issue.teasers, candidates, left_out
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


async def preview(
    config: Config,
    name: str,
    fetcher: Fetcher | Reader,
    store: Store | None,
    now: datetime,
    *,
    fetch: bool = False,
) -> Prepared:
    """The issue from the last collect (offline), or collected now when there is none or when asked.

    Its note says which collection it shows. When nothing is new, the last window_days are shown
    instead, for a look at the layout.
    """
    cached = store.collections.last(name) if store and not fetch else None
    if cached is not None:
        collection, when = cached
        prepared = build(config, name, collection, now, strict=False)
        if prepared.rendered is not None:
            return replace(prepared, note=shown_collection(collection, when))
    prepared = build(config, name, await gather(config, name, fetcher, store, now), now, strict=False)
    if prepared.rendered is not None:
        return replace(prepared, note=shown_collection(prepared.collection, None))
    window = Window(now - timedelta(days=config.newsletters[name].window_days), now)
    reader = reading(fetcher)
    recent = await collect(
        config.newsletters[name].sources, reader.fetcher, window, extract=reader.extract,
        limit=config.newsletters[name].max_articles,
    )  # fmt: skip
    again = build(config, name, recent, now, strict=False)
    note = f"{prepared.note}; previewing the last {config.newsletters[name].window_days} days instead"
    return replace(again, note=note if again.rendered else prepared.note)


def shown_collection(collection: Collection, when: datetime | None) -> str:
    """Which collection a preview shows, and how to refresh it."""
    count = len(collection.candidates)
    if when is None:
        return f"showing the articles collected just now ({count} articles)"
    return (
        f"showing the articles collected {when:%Y-%m-%d %H:%M} UTC ({count} articles);"
        " pass --fetch to collect anew"
    )


def nothing_new(collection: Collection) -> str:
    """Why an issue has no articles, in words."""
    sent = sum(1 for s in collection.skipped if s.reason.startswith("already sent"))
    if sent:
        return f"nothing new: {sent} articles in the feeds went out in earlier issues, none is newer"
    if collection.problems and not collection.skipped:
        return "nothing new: no source could be read"
    return "nothing new: no articles were published since the last issue"


async def run(
    config: Config,
    name: str,
    fetcher: Fetcher | Reader,
    store: Store,
    provider: Provider,
    links: Links,
    clock: Clock,
    *,
    progress: Progress | None = None,
    wait: float = 0.0,
    slot_time: datetime | None = None,
) -> RunReport:
    """Build the slot's issue (today's by default, or resume it) and send it to whoever has not had it."""
    now = clock()
    newsletter = config.newsletters[name]
    issue_id, slot = issue_slot(config, name, slot_time or now)
    audience = Audience(
        newsletter.list_name, newsletter.sender, newsletter.title, newsletter.reply_to,
        newsletter.audience_segment,
    )  # fmt: skip
    stored = store.issues.get(issue_id)
    problems: tuple[Problem, ...] = ()
    if stored is None:
        collection = await gather(config, name, fetcher, store, now)
        prepared = build(config, name, collection, now, slot_time=slot_time)
        problems = prepared.problems
        if prepared.rendered is None or prepared.issue is None:
            return RunReport(name, issue_id, prepared.note, problems=problems)
        # The listed articles go out too (as links): they count as sent, and are never offered again.
        sent = (*prepared.issue.teasers, *prepared.issue.more)
        window = (prepared.collection.window_start or now, prepared.collection.window_end or now)
        urls, titles = [t.url for t in sent], [t.title for t in sent]
        carried_urls = {p.url for p in prepared.issue.placed(Fate.CARRIED)}
        found = (*prepared.collection.articles, *prepared.collection.spare)
        carried = [a for a in found if a.url in carried_urls]
        sections = [
            *(s.title for s in prepared.issue.sections for _ in s.teasers),
            *("",) * len(prepared.issue.more),
        ]
        store.issues.create(
            prepared.rendered, slot, newsletter.list_name, urls, now, window, titles, carried, sections
        )
        fields = {"event": "built", "newsletter": name, "issue": issue_id, "articles": len(sent)}
        log.info(f"{name}: built {issue_id} ({len(sent)} articles)", extra=fields)
        stored = store.issues.get(issue_id)
    assert stored is not None  # created above, or by a concurrent run of the same slot
    report = await deliver(
        stored.rendered(),
        audience,
        store,
        provider,
        links,
        clock,
        config.provider,
        progress=progress,
        wait=wait,
    )
    expire_events(store, name, newsletter.links, clock())  # retention_days, at each run
    return RunReport(name, issue_id, outcome(report), report, problems)


def outcome(report: DeliveryReport) -> str:
    """What a delivery came to, in words: sent, nothing left to send, or nobody to send to."""
    if report.attempted or report.suppressed:
        return "sent"
    if report.already_sent:
        return f"already sent to {report.already_sent:,} recipients earlier; nothing left to send"
    return "no active subscribers on the list"
