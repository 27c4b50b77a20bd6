"""Delivery against the provider stub while things go wrong: exactly once, and the ledger agrees."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from conftest import NOW
from stub_provider import TOKEN, Faults, Stub, serve

from digest.config import ProviderConfig
from digest.deliver import Audience, DeliveryReport, SendLockedError, deliver
from digest.errors import ProviderError
from digest.links import Links
from digest.models import RenderedIssue, SubscriberStatus
from digest.personalize import placeholder
from digest.providers import create_provider
from digest.providers.base import Provider, SendOutcome, TransientError
from digest.providers.letter import Batch
from digest.store import Store
from digest.store.subscribers import NewSubscriber

AUDIENCE = Audience("weekly", "The Meridian <newsletter@example.org>", "The Meridian Weekly")
LINKS = Links("https://news.example.org", "test-secret", AUDIENCE.sender)
ISSUE = "weekly-2026-11-25"
HTML = f'<p>Hello {placeholder("name")}</p><a href="{placeholder("unsubscribe_url")}">Unsubscribe</a>'
TEXT = f"Hello {placeholder('name')}\nUnsubscribe: {placeholder('unsubscribe_url')}\n"
# Short backoffs. A "slow" answer comes after 3 s, past the 1 s client timeout; no assertion depends
# on which requests timed out: the client's own count of uncertain batches is what bounds them.
FAST = {"timeout": 1.0, "backoff": 0.005, "backoff_max": 0.05, "reconcile_delay": 0.0}


def prepare(store: Store, count: int) -> RenderedIssue:
    """``count`` subscribers on the list and a stored issue for them."""
    people = [NewSubscriber(f"reader{i}@example.org", f"Reader {i}") for i in range(count)]
    store.subscribers.upsert(people, "weekly", "test", NOW)
    rendered = RenderedIssue(ISSUE, "weekly", "This week", HTML, TEXT)
    store.issues.create(rendered, "2026-11-25", "weekly", [], NOW)
    return rendered


def settings(stub: Stub | str, name: str = "postmark", **overrides: Any) -> ProviderConfig:
    """[provider] pointed at the stub, with test-sized timeouts."""
    base = stub if isinstance(stub, str) else stub.base
    return ProviderConfig.model_validate({"name": name, "base_url": base, **FAST, **overrides})


class Counting:
    """The provider, counting the rows of every batch whose outcome it could not know."""

    def __init__(self, inner: Provider) -> None:
        self.inner, self.uncertain_rows = inner, 0
        self.name, self.limits, self.reconcile = inner.name, inner.limits, inner.reconcile

    async def send(self, batch: Batch) -> SendOutcome:
        try:
            return await self.inner.send(batch)
        except TransientError as exc:
            self.uncertain_rows += len(batch) if exc.uncertain else 0
            raise

    async def accepted(self, batch: Batch) -> dict[int, str] | None:
        return await self.inner.accepted(batch)

    async def aclose(self) -> None:
        await self.inner.aclose()


def send(
    store: Store,
    rendered: RenderedIssue,
    config: ProviderConfig,
    environ: dict[str, str] | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    counted: list[Counting] | None = None,
) -> DeliveryReport:
    """One deliver call with a real client and the configured provider (appended to ``counted``)."""
    env = {"POSTMARK_TOKEN": TOKEN, "RESEND_API_KEY": TOKEN} if environ is None else environ

    async def main() -> DeliveryReport:
        async with httpx.AsyncClient(timeout=config.timeout) as client:
            provider = Counting(create_provider(config, client=client, environ=env))
            if counted is not None:
                counted.append(provider)
            try:
                return await deliver(
                    rendered, AUDIENCE, store, provider, LINKS, lambda: NOW, config, sleep=sleep
                )
            finally:
                await provider.aclose()

    return asyncio.run(main())


def test_every_active_recipient_gets_one_copy_through_429s_5xx_drops_and_refusals(store: Store) -> None:
    rendered = prepare(store, 10_000)
    faults = Faults(
        rate_429=0.10, rate_5xx=0.10, rate_drop=0.01, rate_drop_after=0.01, rate_slow=0.01, slow=3.0,
        rate_refuse=0.002, latency=0.002, script={5: "drop_after", 9: "slow"},
    )  # fmt: skip
    with serve(faults, inactive={"reader7@example.org"}) as stub:
        report = send(store, rendered, settings(stub, batch_size=250))
    active = {s.email for s in store.subscribers.stream("weekly", "active")}
    assert stub.inactive and all(stub.received[a] == 1 for a in active), "an active reader lost or doubled"
    assert stub.duplicates() == 0
    counts = store.ledger.counts(ISSUE)
    assert counts == {"sent": len(active), "failed": len(stub.inactive)}
    assert sum(stub.received.values()) == counts["sent"] == report.sent
    bounced = {s.email for s in store.subscribers.stream("weekly", SubscriberStatus.BOUNCED.value)}
    assert bounced == stub.inactive
    assert stub.hits["429"] and stub.hits["5xx"] and stub.hits["drop_after"] + stub.hits["slow"]
    stored = store.issues.get(ISSUE)
    assert stored is not None and stored.status == "sent"


def test_a_refused_key_stops_the_send_at_once_and_names_the_variable(store: Store) -> None:
    rendered = prepare(store, 300)
    with serve() as stub, pytest.raises(ProviderError) as raised:
        send(store, rendered, settings(stub, batch_size=100), {"POSTMARK_TOKEN": "wrong"})
    assert "401" in str(raised.value) and "Hint: set POSTMARK_TOKEN" in str(raised.value)
    assert sum(stub.received.values()) == 0
    assert store.ledger.counts(ISSUE) == {"pending": 300}


def test_an_unconfirmed_sender_stops_the_send_with_nothing_marked_sent(store: Store) -> None:
    rendered = prepare(store, 50)
    with serve(senders=("other.example",)) as stub, pytest.raises(ProviderError, match="Sender Signature"):
        send(store, rendered, settings(stub))
    assert store.ledger.counts(ISSUE) == {"pending": 50}


def test_a_missing_key_is_reported_before_anything_is_sent(store: Store) -> None:
    rendered = prepare(store, 5)
    with pytest.raises(ProviderError, match="environment variable POSTMARK_TOKEN is not set"):
        send(store, rendered, settings("http://127.0.0.1:9"), {})
    assert store.ledger.counts(ISSUE) == {}


def test_retries_wait_at_least_what_retry_after_asks_and_a_failing_send_pauses(store: Store) -> None:
    rendered = prepare(store, 20)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(0)

    with (
        serve(Faults(rate_429=1.0, retry_after=0.25)) as stub,
        pytest.raises(ProviderError, match="paused the send") as raised,
    ):
        send(store, rendered, settings(stub, max_retries=3, concurrency=1), sleep=sleep)
    assert "digest send --resume weekly-2026-11-25" in str(raised.value)
    assert len(waits) == 3 and min(waits) >= 0.25
    assert store.ledger.counts(ISSUE) == {"pending": 20}


def test_an_error_budget_pauses_a_send_whose_messages_keep_failing(store: Store) -> None:
    rendered = prepare(store, 400)
    with (
        serve(Faults(rate_refuse=0.6)) as stub,
        pytest.raises(ProviderError, match=r"of the last 100 messages failed"),
    ):
        send(store, rendered, settings(stub, batch_size=50, concurrency=1, error_window=100))
    counts = store.ledger.counts(ISSUE)
    assert counts["pending"] >= 200 and counts["sent"] == sum(stub.received.values())


def test_a_second_sender_of_the_same_issue_is_told_who_holds_it(store: Store) -> None:
    rendered = prepare(store, 5)
    assert store.ledger.lock(ISSUE, "elsewhere:1:abcd", NOW, 60) is None
    with pytest.raises(SendLockedError, match="being sent by another process \\('elsewhere:1:abcd'\\)"):
        send(store, rendered, settings("http://127.0.0.1:9"))
    assert store.ledger.counts(ISSUE) == {}


def test_the_lock_of_a_dead_sender_on_this_machine_is_taken_over(store: Store, tmp_path: Any) -> None:
    import socket
    import subprocess
    import sys

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    holder = f"{socket.gethostname()}:{gone.stdout.strip()}:dead"
    assert store.ledger.lock(ISSUE, holder, NOW, 3600) is None
    rendered = prepare(store, 5)
    with serve() as stub:
        report = send(store, rendered, settings(stub))
    assert report.sent == 5 and stub.duplicates() == 0


def test_resend_through_faults_delivers_each_once_by_its_idempotency_keys(store: Store) -> None:
    rendered = prepare(store, 2_000)
    faults = Faults(
        rate_429=0.1, rate_5xx=0.1, rate_drop=0.02, rate_drop_after=0.05, script={3: "drop_after"}
    )
    with serve(faults) as stub:
        report = send(store, rendered, settings(stub, "resend", requests_per_s=0, concurrency=4))
    assert report.sent == 2_000 and stub.duplicates() == 0 and len(stub.received) == 2_000
    assert stub.hits["replayed"] >= 1


def test_without_a_log_uncertain_batches_are_sent_again_at_least_once(store: Store) -> None:
    rendered = prepare(store, 2_000)
    counted: list[Counting] = []
    faults = Faults(rate_drop_after=0.1, rate_5xx=0.1, script={2: "drop_after"})
    with serve(faults) as stub:
        config = settings(stub, "sendgrid", batch_size=100)
        report = send(store, rendered, config, {"SENDGRID_API_KEY": TOKEN}, counted=counted)
    uncertain = counted[0].uncertain_rows
    assert report.sent == 2_000 and len(stub.received) == 2_000
    assert 0 < stub.duplicates() <= uncertain
    print(f"at-least-once: {stub.duplicates()} duplicates, at most {uncertain} were in flight when dropped")


def test_on_uncertain_skip_never_sends_twice_and_reports_what_it_left(store: Store) -> None:
    rendered = prepare(store, 2_000)
    config = settings("", "sendgrid", batch_size=100, on_uncertain="skip")
    counted: list[Counting] = []
    with serve(Faults(rate_drop_after=0.1, rate_5xx=0.1, script={2: "drop_after"})) as stub:
        config = config.model_copy(update={"base_url": stub.base})
        report = send(store, rendered, config, {"SENDGRID_API_KEY": TOKEN}, counted=counted)
    assert stub.duplicates() == 0 and report.uncertain == counted[0].uncertain_rows > 0
    counts = store.ledger.counts(ISSUE)
    assert counts == {"sent": 2_000 - report.uncertain, "failed": report.uncertain}
    assert report.sent + report.uncertain == len(stub.received) == 2_000
