"""The outbox provider: each message becomes an .eml file under outbox/<issue>/ (no account needed)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from digest.config import ProviderConfig
from digest.errors import ProviderError
from digest.mime import build_mime, serialize
from digest.models import OutgoingMessage, SendResult
from digest.providers.base import register

_UNSAFE = re.compile(r"[^A-Za-z0-9@._+-]")


class OutboxProvider:
    """A real provider that delivers into a folder: one .eml per recipient, written atomically."""

    name = "outbox"
    max_batch = 1000

    def __init__(self, folder: Path, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.folder = folder
        self._clock = clock

    def send(self, messages: Sequence[OutgoingMessage]) -> list[SendResult]:
        """Write every message of the batch; a folder that cannot be written stops the send."""
        return [self._write(message) for message in messages]

    def path_for(self, message: OutgoingMessage) -> Path:
        """Where a message's .eml file goes."""
        safe = _UNSAFE.sub("_", message.to)
        return self.folder / _UNSAFE.sub("_", message.issue_id) / f"{message.subscriber_id:07d}-{safe}.eml"

    def _write(self, message: OutgoingMessage) -> SendResult:
        path = self.path_for(message)
        mime = build_mime(message, self._clock())
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".eml.part")
            partial.write_bytes(serialize(mime))
            os.replace(partial, path)
        except OSError as exc:
            raise ProviderError(
                self.name,
                f"cannot write to '{path.parent}': {exc.strerror}",
                "check provider.outbox_dir",
            ) from None
        return SendResult(message.subscriber_id, True, message_id=str(mime["Message-ID"]))

    def close(self) -> None:
        """Nothing to release."""


@register("outbox")
def _factory(config: ProviderConfig) -> OutboxProvider:
    return OutboxProvider(Path(config.outbox_dir))
