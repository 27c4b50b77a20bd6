"""One sender per issue: a lock row in the store, kept alive by a heartbeat, taken over when stale."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from datetime import datetime

from digest.deliver.thread import LedgerThread
from digest.errors import DigestError
from digest.store.ledger import Ledger


class SendLockedError(DigestError):
    """Another process is sending this issue right now."""


def owner_id() -> str:
    """Who we are in the lock table: host, process id and a random tag."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def is_stale(owner: str) -> bool:
    """True when the lock's holder is a process on this machine that no longer exists.

    A sender killed with SIGKILL cannot release its lock; on the same host we need not wait
    for the lock to expire to know it is gone.
    """
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@asynccontextmanager
async def send_lock(
    ledger: Ledger,
    db: LedgerThread,
    issue_id: str,
    clock: Callable[[], datetime],
    ttl: float,
    wait: float,
    on_lost: Callable[[], None],
) -> AsyncIterator[str]:
    """Hold the issue's send lock for the block; wait up to ``wait`` seconds for another sender.

    The lock, its heartbeat and its release are store calls: they run on the ledger's thread ``db``.
    """
    owner = owner_id()
    deadline = time.monotonic() + wait
    while (holder := await db(ledger.lock, issue_id, owner, clock(), ttl, is_stale)) is not None:
        left = deadline - time.monotonic()
        if left <= 0:
            who, until = holder
            raise SendLockedError(
                f"Issue '{issue_id}' is being sent by another process ('{who}'): "
                f"its lock holds until {until:%H:%M:%S} UTC",
                f"wait for it to finish, or run `digest send --resume {issue_id} --wait`; the lock of "
                "a sender that died expires after provider.lock_ttl seconds",
            )
        await asyncio.sleep(min(1.0, ttl / 4, left))
    beat = asyncio.create_task(_heartbeat(ledger, db, issue_id, owner, clock, ttl, on_lost))
    try:
        yield owner
    finally:
        beat.cancel()
        with suppress(asyncio.CancelledError):
            await beat
        await db(ledger.unlock, issue_id, owner)


async def _heartbeat(
    ledger: Ledger,
    db: LedgerThread,
    issue_id: str,
    owner: str,
    clock: Callable[[], datetime],
    ttl: float,
    on_lost: Callable[[], None],
) -> None:
    while True:
        await asyncio.sleep(ttl / 3)
        if not await db(ledger.renew, issue_id, owner, clock(), ttl):
            on_lost()
            return
