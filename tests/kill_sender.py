"""A sender for the kill test: run one deliver of the stored issue, to be killed at any moment.

    python tests/kill_sender.py PROVIDER BASE_URL STORE_URL

Prints "sending" once everything is imported and the send begins, then "posting" as each request
goes to the provider: the test kills it on one of those lines, not after a wall-clock delay.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime

import httpx

from digest.config import ProviderConfig
from digest.deliver import Audience, deliver
from digest.links import Links
from digest.providers import create_provider
from digest.providers.base import Provider, SendOutcome
from digest.providers.letter import Batch
from digest.store import open_store

ISSUE = "weekly-2026-11-25"
AUDIENCE = Audience("weekly", "The Meridian <newsletter@example.org>", "The Meridian Weekly")
ENV = {"POSTMARK_TOKEN": "stub-token", "RESEND_API_KEY": "stub-token", "SENDGRID_API_KEY": "stub-token"}


class Announcing:
    """The provider, saying "posting" on stdout as each request goes out."""

    def __init__(self, inner: Provider) -> None:
        self.inner = inner
        self.name, self.limits, self.reconcile = inner.name, inner.limits, inner.reconcile

    async def send(self, batch: Batch) -> SendOutcome:
        """Announce the request, then send it."""
        print("posting", flush=True)
        return await self.inner.send(batch)

    async def accepted(self, batch: Batch) -> dict[int, str] | None:
        """The provider's own answer."""
        return await self.inner.accepted(batch)

    async def aclose(self) -> None:
        """Close the provider."""
        await self.inner.aclose()


async def main(name: str, base: str, store_url: str) -> None:
    """One deliver call, as `digest send --resume` would make it."""
    store = open_store(store_url)
    stored = store.issues.get(ISSUE)
    assert stored is not None
    config = ProviderConfig(
        name=name, base_url=base, batch_size=25, concurrency=4, requests_per_s=0, timeout=2.0,
        backoff=0.01, backoff_max=0.1, reconcile_delay=0.0,
    )  # fmt: skip
    links = Links("https://news.example.org", "kill-secret", AUDIENCE.sender)
    async with httpx.AsyncClient(timeout=config.timeout) as client:
        provider = Announcing(create_provider(config, client=client, environ=ENV))
        print("sending", flush=True)
        report = await deliver(
            stored.rendered(), AUDIENCE, store, provider, links, lambda: datetime.now(UTC), config
        )
    print(f"done {report.sent}", flush=True)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
