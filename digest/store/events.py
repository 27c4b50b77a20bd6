"""Reader events: clicks recorded by digest serve, opens and clicks from providers, and their totals.

A report reads one issue's events in one index range scan (ix_events_issue_kind_at); what a person
did is joined to when their message was sent (the deliveries primary key), so that a click seconds
after delivery can be told apart from a reader's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Row, and_, delete, func, select

from digest.store.schema import deliveries, event_totals, events, issue_articles, issues, subscribers
from digest.store.sql import insert_ignoring_duplicates, utc

MAX_AGENT = 300


@dataclass(frozen=True, slots=True)
class NewEvent:
    """One event to record; ``event_key`` (a provider's own id) makes a repeat a no-op."""

    issue_id: str
    kind: str  # click | open
    at: datetime
    source: str = "digest"
    position: int | None = None
    subscriber_id: int | None = None
    event_key: str | None = None
    user_agent: str = ""
    machine: str = ""


@dataclass(frozen=True, slots=True)
class EventRow:
    """A recorded event, with when its recipient's message was sent (None: unknown or anonymous)."""

    kind: str
    position: int | None
    subscriber_id: int | None
    at: datetime
    user_agent: str
    machine: str
    source: str
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class Total:
    """What retention left of one group of events."""

    kind: str
    position: int | None
    machine: str
    total: int
    uniques: int


@dataclass(frozen=True, slots=True)
class Article:
    """One article of a sent issue: its position, title, section and where its click lands."""

    position: int
    url: str
    title: str
    section: str
    target: str


class EventRepository:
    """The events and event_totals tables."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record(self, event: NewEvent) -> bool:
        """Store an event; False when its key was recorded before (a provider's retry)."""
        statement = insert_ignoring_duplicates(self._engine, events).values(
            issue_id=event.issue_id[:200],
            kind=event.kind,
            position=event.position,
            subscriber_id=event.subscriber_id,
            source=event.source[:40],
            event_key=event.event_key[:300] if event.event_key else None,
            at=event.at,
            user_agent=event.user_agent[:MAX_AGENT],
            machine=event.machine[:40],
        )
        with self._engine.begin() as conn:
            return conn.execute(statement.returning(events.c.id)).first() is not None

    def article(self, issue_id: str, position: int) -> Article | None:
        """The article at a position of an issue, if the issue has one there."""
        query = select(issue_articles).where(
            issue_articles.c.issue_id == issue_id, issue_articles.c.position == position
        )
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        return _article(row) if row is not None else None

    def articles(self, issue_id: str) -> list[Article]:
        """Every article of an issue, in position order."""
        query = (
            select(issue_articles)
            .where(issue_articles.c.issue_id == issue_id)
            .order_by(issue_articles.c.position)
        )
        with self._engine.connect() as conn:
            return [_article(r) for r in conn.execute(query)]

    def of_issue(self, issue_id: str) -> list[EventRow]:
        """Every raw event of an issue in time order, with its recipient's send time."""
        sent = and_(
            deliveries.c.issue_id == events.c.issue_id, deliveries.c.subscriber_id == events.c.subscriber_id
        )
        query = (
            select(
                events.c.kind,
                events.c.position,
                events.c.subscriber_id,
                events.c.at,
                events.c.user_agent,
                events.c.machine,
                events.c.source,
                deliveries.c.sent_at,
            )
            .select_from(events.outerjoin(deliveries, sent))
            .where(events.c.issue_id == issue_id)
            .order_by(events.c.at, events.c.id)
        )
        with self._engine.connect() as conn:
            return [
                EventRow(
                    r.kind,
                    r.position,
                    r.subscriber_id,
                    utc(r.at) or r.at,
                    r.user_agent,
                    r.machine,
                    r.source,
                    utc(r.sent_at),
                )
                for r in conn.execute(query)
            ]

    def totals(self, issue_id: str) -> list[Total]:
        """What retention kept of the issue's deleted events."""
        query = select(event_totals).where(event_totals.c.issue_id == issue_id)
        with self._engine.connect() as conn:
            return [
                Total(r.kind, None if r.position < 0 else r.position, r.machine, r.total, r.uniques)
                for r in conn.execute(query)
            ]

    def roll_up(self, issue_id: str, totals: Iterable[Total], before: datetime) -> int:
        """Add ``totals`` (the classified counts of the events before ``before``) and delete those events.

        Done in one transaction: the counts and the deletion land together or not at all.
        """
        with self._engine.begin() as conn:
            for total in totals:
                key = (issue_id, total.kind, -1 if total.position is None else total.position, total.machine)
                where = and_(*(c == v for c, v in zip(_TOTAL_KEY, key, strict=True)))
                found = conn.execute(select(event_totals.c.total).where(where)).first()
                if found is None:
                    names = dict(zip(("issue_id", "kind", "position", "machine"), key, strict=True))
                    conn.execute(
                        event_totals.insert().values(
                            {**names, "total": total.total, "uniques": total.uniques}
                        )
                    )
                else:
                    grown = {"total": event_totals.c.total + total.total,
                             "uniques": event_totals.c.uniques + total.uniques}  # fmt: skip
                    conn.execute(event_totals.update().where(where).values(grown))
            gone = conn.execute(delete(events).where(events.c.issue_id == issue_id, events.c.at < before))
        return int(gone.rowcount or 0)

    def issues_with_events_before(self, before: datetime) -> list[str]:
        """Issues that have raw events older than ``before`` (retention's work list)."""
        query = select(events.c.issue_id).where(events.c.at < before).group_by(events.c.issue_id)
        with self._engine.connect() as conn:
            return [r[0] for r in conn.execute(query)]

    def newsletter_of(self, issue_id: str) -> str | None:
        """The newsletter an issue belongs to."""
        with self._engine.connect() as conn:
            return conn.execute(select(issues.c.newsletter).where(issues.c.id == issue_id)).scalar()

    def window(self, issue_id: str) -> tuple[datetime | None, datetime | None]:
        """When the issue's first message went out, and when the newsletter's next issue was made."""
        first = select(func.min(deliveries.c.sent_at)).where(deliveries.c.issue_id == issue_id)
        with self._engine.connect() as conn:
            start = utc(conn.execute(first).scalar())
            row = conn.execute(
                select(issues.c.newsletter, issues.c.created_at).where(issues.c.id == issue_id)
            ).first()
            if row is None:
                return start, None
            later = select(func.min(issues.c.created_at)).where(
                issues.c.newsletter == row.newsletter, issues.c.created_at > row.created_at
            )
            return start, utc(conn.execute(later).scalar())

    def reactions(self, issue_id: str, start: datetime, end: datetime | None) -> dict[str, int]:
        """Recipients of the issue who bounced, complained or unsubscribed between ``start`` and ``end``
        (the next issue): what this issue's sending brought about."""
        counts = {}
        for name in ("bounced", "complained", "unsubscribed"):
            stamp = subscribers.c[f"{name}_at"]
            condition = and_(stamp.is_not(None), stamp >= start, *((stamp < end,) if end else ()))
            query = (
                select(func.count())
                .select_from(deliveries.join(subscribers, subscribers.c.id == deliveries.c.subscriber_id))
                .where(deliveries.c.issue_id == issue_id, deliveries.c.status == "sent", condition)
            )
            with self._engine.connect() as conn:
                counts[name] = int(conn.execute(query).scalar() or 0)
        return counts

    def recent(self, newsletter: str, last: int) -> list[tuple[str, str, datetime]]:
        """The newsletter's last ``last`` issues that went out: (id, subject, made), oldest first."""
        query = (
            select(issues.c.id, issues.c.subject, issues.c.created_at)
            .where(issues.c.newsletter == newsletter, issues.c.status == "sent")
            .order_by(issues.c.created_at.desc())
            .limit(last)
        )
        with self._engine.connect() as conn:
            rows = [(r.id, r.subject, utc(r.created_at) or r.created_at) for r in conn.execute(query)]
        return rows[::-1]

    def locate(self, email: str, issue_id: str = "", message_id: str = "") -> tuple[str, int] | None:
        """(issue, subscriber) of a message a provider reports on: by its message id, else by the
        issue it was tagged with and the address; None when digest sent no such message."""
        query = select(deliveries.c.issue_id, deliveries.c.subscriber_id).where(
            func.lower(deliveries.c.email) == email.strip().lower(), deliveries.c.status == "sent"
        )
        if message_id:
            query = query.where(deliveries.c.message_id == message_id)
        elif issue_id:
            query = query.where(deliveries.c.issue_id == issue_id)
        else:
            return None
        with self._engine.connect() as conn:
            row = conn.execute(query.limit(1)).first()
        return (row.issue_id, row.subscriber_id) if row is not None else None

    def position_of(self, issue_id: str, url: str) -> int | None:
        """The position of the article a clicked URL leads to (its own URL or its tagged target)."""
        for article in self.articles(issue_id):
            if url in (article.url, article.target):
                return article.position
        return None

    def count(self, issue_id: str) -> int:
        """How many raw events an issue has."""
        query = select(func.count()).select_from(events).where(events.c.issue_id == issue_id)
        with self._engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)


_TOTAL_KEY = (event_totals.c.issue_id, event_totals.c.kind, event_totals.c.position, event_totals.c.machine)


def _article(row: Row[Any]) -> Article:
    return Article(row.position, row.url, row.title or "", row.section or "", row.target or row.url)
