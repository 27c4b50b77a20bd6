"""Subscriber queries: import, count, stream in batches, change status."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from sqlalchemy import Engine, func, insert, select, update

from digest.models import Subscriber, SubscriberStatus
from digest.store.schema import subscribers

CHUNK = 500
# Statuses an import never overrides: the person asked to leave, or the address does not work.
STICKY = frozenset({SubscriberStatus.UNSUBSCRIBED, SubscriberStatus.BOUNCED, SubscriberStatus.COMPLAINED})


@dataclass(frozen=True, slots=True)
class NewSubscriber:
    """A validated row to add to a list."""

    email: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class ImportCounts:
    """What an import changed."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_out: int = 0


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
        totals = ImportCounts()
        iterator = iter(rows)
        while chunk := list(islice(iterator, CHUNK)):
            counts = self._upsert_chunk(chunk, list_name, source, now, resubscribe)
            totals = ImportCounts(*(a + b for a, b in zip(_tuple(totals), _tuple(counts), strict=True)))
        return totals

    def _upsert_chunk(
        self,
        chunk: Sequence[NewSubscriber],
        list_name: str,
        source: str,
        now: datetime,
        resubscribe: bool,
    ) -> ImportCounts:
        added = updated = unchanged = kept_out = 0
        with self._engine.begin() as conn:
            existing = {
                row.email: row
                for row in conn.execute(
                    select(
                        subscribers.c.id,
                        subscribers.c.email,
                        subscribers.c.name,
                        subscribers.c.status,
                    )
                    .where(subscribers.c.list == list_name)
                    .where(subscribers.c.email.in_([r.email for r in chunk]))
                )
            }
            fresh = []
            for row in chunk:
                old = existing.get(row.email)
                if old is None:
                    fresh.append(_values(row, list_name, source, now))
                    continue
                changes = self._changes(old, row, resubscribe)
                if old.status in STICKY and "status" not in changes:
                    kept_out += 1
                if changes:
                    conn.execute(
                        update(subscribers)
                        .where(subscribers.c.id == old.id)
                        .values(**changes, updated_at=now)
                    )
                    updated += 1
                elif old.status not in STICKY:
                    unchanged += 1
            if fresh:
                conn.execute(insert(subscribers), fresh)
                added = len(fresh)
        return ImportCounts(added, updated, unchanged, kept_out)

    @staticmethod
    def _changes(old: object, row: NewSubscriber, resubscribe: bool) -> dict[str, str]:
        changes: dict[str, str] = {}
        if row.name and row.name != getattr(old, "name", ""):
            changes["name"] = row.name
        if resubscribe and getattr(old, "status", "") != SubscriberStatus.ACTIVE:
            changes["status"] = SubscriberStatus.ACTIVE.value
        return changes

    def count_by_status(self, list_name: str | None = None) -> dict[str, int]:
        """Number of subscribers per status (optionally on one list)."""
        query = select(subscribers.c.status, func.count()).group_by(subscribers.c.status)
        if list_name:
            query = query.where(subscribers.c.list == list_name)
        with self._engine.connect() as conn:
            return {str(status): int(count) for status, count in conn.execute(query)}

    def stream(
        self, list_name: str | None = None, status: str | None = None, batch: int = 1000
    ) -> Iterator[Subscriber]:
        """Every matching subscriber, read in keyset-paginated batches so memory stays flat."""
        after = 0
        while True:
            query = (
                select(subscribers).where(subscribers.c.id > after).order_by(subscribers.c.id).limit(batch)
            )
            if list_name:
                query = query.where(subscribers.c.list == list_name)
            if status:
                query = query.where(subscribers.c.status == status)
            with self._engine.connect() as conn:
                rows = conn.execute(query).all()
            for row in rows:
                yield Subscriber(row.id, row.email, row.list, row.name, SubscriberStatus(row.status))
            if len(rows) < batch:
                return
            after = rows[-1].id

    def get(self, subscriber_id: int) -> Subscriber | None:
        """One subscriber by id."""
        with self._engine.connect() as conn:
            row = conn.execute(select(subscribers).where(subscribers.c.id == subscriber_id)).first()
        if row is None:
            return None
        return Subscriber(row.id, row.email, row.list, row.name, SubscriberStatus(row.status))

    def set_status(self, subscriber_id: int, status: SubscriberStatus, now: datetime) -> None:
        """Change one subscriber's status (unsubscribe takes effect at once, even mid-send)."""
        with self._engine.begin() as conn:
            conn.execute(
                update(subscribers)
                .where(subscribers.c.id == subscriber_id)
                .values(status=status.value, updated_at=now)
            )


def _values(row: NewSubscriber, list_name: str, source: str, now: datetime) -> dict[str, object]:
    return {
        "list": list_name,
        "email": row.email,
        "name": row.name,
        "status": SubscriberStatus.ACTIVE.value,
        "source": source,
        "created_at": now,
        "updated_at": now,
    }


def _tuple(counts: ImportCounts) -> tuple[int, int, int, int]:
    return (counts.added, counts.updated, counts.unchanged, counts.kept_out)
