"""The outbox provider: each message becomes an .eml file under outbox/<issue>/ (no account needed).

The files carry every recipient's signed unsubscribe link: they are written 0600 in folders made
0700, whatever the umask.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

from digest.errors import ProviderError
from digest.mime import AddressError, build_mime, serialize
from digest.models import OutgoingMessage, SendResult
from digest.providers.base import Limits, Reconcile, SendOutcome
from digest.providers.letter import Batch

_UNSAFE = re.compile(r"[^A-Za-z0-9@._+-]")
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


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

        Each file counts on its own: those written before the failure were delivered and are
        reported as sent, the others have no result and stay pending."""
        results: list[SendResult] = []
        for message in batch.messages():
            try:
                results.append(self.write(message))
            except AddressError as exc:  # this one address only: the others go on
                results.append(SendResult(message.subscriber_id, False, error=exc.message, permanent=True))
            except ValueError as exc:  # a header the email package refuses to write, for this one address
                error = f"Address '{message.to}' cannot be written: {exc}"
                results.append(SendResult(message.subscriber_id, False, error=error, permanent=True))
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
        """Write one message as an .eml file (atomically: a reader never sees half a file).

        Raises AddressError for an address that cannot be written, ProviderError when the folder
        cannot be (a full disk says so); a half-written file is removed."""
        path = self.path_for(message)
        mime = build_mime(message, self._clock())
        partial = path.with_suffix(".eml.part")
        try:
            private_folder(path.parent)
            write_private(partial, serialize(mime))
            os.replace(partial, path)
        except OSError as exc:
            with suppress(OSError):
                partial.unlink(missing_ok=True)
            raise self._unwritable(path, message.issue_id, exc) from None
        return SendResult(message.subscriber_id, True, message_id=str(mime["Message-ID"]))

    def _unwritable(self, path: Path, issue_id: str, exc: OSError) -> ProviderError:
        if exc.errno in _FULL:
            return ProviderError(
                self.name,
                f"cannot write '{path}': the disk is full ({exc.strerror})",
                f"free some space for provider.outbox_dir, then `digest send --resume {issue_id}` "
                "writes the messages still to send (those written are kept)",
            )
        return ProviderError(
            self.name, f"cannot write to '{path.parent}': {exc.strerror}", "check provider.outbox_dir"
        )

    async def aclose(self) -> None:
        """Nothing to release."""


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to a file only its owner can read (0600, also when it was there before)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        os.fchmod(fd, 0o600)
        out.write(data)


def private_folder(folder: Path) -> None:
    """Make ``folder`` and its missing parents, each 0700 (the folders that already exist keep theirs)."""
    missing: list[Path] = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        each.mkdir(mode=0o700, exist_ok=True)
        os.chmod(each, 0o700)  # the umask may have taken bits mkdir's mode asked for
