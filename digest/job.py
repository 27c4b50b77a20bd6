"""The weekly job, stage by stage: collect → summarize → compose → render → deliver."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from digest.collect import collect
from digest.collect.fetch import Fetcher
from digest.compose import compose
from digest.config import Config
from digest.deliver import Audience, Clock, DeliveryReport, deliver
from digest.links import Links
from digest.models import Collection, Issue, Problem, RenderedIssue
from digest.providers.base import Provider
from digest.render import render
from digest.store import Store
from digest.summarize import summarize


@dataclass(frozen=True, slots=True)
class Prepared:
    """An issue built from the sources, with what collect found and what went wrong."""

    issue: Issue | None
    rendered: RenderedIssue | None
    collection: Collection
    repeated: int = 0

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


def prepare(
    config: Config,
    name: str,
    fetcher: Fetcher,
    now: datetime,
    exclude: frozenset[str] = frozenset(),
    *,
    allow_repeats: bool = False,
) -> Prepared:
    """Collect, summarize, compose and render the issue a run would send now."""
    newsletter = config.newsletters[name]
    window = (now - timedelta(days=newsletter.window_days), now)
    collection = collect(newsletter.sources, fetcher, window)
    fresh = tuple(a for a in collection.articles if a.url not in exclude)
    repeated = len(collection.articles) - len(fresh)
    if not fresh and allow_repeats:
        fresh = collection.articles
    if not fresh:
        return Prepared(None, None, collection, repeated)
    teasers = summarize(fresh, newsletter.teaser)
    issue = compose(name, newsletter, teasers, issue_slot(config, name, now)[0], now)
    rendered = render(issue, newsletter, config.theme, config.templates_dir)
    return Prepared(issue, rendered, replace(collection, articles=fresh), repeated)


def run(
    config: Config,
    name: str,
    fetcher: Fetcher,
    store: Store,
    provider: Provider,
    links: Links,
    clock: Clock,
) -> RunReport:
    """Build today's issue (or resume it) and send it to every subscriber who has not had it."""
    now = clock()
    newsletter = config.newsletters[name]
    issue_id, slot = issue_slot(config, name, now)
    audience = Audience(newsletter.list_name, newsletter.sender, newsletter.title)
    stored = store.issues.get(issue_id)
    problems: tuple[Problem, ...] = ()
    if stored is None:
        prepared = prepare(config, name, fetcher, now, store.issues.sent_urls(name))
        problems = prepared.problems
        if prepared.rendered is None or prepared.issue is None:
            return RunReport(name, issue_id, _nothing_new(prepared), problems=problems)
        urls = [t.url for t in prepared.issue.teasers]
        store.issues.create(prepared.rendered, slot, newsletter.list_name, urls, now)
        stored = store.issues.get(issue_id)
    assert stored is not None  # created above, or by a concurrent run of the same slot
    report = deliver(stored.rendered(), audience, store, provider, links, clock, config.provider.batch_size)
    return RunReport(name, issue_id, _outcome(report), report, problems)


def _nothing_new(prepared: Prepared) -> str:
    if prepared.repeated:
        return f"nothing new: all {prepared.repeated} articles in the window went out in earlier issues"
    return "nothing new: no articles were published in the window"


def _outcome(report: DeliveryReport) -> str:
    if report.attempted == 0 and report.already_sent:
        return f"already sent to {report.already_sent} recipients earlier; nothing left to send"
    if report.attempted == 0:
        return "no active subscribers on the list"
    return "sent"
