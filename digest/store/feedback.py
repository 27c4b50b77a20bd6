"""Provider feedback (bounces, complaints, unsubscribes) applied to the list once per event."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, update

from digest.models import SubscriberStatus
from digest.store.schema import subscribers, webhook_events
from digest.store.sql import insert_ignoring_duplicates

# Only people still being mailed are moved: an unsubscribed address keeps its reason.
MAILED = (SubscriberStatus.PENDING.value, SubscriberStatus.ACTIVE.value)


class FeedbackKind(enum.StrEnum):
    """What a provider told us about an address."""

    HARD_BOUNCE = "hard_bounce"
    SOFT_BOUNCE = "soft_bounce"
    COMPLAINT = "complaint"
    UNSUBSCRIBE = "unsubscribe"


@dataclass(frozen=True, slots=True)
class Feedback:
    """One provider event about one address; ``event_id`` is the provider's own, for idempotency."""

    provider: str
    event_id: str
    kind: FeedbackKind
    email: str


class FeedbackRepository:
    """The webhook_events table, and the subscriber changes each new event makes."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def apply(self, event: Feedback, now: datetime, soft_bounce_limit: int) -> bool:
        """Apply an event to every list holding the address; False when it was applied before."""
        email = event.email.strip().lower()
        record = (
            insert_ignoring_duplicates(self._engine, webhook_events)
            .values(
                provider=event.provider,
                event_id=event.event_id[:200],
                kind=event.kind.value,
                email=email[:320],
                received_at=now,
            )
            .returning(webhook_events.c.event_id)
        )
        with self._engine.begin() as conn:
            if conn.execute(record).first() is None:
                return False
            _change(conn, event.kind, email, now, soft_bounce_limit)
        return True


def _change(conn: Connection, kind: FeedbackKind, email: str, now: datetime, limit: int) -> None:
    mailed = update(subscribers).where(subscribers.c.email == email, subscribers.c.status.in_(MAILED))
    if kind == FeedbackKind.HARD_BOUNCE:
        conn.execute(mailed.values(status=SubscriberStatus.BOUNCED.value, bounced_at=now, updated_at=now))
    elif kind == FeedbackKind.UNSUBSCRIBE:
        conn.execute(
            mailed.values(status=SubscriberStatus.UNSUBSCRIBED.value, unsubscribed_at=now, updated_at=now)
        )
    elif kind == FeedbackKind.COMPLAINT:
        # A complaint outranks any other reason: never mail this address again, on any list.
        conn.execute(
            update(subscribers)
            .where(subscribers.c.email == email)
            .where(subscribers.c.status != SubscriberStatus.COMPLAINED.value)
            .values(status=SubscriberStatus.COMPLAINED.value, complained_at=now, updated_at=now)
        )
    else:
        conn.execute(mailed.values(soft_bounces=subscribers.c.soft_bounces + 1, updated_at=now))
        conn.execute(
            mailed.where(subscribers.c.soft_bounces >= limit).values(
                status=SubscriberStatus.BOUNCED.value, bounced_at=now, updated_at=now
            )
        )
