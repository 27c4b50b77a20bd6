"""Rate limits, backoff and the error budget, on a fake clock."""

from __future__ import annotations

import asyncio

import pytest

from digest.providers.http import retry_after
from digest.providers.pace import ErrorBudget, Pacer, RateLimit, backoff


class FakeTime:
    """A monotonic clock that moves only when something sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_a_rate_limit_spaces_requests_evenly() -> None:
    time = FakeTime()
    limit = RateLimit(2.0, time.monotonic, time.sleep)

    async def three() -> None:
        for _ in range(3):
            await limit.take()

    asyncio.run(three())
    assert time.slept == [0.5, 0.5] and time.now == 101.0


def test_a_batch_larger_than_a_seconds_worth_waits_its_turn_instead_of_never_fitting() -> None:
    time = FakeTime()
    pacer = Pacer(None, 14.0, time.monotonic, time.sleep)

    async def two_batches() -> None:
        await pacer.wait(50)
        await pacer.wait(50)

    asyncio.run(two_batches())
    assert time.slept == [pytest.approx(50 / 14)]


def test_no_limit_never_sleeps() -> None:
    time = FakeTime()
    asyncio.run(Pacer(None, None, time.monotonic, time.sleep).wait(1000))
    assert time.slept == []


def test_backoff_grows_with_full_jitter_is_capped_and_honours_retry_after() -> None:
    assert backoff(1, 0.5, 30, rng=lambda: 1.0) == 0.5
    assert backoff(4, 0.5, 30, rng=lambda: 1.0) == 4.0
    assert backoff(20, 0.5, 30, rng=lambda: 1.0) == 30
    assert backoff(3, 0.5, 30, rng=lambda: 0.0) == 0.0
    assert backoff(1, 0.5, 30, retry_after=7.0, rng=lambda: 0.3) == 7.0


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after("3") == 3.0
    assert retry_after(None) is None and retry_after("soon") is None
    assert retry_after("Wed, 25 Nov 2026 12:00:10 GMT", now=1795608000.0) == 10.0


def test_the_error_budget_pauses_on_failed_messages_or_mostly_failed_requests() -> None:
    budget = ErrorBudget(0.25, 100)
    budget.messages(ok=80, failed=20)
    assert budget.exhausted() == ""
    budget.messages(ok=0, failed=10, error="Postmark 406: inactive")
    assert budget.exhausted() == "30 of the last 100 messages failed"
    requests = ErrorBudget(0.25, 100)
    for index in range(50):
        requests.request(index % 3 == 0, "answered 503")
    assert requests.exhausted() == "33 of the last 50 requests failed"
