"""A send the account stops half-way: what was accepted is recorded, never sent again; no store call
blocks the event loop."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import httpx
import pytest
from conftest import NOW
from stub_apis import SES_KEY_ID, SES_SECRET
from stub_provider import TOKEN, Stub, serve

from digest.config import ProviderConfig
from digest.deliver import Audience, DeliveryReport, deliver
from digest.errors import ProviderError
from digest.links import Links
from digest.models import RenderedIssue
from digest.personalize import placeholder
from digest.providers import create_provider
from digest.providers.base import Provider, Reconcile, SendOutcome, TransientError
from digest.providers.letter import Batch
from digest.providers.outbox import OutboxProvider
from digest.store import Store
from digest.store.subscribers import NewSubscriber

AUDIENCE = Audience("weekly", "The Meridian <newsletter@example.org>", "The Meridian Weekly")
LINKS = Links("https://news.example.org", "test-secret", AUDIENCE.sender)
ISSUE = "weekly-2026-11-25"
HTML = f'<p>Hello {placeholder("name")}</p><a href="{placeholder("unsubscribe_url")}">Unsubscribe</a>'
TEXT = f"Hello {placeholder('name')}\nUnsubscribe: {placeholder('unsubscribe_url')}\n"
ENV = {"POSTMARK_TOKEN": TOKEN, "AWS_ACCESS_KEY_ID": SES_KEY_ID, "AWS_SECRET_ACCESS_KEY": SES_SECRET}


def prepare(store: Store, count: int) -> tuple[RenderedIssue, list[str]]:
    """``count`` subscribers and a stored issue; the addresses in the order they are claimed."""
    people = [NewSubscriber(f"reader{i}@example.org", f"Reader {i}") for i in range(count)]
    store.subscribers.upsert(people, "weekly", "test", NOW)
    rendered = RenderedIssue(ISSUE, "weekly", "This week", HTML, TEXT)
    store.issues.create(rendered, "2026-11-25", "weekly", [], NOW)
    order = sorted(store.subscribers.stream("weekly"), key=lambda s: s.id)
    return rendered, [s.email for s in order]


def send(store: Store, rendered: RenderedIssue, stub: Stub, name: str) -> DeliveryReport:
    """One deliver in batches of 5, one at a time, unpaced."""
    config = ProviderConfig.model_validate(
        {"name": name, "base_url": stub.base, "batch_size": 5, "concurrency": 1, "messages_per_s": 0}
    )

    async def main() -> DeliveryReport:
        async with httpx.AsyncClient(timeout=10) as client:
            provider = create_provider(config, client=client, environ=ENV)
            try:
                return await deliver(rendered, AUDIENCE, store, provider, LINKS, lambda: NOW, config)
            finally:
                await provider.aclose()

    return asyncio.run(main())


@pytest.mark.parametrize(
    ("name", "code", "why"),
    [
        ("postmark", 10, "server token is not valid"),
        ("postmark", 412, "pending approval"),
        ("postmark", 405, "may not send"),
        ("ses", "ACCOUNT_SUSPENDED", "ACCOUNT_SUSPENDED"),
        ("ses", "MAIL_FROM_DOMAIN_NOT_VERIFIED", "MAIL_FROM_DOMAIN_NOT_VERIFIED"),
    ],
)
def test_an_account_refusal_in_message_3_of_5_keeps_the_accepted_ones_sent_and_a_resume_sends_none_twice(
    store: Store, name: str, code: Any, why: str
) -> None:
    rendered, order = prepare(store, 10)
    with serve(account={order[2]: code}) as stub:
        with pytest.raises(ProviderError, match=why) as raised:
            send(store, rendered, stub, name)
        assert "Hint:" in str(raised.value)
        assert stub.batches == [(name, 5)]
        assert set(stub.received) == {order[0], order[1], order[3], order[4]}
        assert store.ledger.counts(ISSUE) == {"sent": 4, "pending": 6}
        stub.account.clear()  # the account is fixed: resume
        report = send(store, rendered, stub, name)
    assert (report.sent, report.already_sent) == (6, 4)
    assert stub.duplicates() == 0 and set(stub.received) == set(order)
    assert store.ledger.counts(ISSUE) == {"sent": 10}


class OffLoop:
    """A store part whose every method fails when it is called on a thread running an event loop."""

    def __init__(self, inner: Any, on_call: Callable[[str], None] = lambda name: None) -> None:
        self._inner, self._on_call = inner, on_call
        self.calls: Counter[str] = Counter()
        self.on_loop: list[str] = []

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                asyncio.get_running_loop()
                self.on_loop.append(name)
            except RuntimeError:
                pass  # no loop runs on this thread: the ledger's own thread
            self.calls[name] += 1
            result = attr(*args, **kwargs)
            self._on_call(name)
            return result

        return call


class WaitsForHeartbeat(OutboxProvider):
    """Holds its first batch until the send lock's heartbeat has renewed the lock once."""

    def __init__(self, folder: Path, renewed: asyncio.Event) -> None:
        super().__init__(folder)
        self.renewed = renewed

    async def send(self, batch: Batch) -> SendOutcome:
        await self.renewed.wait()
        return await super().send(batch)


def test_every_store_call_of_a_send_runs_off_the_event_loop(store: Store, tmp_path: Path) -> None:
    rendered, _ = prepare(store, 12)
    # A batch an earlier run left in flight, and a row already sent: reconcile and counts have work.
    store.ledger.enqueue(ISSUE, "weekly", NOW)
    store.ledger.claim(ISSUE, 3, NOW, "left-by-a-crash")

    async def main() -> tuple[OffLoop, OffLoop]:
        loop, renewed = asyncio.get_running_loop(), asyncio.Event()

        def seen(name: str) -> None:
            if name == "renew":
                loop.call_soon_threadsafe(renewed.set)

        ledger, issues = OffLoop(store.ledger, seen), OffLoop(store.issues)
        guarded = cast(Store, SimpleNamespace(ledger=ledger, issues=issues))
        config = ProviderConfig(batch_size=4, lock_ttl=1)
        provider: Provider = WaitsForHeartbeat(tmp_path, renewed)
        await deliver(rendered, AUDIENCE, guarded, provider, LINKS, lambda: NOW, config)
        return ledger, issues

    ledger, issues = asyncio.run(main())
    assert ledger.on_loop == [] and issues.on_loop == []
    expected = {"counts", "lock", "renew", "unlock", "in_flight", "enqueue", "claim", "record", "release"}
    assert expected <= set(ledger.calls), ledger.calls
    assert issues.calls["mark_sent"] == 1
    assert store.ledger.counts(ISSUE) == {"sent": 12}


class GivesUpThenRefuses(OutboxProvider):
    """Keeps no log; its first answer is lost (uncertain), its second refuses the account."""

    reconcile: Reconcile = "none"
    calls = 0

    async def send(self, batch: Batch) -> SendOutcome:
        self.calls += 1
        if self.calls == 1:
            raise TransientError("no answer in time", uncertain=True)
        raise ProviderError("outbox", "refused the batch: 401 bad token")


def test_a_send_that_gives_up_and_stops_settles_its_rows_off_the_event_loop(
    store: Store, tmp_path: Path
) -> None:
    rendered, _ = prepare(store, 6)
    ledger = OffLoop(store.ledger)
    guarded = cast(Store, SimpleNamespace(ledger=ledger, issues=OffLoop(store.issues)))
    config = ProviderConfig(batch_size=3, concurrency=1, on_uncertain="skip")
    provider = GivesUpThenRefuses(tmp_path)
    with pytest.raises(ProviderError, match="401 bad token"):
        asyncio.run(deliver(rendered, AUDIENCE, guarded, provider, LINKS, lambda: NOW, config))
    assert ledger.on_loop == [] and {"give_up", "release"} <= set(ledger.calls)
    assert store.ledger.counts(ISSUE) == {"failed": 3, "pending": 3}


def crashed_batch(store: Store, rendered: RenderedIssue, count: int, key: str) -> Batch:
    """The first ``count`` rows claimed in flight under ``key`` by a run that then died: its batch."""
    from digest.deliver import addressing, letter_for

    store.ledger.enqueue(ISSUE, "weekly", NOW)
    rows = store.ledger.claim(ISSUE, count, NOW, key)
    addressee = addressing(rendered, AUDIENCE, LINKS)
    return Batch(key, letter_for(rendered, AUDIENCE), tuple(addressee(r) for r in rows), NOW)


def resume(store: Store, rendered: RenderedIssue, stub: Stub, name: str, **settings: Any) -> DeliveryReport:
    """A later deliver of the same issue through ``name``."""
    config = ProviderConfig.model_validate(
        {"name": name, "base_url": stub.base, "requests_per_s": 0, **settings}
    )
    env = {**ENV, "RESEND_API_KEY": TOKEN, "SENDGRID_API_KEY": TOKEN}

    async def main() -> DeliveryReport:
        async with httpx.AsyncClient(timeout=10) as client:
            provider = create_provider(config, client=client, environ=env)
            try:
                return await deliver(rendered, AUDIENCE, store, provider, LINKS, lambda: NOW, config)
            finally:
                await provider.aclose()

    return asyncio.run(main())


def test_a_resend_batch_left_in_flight_by_a_crash_goes_again_under_its_key_and_is_dropped(
    store: Store,
) -> None:
    rendered, _ = prepare(store, 8)
    batch = crashed_batch(store, rendered, 5, "crashed-batch")

    async def first_run(stub: Stub) -> None:  # the request the dead run made before it died
        config = ProviderConfig.model_validate({"name": "resend", "base_url": stub.base})
        async with httpx.AsyncClient(timeout=10) as client:
            await create_provider(config, client=client, environ={"RESEND_API_KEY": TOKEN}).send(batch)

    with serve() as stub:
        asyncio.run(first_run(stub))
        report = resume(store, rendered, stub, "resend")
    assert stub.hits["replayed"] == 1 and stub.duplicates() == 0
    assert (report.sent, len(stub.received)) == (8, 8)


@pytest.mark.parametrize(("policy", "sent", "failed"), [("resend", 8, 0), ("skip", 3, 5)])
def test_rows_left_in_flight_without_a_log_follow_the_on_uncertain_policy(
    store: Store, policy: str, sent: int, failed: int
) -> None:
    rendered, order = prepare(store, 8)
    crashed_batch(store, rendered, 5, "crashed-batch")
    with serve() as stub:
        report = resume(store, rendered, stub, "sendgrid", on_uncertain=policy)
    assert (report.sent, report.uncertain) == (sent, failed)
    assert len(stub.received) == sent and stub.duplicates() == 0
    assert store.ledger.counts(ISSUE) == ({"sent": 8} if policy == "resend" else {"sent": 3, "failed": 5})
    if policy == "skip":
        assert set(stub.received) == set(order[5:])


def test_a_message_refused_for_now_is_tried_again_then_failed_never_marked_sent(store: Store) -> None:
    rendered, order = prepare(store, 6)
    with serve(account={order[1]: "TRANSIENT_FAILURE"}) as stub:
        config = {"batch_size": 5, "concurrency": 1, "messages_per_s": 0, "max_attempts": 2}
        report = resume(store, rendered, stub, "ses", **config)
    assert (report.sent, report.failed) == (5, 1)
    assert store.ledger.counts(ISSUE) == {"sent": 5, "failed": 1}
    assert [size for _, size in stub.batches] == [5, 2]  # the refused one came back once, with the 6th
    assert order[1] not in stub.received and stub.duplicates() == 0


class _DropsOnce:
    """An aiosmtpd handler that takes the message to ``drop`` and then hangs up before answering."""

    def __init__(self, drop: str) -> None:
        self.received: list[str] = []
        self.drop = drop

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.received += envelope.rcpt_tos
        if self.drop in envelope.rcpt_tos:
            self.drop = ""
            server.transport.close()  # the message is in, the "250" never goes out
        return "250 Message accepted for delivery"


@pytest.mark.parametrize(("policy", "sent", "failed", "twice"), [("resend", 6, 0, 1), ("skip", 5, 1, 0)])
def test_an_smtp_connection_lost_mid_batch_settles_the_message_in_progress_by_the_policy(
    store: Store, policy: str, sent: int, failed: int, twice: int
) -> None:
    from aiosmtpd.controller import Controller
    from test_providers import _free_port

    rendered, order = prepare(store, 6)
    box = _DropsOnce(order[2])
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        settings = {"batch_size": 5, "concurrency": 1, "messages_per_s": 0, "on_uncertain": policy}
        config = ProviderConfig.model_validate(
            {"name": "smtp", "base_url": f"smtp://127.0.0.1:{controller.port}", **settings}
        )

        async def main() -> DeliveryReport:
            provider = create_provider(config, client=httpx.AsyncClient(), environ={})
            try:
                return await deliver(rendered, AUDIENCE, store, provider, LINKS, lambda: NOW, config)
            finally:
                await provider.aclose()

        report = asyncio.run(main())
    finally:
        controller.stop()
    # The two before it were answered and count once; the one in progress reached the server.
    assert (report.sent, report.uncertain) == (sent, failed)
    assert Counter(box.received)[order[2]] == 1 + twice
    assert sorted(set(box.received)) == sorted(order) and len(box.received) == 6 + twice
    assert store.ledger.counts(ISSUE) == ({"sent": 6} if policy == "resend" else {"sent": 5, "failed": 1})
