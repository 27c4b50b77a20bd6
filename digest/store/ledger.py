"""The delivery ledger: one row per (issue, subscriber), so nobody is mailed twice or forgotten.

A row moves pending → in_flight (claimed, with the batch key of its request) → sent, failed or
suppressed; a row found in flight after a crash is reconciled by the deliver stage. The send lock
(one sender per issue, kept alive by a heartbeat) lives here too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Row,
    Select,
    Update,
    bindparam,
    case,
    delete,
    func,
    literal,
    select,
    update,
)

from digest.models import DeliveryStatus, SendResult, SubscriberStatus, text_attributes
from digest.store.schema import deliveries, issues, send_locks, subscribers
from digest.store.sql import insert_ignoring_duplicates, utc

PENDING, IN_FLIGHT = DeliveryStatus.PENDING.value, DeliveryStatus.IN_FLIGHT.value
SENT, FAILED = DeliveryStatus.SENT.value, DeliveryStatus.FAILED.value


@dataclass(frozen=True, slots=True)
class Claimed:
    """A ledger row taken for sending, with the subscriber as the store knows them right now."""

    subscriber_id: int
    email: str
    name: str
    list_name: str
    active: bool
    # The subscriber's CSV attributes, read with the row: a batch's lookup is the claim's own query.
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class InFlight:
    """Rows that were handed to the provider in one request whose outcome is not recorded."""

    batch_key: str
    claimed_at: datetime | None
    rows: list[Claimed]


@dataclass(frozen=True, slots=True)
class Tally:
    """What recording a batch's results did to its rows."""

    sent: int = 0
    failed: int = 0
    retry: int = 0


@dataclass(frozen=True, slots=True)
class IssueDeliveries:
    """An issue with its ledger rows counted per state (for `digest issues`)."""

    issue_id: str
    newsletter: str
    subject: str
    status: str
    created: datetime | None
    sent: datetime | None
    counts: dict[str, int]


class Ledger:
    """The deliveries table and the send locks."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def enqueue(
        self, issue_id: str, list_name: str, now: datetime, where: ColumnElement[bool] | None = None
    ) -> int:
        """Add a pending row for every active subscriber of the list not yet in the ledger.

        ``where`` narrows them to a segment (a condition on the subscribers table).
        """
        active = subscribers.c.status == SubscriberStatus.ACTIVE.value
        values = (literal(PENDING), literal(0), literal(""), literal(""), literal(now), literal(""))
        source = select(literal(issue_id), subscribers.c.id, subscribers.c.email, *values).where(
            subscribers.c.list == list_name, active
        )
        if where is not None:
            source = source.where(where)
        columns = ["issue_id", "subscriber_id", "email", "status", "attempts", "message_id", "error"]
        statement = (
            insert_ignoring_duplicates(self._engine, deliveries)
            .from_select([*columns, "updated_at", "batch_key"], source)
            .returning(deliveries.c.subscriber_id)
        )
        # RETURNING counts the new rows on both backends (psycopg reports rowcount -1 here).
        with self._engine.begin() as conn:
            return sum(1 for _ in conn.execute(statement))

    def claim(
        self, issue_id: str, limit: int, now: datetime, batch_key: str = "",
        key_of: Callable[[Claimed], str] | None = None,
    ) -> list[Claimed]:  # fmt: skip
        """Mark the next ``limit`` pending rows in flight under ``batch_key`` and return them.

        ``key_of`` gives each row its own batch key instead (the rows of one variant of the issue
        form one batch), in the same transaction: no row is ever in flight under another's key.
        """
        query = _rows(issue_id, PENDING).order_by(deliveries.c.subscriber_id).limit(limit)
        with self._engine.begin() as conn:
            rows = [_claimed(r) for r in conn.execute(query).all()]
            keys: dict[str, list[int]] = {}
            for row in rows:
                keys.setdefault(key_of(row) if key_of else batch_key, []).append(row.subscriber_id)
            for key, ids in keys.items():
                conn.execute(
                    _where_ids(issue_id, ids).values(
                        status=IN_FLIGHT,
                        attempts=deliveries.c.attempts + 1,
                        batch_key=key,
                        claimed_at=now,
                        updated_at=now,
                    )
                )
        return rows

    def in_flight(self, issue_id: str) -> Iterator[InFlight]:
        """Rows left in flight, one request (batch key) at a time."""
        keys = (
            select(deliveries.c.batch_key, func.min(deliveries.c.claimed_at))
            .where(deliveries.c.issue_id == issue_id, deliveries.c.status == IN_FLIGHT)
            .group_by(deliveries.c.batch_key)
        )
        with self._engine.connect() as conn:
            batches = conn.execute(keys).all()
        for key, claimed in batches:
            query = _rows(issue_id, IN_FLIGHT).where(deliveries.c.batch_key == key)
            with self._engine.connect() as conn:
                rows = [_claimed(r) for r in conn.execute(query.order_by(deliveries.c.subscriber_id))]
            yield InFlight(key, utc(claimed), rows)

    def record(
        self, issue_id: str, results: Sequence[SendResult], now: datetime, max_attempts: int = 1
    ) -> Tally:
        """Record a batch's results: sent; failed (a permanent refusal also bounces the address);
        or, for a passing failure, pending again until the row has had ``max_attempts`` tries."""
        sent = [r for r in results if r.accepted]
        permanent = [r for r in results if not r.accepted and r.permanent]
        passing = [r for r in results if not r.accepted and not r.permanent]
        with self._engine.begin() as conn:
            if sent:
                conn.execute(
                    _by_param(issue_id).values(
                        status=SENT, message_id=bindparam("m"), error="", sent_at=now, updated_at=now
                    ),
                    [{"s": r.subscriber_id, "m": r.message_id} for r in sent],
                )
            if permanent:
                conn.execute(
                    _by_param(issue_id).values(status=FAILED, error=bindparam("e"), updated_at=now),
                    [{"s": r.subscriber_id, "e": r.error} for r in permanent],
                )
                conn.execute(
                    update(subscribers)
                    .where(subscribers.c.id.in_([r.subscriber_id for r in permanent]))
                    .where(subscribers.c.status == SubscriberStatus.ACTIVE.value)
                    .values(status=SubscriberStatus.BOUNCED.value, updated_at=now)
                )
            retried = self._retry_or_fail(conn, issue_id, passing, now, max_attempts)
        failed = len(permanent) + len(passing) - retried
        return Tally(len(sent), failed, retried)

    @staticmethod
    def _retry_or_fail(
        conn: Connection, issue_id: str, passing: Sequence[SendResult], now: datetime, max_attempts: int
    ) -> int:
        if not passing:
            return 0
        status = case((deliveries.c.attempts >= max_attempts, FAILED), else_=PENDING)
        conn.execute(
            _by_param(issue_id).values(status=status, error=bindparam("e"), updated_at=now),
            [{"s": r.subscriber_id, "e": r.error} for r in passing],
        )
        ids = [r.subscriber_id for r in passing]
        query = select(func.count()).where(
            deliveries.c.issue_id == issue_id,
            deliveries.c.subscriber_id.in_(ids),
            deliveries.c.status == PENDING,
        )
        return int(conn.execute(query).scalar_one())

    def release(self, issue_id: str, subscriber_ids: Sequence[int], now: datetime) -> None:
        """Rows the provider did not take go back to pending, for this run or the next."""
        self._set(issue_id, subscriber_ids, now, status=PENDING)

    def give_up(self, issue_id: str, subscriber_ids: Sequence[int], now: datetime, error: str) -> None:
        """Rows that will not be tried again (at-most-once after an uncertain outcome)."""
        self._set(issue_id, subscriber_ids, now, status=FAILED, error=error)

    def suppress(self, issue_id: str, subscriber_ids: Sequence[int], now: datetime) -> None:
        """Rows whose subscriber left the list after the send began are never sent."""
        self._set(issue_id, subscriber_ids, now, status="suppressed", error="no longer subscribed")

    def _set(self, issue_id: str, subscriber_ids: Sequence[int], now: datetime, **values: str) -> None:
        if subscriber_ids:
            with self._engine.begin() as conn:
                conn.execute(_where_ids(issue_id, subscriber_ids).values(**values, updated_at=now))

    def counts(self, issue_id: str) -> dict[str, int]:
        """Rows per status for one issue."""
        query = (
            select(deliveries.c.status, func.count())
            .where(deliveries.c.issue_id == issue_id)
            .group_by(deliveries.c.status)
        )
        with self._engine.connect() as conn:
            return {str(status): int(count) for status, count in conn.execute(query)}

    def issues(self, limit: int = 100) -> list[IssueDeliveries]:
        """The latest issues, newest first, each with its rows counted per state."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(issues).order_by(issues.c.created_at.desc()).limit(limit)).all()
            counted = conn.execute(
                select(deliveries.c.issue_id, deliveries.c.status, func.count())
                .where(deliveries.c.issue_id.in_([r.id for r in rows]))
                .group_by(deliveries.c.issue_id, deliveries.c.status)
            ).all()
        counts: dict[str, dict[str, int]] = {}
        for issue_id, status, count in counted:
            counts.setdefault(issue_id, {})[status] = int(count)
        return [
            IssueDeliveries(
                r.id,
                r.newsletter,
                r.subject,
                r.status,
                utc(r.created_at),
                utc(r.sent_at),
                counts.get(r.id, {}),
            )
            for r in rows
        ]

    def lock(
        self,
        issue_id: str,
        owner: str,
        now: datetime,
        ttl: float,
        stale: Callable[[str], bool] = lambda _: False,
    ) -> tuple[str, datetime] | None:
        """Take the issue's send lock: None when taken, else (holder, expiry) of whoever has it.

        A lock past its expiry, or whose holder ``stale`` says is gone, is taken over.
        """
        expires = now + timedelta(seconds=ttl)
        with self._engine.begin() as conn:
            conn.execute(
                insert_ignoring_duplicates(self._engine, send_locks).values(
                    issue_id=issue_id, owner=owner, acquired_at=now, expires_at=expires
                )
            )
            held = conn.execute(select(send_locks).where(send_locks.c.issue_id == issue_id)).one()
            until = utc(held.expires_at) or now
            if held.owner != owner and until > now and not stale(held.owner):
                return held.owner, until
            # Compare-and-set on the holder we saw, so two takers of a stale lock cannot both win.
            taken = conn.execute(
                update(send_locks)
                .where(send_locks.c.issue_id == issue_id, send_locks.c.owner == held.owner)
                .values(owner=owner, acquired_at=now, expires_at=expires)
            ).rowcount
        return None if taken == 1 else (held.owner, until)

    def lock_holder(self, issue_id: str) -> str | None:
        """Who holds (or last held, if it died holding it) the issue's send lock; None when it is free."""
        with self._engine.connect() as conn:
            return conn.execute(select(send_locks.c.owner).where(send_locks.c.issue_id == issue_id)).scalar()

    def renew(self, issue_id: str, owner: str, now: datetime, ttl: float) -> bool:
        """Extend our lock (the heartbeat); False when someone else has taken it over."""
        with self._engine.begin() as conn:
            return (
                conn.execute(
                    update(send_locks)
                    .where(send_locks.c.issue_id == issue_id, send_locks.c.owner == owner)
                    .values(expires_at=now + timedelta(seconds=ttl))
                ).rowcount
                == 1
            )

    def unlock(self, issue_id: str, owner: str) -> None:
        """Give the lock up (only if it is still ours)."""
        with self._engine.begin() as conn:
            conn.execute(
                delete(send_locks).where(send_locks.c.issue_id == issue_id, send_locks.c.owner == owner)
            )


def _rows(issue_id: str, status: str) -> Select[Any]:
    return (
        select(
            deliveries.c.subscriber_id, subscribers.c.email, subscribers.c.name, subscribers.c.list,
            subscribers.c.status, subscribers.c.attributes,
        )
        .join(subscribers, subscribers.c.id == deliveries.c.subscriber_id)
        .where(deliveries.c.issue_id == issue_id, deliveries.c.status == status)
    )  # fmt: skip


def _claimed(row: Row[Any]) -> Claimed:
    return Claimed(
        row.subscriber_id, row.email, row.name, row.list, row.status == SubscriberStatus.ACTIVE.value,
        text_attributes(row.attributes),
    )  # fmt: skip


def _where_ids(issue_id: str, subscriber_ids: Sequence[int]) -> Update:
    return update(deliveries).where(
        deliveries.c.issue_id == issue_id, deliveries.c.subscriber_id.in_(list(subscriber_ids))
    )


def _by_param(issue_id: str) -> Update:
    return update(deliveries).where(
        deliveries.c.issue_id == issue_id, deliveries.c.subscriber_id == bindparam("s")
    )
