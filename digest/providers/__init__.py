"""Email providers behind one small protocol; importing this package registers the built-in ones."""

from digest.providers import outbox as outbox
from digest.providers.base import Provider, available, create_provider, register

__all__ = ["Provider", "available", "create_provider", "register"]
