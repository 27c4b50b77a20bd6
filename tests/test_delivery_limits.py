"""Each provider's batch limit and rate limits, as the stub saw them: batch sizes counted, time faked."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from conftest import NOW
from stub_apis import SES_KEY_ID, SES_SECRET
from stub_provider import TOKEN, Stub, serve
from test_providers import make_batch

from digest.config import ProviderConfig
from digest.deliver import Audience, DeliveryReport, deliver
from digest.errors import ProviderError
from digest.links import Links
from digest.models import RenderedIssue
from digest.personalize import placeholder
from digest.providers import create_provider
from digest.providers.base import Provider, SendOutcome
from digest.providers.letter import Batch
from digest.store import Store
from digest.store.subscribers import NewSubscriber

AUDIENCE = Audience("weekly", "The Meridian <newsletter@example.org>", "The Meridian Weekly")
LINKS = Links("https://news.example.org", "test-secret", AUDIENCE.sender)
ISSUE = "weekly-2026-11-25"
HTML = f'<p>Hello {placeholder("name")}</p><a href="{placeholder("unsubscribe_url")}">Unsubscribe</a>'
ENV = {
    "POSTMARK_TOKEN": TOKEN, "RESEND_API_KEY": TOKEN, "SENDGRID_API_KEY": TOKEN, "MAILGUN_API_KEY": TOKEN,
    "AWS_ACCESS_KEY_ID": SES_KEY_ID, "AWS_SECRET_ACCESS_KEY": SES_SECRET,
}  # fmt: skip
LIMITS = {"postmark": 500, "resend": 100, "ses": 50, "sendgrid": 1000, "mailgun": 1000}


class FakeTime:
    """A monotonic clock that moves only when something sleeps on it."""

    def __init__(self) -> None:
        self.now = 100.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


class Timed:
    """A provider that notes the fake time of each request it sends."""

    def __init__(self, inner: Provider, time: FakeTime) -> None:
        self.inner, self.time, self.sent_at = inner, time, list[float]()
        self.name, self.limits, self.reconcile = inner.name, inner.limits, inner.reconcile

    async def send(self, batch: Batch) -> SendOutcome:
        self.sent_at.append(self.time.now)
        return await self.inner.send(batch)

    async def accepted(self, batch: Batch) -> dict[int, str] | None:
        return await self.inner.accepted(batch)

    async def aclose(self) -> None:
        await self.inner.aclose()


def prepare(store: Store, count: int) -> RenderedIssue:
    """``count`` subscribers on the list and a stored issue for them."""
    people = [NewSubscriber(f"reader{i}@example.org", "") for i in range(count)]
    store.subscribers.upsert(people, "weekly", "test", NOW)
    rendered = RenderedIssue(ISSUE, "weekly", "This week", HTML, placeholder("unsubscribe_url"))
    store.issues.create(rendered, "2026-11-25", "weekly", [], NOW)
    return rendered


def send(
    store: Store,
    rendered: RenderedIssue,
    stub: Stub,
    name: str,
    time: FakeTime | None = None,
    **settings: Any,
) -> tuple[DeliveryReport, list[float]]:
    """One deliver through the named provider; with ``time``, pacing runs on that fake clock."""
    config = ProviderConfig.model_validate({"name": name, "base_url": stub.base, **settings})
    clock = time or FakeTime()

    async def main() -> tuple[DeliveryReport, list[float]]:
        async with httpx.AsyncClient(timeout=10) as client:
            provider = Timed(create_provider(config, client=client, environ=ENV), clock)
            try:
                report = await deliver(
                    rendered, AUDIENCE, store, provider, LINKS, lambda: NOW, config,
                    sleep=clock.sleep, monotonic=clock.monotonic,
                )  # fmt: skip
                return report, provider.sent_at
            finally:
                await provider.aclose()

    return asyncio.run(main())


@pytest.mark.parametrize("name", ["postmark", "resend", "ses"])
def test_a_batch_size_above_the_providers_limit_is_capped_to_it(store: Store, name: str) -> None:
    limit = LIMITS[name]
    rendered = prepare(store, 2 * limit + 1)
    with serve() as stub:
        report, _ = send(store, rendered, stub, name, batch_size=1000, requests_per_s=0, messages_per_s=0)
    sizes = sorted((size for _, size in stub.batches), reverse=True)
    assert sizes == [limit, limit, 1]
    assert report.sent == 2 * limit + 1 and stub.duplicates() == 0


def test_a_smaller_batch_size_is_honoured(store: Store) -> None:
    rendered = prepare(store, 23)
    with serve() as stub:
        send(store, rendered, stub, "postmark", batch_size=7)
    assert sorted(size for _, size in stub.batches) == [2, 7, 7, 7]


@pytest.mark.parametrize("name", sorted(LIMITS))
def test_a_batch_one_over_the_documented_limit_is_refused_by_the_api_as_a_provider_error(name: str) -> None:
    people = [(i, f"p{i}@example.org", "") for i in range(1, LIMITS[name] + 2)]
    config = ProviderConfig.model_validate({"name": name, "base_url": "http://127.0.0.1:9"})
    assert create_provider(config, environ=ENV).limits.max_batch == LIMITS[name]

    async def main(stub: Stub) -> SendOutcome:
        async with httpx.AsyncClient(timeout=10) as client:
            provider = create_provider(
                config.model_copy(update={"base_url": stub.base}), client=client, environ=ENV
            )
            return await provider.send(make_batch(people=people))

    with serve() as stub, pytest.raises(ProviderError, match=str(LIMITS[name])):
        asyncio.run(main(stub))
    assert stub.batches == [(name, LIMITS[name] + 1)] and not stub.received


def test_requests_per_second_spaces_requests_on_the_clock(store: Store) -> None:
    rendered = prepare(store, 500)
    with serve() as stub:  # Resend's documented default: 2 requests a second
        _, sent_at = send(store, rendered, stub, "resend", concurrency=1)
    assert sent_at == [100.0 + 0.5 * i for i in range(5)]


def test_messages_per_second_spaces_batches_by_their_size(store: Store) -> None:
    rendered = prepare(store, 150)
    with serve() as stub:  # SES's default sending rate: 14 messages a second, batches of 50
        _, sent_at = send(store, rendered, stub, "ses", concurrency=1)
    assert sent_at == pytest.approx([100.0 + i * 50 / 14 for i in range(3)])
