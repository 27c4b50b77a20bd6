"""What every provider is: a name, its limits, send a batch, say what it accepted, close.

Provider.send(batch)      → one SendResult per addressee; raises TransientError (retry the batch)
                             or ProviderError (stop the whole send: bad key, unverified sender)
Provider.accepted(batch)  → subscriber id → message id of those the provider has a record of,
                             or None when it keeps no log that can be searched
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

import httpx

from digest.config import ProviderConfig
from digest.errors import ConfigError, ProviderError
from digest.models import SendResult
from digest.providers.letter import Batch

Reconcile = Literal["idempotent", "search", "none"]


@dataclass(frozen=True, slots=True)
class Limits:
    """A provider's documented limits, used unless [provider] overrides them (None: no limit)."""

    max_batch: int
    requests_per_s: float | None = None
    messages_per_s: float | None = None
    concurrency: int = 4


class TransientError(Exception):
    """A batch failed in a way worth retrying (429, 5xx, timeout, dropped connection).

    ``uncertain`` is set when the provider may have accepted the batch before the failure (the
    request was sent but no answer came back), so a blind retry could send it twice.
    """

    def __init__(self, reason: str, *, retry_after: float | None = None, uncertain: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.uncertain = uncertain


class Provider(Protocol):
    """Sends batches of personalized messages and says, per message, whether it was accepted."""

    name: str
    limits: Limits
    # How a batch whose outcome is unknown (a crash, a timeout) is settled: "idempotent" — send it
    # again under the same key, the provider drops the repeat; "search" — ask accepted(); "none" —
    # the [provider] on_uncertain policy decides (re-send: at-least-once; skip: at-most-once).
    reconcile: Reconcile

    async def send(self, batch: Batch) -> list[SendResult]:
        """Send one batch; raise TransientError to retry it, ProviderError when the whole send must stop."""
        ...

    async def accepted(self, batch: Batch) -> dict[int, str] | None:
        """Which of a batch the provider accepted earlier (id → message id); None if it cannot tell."""
        ...

    async def aclose(self) -> None:
        """Release connections and files."""
        ...


@dataclass(frozen=True, slots=True)
class Context:
    """What a factory gets: the [provider] table, the shared HTTP client and the environment."""

    config: ProviderConfig
    client: httpx.AsyncClient | None
    environ: Mapping[str, str]

    def secret(self, default_env: str, *, required: bool = True) -> str:
        """The key from the environment variable [provider] names (or the provider's usual one)."""
        env = self.config.api_key_env or default_env
        value = self.environ.get(env, "")
        if required and not value:
            raise ProviderError(
                self.config.name,
                f"needs an API key: environment variable {env} is not set",
                f"export {env}=… (the key from your {self.config.name} account), "
                "or name another variable in provider.api_key_env",
            )
        return value

    def env_name(self, default_env: str) -> str:
        """The environment variable that holds the key, for hints."""
        return self.config.api_key_env or default_env


Factory = Callable[[Context], Provider]
_REGISTRY: dict[str, Factory] = {}


def register(name: str) -> Callable[[Factory], Factory]:
    """Register a provider factory under a name; a second provider with the same name is refused."""

    def decorate(factory: Factory) -> Factory:
        if name in _REGISTRY:
            raise ValueError(f"provider '{name}' is already registered")
        _REGISTRY[name] = factory
        return factory

    return decorate


def available() -> list[str]:
    """Names of the providers this installation can send through."""
    return sorted(_REGISTRY)


def create_provider(
    config: ProviderConfig,
    config_path: str = "schedule.toml",
    *,
    client: httpx.AsyncClient | None = None,
    environ: Mapping[str, str] | None = None,
) -> Provider:
    """Build the configured provider on the shared client (a provider without one makes its own)."""
    factory = _REGISTRY.get(config.name)
    if factory is None:
        raise ConfigError(
            config_path,
            [f"provider.name: '{config.name}' is not available in this version"],
            f"use one of: {', '.join(available())}",
        )
    return factory(Context(config, client, os.environ if environ is None else environ))


def all_results(batch: Batch, accepted: bool, message_id: str = "", error: str = "") -> list[SendResult]:
    """The same outcome for every addressee of a batch (providers that answer per request)."""
    return [SendResult(a.subscriber_id, accepted, message_id, error) for a in batch.addressees]
