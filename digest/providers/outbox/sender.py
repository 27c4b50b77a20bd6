"""The outbox provider: each message becomes an .eml file under outbox/<issue>/ (no account needed)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from digest.errors import ProviderError
from digest.mime import build_mime, serialize
from digest.models import OutgoingMessage, SendResult
from digest.providers.base import Limits, Reconcile, SendOutcome
from digest.providers.letter import Batch

_UNSAFE = re.compile(r"[^A-Za-z0-9@._+-]")


class OutboxProvider:
    """A real provider that delivers into a folder: one .eml per recipient, written atomically."""

    name = "outbox"
    limits = Limits(max_batch=100, concurrency=1)
    # A file that exists was delivered: after a crash the folder itself says what was sent.
    reconcile: Reconcile = "search"

    def __init__(self, folder: Path, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.folder = folder
        self._clock = clock

    async def send(self, batch: Batch) -> SendOutcome:
        """Write every message of the batch; a folder that cannot be written stops the send.

        The files written before the failure were delivered: they are reported as sent."""
        results: list[SendResult] = []
        for message in batch.messages():
            try:
                results.append(self.write(message))
            except ProviderError as exc:
                return SendOutcome(tuple(results), exc)
        return SendOutcome(tuple(results))

    async def accepted(self, batch: Batch) -> dict[int, str]:
        """The addressees whose .eml file is already there."""
        found = {}
        for addressee in batch.addressees:
            path = self._path(batch.letter.issue_id, addressee.subscriber_id, addressee.email)
            if path.exists():
                found[addressee.subscriber_id] = path.name
        return found

    def path_for(self, message: OutgoingMessage) -> Path:
        """Where a message's .eml file goes."""
        return self._path(message.issue_id, message.subscriber_id, message.to)

    def _path(self, issue_id: str, subscriber_id: int, email: str) -> Path:
        safe = _UNSAFE.sub("_", email)
        return self.folder / _UNSAFE.sub("_", issue_id) / f"{subscriber_id:07d}-{safe}.eml"

    def write(self, message: OutgoingMessage) -> SendResult:
        """Write one message as an .eml file (atomically: a reader never sees half a file)."""
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

    async def aclose(self) -> None:
        """Nothing to release."""
