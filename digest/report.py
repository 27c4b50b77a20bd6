"""Report stage: how an issue did — deliveries, reactions, opens, and which teasers made people click.

Machines are not readers. A click is a machine's when its user agent is a known link scanner or
robot, when it comes sooner after its message was delivered than ``machine_seconds`` (security
gateways open every link on arrival), or when one recipient opens most of the issue's links within
BURST_SECONDS (a scanner walking the message). An open is Apple Mail Privacy Protection's when the
provider says so or Apple's proxy fetched it (user agent exactly ``Mozilla/5.0``); Apple preloads
every message, so those opens say nothing about reading. Machine clicks and machine opens are
counted apart and never in the rates.
"""

from __future__ import annotations

import functools
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from digest.config import LinksConfig
from digest.store import Store
from digest.store.events import Article, EventRow, Total

BURST_SECONDS = 10
DAYS = 7  # the clicks-over-time chart covers the first week
# Link scanners and robots that follow links in mail (substrings of their user agents, lower case).
SCANNERS = re.compile(
    r"barracuda|mimecast|proofpoint|urldefense|safelinks|safe links|microsoft office|ms-office|"
    r"bingpreview|googlebot|google-safety|google-inspectiontool|python-requests|python-httpx|aiohttp|"
    r"curl/|wget/|go-http-client|okhttp|headlesschrome|phantomjs|slackbot|facebookexternalhit|"
    r"linkcheck|trendmicro|symantec|sophos|forcepoint|fortiguard|ironport|zscaler|cisco|checkpoint|"
    r"\bbot\b|bot/|spider|crawler|scanner|preview",
    re.IGNORECASE,
)
APPLE_PROXY_AGENT = "Mozilla/5.0"

SCANNER, TOO_SOON, EVERY_LINK, PROVIDER = (
    "scanner agent",
    "too soon after delivery",
    "every link at once",
    "provider",
)
APPLE = "apple privacy"


def machine_reason(row: EventRow, machine_seconds: int) -> str:
    """Why one event is a machine's ("" for a person); the every-link rule needs all of them (classify)."""
    if row.machine:
        return APPLE if "apple" in row.machine.lower() else PROVIDER
    if row.kind == "open":
        return APPLE if row.user_agent.strip() == APPLE_PROXY_AGENT else ""
    if row.user_agent and _scanner(row.user_agent):
        return SCANNER
    if row.sent_at is not None and row.at - row.sent_at < timedelta(seconds=machine_seconds):
        return TOO_SOON
    return ""


@functools.lru_cache(maxsize=4096)  # an issue's readers share a few hundred user agents
def _scanner(agent: str) -> bool:
    return SCANNERS.search(agent) is not None


def classify(rows: Sequence[EventRow], articles: int, machine_seconds: int) -> list[str]:
    """Each event's machine reason, in order: the single-event rules, then the every-link rule."""
    reasons = [machine_reason(r, machine_seconds) for r in rows]
    needed = max(3, math.ceil(0.8 * articles)) if articles >= 3 else 0
    if not needed:
        return reasons
    by_person: dict[int, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        if row.kind == "click" and row.subscriber_id is not None:
            by_person[row.subscriber_id].append(index)
    for indexes in by_person.values():
        start = 0
        for end, index in enumerate(indexes):
            while rows[index].at - rows[indexes[start]].at > timedelta(seconds=BURST_SECONDS):
                start += 1
            window = indexes[start : end + 1]
            if len({rows[i].position for i in window}) >= needed:
                for i in window:
                    reasons[i] = reasons[i] or EVERY_LINK
    return reasons


@dataclass(frozen=True, slots=True)
class ArticleLine:
    """One article's clicks: people (unique human clickers), their clicks, and machines' clicks."""

    position: int
    title: str
    url: str
    section: str
    people: int
    clicks: int
    machine: int
    rate: float  # people / delivered


@dataclass(frozen=True, slots=True)
class SectionLine:
    """A section's clicks: people who clicked any of its articles."""

    title: str
    people: int
    clicks: int
    rate: float


@dataclass(frozen=True, slots=True)
class IssueReport:
    """Everything `digest report ISSUE` says about one issue."""

    issue_id: str
    newsletter: str
    subject: str
    sent_at: datetime | None
    delivered: int
    failed: int
    bounced: int
    complained: int
    unsubscribed: int
    people_opened: int
    opens: int
    apple_opens: int
    machine_opens: int
    people_clicked: int
    clicks: int
    machine_clicks: int
    articles: tuple[ArticleLine, ...]
    sections: tuple[SectionLine, ...]
    by_day: tuple[int, ...]  # human clicks on each of the first DAYS days after the send
    machine_reasons: dict[str, int] = field(default_factory=dict)
    kept_totals: bool = False  # some counts come from event_totals (raw events past retention)

    @property
    def click_rate(self) -> float:
        """People who clicked, over messages delivered."""
        return self.people_clicked / self.delivered if self.delivered else 0.0

    @property
    def open_rate(self) -> float:
        """People seen opening (Apple's preloads left out), over messages delivered."""
        return self.people_opened / self.delivered if self.delivered else 0.0

    def top(self, count: int = 5) -> tuple[ArticleLine, ...]:
        """The articles most people clicked, best first."""
        ranked = sorted(self.articles, key=lambda a: (-a.people, -a.clicks, a.position))
        return tuple(a for a in ranked if a.people)[:count]

    def to_json(self) -> dict[str, Any]:
        """The report as `digest report --json` prints it."""
        return {
            "issue": self.issue_id,
            "newsletter": self.newsletter,
            "subject": self.subject,
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
            "delivered": self.delivered,
            "failed": self.failed,
            "bounced": self.bounced,
            "complained": self.complained,
            "unsubscribed": self.unsubscribed,
            "opens": {
                "people": self.people_opened,
                "total": self.opens,
                "apple_privacy": self.apple_opens,
                "machine": self.machine_opens,
                "rate": round(self.open_rate, 4),
            },
            "clicks": {
                "people": self.people_clicked,
                "total": self.clicks,
                "machine": self.machine_clicks,
                "rate": round(self.click_rate, 4),
                "machine_reasons": self.machine_reasons,
            },
            "articles": [
                {
                    "position": a.position,
                    "title": a.title,
                    "url": a.url,
                    "section": a.section,
                    "people": a.people,
                    "clicks": a.clicks,
                    "machine": a.machine,
                    "rate": round(a.rate, 4),
                }
                for a in self.articles
            ],
            "sections": [
                {"title": s.title, "people": s.people, "clicks": s.clicks, "rate": round(s.rate, 4)}
                for s in self.sections
            ],
            "top": [a.position for a in self.top()],
            "clicks_by_day": list(self.by_day),
            "from_retained_totals": self.kept_totals,
        }


@dataclass(slots=True)
class _Tally:
    people: set[object] = field(default_factory=set)
    clicks: int = 0
    machine: int = 0


def issue_report(store: Store, issue_id: str, machine_seconds: int) -> IssueReport | None:
    """The report of one issue, None when the store has no such issue."""
    stored = store.issues.get(issue_id)
    if stored is None:
        return None
    counts = store.ledger.counts(issue_id)
    start, end = store.events.window(issue_id)
    reactions = store.events.reactions(issue_id, start, end) if start else {}
    articles = store.events.articles(issue_id)
    rows = store.events.of_issue(issue_id)
    reasons = classify(rows, len(articles), machine_seconds)
    tallies, opens = _tally(rows, reasons)
    totals = store.events.totals(issue_id)
    _add_totals(tallies, opens, totals)
    delivered = counts.get("sent", 0)
    lines = tuple(_article_line(a, tallies.get(a.position, _Tally()), delivered) for a in articles)
    # A click counts when it is on one of the issue's articles: a provider that tracks links too
    # reports other links (unsubscribe, archive) and, beside digest's own, the same click again.
    on_articles = [(r, why) for r, why in zip(rows, reasons, strict=True) if r.kind == "click"]
    people = {_who(r, i) for i, (r, why) in enumerate(on_articles) if not why and r.position is not None}
    machine_reasons: dict[str, int] = defaultdict(int)
    for row, why in zip(rows, reasons, strict=True):
        if why and row.kind == "click":
            machine_reasons[why] += 1
    return IssueReport(
        issue_id=issue_id,
        newsletter=stored.newsletter,
        subject=stored.subject,
        sent_at=start,
        delivered=delivered,
        failed=counts.get("failed", 0),
        bounced=reactions.get("bounced", 0),
        complained=reactions.get("complained", 0),
        unsubscribed=reactions.get("unsubscribed", 0),
        people_opened=len(opens.people),
        opens=opens.clicks,
        apple_opens=sum(1 for r, why in zip(rows, reasons, strict=True) if r.kind == "open" and why == APPLE),
        machine_opens=opens.machine,
        people_clicked=len(people) + sum(t.uniques for t in totals if t.kind == "click" and not t.machine),
        clicks=sum(line.clicks for line in lines),
        machine_clicks=sum(line.machine for line in lines),
        articles=lines,
        sections=_sections(lines, rows, reasons, delivered),
        by_day=_by_day(rows, reasons, start),
        machine_reasons=dict(machine_reasons),
        kept_totals=bool(totals),
    )


def _who(row: EventRow, index: int) -> object:
    """A person's identity for unique counts; an anonymous click counts on its own."""
    return row.subscriber_id if row.subscriber_id is not None else ("anonymous", index)


def _tally(rows: Sequence[EventRow], reasons: Sequence[str]) -> tuple[dict[int, _Tally], _Tally]:
    per_article: dict[int, _Tally] = defaultdict(_Tally)
    opens = _Tally()
    for index, (row, why) in enumerate(zip(rows, reasons, strict=True)):
        if row.kind == "open":
            if why:
                opens.machine += 1
            else:
                opens.clicks += 1
                opens.people.add(_who(row, index))
        elif row.kind == "click" and row.position is not None:
            tally = per_article[row.position]
            if why:
                tally.machine += 1
            else:
                tally.clicks += 1
                tally.people.add(_who(row, index))
    return per_article, opens


def _add_totals(per_article: dict[int, _Tally], opens: _Tally, totals: Iterable[Total]) -> None:
    """Counts kept after retention deleted their raw events; their people are counted as given."""
    for total in totals:
        tally = opens if total.kind == "open" else per_article[total.position or 0]
        if total.machine:
            tally.machine += total.total
            continue
        tally.clicks += total.total
        tally.people.update(("kept", total.kind, total.position, n) for n in range(total.uniques))


def _article_line(article: Article, tally: _Tally, delivered: int) -> ArticleLine:
    people = len(tally.people)
    return ArticleLine(
        article.position, article.title or article.url, article.target or article.url, article.section,
        people, tally.clicks, tally.machine, people / delivered if delivered else 0.0,
    )  # fmt: skip


def _sections(
    lines: Sequence[ArticleLine], rows: Sequence[EventRow], reasons: Sequence[str], delivered: int
) -> tuple[SectionLine, ...]:
    section_of = {line.position: line.section or "More" for line in lines}
    people: dict[str, set[object]] = defaultdict(set)
    clicks: dict[str, int] = defaultdict(int)
    for index, (row, why) in enumerate(zip(rows, reasons, strict=True)):
        if row.kind == "click" and not why and row.position in section_of:
            title = section_of[row.position]
            people[title].add(_who(row, index))
            clicks[title] += 1
    ordered = list(dict.fromkeys(section_of.values()))
    return tuple(
        SectionLine(t, len(people[t]), clicks[t], len(people[t]) / delivered if delivered else 0.0)
        for t in ordered
    )


def _by_day(rows: Sequence[EventRow], reasons: Sequence[str], start: datetime | None) -> tuple[int, ...]:
    days = [0] * DAYS
    if start is None:
        return tuple(days)
    for row, why in zip(rows, reasons, strict=True):
        if row.kind == "click" and not why and row.position is not None:
            day = (row.at - start) // timedelta(days=1)
            if 0 <= day < DAYS:
                days[day] += 1
    return tuple(days)


@dataclass(frozen=True, slots=True)
class TrendLine:
    """One issue in a newsletter's trend."""

    issue_id: str
    subject: str
    made: datetime
    delivered: int
    people_clicked: int
    click_rate: float
    people_opened: int
    unsubscribed: int


def trend(store: Store, newsletter: str, last: int, machine_seconds: int) -> list[TrendLine]:
    """The newsletter's last ``last`` sent issues, oldest first, with their headline figures."""
    lines = []
    for issue_id, subject, made in store.events.recent(newsletter, last):
        report = issue_report(store, issue_id, machine_seconds)
        if report is not None:
            lines.append(TrendLine(issue_id, subject, made, report.delivered, report.people_clicked,
                                   report.click_rate, report.people_opened, report.unsubscribed))  # fmt: skip
    return lines


def expire_events(store: Store, newsletter: str, settings: LinksConfig, now: datetime) -> int:
    """Apply the newsletter's retention_days: its raw events older than that become totals."""
    if not settings.retention_days:
        return 0
    before = now - timedelta(days=settings.retention_days)
    gone = 0
    for issue_id in store.events.issues_with_events_before(before):
        if store.events.newsletter_of(issue_id) == newsletter:
            gone += retention(store, issue_id, before, settings.machine_seconds)
    return gone


def retention(store: Store, issue_id: str, before: datetime, machine_seconds: int) -> int:
    """Fold an issue's events older than ``before`` into its totals and delete them; how many went.

    The events are classified with all of the issue's events in view (the every-link rule needs
    them), so a total counts people and machines as the report did before.
    """
    every = store.events.of_issue(issue_id)
    rows = [r for r in every if r.at < before]  # in time order: the first len(rows) of every
    if not rows:
        return 0
    reasons = classify(every, len(store.events.articles(issue_id)), machine_seconds)[: len(rows)]
    groups: dict[tuple[str, int | None, str], _Tally] = defaultdict(_Tally)
    for index, (row, why) in enumerate(zip(rows, reasons, strict=True)):
        tally = groups[row.kind, row.position if row.kind == "click" else None, why]
        tally.clicks += 1
        tally.people.add(_who(row, index))
    totals = [
        Total(kind, position, why, t.clicks, len(t.people)) for (kind, position, why), t in groups.items()
    ]
    return store.events.roll_up(issue_id, totals, before)
