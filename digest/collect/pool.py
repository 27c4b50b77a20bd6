"""Parse article pages in worker processes, so feeds and pages keep downloading while pages are parsed.

Processes, not threads: lxml releases the GIL while it parses, but the rules that find the lede, the
image and the credit are Python that holds it, and a thread pool measured no faster than parsing on the
event loop (`bench/collect.py --pages DIR`). Workers come from a fork server that has the parser
loaded already: each starts in milliseconds, and nothing forks the main process, whose event loop and
HTTP client run threads (forking those can deadlock). Only the service layer makes a pool, once per
run, and closes it; tests and one-off commands parse inline.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from types import TracebackType

from digest.collect.pages import PageInfo, extract_page

__all__ = ["PagePool", "cpus", "process_pool"]

Parse = Callable[[bytes, str, str], PageInfo]  # body, URL, Content-Type: as extract_page


def cpus() -> int:
    """How many CPUs this process may run on (its affinity, where the system tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def process_pool(workers: int | None = None) -> ProcessPoolExecutor:
    """A pool of page-parsing processes, one per CPU, forked from a server with the parser imported."""
    context: BaseContext = multiprocessing.get_context("spawn")
    if "forkserver" in multiprocessing.get_all_start_methods():  # not on Windows
        server = multiprocessing.get_context("forkserver")
        server.set_forkserver_preload(["digest.collect.pages"])
        context = server
    return ProcessPoolExecutor(
        workers or cpus(), mp_context=context, initializer=_worker_start, initargs=(_logger_levels(),)
    )


def _logger_levels() -> dict[str, int]:
    """The levels this process set on its loggers (the command's -v, the libraries kept quiet)."""
    found = {"": logging.getLogger().level}
    for name, logger in logging.root.manager.loggerDict.items():
        if isinstance(logger, logging.Logger) and logger.level != logging.NOTSET:
            found[name] = logger.level
    return found


def _worker_start(levels: dict[str, int]) -> None:
    # Ctrl-C reaches the whole process group: the main process decides what stops (a send finishes
    # first), so a worker must not die mid-page and break the pool under it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A worker logs as the command does: trafilatura's warnings only with -v, as in the main process.
    for name, level in levels.items():
        logging.getLogger(name or None).setLevel(level)


class PagePool:
    """An Extractor that parses each page in an executor made on first use; close it when the run ends.

    It queues whatever it is given: collect() bounds how many pages are downloaded and not yet parsed.
    """

    def __init__(self, start: Callable[[], Executor] = process_pool, parse: Parse = extract_page) -> None:
        self._start, self._parse = start, parse
        self._executor: Executor | None = None

    async def __call__(self, body: bytes, url: str, content_type: str = "") -> PageInfo:
        """Decode and parse one page off the event loop."""
        executor = self._executor or self._begin()
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(executor, self._parse, body, url, content_type)
        except BrokenProcessPool:
            # A worker died (a crash in the parser, the OOM killer): this page and the ones it was
            # parsing alongside are lost, but the pages still to come get a fresh pool.
            if self._executor is executor:
                executor.shutdown(wait=False, cancel_futures=True)
                self._executor = None
            raise

    def warm(self) -> None:
        """Start the workers now, so that they are ready by the time the first page has downloaded.

        A fork server has to import the parser before it forks a worker (about half a second here):
        begun at the start of a run, that happens while the feeds are still on their way.
        """
        executor = self._executor or self._begin()
        for _ in range(cpus()):
            executor.submit(os.getpid)

    def _begin(self) -> Executor:
        self._executor = self._start()
        return self._executor

    def close(self) -> None:
        """Stop the workers, dropping pages not yet parsed."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> PagePool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
