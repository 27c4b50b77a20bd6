"""A person's data on request: everything the store holds about an address, and its erasure.

Erasure (GDPR art. 17) deletes the address from every list, its deliveries, its events and the
provider feedback naming it. What is kept is the SHA-256 of the address alone (``forgotten``), so
that an old CSV imported later does not bring the person back: an import skips those addresses.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, select

from digest.store.schema import deliveries, events, forgotten, subscribers, webhook_events
from digest.store.sql import insert_ignoring_duplicates, utc


def address_hash(email: str) -> str:
    """The hash an erased address is remembered by (of its lower-cased form)."""
    return hashlib.sha256(b"digest-forgotten\x00" + email.strip().lower().encode()).hexdigest()


def forgotten_among(conn: Connection, emails: Iterable[str]) -> set[str]:
    """The addresses among ``emails`` that were erased on request."""
    by_hash = {address_hash(e): e for e in emails}
    if not by_hash:
        return set()
    query = select(forgotten.c.email_hash).where(forgotten.c.email_hash.in_(list(by_hash)))
    return {by_hash[h] for (h,) in conn.execute(query)}


class PrivacyRepository:
    """Export and erasure of one address across every table."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def export(self, email: str) -> dict[str, Any]:
        """Everything held about ``email``: its subscriptions, the issues sent to it, its events."""
        address = email.strip().lower()
        with self._engine.connect() as conn:
            people = conn.execute(
                select(subscribers)
                .where(func.lower(subscribers.c.email) == address)
                .order_by(subscribers.c.id)
            ).all()
            ids = [p.id for p in people]
            sent = conn.execute(
                select(deliveries.c.issue_id, deliveries.c.status, deliveries.c.sent_at)
                .where(deliveries.c.subscriber_id.in_(ids))
                .order_by(deliveries.c.issue_id)
            ).all()
            clicks = conn.execute(
                select(
                    events.c.issue_id,
                    events.c.kind,
                    events.c.position,
                    events.c.at,
                    events.c.source,
                    events.c.user_agent,
                )
                .where(events.c.subscriber_id.in_(ids))
                .order_by(events.c.at)
            ).all()
            feedback = conn.execute(
                select(webhook_events.c.provider, webhook_events.c.kind, webhook_events.c.received_at).where(
                    func.lower(webhook_events.c.email) == address
                )
            ).all()
        return {
            "email": address,
            "subscriptions": [_subscription(p) for p in people],
            "deliveries": [
                {"issue": d.issue_id, "status": d.status, "sent_at": _when(d.sent_at)} for d in sent
            ],
            "events": [
                {
                    "issue": e.issue_id,
                    "kind": e.kind,
                    "article": e.position,
                    "at": _when(e.at),
                    "source": e.source,
                    "user_agent": e.user_agent,
                }
                for e in clicks
            ],
            "provider_feedback": [
                {"provider": f.provider, "kind": f.kind, "at": _when(f.received_at)} for f in feedback
            ],
        }

    def forget(self, email: str, now: datetime) -> dict[str, int]:
        """Erase ``email`` everywhere in one transaction; how many rows of each kind went."""
        address = email.strip().lower()
        with self._engine.begin() as conn:
            ids = [
                r.id
                for r in conn.execute(
                    select(subscribers.c.id).where(func.lower(subscribers.c.email) == address)
                )
            ]
            gone = {
                "events": conn.execute(delete(events).where(events.c.subscriber_id.in_(ids))).rowcount,
                "deliveries": conn.execute(
                    delete(deliveries).where(deliveries.c.subscriber_id.in_(ids))
                ).rowcount,
                "provider_feedback": conn.execute(
                    delete(webhook_events).where(func.lower(webhook_events.c.email) == address)
                ).rowcount,
                "subscriptions": conn.execute(delete(subscribers).where(subscribers.c.id.in_(ids))).rowcount,
            }
            conn.execute(
                insert_ignoring_duplicates(self._engine, forgotten).values(
                    email_hash=address_hash(address), forgotten_at=now
                )
            )
        return {k: int(v or 0) for k, v in gone.items()}


def _when(value: datetime | None) -> str | None:
    stamp = utc(value)
    return stamp.isoformat() if stamp else None


def _subscription(row: Any) -> dict[str, Any]:
    return {
        "list": row.list,
        "name": row.name,
        "status": row.status,
        "source": row.source,
        "attributes": row.attributes or {},
        "created_at": _when(row.created_at),
        "subscribed_at": _when(row.subscribed_at),
        "unsubscribed_at": _when(row.unsubscribed_at),
        "bounced_at": _when(row.bounced_at),
        "complained_at": _when(row.complained_at),
    }
