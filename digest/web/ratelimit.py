"""A per-key (per-IP) sliding-window rate limit, kept in memory by the serving process."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """At most ``limit`` hits per key within ``window`` seconds."""

    def __init__(
        self,
        limit: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._max_keys = max_keys
        self._hits: dict[str, deque[float]] = {}

    def hit(self, key: str) -> float:
        """Count a hit; 0 when allowed, else the seconds until the key may try again."""
        now = self._clock()
        wait = self._wait(key, now)
        if wait:
            return wait
        self._hits.setdefault(key, deque()).append(now)
        if len(self._hits) > self._max_keys:
            self._forget(now)
        return 0.0

    def blocked(self, key: str) -> float:
        """Without counting a hit: 0 when the key may go on, else the seconds until it may."""
        return self._wait(key, self._clock())

    def _wait(self, key: str, now: float) -> float:
        hits = self._hits.get(key)
        if not hits:
            return 0.0
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return max(1.0, math.ceil(hits[0] + self.window - now))
        return 0.0

    def _forget(self, now: float) -> None:
        """Drop keys with no recent hits, so that a flood from many addresses cannot fill memory."""
        stale = [key for key, hits in self._hits.items() if not hits or hits[-1] <= now - self.window]
        for key in stale:
            del self._hits[key]
        if len(self._hits) > self._max_keys:
            # Still too many live keys: forgetting the oldest half errs towards letting someone in.
            for key in list(self._hits)[: len(self._hits) // 2]:
                del self._hits[key]
