"""Deliver stage: send the rendered issue to every active subscriber exactly once, resumably.

deliver ─ take the issue's send lock (heartbeat; a dead sender's lock is taken over)
        ─ settle rows an earlier run left in flight
        ─ queue every active subscriber of the list in the ledger (pending)
        ─ workers: claim a batch (in flight) → personalize → pace → send → retry → record
        ─ mark the issue sent once no row is pending or in flight
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from digest.clicks import click_fields
from digest.config import ProviderConfig
from digest.deliver.engine import Engine, Plan, Progress
from digest.deliver.lock import SendLockedError, send_lock
from digest.deliver.thread import ledger_thread
from digest.errors import DigestError
from digest.links import Links
from digest.mime import sender_domain
from digest.models import DeliveryStatus, RenderedIssue
from digest.personalize import Personalizer
from digest.providers.base import Provider
from digest.providers.letter import Addressee, Letter
from digest.providers.pace import Sleep
from digest.segments import Segment
from digest.store import Store
from digest.store.ledger import Claimed
from digest.store.segments import segment_condition

Clock = Callable[[], datetime]
__all__ = [
    "Audience",
    "Clock",
    "DeliveryReport",
    "Progress",
    "SendLockedError",
    "addressing",
    "deliver",
    "letter_for",
    "personalizer_for",
]


@dataclass(frozen=True, slots=True)
class Audience:
    """Who the issue goes to and under which name it is sent."""

    list_name: str
    sender: str
    title: str
    reply_to: str = ""  # the newsletter's as configured now, like the sender (a stored issue has none)
    segment: Segment | None = None  # only this part of the list (None: every active subscriber)


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """What one deliver call did: sent now, failed, suppressed, sent by an earlier run."""

    issue_id: str
    sent: int
    failed: int
    suppressed: int
    already_sent: int
    seconds: float
    reconciled: int = 0  # found accepted by the provider's log after an uncertain outcome
    uncertain: int = 0  # not sent again after an uncertain outcome (on_uncertain = "skip")
    remaining: int = 0  # still pending or in flight (the send stopped early)

    @property
    def attempted(self) -> int:
        """Messages this run tried to send."""
        return self.sent + self.failed


def personalizer_for(rendered: RenderedIssue, links: Links, list_name: str) -> Personalizer:
    """The issue's Personalizer for its subscribers: their links, and their tracked article links."""
    documents = [rendered.html, rendered.text]
    for pair in rendered.variants.documents if rendered.variants else ():
        documents.extend(pair)
    return Personalizer(links, rendered.issue_id, list_name, click_fields(documents))


def addressing(rendered: RenderedIssue, audience: Audience, links: Links) -> Callable[[Claimed], Addressee]:
    """Each ledger row's addressee: their values and List-Unsubscribe header, made by the one Personalizer."""
    personalizer = personalizer_for(rendered, links, audience.list_name)

    def addressee(row: Claimed) -> Addressee:
        personal = personalizer.subscriber(
            row.subscriber_id, row.email, row.name, row.list_name, row.attributes
        )
        return Addressee(row.subscriber_id, row.email, row.name, personal.values, personal.headers)

    return addressee


def letter_for(rendered: RenderedIssue, audience: Audience) -> Letter:
    """The parts every recipient of the issue shares, with the list headers (RFC 2369, 8058)."""
    list_id = f"{audience.title} <{audience.list_name}.{sender_domain(audience.sender)}>"
    headers = (
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ("List-Id", list_id),
        ("X-Digest-Issue", rendered.issue_id),
    )
    return Letter(
        rendered.issue_id, audience.sender, rendered.subject, rendered.html, rendered.text, headers,
        audience.reply_to or rendered.reply_to, rendered.variants,
    )  # fmt: skip


async def deliver(
    rendered: RenderedIssue,
    audience: Audience,
    store: Store,
    provider: Provider,
    links: Links,
    clock: Clock,
    settings: ProviderConfig | None = None,
    *,
    progress: Progress | None = None,
    wait: float = 0.0,
    sleep: Sleep = asyncio.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> DeliveryReport:
    """Send the issue to every active subscriber of the list (or of its segment) who has not had it yet.

    Raises SendLockedError when another process is sending the issue (after ``wait`` seconds),
    and ProviderError when the provider refuses the account or the send keeps failing: rows not
    accepted stay pending for the next run.
    """
    started = time.monotonic()
    settings = settings or ProviderConfig()
    issue_id = rendered.issue_id
    plan = Plan.of(settings, provider.limits)
    lost = DigestError(
        f"Lost the send lock of '{issue_id}' to another process",
        "another `digest` took the issue over after this one stopped answering; it finishes the send",
    )
    with ledger_thread() as db:
        letter, addressee = letter_for(rendered, audience), addressing(rendered, audience, links)
        engine = Engine(
            letter, addressee, store.ledger, provider, clock, plan, db, progress, sleep, monotonic,
        )  # fmt: skip
        async with send_lock(
            store.ledger, db, issue_id, clock, settings.lock_ttl, wait, lambda: engine.halt(lost)
        ):
            # Counted once the lock is ours: what a sender we waited for did is not this run's work.
            before = await db(store.ledger.counts, issue_id)
            where = None if audience.segment is None else segment_condition(audience.segment)
            await engine.run(audience.list_name, where)
        after = await db(store.ledger.counts, issue_id)
        left = after.get(DeliveryStatus.PENDING.value, 0) + after.get(DeliveryStatus.IN_FLIGHT.value, 0)
        if not left:
            await db(store.issues.mark_sent, issue_id, clock())

    return _report(issue_id, before, after, engine, time.monotonic() - started)


def _report(
    issue_id: str, before: dict[str, int], after: dict[str, int], engine: Engine, seconds: float
) -> DeliveryReport:
    """What the send did: the ledger's counts after it, less those before it."""

    def grown(status: DeliveryStatus) -> int:
        return after.get(status.value, 0) - before.get(status.value, 0)

    return DeliveryReport(
        issue_id,
        sent=grown(DeliveryStatus.SENT),
        failed=grown(DeliveryStatus.FAILED),
        suppressed=grown(DeliveryStatus.SUPPRESSED),
        already_sent=before.get(DeliveryStatus.SENT.value, 0),
        seconds=seconds,
        reconciled=engine.reconciled,
        uncertain=engine.given_up,
        remaining=after.get(DeliveryStatus.PENDING.value, 0) + after.get(DeliveryStatus.IN_FLIGHT.value, 0),
    )
