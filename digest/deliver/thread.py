"""The ledger's own thread: every store call a send makes runs there, in order, off the event loop.

One thread, so claims and results reach the database in the order they were made (no row is
claimed twice) while the event loop keeps the provider's requests in flight.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")


class LedgerThread:
    """Runs blocking store calls on one worker thread and awaits them."""

    def __init__(self, pool: ThreadPoolExecutor) -> None:
        self._pool = pool

    async def __call__(self, call: Callable[..., T], *args: Any) -> T:
        """Run ``call(*args)`` on the ledger's thread; the event loop goes on meanwhile."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, call, *args)


@contextmanager
def ledger_thread() -> Iterator[LedgerThread]:
    """A ledger thread for the length of the block."""
    with ThreadPoolExecutor(1, thread_name_prefix="digest-ledger") as pool:
        yield LedgerThread(pool)
