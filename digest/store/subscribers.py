"""Subscriber queries: import, look up, stream in batches, and every change of status."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, func, or_, select, update
from sqlalchemy.sql import Select

from digest.models import Subscriber, SubscriberStatus, text_attributes
from digest.store import imports
from digest.store.imports import STICKY, ImportCounts, NewSubscriber
from digest.store.schema import lists, subscribers
from digest.store.sql import insert_ignoring_duplicates, utc

__all__ = ["STICKY", "ImportCounts", "NewSubscriber", "SubscriberRecord", "SubscriberRepository"]

# The column that records when a subscriber last entered each status.
STAMPS = {
    SubscriberStatus.ACTIVE: "subscribed_at",
    SubscriberStatus.UNSUBSCRIBED: "unsubscribed_at",
    SubscriberStatus.BOUNCED: "bounced_at",
    SubscriberStatus.COMPLAINED: "complained_at",
}
# Who may leave by the unsubscribe link (the others are not mailed anyway and keep their reason).
LEAVING = (SubscriberStatus.PENDING.value, SubscriberStatus.ACTIVE.value)


@dataclass(frozen=True, slots=True)
class SubscriberRecord:
    """Everything the store knows about a subscriber, as `digest subscribers export` writes it."""

    subscriber: Subscriber
    source: str
    attributes: dict[str, str] = field(default_factory=dict)
    times: dict[str, datetime | None] = field(default_factory=dict)


class SubscriberRepository:
    """The subscribers table."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def upsert(
        self,
        rows: Iterable[NewSubscriber],
        list_name: str,
        source: str,
        now: datetime,
        *,
        resubscribe: bool = False,
    ) -> ImportCounts:
        """Add new addresses as active, update names; never re-activate a sticky status unless asked."""
        return imports.upsert(self._engine, rows, list_name, source, now, resubscribe)

    def add_pending(self, row: NewSubscriber, list_name: str, source: str, now: datetime) -> Subscriber:
        """Record a sign-up awaiting confirmation; an address already known keeps its status."""
        values = imports.new_values(row, list_name, source, now, SubscriberStatus.PENDING)
        with self._engine.begin() as conn:
            imports.ensure_list(self._engine, conn, list_name, now)
            conn.execute(insert_ignoring_duplicates(self._engine, subscribers).values(**values))
        found = self.find(list_name, row.email)
        assert found is not None  # inserted above, or there already
        return found

    def find(self, list_name: str, email: str) -> Subscriber | None:
        """One subscriber by list and normalized address."""
        query = select(subscribers).where(subscribers.c.list == list_name, subscribers.c.email == email)
        return self._one(query)

    def get(self, subscriber_id: int) -> Subscriber | None:
        """One subscriber by id."""
        return self._one(select(subscribers).where(subscribers.c.id == subscriber_id))

    def changed_at(self, subscriber_id: int, status: SubscriberStatus) -> datetime | None:
        """When the subscriber last entered ``status`` (None when never, or for pending)."""
        column = STAMPS.get(status)
        if column is None:
            return None
        query = select(subscribers.c[column]).where(subscribers.c.id == subscriber_id)
        with self._engine.connect() as conn:
            return utc(conn.execute(query).scalar())

    def lists_active(self) -> list[tuple[str, int]]:
        """Every list the store knows, with its active subscribers, by name (one grouped query)."""
        active = subscribers.c.status == SubscriberStatus.ACTIVE.value
        joined = and_(subscribers.c.list == lists.c.name, active)
        query = (
            select(lists.c.name, func.count(subscribers.c.id))
            .select_from(lists.outerjoin(subscribers, joined))
            .group_by(lists.c.name)
            .order_by(lists.c.name)
        )
        with self._engine.connect() as conn:
            return [(str(name), int(count)) for name, count in conn.execute(query)]

    def count_by_status(
        self, list_name: str | None = None, where: ColumnElement[bool] | None = None
    ) -> dict[str, int]:
        """Number of subscribers per status (optionally on one list, or in a segment: ``where``)."""
        query = select(subscribers.c.status, func.count()).group_by(subscribers.c.status)
        if list_name:
            query = query.where(subscribers.c.list == list_name)
        if where is not None:
            query = query.where(where)
        with self._engine.connect() as conn:
            return {str(status): int(count) for status, count in conn.execute(query)}

    def stream(
        self,
        list_name: str | None = None,
        status: str | None = None,
        batch: int = 1000,
        where: ColumnElement[bool] | None = None,
    ) -> Iterator[Subscriber]:
        """Every matching subscriber (``where``: of a segment), read in keyset-paginated batches so
        memory stays flat."""
        for row in self._rows(list_name, status, batch, where):
            yield _subscriber(row)

    def records(
        self, list_name: str | None = None, status: str | None = None, batch: int = 1000
    ) -> Iterator[SubscriberRecord]:
        """Like ``stream``, with source, attributes and the time of each change."""
        for row in self._rows(list_name, status, batch, None):
            times = {name: utc(row._mapping[name]) for name in ("created_at", *STAMPS.values())}
            yield SubscriberRecord(_subscriber(row), row.source, dict(row.attributes or {}), times)

    def set_status(self, subscriber_id: int, status: SubscriberStatus, now: datetime) -> None:
        """Change one subscriber's status (unsubscribe takes effect at once, even mid-send)."""
        with self._engine.begin() as conn:
            conn.execute(
                update(subscribers).where(subscribers.c.id == subscriber_id).values(**_status(status, now))
            )

    def unsubscribe(self, subscriber_id: int, now: datetime) -> bool:
        """Take a pending or active subscriber off the list; False when they were not on it."""
        statement = (
            update(subscribers)
            .where(subscribers.c.id == subscriber_id, subscribers.c.status.in_(LEAVING))
            .values(**_status(SubscriberStatus.UNSUBSCRIBED, now))
        )
        with self._engine.begin() as conn:
            return bool(conn.execute(statement).rowcount)

    def confirm(self, subscriber_id: int, issued: datetime, now: datetime) -> bool:
        """Activate a double opt-in, unless the person left (or bounced) after the link was sent."""
        current = self.get(subscriber_id)
        if current is None:
            return False
        if current.status == SubscriberStatus.ACTIVE:
            return True
        left = self.changed_at(subscriber_id, current.status)
        if current.status != SubscriberStatus.PENDING and (left is None or left > issued):
            return False
        statement = (
            update(subscribers)
            .where(subscribers.c.id == subscriber_id, subscribers.c.status == current.status.value)
            .values(**_status(SubscriberStatus.ACTIVE, now), soft_bounces=0)
        )
        with self._engine.begin() as conn:
            return bool(conn.execute(statement).rowcount)

    def claim_confirmation(self, subscriber_id: int, now: datetime, gap: timedelta) -> bool:
        """Note that a confirmation email goes out now; False when one went out less than ``gap`` ago."""
        column = subscribers.c.confirm_sent_at
        statement = (
            update(subscribers)
            .where(subscribers.c.id == subscriber_id)
            .where(or_(column.is_(None), column <= now - gap))
            .values(confirm_sent_at=now)
        )
        with self._engine.begin() as conn:
            return bool(conn.execute(statement).rowcount)

    def _one(self, query: Select[Any]) -> Subscriber | None:
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else _subscriber(row)

    def _rows(
        self, list_name: str | None, status: str | None, batch: int, where: ColumnElement[bool] | None
    ) -> Iterator[Any]:
        after = 0
        while True:
            query = (
                select(subscribers).where(subscribers.c.id > after).order_by(subscribers.c.id).limit(batch)
            )
            if list_name:
                query = query.where(subscribers.c.list == list_name)
            if status:
                query = query.where(subscribers.c.status == status)
            if where is not None:
                query = query.where(where)
            with self._engine.connect() as conn:
                rows = conn.execute(query).all()
            yield from rows
            if len(rows) < batch:
                return
            after = rows[-1].id


def _subscriber(row: Any) -> Subscriber:
    return Subscriber(
        row.id, row.email, row.list, row.name, SubscriberStatus(row.status), text_attributes(row.attributes)
    )


def _status(status: SubscriberStatus, now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {"status": status.value, "updated_at": now}
    if status in STAMPS:
        values[STAMPS[status]] = now
    return values
