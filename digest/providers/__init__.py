"""Email providers behind one small protocol, found by the registry: one package per provider.

A provider package (``digest/providers/<name>/``, or a third party's, by entry point) exposes a
``Plugin``: its sender, the model of its own [provider] keys and its webhook. See ``registry``.
"""

from digest.providers.base import Provider, SendOutcome
from digest.providers.registry import Plugin, available, create_provider, plugin, register

__all__ = ["Plugin", "Provider", "SendOutcome", "available", "create_provider", "plugin", "register"]
