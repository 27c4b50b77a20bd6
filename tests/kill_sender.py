"""A sender for the kill test: run one deliver of the stored issue, to be killed at any moment.

    python tests/kill_sender.py PROVIDER BASE_URL STORE_URL

Prints "sending" once everything is imported and the send begins.
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
from digest.store import open_store

ISSUE = "weekly-2026-11-25"
AUDIENCE = Audience("weekly", "The Meridian <newsletter@example.org>", "The Meridian Weekly")
ENV = {"POSTMARK_TOKEN": "stub-token", "RESEND_API_KEY": "stub-token", "SENDGRID_API_KEY": "stub-token"}


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
        provider = create_provider(config, client=client, environ=ENV)
        print("sending", flush=True)
        report = await deliver(
            stored.rendered(), AUDIENCE, store, provider, links, lambda: datetime.now(UTC), config
        )
    print(f"done {report.sent}", flush=True)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
