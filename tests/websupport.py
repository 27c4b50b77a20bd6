"""The public app on a test store: fake confirmation sender, fixed clock, no network (httpx in-process)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from conftest import NOW, ROOT
from starlette.applications import Starlette

from digest.config import ThemeConfig, WebhooksConfig, load_config
from digest.models import Subscriber
from digest.store import Store
from digest.store.subscribers import NewSubscriber
from digest.web.app import create_app
from digest.web.public import PublicSite
from digest.web.ratelimit import RateLimiter
from digest.web.webhooks import Webhooks

SECRET = "test-secret-0123456789-long-enough-to-sign"
PUBLIC = "https://news.example.org"


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Outbox:
    """The fake ConfirmSender: remembers who would have been mailed, and the link."""

    sent: list[tuple[Subscriber, str]] = field(default_factory=list)

    async def __call__(self, person: Subscriber, url: str) -> None:
        self.sent.append((person, url))

    def link(self) -> str:
        return self.sent[-1][1].removeprefix(PUBLIC)


@dataclass
class Harness:
    """A store, the app built on it and its collaborators."""

    store: Store
    app: Starlette
    site: PublicSite
    outbox: Outbox
    clock: Clock

    def request(self, method: str, path: str, ip: str = "192.0.2.1", **kwargs: Any) -> httpx.Response:
        """One request to the app, from ``ip``."""

        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, client=(ip, 50000))
            async with httpx.AsyncClient(transport=transport, base_url=PUBLIC) as client:
                return await client.request(method, path, **kwargs)

        return asyncio.run(go())

    def person(self, email: str, list_name: str = "weekly") -> Subscriber:
        """A subscriber as the store knows them now."""
        found = self.store.subscribers.find(list_name, email)
        assert found is not None, email
        return found


def harness(
    store: Store,
    *,
    secrets: Mapping[str, str] | None = None,
    sns_handler: Callable[[httpx.Request], httpx.Response] | None = None,
    topics: tuple[str, ...] = (),
    limit: int = 5,
    lists: Mapping[str, str] | None = None,
    themes: Mapping[str, ThemeConfig] | None = None,
) -> Harness:
    """The app on ``store`` with a fake sender and a fixed clock; SNS fetches go to ``sns_handler``."""
    clock, outbox = Clock(), Outbox()
    limiter = RateLimiter(limit, 3600, clock=lambda: clock.now.timestamp())
    site = PublicSite(
        store,
        SECRET,
        PUBLIC,
        lists or {"weekly": "The Meridian Weekly"},
        outbox,
        clock,
        limiter,
        timedelta(days=7),
        themes or {},
    )
    handler = sns_handler or (lambda request: httpx.Response(404))
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    # ``secrets``: the environment the webhooks read their secrets from (by [server.webhooks] names).
    settings = WebhooksConfig(ses_topics=list(topics), max_age=900)
    hooks = Webhooks(store, settings, secrets or {}, client, clock, soft_bounce_limit=3)
    return Harness(store, create_app(site, hooks), site, outbox, clock)


def subscribe(store: Store, *emails: str, list_name: str = "weekly") -> list[Subscriber]:
    """Active subscribers added by import."""
    store.subscribers.upsert([NewSubscriber(e) for e in emails], list_name, "test", NOW)
    return [s for s in store.subscribers.stream(list_name) if s.email in emails]


def free_port() -> int:
    """A TCP port of 127.0.0.1 nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serving(config_path: Path, secret: str) -> Iterator[str]:
    """`digest serve` run as a user runs it, on the config's host and port; its public URL."""
    config = load_config(config_path)
    env = {**os.environ, "DIGEST_SECRET": secret, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "digest", "serve", "-c", str(config_path)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        _listening(config.server.host, config.server.port, process)
        yield config.server.public_url
    finally:
        process.terminate()
        process.wait(timeout=15)
        if process.stdout:
            process.stdout.close()


def _listening(host: str, port: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"digest serve exited: {process.stdout.read() if process.stdout else ''}")
        try:
            socket.create_connection((host, port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"digest serve did not listen on {host}:{port}")
