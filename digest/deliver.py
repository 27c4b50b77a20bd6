"""Deliver stage: personalize the rendered issue per subscriber and send it once each, in batches."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from digest.errors import ProviderError
from digest.links import Links
from digest.mime import sender_domain
from digest.models import DeliveryStatus, OutgoingMessage, RenderedIssue
from digest.personalize import Template
from digest.providers.base import Provider
from digest.store import Store
from digest.store.ledger import Claimed

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class Audience:
    """Who the issue goes to and under which name it is sent."""

    list_name: str
    sender: str
    title: str


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """What one deliver call did: sent now, failed, suppressed, sent by an earlier run."""

    issue_id: str
    sent: int
    failed: int
    suppressed: int
    already_sent: int
    seconds: float

    @property
    def attempted(self) -> int:
        """Messages this run tried to send."""
        return self.sent + self.failed


class _Personalizer:
    """Fills the issue's placeholders and list headers for one recipient at a time."""

    def __init__(self, rendered: RenderedIssue, audience: Audience, links: Links) -> None:
        self._rendered = rendered
        self._audience = audience
        self._links = links
        self._html = Template(rendered.html, escape=True)
        self._text = Template(rendered.text, escape=False)
        self._web_url = links.web_url(rendered.issue_id)
        self._list_id = f"{audience.title} <{audience.list_name}.{sender_domain(audience.sender)}>"

    def message(self, row: Claimed) -> OutgoingMessage:
        url = self._links.unsubscribe_url(row.list_name, row.subscriber_id, row.email)
        mailto = self._links.unsubscribe_mailto(row.list_name, row.subscriber_id, row.email)
        values = {
            "email": row.email,
            "name": row.name,
            "unsubscribe_url": url,
            "web_url": self._web_url,
        }
        return OutgoingMessage(
            issue_id=self._rendered.issue_id,
            subscriber_id=row.subscriber_id,
            to=row.email,
            sender=self._audience.sender,
            subject=self._rendered.subject,
            html=self._html.fill(values),
            text=self._text.fill(values),
            headers=(
                ("List-Unsubscribe", f"<{url}>, <{mailto}>"),
                ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
                ("List-Id", self._list_id),
                ("X-Digest-Issue", self._rendered.issue_id),
            ),
        )


def deliver(
    rendered: RenderedIssue,
    audience: Audience,
    store: Store,
    provider: Provider,
    links: Links,
    clock: Clock,
    batch_size: int = 100,
) -> DeliveryReport:
    """Send the issue to every active subscriber of the list who has not had it yet."""
    started = time.monotonic()
    issue_id = rendered.issue_id
    ledger = store.ledger
    ledger.requeue_in_flight(issue_id, clock())
    already = ledger.counts(issue_id).get(DeliveryStatus.SENT.value, 0)
    ledger.enqueue(issue_id, audience.list_name, clock())
    personalizer = _Personalizer(rendered, audience, links)
    size = max(1, min(batch_size, provider.max_batch))
    sent = failed = suppressed = 0
    while batch := ledger.claim(issue_id, size, clock()):
        gone = [row.subscriber_id for row in batch if not row.active]
        ledger.suppress(issue_id, gone, clock())
        suppressed += len(gone)
        messages = [personalizer.message(row) for row in batch if row.active]
        if not messages:
            continue
        try:
            results = provider.send(messages)
        except ProviderError:
            # Nothing in this batch was accepted: put it back so a later run sends it.
            ledger.requeue_in_flight(issue_id, clock())
            raise
        ledger.finish(issue_id, results, clock())
        sent += sum(r.accepted for r in results)
        failed += sum(not r.accepted for r in results)
    counts = ledger.counts(issue_id)
    if not counts.get(DeliveryStatus.PENDING.value) and not counts.get(DeliveryStatus.IN_FLIGHT.value):
        store.issues.mark_sent(issue_id, clock())
    return DeliveryReport(issue_id, sent, failed, suppressed, already, time.monotonic() - started)
