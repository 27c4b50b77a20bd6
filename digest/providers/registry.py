"""The provider registry: built-in packages, entry points, and providers registered at run time.

A provider is a ``Plugin``: its name, a factory, the model of its own [provider] keys and, when it
has one, its webhook. It is found, without importing any other provider, in this order:

- a package ``digest/providers/<name>/`` exposing ``plugin`` (the built-in ones);
- an entry point of the group ``digest.providers`` whose object is a ``Plugin`` (third parties):
  ``[project.entry-points."digest.providers"] acme = "acme_digest:plugin"``;
- ``register(name)`` at run time (tests, embedding applications).

One name, one provider: a second provider of a name already known is refused.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from digest.errors import ConfigError

if TYPE_CHECKING:
    import httpx

    from digest.config import ProviderConfig
    from digest.providers.base import Context, Provider
    from digest.providers.hooks import HookSetup, Webhook

GROUP = "digest.providers"


class Options(BaseModel):
    """Base of a provider's own [provider] keys; used as is by a provider with none (any key: an error)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True, slots=True)
class Plugin:
    """Everything digest knows about one provider."""

    name: str
    factory: Callable[[Context], Provider]
    options: type[BaseModel] = Options  # the provider's own [provider] keys (extra="forbid")
    webhook: Callable[[HookSetup], Webhook] | None = None  # served at /webhooks/<name>


_REGISTERED: dict[str, Plugin] = {}
_LOADED: dict[str, Plugin] = {}


def register(
    name: str, *, options: type[BaseModel] = Options, webhook: Callable[[HookSetup], Webhook] | None = None
) -> Callable[[Callable[[Context], Provider]], Callable[[Context], Provider]]:
    """Register a provider factory under a name; a second provider with the same name is refused."""

    def decorate(factory: Callable[[Context], Provider]) -> Callable[[Context], Provider]:
        add(Plugin(name, factory, options, webhook))
        return factory

    return decorate


def add(plugin: Plugin) -> None:
    """Register a whole plugin; a name already taken (built in, entry point or registered) is refused."""
    if plugin.name in _REGISTERED or plugin.name in _builtin() or plugin.name in _entry_points():
        raise ValueError(f"provider '{plugin.name}' is already registered")
    _REGISTERED[plugin.name] = plugin


def unregister(name: str) -> None:
    """Forget a provider registered at run time (tests clean up with it)."""
    _REGISTERED.pop(name, None)


def refresh() -> None:
    """Look for packages and entry points again (after a provider was installed at run time)."""
    _builtin.cache_clear()
    _entry_points.cache_clear()
    _LOADED.clear()


def available() -> list[str]:
    """Names of the providers this installation can send through (nothing is imported to know)."""
    return sorted({*_builtin(), *_entry_points(), *_REGISTERED})


def plugin(name: str) -> Plugin:
    """The provider called ``name``, loaded on first use; KeyError when there is none."""
    if name in _REGISTERED:
        return _REGISTERED[name]
    if name not in _LOADED:
        _LOADED[name] = _load(name)
    return _LOADED[name]


def plugins() -> list[Plugin]:
    """Every available provider, loaded (for the webhook routes)."""
    return [plugin(name) for name in available()]


def _load(name: str) -> Plugin:
    if name in _builtin():
        found: Any = importlib.import_module(f"{__package__}.{name}").plugin
    elif name in _entry_points():
        found = _entry_points()[name].load()
    else:
        raise KeyError(name)
    if not isinstance(found, Plugin) or found.name != name:
        raise ValueError(f"provider '{name}' does not expose a Plugin named '{name}'")
    return found


@cache
def _builtin() -> frozenset[str]:
    """The provider packages shipped inside digest.providers."""
    here = [str(Path(__file__).parent)]
    return frozenset(m.name for m in pkgutil.iter_modules(here) if m.ispkg)


@cache
def _entry_points() -> Mapping[str, EntryPoint]:
    """Third-party providers, by entry point; a name given twice, or a built-in one, is refused."""
    found: dict[str, EntryPoint] = {}
    for point in entry_points(group=GROUP):
        if point.name in found or point.name in _builtin():
            raise ValueError(f"provider '{point.name}' is already registered (entry point '{point.value}')")
        found[point.name] = point
    return found


def create_provider(
    config: ProviderConfig,
    config_path: str = "schedule.toml",
    *,
    client: httpx.AsyncClient | None = None,
    environ: Mapping[str, str] | None = None,
) -> Provider:
    """Build the configured provider on the shared client (a provider without one makes its own)."""
    import os

    from digest.providers.base import Context

    try:
        found = plugin(config.name)
    except KeyError:
        raise ConfigError(
            config_path,
            [f"provider.name: '{config.name}' is not available in this version"],
            f"use one of: {', '.join(available())}",
        ) from None
    return found.factory(Context(config, client, os.environ if environ is None else environ))
