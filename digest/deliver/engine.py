"""The send loop: workers claim a batch, personalize it, wait their turn, send, retry, record.

Rows whose outcome is unknown (the provider may have accepted them before a timeout or a crash)
stay in flight and are settled by ``reconcile``: re-sent under the same key where the provider is
idempotent, looked up where it keeps a searchable log, otherwise by the on_uncertain policy.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import ColumnElement

from digest.config import ProviderConfig
from digest.deliver.thread import LedgerThread
from digest.errors import DigestError, ProviderError
from digest.models import SendResult
from digest.providers.base import Limits, Provider, SendOutcome, TransientError
from digest.providers.letter import Addressee, Batch, Letter
from digest.providers.pace import ErrorBudget, Pacer, Sleep, backoff, capped, wait_weight
from digest.store.ledger import Claimed, InFlight, Ledger, Tally


class Progress(Protocol):
    """Told how far the send is: a total once, then each batch as it is done."""

    def start(self, total: int, done: int) -> None:
        """The rows of the issue, and how many were already done before this run."""
        ...

    def advance(self, count: int) -> None:
        """``count`` more rows are done (sent, failed or skipped)."""
        ...


@dataclass(frozen=True, slots=True)
class Plan:
    """The [provider] settings with the provider's documented defaults filled in."""

    batch_size: int
    concurrency: int
    requests_per_s: float | None
    messages_per_s: float | None
    config: ProviderConfig

    @classmethod
    def of(cls, config: ProviderConfig, limits: Limits) -> Plan:
        """Resolve unset limits from the provider's; a rate of 0 means no limit."""
        requests = limits.requests_per_s if config.requests_per_s is None else config.requests_per_s
        messages = limits.messages_per_s if config.messages_per_s is None else config.messages_per_s
        return cls(
            batch_size=min(config.batch_size or limits.max_batch, limits.max_batch),
            concurrency=config.concurrency or limits.concurrency,
            requests_per_s=requests or None,
            messages_per_s=messages or None,
            config=config,
        )


class Engine:
    """One send of one issue (the caller holds the issue's lock).

    Every ledger call goes through ``db``, the ledger's own thread: never on the event loop.
    """

    def __init__(
        self,
        letter: Letter,
        addressee: Callable[[Claimed], Addressee],
        ledger: Ledger,
        provider: Provider,
        clock: Callable[[], datetime],
        plan: Plan,
        db: LedgerThread,
        progress: Progress | None = None,
        sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._letter, self._addressee, self._ledger, self._db = letter, addressee, ledger, db
        self._provider, self._clock, self._plan, self._sleep = provider, clock, plan, sleep
        self._progress = progress
        self._settings = plan.config
        self._pacer = Pacer(plan.requests_per_s, plan.messages_per_s, monotonic, sleep)
        self._budget = ErrorBudget(plan.config.error_budget, plan.config.error_window)
        self._error: BaseException | None = None
        self._uncertain = False
        self.reconciled = self.given_up = 0

    @property
    def _issue(self) -> str:
        return self._letter.issue_id

    def halt(self, error: BaseException) -> None:
        """Stop taking new batches; the first error is what the send ends with."""
        self._error = self._error or error

    async def run(self, list_name: str, where: ColumnElement[bool] | None = None) -> None:
        """Settle what an earlier run left in flight, queue the list (``where``: its segment), send
        until nothing is left."""
        await self.reconcile()
        await self._db(self._ledger.enqueue, self._issue, list_name, self._clock(), where)
        if self._progress:
            counts = await self._db(self._ledger.counts, self._issue)
            total = sum(counts.values())
            self._progress.start(total, total - counts.get("pending", 0) - counts.get("in_flight", 0))
        while True:
            self._uncertain = False
            async with asyncio.TaskGroup() as group:
                for _ in range(self._plan.concurrency):
                    group.create_task(self._worker())
            if self._error:
                raise self._error
            if not self._uncertain:
                return
            # Give the provider's log a moment to show what it accepted before we ask it.
            await self._sleep(self._settings.reconcile_delay)
            await self.reconcile()

    async def _worker(self) -> None:
        try:
            while not self._error:
                await self._pacer.wait(self._plan.batch_size)
                batches = await self._claim()
                if batches is None:
                    return
                for index, batch in enumerate(batches):
                    if index:  # a claim split by variant: each further request is paced too
                        await self._pacer.wait(len(batch))
                    if batch.addressees:  # when stopping, _deliver hands the rows back
                        await self._deliver(batch, paced=True)
        except Exception as exc:  # a bug, not a provider answer: stop cleanly, rows stay in flight
            self.halt(exc)

    async def _claim(self) -> list[Batch] | None:
        """The next rows as batches, one per variant of the issue they get (one batch without variants)."""
        now = self._clock()
        claimed = await self._db(self._claim_rows, now)
        if claimed is None:
            return None
        gone, groups = claimed
        self._advance(gone)
        return [Batch(key, letter, tuple(rows), now) for key, (letter, rows) in groups.items()]

    def _claim_rows(self, now: datetime) -> tuple[int, dict[str, tuple[Letter, list[Addressee]]]] | None:
        groups: dict[str, tuple[Letter, list[Addressee]]] = {}
        keys: dict[int, str] = {}

        def key_of(row: Claimed) -> str:
            if not row.active:
                return keys.setdefault(-1, uuid.uuid4().hex)
            addressee = self._addressee(row)
            index = self._letter.variant_key(addressee.values)
            key = keys.setdefault(index, uuid.uuid4().hex)
            groups.setdefault(key, (self._letter.variant(addressee.values), []))[1].append(addressee)
            return key

        rows = self._ledger.claim(self._issue, self._plan.batch_size, now, key_of=key_of)
        if not rows:
            return None
        gone = [r.subscriber_id for r in rows if not r.active]
        if gone:  # unsubscribed after the send began: skipped from that moment
            self._ledger.suppress(self._issue, gone, now)
        return len(gone), groups

    async def _release(self, ids: Sequence[int]) -> None:
        await self._db(self._ledger.release, self._issue, ids, self._clock())

    async def _deliver(self, batch: Batch, *, paced: bool = False) -> None:
        """Send one batch, retrying what is worth retrying, and record the answer."""
        for attempt in itertools.count(1):
            if self._error:  # stopping: the batch was not sent, it waits for the next run
                await self._release(_ids(batch))
                return
            if attempt > 1 or not paced:
                await self._pacer.wait(len(batch))
            try:
                outcome = await self._provider.send(batch)
            except TransientError as exc:
                if await self._again(batch, exc, attempt):
                    continue
                return
            except DigestError as exc:  # the whole request refused (bad key, unverified sender): nothing sent
                await self._release(_ids(batch))
                self.halt(exc)
                return
            await self._record(batch, outcome)
            return

    async def _again(self, batch: Batch, exc: TransientError, attempt: int) -> bool:
        """After a failed attempt: True to retry (after a backoff), False when the batch is settled."""
        cfg = self._settings
        retry_after = capped(exc.retry_after, cfg.max_retry_after)
        self._budget.request(False, exc.reason, wait_weight(retry_after, cfg.backoff_max))
        if exc.uncertain and self._provider.reconcile == "search":
            self._uncertain = True  # rows stay in flight; the provider's log says what it took
            return False
        if exc.uncertain and self._provider.reconcile == "none" and self._settings.on_uncertain == "skip":
            await self._give_up(batch, exc.reason)
            return False
        why = self._budget.exhausted()
        if attempt > self._settings.max_retries or why:
            await self._release(_ids(batch))
            self.halt(self._paused(why or f"one batch failed {attempt} times in a row", exc.reason))
            return False
        await self._sleep(backoff(attempt, cfg.backoff, cfg.backoff_max, retry_after))
        return True

    async def _record(self, batch: Batch, outcome: SendOutcome) -> None:
        """Record what the provider answered; a message it gave no answer for was not sent."""
        self._budget.request(True)
        answered = {r.subscriber_id for r in outcome.results}
        unanswered = [i for i in _ids(batch) if i not in answered]
        unanswered = await self._doubted(unanswered, set(outcome.uncertain) - answered)
        tally = await self._db(self._record_rows, list(outcome.results), unanswered)
        error = next((r.error for r in outcome.results if not r.accepted), "")
        self._budget.messages(tally.sent, tally.failed + tally.retry, error)
        self._advance(tally.sent + tally.failed)
        if outcome.stop is not None:  # the account cannot send: what it accepted is recorded, stop now
            self.halt(outcome.stop)
        elif why := self._budget.exhausted():
            self.halt(self._paused(why, self._budget.last_error))

    async def _doubted(self, unanswered: list[int], doubted: set[int]) -> list[int]:
        """The unanswered rows to send again: those the provider may have taken are settled as uncertain.

        A provider with a searchable log keeps them in flight for reconcile to look up; otherwise
        on_uncertain = "skip" gives them up (at most once) and "resend" sends them again.
        """
        doubted &= set(unanswered)
        searchable = self._provider.reconcile == "search"
        if not doubted or (not searchable and self._settings.on_uncertain == "resend"):
            return unanswered
        if searchable:
            self._uncertain = True  # rows stay in flight; the provider's log says what it took
        else:
            error = "uncertain: no answer came while it was being sent; not sent again (on_uncertain = skip)"
            await self._db(self._ledger.give_up, self._issue, sorted(doubted), self._clock(), error)
            self.given_up += len(doubted)
            self._advance(len(doubted))
        return [i for i in unanswered if i not in doubted]

    def _record_rows(self, results: list[SendResult], unanswered: list[int]) -> Tally:
        now = self._clock()
        tally = self._ledger.record(self._issue, results, now, self._settings.max_attempts)
        self._ledger.release(self._issue, unanswered, now)
        return tally

    async def _give_up(self, batch: Batch, reason: str) -> None:
        error = f"uncertain: {reason}; not sent again (on_uncertain = skip)"
        await self._db(self._ledger.give_up, self._issue, _ids(batch), self._clock(), error)
        self.given_up += len(batch)
        self._advance(len(batch))

    def _paused(self, why: str, last: str) -> ProviderError:
        return ProviderError(
            self._provider.name,
            f"paused the send of '{self._issue}': {why} (last error: {last})",
            f"check the provider's status and your account; `digest send --resume {self._issue}` "
            "continues where it stopped",
        )

    def _advance(self, count: int) -> None:
        if self._progress and count:
            self._progress.advance(count)

    async def reconcile(self) -> None:
        """Settle every batch left in flight, by an earlier run or by an uncertain answer in this one."""
        groups: list[InFlight] = await self._db(lambda: list(self._ledger.in_flight(self._issue)))
        for group in groups:
            rows = tuple(self._addressee(r) for r in group.rows)
            letter = self._letter.variant(rows[0].values) if rows else self._letter  # one per batch key
            batch = Batch(group.batch_key, letter, rows, group.claimed_at)
            kind = self._provider.reconcile if group.batch_key else "none"
            if kind == "idempotent":
                await self._deliver(batch)  # same key, same content: the provider drops a repeat
                if self._error:
                    raise self._error
                continue
            found = await self._lookup(batch) if kind == "search" else None
            await self._settle(batch, found)

    async def _settle(self, batch: Batch, found: dict[int, str] | None) -> None:
        if found is None and self._settings.on_uncertain == "skip":
            await self._give_up(batch, "in flight when an earlier send stopped")
            return
        found = found or {}
        accepted = [SendResult(i, True, m) for i, m in found.items()]
        await self._db(self._record_rows, accepted, [i for i in _ids(batch) if i not in found])
        self.reconciled += len(found)

    async def _lookup(self, batch: Batch) -> dict[int, str] | None:
        for attempt in itertools.count(1):
            try:
                return await self._provider.accepted(batch)
            except TransientError as exc:
                if attempt > self._settings.max_retries:
                    raise ProviderError(
                        self._provider.name,
                        f"cannot say which messages of an interrupted batch it accepted: {exc.reason}",
                        "nothing was sent twice; run the send again later to settle those rows",
                    ) from None
                cfg = self._settings
                retry_after = capped(exc.retry_after, cfg.max_retry_after)
                await self._sleep(backoff(attempt, cfg.backoff, cfg.backoff_max, retry_after))
        raise AssertionError("unreachable")


def _ids(batch: Batch) -> list[int]:
    return [a.subscriber_id for a in batch.addressees]
