"""What every command shares: consoles, the -c option, the clock, stores and fetchers made here."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import click
from rich.console import Console

from digest.collect import Reader
from digest.collect.fetch import FeedCache, Fetcher, http_client
from digest.config import DEFAULT_CONFIG, Config, FetchConfig, MirrorConfig
from digest.errors import ConfigError
from digest.store import Store, open_store

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
out = Console(highlight=False, markup=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, markup=False, soft_wrap=True)


def now_utc() -> datetime:
    """The real clock (only the CLI and the scheduler read it)."""
    return datetime.now(UTC)


def config_option(func: F) -> F:
    """-c/--config, shared by every command."""
    return click.option(
        "-c",
        "--config",
        "config_path",
        default=DEFAULT_CONFIG,
        show_default=True,
        type=click.Path(dir_okay=False),
        help="The schedule.toml to use.",
    )(func)


def json_option(func: F) -> F:
    """--json, for commands whose output a script may read."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(func)


@contextmanager
def store_for(config: Config) -> Iterator[Store]:
    """The configured store, closed afterwards."""
    store = open_store(config.store.url)
    try:
        yield store
    finally:
        store.close()


def fetching(config: Config, store: Store | None, work: Callable[[Reader], Awaitable[T]]) -> T:
    """Run async work with the config's fetch settings, mirrors and feed cache; pages parse in a pool."""
    from digest.collect.pool import PagePool

    mirrors = [s.mirror for n in config.newsletters.values() for s in n.sources if s.mirror]
    with PagePool() as pages:
        return fetch_with(
            config.fetch, mirrors, store.feeds if store else None, lambda f: work(Reader(f, pages))
        )


def fetch_with(
    settings: FetchConfig,
    mirrors: Sequence[MirrorConfig],
    cache: FeedCache | None,
    work: Callable[[Fetcher], Awaitable[T]],
) -> T:
    """Run async work with a Fetcher on one shared HTTP client (made, used and closed in one loop)."""

    async def main() -> T:
        async with http_client(settings) as client:
            return await work(Fetcher(client, mirrors, settings, cache))

    return asyncio.run(main())


def signing_secret(config: Config, store: Store) -> str:
    """The unsubscribe-token secret: from the named environment variable, never from the file."""
    secret = os.environ.get(config.server.secret_env, "")
    if secret:
        return secret
    if config.provider.name == "outbox":
        # The outbox never reaches a real inbox, so a secret kept in the store is good enough.
        return store.generated_secret()
    raise ConfigError(
        config.path,
        [f"server.secret_env: environment variable {config.server.secret_env} is not set"],
        f"export {config.server.secret_env}=$(python -c 'import secrets; print(secrets.token_urlsafe(32))')",
    )


def report_problems(problems: Iterable[object]) -> None:
    """Warn about sources that failed; the run went on without them."""
    for problem in problems:
        err.print(f"warning: {problem}", style="yellow")
