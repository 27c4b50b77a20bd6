"""The one runtime object: the config, the store and the clock, and the collaborators built from them.

Only here are real clients, stores, providers and clocks made (the CLI, the scheduler and the web app
open a Runtime and call the service; the stages get what they need passed in).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from digest.config import Config, FetchConfig, MirrorConfig, ProviderConfig, load_config
from digest.errors import ConfigError
from digest.links import Links
from digest.store import Store, open_store
from digest.tokens import check_secret

if TYPE_CHECKING:
    import httpx

    from digest.collect import Reader
    from digest.collect.fetch import FeedCache, Fetcher
    from digest.providers.base import Provider

T = TypeVar("T")
Clock = Callable[[], datetime]


def now_utc() -> datetime:
    """The real clock (read only through a Runtime, or by the scheduler)."""
    return datetime.now(UTC)


@dataclass
class Runtime:
    """The config, an open store and a clock; makes fetchers, provider clients and links on demand."""

    config: Config
    store: Store
    clock: Clock = field(default=now_utc)

    @classmethod
    @contextmanager
    def open(cls, config: Config | str | Path, clock: Clock = now_utc) -> Iterator[Runtime]:
        """A runtime on the configured store, closed afterwards."""
        loaded = config if isinstance(config, Config) else load_config(config)
        store = open_store(loaded.store.url)
        try:
            yield cls(loaded, store, clock)
        finally:
            store.close()

    def secret(self) -> str:
        """The unsubscribe-token secret: from the named environment variable, never from the file."""
        return signing_secret(self.config, self.store)

    def links(self, name: str) -> Links:
        """The links a newsletter's messages carry."""
        return Links(self.config.server.public_url, self.secret(), self.config.newsletters[name].sender)

    def fetching(self, work: Callable[[Reader], Awaitable[T]]) -> T:
        """Run async work with the fetch settings, mirrors and feed cache; pages parse in a process pool."""
        from digest.collect import Reader
        from digest.collect.pool import PagePool

        with PagePool() as pages:
            if any(s.pages for n in self.config.newsletters.values() for s in n.sources):
                pages.warm()
            return fetch_with(
                self.config.fetch, mirrors(self.config), self.store.feeds, lambda f: work(Reader(f, pages))
            )

    @asynccontextmanager
    async def provider(self) -> AsyncIterator[Provider]:
        """The configured provider on a fresh HTTP client; both closed afterwards."""
        from digest.providers import create_provider

        async with provider_client(self.config.provider) as client:
            provider = create_provider(self.config.provider, self.config.path, client=client)
            try:
                yield provider
            finally:
                await provider.aclose()

    def with_provider(self, work: Callable[[Provider], Awaitable[T]]) -> T:
        """Run async work with the configured provider (in a loop of its own)."""

        async def main() -> T:
            async with self.provider() as provider:
                return await work(provider)

        return asyncio.run(main())


def mirrors(config: Config) -> list[MirrorConfig]:
    """Every source's mirror: public URLs read from local folders."""
    return [s.mirror for n in config.newsletters.values() for s in n.sources if s.mirror]


def fetch_with(
    settings: FetchConfig,
    mirrored: Sequence[MirrorConfig],
    cache: FeedCache | None,
    work: Callable[[Fetcher], Awaitable[T]],
) -> T:
    """Run async work with a Fetcher on one shared HTTP client (made, used and closed in one loop)."""
    from digest.collect.fetch import Fetcher, http_client

    async def main() -> T:
        async with http_client(settings) as client:
            return await work(Fetcher(client, mirrored, settings, cache))

    return asyncio.run(main())


def provider_client(settings: ProviderConfig) -> httpx.AsyncClient:
    """The one HTTP client a send shares: keep-alive pool sized for the batches in flight."""
    import httpx

    from digest import __version__

    connections = max(4, 2 * (settings.concurrency or 4))
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.timeout),
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        headers={"User-Agent": f"digest/{__version__}"},
    )


def signing_secret(config: Config, store: Store) -> str:
    """The unsubscribe-token secret: from the named environment variable, never from the file."""
    secret = os.environ.get(config.server.secret_env, "")
    if secret:
        check_secret(secret, config.server.secret_env, config.path)
        return secret
    if config.provider.name == "outbox":
        # The outbox never reaches a real inbox, so a secret kept in the store is good enough.
        return store.generated_secret()
    raise ConfigError(
        config.path,
        [f"server.secret_env: environment variable {config.server.secret_env} is not set"],
        f"export {config.server.secret_env}=$(python -c 'import secrets; print(secrets.token_urlsafe(32))')",
    )
