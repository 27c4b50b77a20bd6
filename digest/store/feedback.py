"""Provider feedback (bounces, complaints, unsubscribes) applied to the list once per event.

Providers also report engagement (opens and clicks) through the same webhooks: ``Engagement`` is
read beside ``Feedback`` and recorded as a reader event (store.events), never applied to the list.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeAlias

from sqlalchemy import Connection, Engine, delete, select, update

from digest.models import SubscriberStatus
from digest.store.schema import deliveries, subscribers, webhook_events, webhook_tokens
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
    """One provider event about one address; ``event_id`` is the provider's own, for idempotency.

    ``message_id`` is set by providers whose signature does not cover the event (Mailgun): the
    event is then applied only when the ledger holds that message, sent to that address.
    """

    provider: str
    event_id: str
    kind: FeedbackKind
    email: str
    message_id: str | None = None


class EngagementKind(enum.StrEnum):
    """What a reader did with a message, as the provider saw it (the events table's kinds)."""

    OPEN = "open"
    CLICK = "click"


@dataclass(frozen=True, slots=True)
class Engagement:
    """One open or click a provider reported; ``event_id`` is the provider's own, for idempotency.

    The message it is about is found by ``message_id`` (the provider's id, as the ledger keeps it),
    else by ``issue_id`` (the tag the message carried) with the address. A provider whose signature
    does not cover the event (Mailgun) gives no ``issue_id``: only a message the ledger holds counts.
    ``at`` is the provider's time of the event (None: not given), ``machine`` what the provider says
    the reader was when it flags a machine ("apple privacy", "provider"; "" for a person).
    """

    provider: str
    event_id: str
    kind: EngagementKind
    email: str
    message_id: str = ""
    issue_id: str = ""
    at: datetime | None = None
    url: str = ""
    user_agent: str = ""
    machine: str = ""


ProviderEvent: TypeAlias = Feedback | Engagement
"""What a provider's webhook reads: feedback about an address, or a reader's open or click."""


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

    def claim_token(
        self, provider: str, token: str, body_sha256: str, now: datetime, keep: timedelta
    ) -> bool:
        """Remember a webhook signature's token with its body; False when it came with another body.

        The same body again is the provider retrying; another body under a used token is a captured
        signature replayed. Tokens older than ``keep`` are forgotten: their timestamps are stale by then.
        """
        record = insert_ignoring_duplicates(self._engine, webhook_tokens).values(
            provider=provider[:20], token=token, body_sha256=body_sha256, seen_at=now
        )
        seen = select(webhook_tokens.c.body_sha256).where(
            webhook_tokens.c.provider == provider[:20], webhook_tokens.c.token == token
        )
        with self._engine.begin() as conn:
            conn.execute(delete(webhook_tokens).where(webhook_tokens.c.seen_at < now - keep))
            conn.execute(record)
            return conn.execute(seen).scalar() == body_sha256

    def sent_message(self, message_id: str, email: str) -> bool:
        """Whether the ledger holds a message with this provider id sent to this address."""
        bare = message_id.strip().strip("<>").strip()
        if not bare:
            return False
        # Providers answer a send with "<id>" and name it "id" in their events: match either.
        query = (
            select(deliveries.c.issue_id)
            .where(deliveries.c.message_id.in_([bare, f"<{bare}>"]))
            .where(deliveries.c.email == email.strip().lower())
            .limit(1)
        )
        with self._engine.connect() as conn:
            return conn.execute(query).first() is not None


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
