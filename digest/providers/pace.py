"""Manners towards a provider: rate limits per second and exponential backoff with jitter."""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable

Sleep = Callable[[float], Awaitable[None]]


class RateLimit:
    """At most ``per_second`` units a second, spaced evenly (GCRA: no burst beyond one unit's turn).

    A take larger than a second's worth is allowed and pays for itself by delaying the next one,
    so a 500-message batch under a 14 messages/s limit waits its turn instead of never fitting.
    """

    def __init__(
        self,
        per_second: float | None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._interval = 1.0 / per_second if per_second else 0.0
        self._monotonic = monotonic
        self._sleep = sleep
        self._next = 0.0

    async def take(self, units: float = 1.0) -> None:
        """Wait until ``units`` may be spent now."""
        if not self._interval:
            return
        now = self._monotonic()
        start = max(now, self._next)
        self._next = start + units * self._interval
        if start > now:
            await self._sleep(start - now)


class Pacer:
    """A provider's two limits together: requests per second and messages per second."""

    def __init__(
        self,
        requests_per_s: float | None,
        messages_per_s: float | None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._requests = RateLimit(requests_per_s, monotonic, sleep)
        self._messages = RateLimit(messages_per_s, monotonic, sleep)

    async def wait(self, messages: int) -> None:
        """Wait until one request carrying ``messages`` messages may go."""
        await self._requests.take(1)
        await self._messages.take(messages)


def backoff(
    attempt: int,
    base: float,
    cap: float,
    retry_after: float | None = None,
    rng: Callable[[], float] = random.random,
) -> float:
    """Seconds before retry ``attempt`` (1, 2, …): full jitter up to base·2^(attempt-1), capped.

    A Retry-After from the provider is a floor: never come back sooner than it asked.
    """
    ceiling = min(cap, base * 2.0 ** (attempt - 1))
    delay = ceiling * rng()
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay


def capped(retry_after: float | None, cap: float) -> float | None:
    """A provider's Retry-After, never longer than ``cap`` seconds (a huge value must not hang a send)."""
    return None if retry_after is None else min(retry_after, cap)


def wait_weight(retry_after: float | None, unit: float) -> int:
    """How many failed requests one failed attempt counts as: one, plus one per ``unit`` seconds of the
    wait the provider asked for — a provider that keeps sending us away for long pauses the send sooner."""
    if not retry_after or unit <= 0:
        return 1
    return 1 + int(retry_after // unit)


class ErrorBudget:
    """Pauses a send that keeps failing: too many failed messages, or most recent requests failed.

    Messages count once, with their final outcome; requests count every attempt, so a burst of
    429s that the retries ride out does not stop a send, but a provider that is down does.
    """

    def __init__(self, share: float, window: int, requests: int = 50) -> None:
        self._share = share
        self._messages: deque[bool] = deque(maxlen=window)
        self._requests: deque[bool] = deque(maxlen=requests)
        self.last_error = ""

    def messages(self, ok: int, failed: int, error: str = "") -> None:
        """Record the final outcome of a batch's messages."""
        self._messages.extend([True] * ok + [False] * failed)
        self.last_error = error or self.last_error

    def request(self, ok: bool, error: str = "", weight: int = 1) -> None:
        """Record one request: answered, or failed in a way worth retrying (``weight`` times)."""
        self._requests.extend([ok] * weight)
        self.last_error = error or self.last_error

    def exhausted(self) -> str:
        """Why the send should pause now, or '' while it is within budget."""
        for name, window, share in (
            ("messages", self._messages, self._share),
            ("requests", self._requests, 0.5),
        ):
            failed = window.count(False)
            if len(window) == window.maxlen and failed > share * len(window):
                return f"{failed} of the last {len(window)} {name} failed"
        return ""
