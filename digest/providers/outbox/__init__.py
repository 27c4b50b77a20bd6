"""The outbox provider: one .eml file per recipient under outbox/<issue>/ (no account needed)."""

from pathlib import Path

from digest.providers.base import Context
from digest.providers.outbox.sender import OutboxProvider
from digest.providers.registry import Plugin


def _outbox(context: Context) -> OutboxProvider:
    return OutboxProvider(Path(context.config.outbox_dir))


plugin = Plugin("outbox", _outbox)

__all__ = ["OutboxProvider", "plugin"]
