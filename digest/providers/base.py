"""What every provider is: a name, a batch limit, send a batch, close."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from digest.config import ProviderConfig
from digest.errors import ConfigError
from digest.models import OutgoingMessage, SendResult


class Provider(Protocol):
    """Sends batches of personalized messages and says, per message, whether it was accepted."""

    name: str
    max_batch: int

    def send(self, messages: Sequence[OutgoingMessage]) -> list[SendResult]:
        """Send one batch; raise ProviderError when the whole send must stop."""
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...


Factory = Callable[[ProviderConfig], Provider]
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


def create_provider(config: ProviderConfig, config_path: str = "schedule.toml") -> Provider:
    """Build the configured provider."""
    factory = _REGISTRY.get(config.name)
    if factory is None:
        raise ConfigError(
            config_path,
            [f"provider.name: '{config.name}' is not available in this version"],
            f"use one of: {', '.join(available())}",
        )
    return factory(config)
