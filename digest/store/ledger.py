"""The delivery ledger: one row per (issue, subscriber), so nobody is mailed twice or forgotten."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, and_, func, literal, select, update

from digest.models import DeliveryStatus, SendResult, SubscriberStatus
from digest.store.schema import deliveries, subscribers
from digest.store.sql import insert_ignoring_duplicates


@dataclass(frozen=True, slots=True)
class Claimed:
    """A ledger row taken for sending, with the subscriber as the store knows them right now."""

    subscriber_id: int
    email: str
    name: str
    list_name: str
    active: bool


class Ledger:
    """The deliveries table."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def enqueue(self, issue_id: str, list_name: str, now: datetime) -> int:
        """Add a pending row for every active subscriber of the list not yet in the ledger."""
        source = select(
            literal(issue_id),
            subscribers.c.id,
            subscribers.c.email,
            literal(DeliveryStatus.PENDING.value),
            literal(0),
            literal(""),
            literal(""),
            literal(now),
        ).where(subscribers.c.list == list_name, subscribers.c.status == SubscriberStatus.ACTIVE.value)
        columns = [
            "issue_id",
            "subscriber_id",
            "email",
            "status",
            "attempts",
            "message_id",
            "error",
            "updated_at",
        ]
        statement = (
            insert_ignoring_duplicates(self._engine, deliveries)
            .from_select(columns, source)
            .returning(deliveries.c.subscriber_id)
        )
        # RETURNING counts the new rows on both backends (psycopg reports rowcount -1 here).
        with self._engine.begin() as conn:
            return sum(1 for _ in conn.execute(statement))

    def requeue_in_flight(self, issue_id: str, now: datetime) -> int:
        """After a crash, rows left in flight go back to pending (at-least-once)."""
        with self._engine.begin() as conn:
            return conn.execute(
                update(deliveries)
                .where(deliveries.c.issue_id == issue_id)
                .where(deliveries.c.status == DeliveryStatus.IN_FLIGHT.value)
                .values(status=DeliveryStatus.PENDING.value, updated_at=now)
            ).rowcount

    def claim(self, issue_id: str, limit: int, now: datetime) -> list[Claimed]:
        """Mark the next ``limit`` pending rows in flight and return them (streamed by id)."""
        query = (
            select(
                deliveries.c.subscriber_id,
                subscribers.c.email,
                subscribers.c.name,
                subscribers.c.list,
                subscribers.c.status,
            )
            .join(subscribers, subscribers.c.id == deliveries.c.subscriber_id)
            .where(deliveries.c.issue_id == issue_id)
            .where(deliveries.c.status == DeliveryStatus.PENDING.value)
            .order_by(deliveries.c.subscriber_id)
            .limit(limit)
        )
        with self._engine.begin() as conn:
            rows = conn.execute(query).all()
            if rows:
                conn.execute(
                    update(deliveries)
                    .where(deliveries.c.issue_id == issue_id)
                    .where(deliveries.c.subscriber_id.in_([r.subscriber_id for r in rows]))
                    .values(
                        status=DeliveryStatus.IN_FLIGHT.value,
                        attempts=deliveries.c.attempts + 1,
                        updated_at=now,
                    )
                )
        return [
            Claimed(r.subscriber_id, r.email, r.name, r.list, r.status == SubscriberStatus.ACTIVE.value)
            for r in rows
        ]

    def finish(self, issue_id: str, results: Sequence[SendResult], now: datetime) -> None:
        """Record what the provider said about each message of a batch."""
        with self._engine.begin() as conn:
            for result in results:
                status = DeliveryStatus.SENT if result.accepted else DeliveryStatus.FAILED
                conn.execute(
                    update(deliveries)
                    .where(
                        and_(
                            deliveries.c.issue_id == issue_id,
                            deliveries.c.subscriber_id == result.subscriber_id,
                        )
                    )
                    .values(
                        status=status.value,
                        message_id=result.message_id,
                        error=result.error,
                        updated_at=now,
                    )
                )

    def suppress(self, issue_id: str, subscriber_ids: Sequence[int], now: datetime) -> None:
        """Rows whose subscriber left the list after the send began are never sent."""
        if not subscriber_ids:
            return
        with self._engine.begin() as conn:
            conn.execute(
                update(deliveries)
                .where(deliveries.c.issue_id == issue_id)
                .where(deliveries.c.subscriber_id.in_(subscriber_ids))
                .values(
                    status=DeliveryStatus.SUPPRESSED.value,
                    error="no longer subscribed",
                    updated_at=now,
                )
            )

    def counts(self, issue_id: str) -> dict[str, int]:
        """Rows per status for one issue."""
        query = (
            select(deliveries.c.status, func.count())
            .where(deliveries.c.issue_id == issue_id)
            .group_by(deliveries.c.status)
        )
        with self._engine.connect() as conn:
            return {str(status): int(count) for status, count in conn.execute(query)}
