"""The scheduler's actions on the service: send a slot's issue, draft it ahead, tell what is done.

Each action reads the config anew (editors change it between issues) and turns a failure into an
event for the log (at ERROR), so that no config, template, provider or source error ends the scheduler.
A send logs as it goes: the issue built (digest.job), the send started, every quarter of a long send.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from digest import job
from digest.alerts import Alert
from digest.config import load_config
from digest.deliver.lock import SendLockedError
from digest.errors import DigestError
from digest.scheduler import Actions, Event, SlotAction, emit, slot_event
from digest.service import issues, sending, watching
from digest.service.runtime import Clock, Runtime, now_utc
from digest.store import Store

log = logging.getLogger("digest.scheduler")


def actions(config_path: str | Path, clock: Clock = now_utc) -> Actions:
    """The scheduler's actions with real collaborators."""

    def done(name: str, slot: datetime) -> bool:
        with Runtime.open(config_path, clock) as runtime:
            return slot_sent(runtime, name, slot)

    def approved(name: str, slot: datetime) -> bool:
        with Runtime.open(config_path, clock) as runtime:
            if runtime.config.newsletters[name].approval != "required":
                return True
            return runtime.store.issues.approved(name, job.issue_slot(runtime.config, name, slot)[1])

    def first(name: str, _slot: datetime) -> bool:
        with Runtime.open(config_path, clock) as runtime:
            return not runtime.store.issues.recent(name, limit=1)

    # A question the store cannot answer now is answered "not done, not approved": nothing is sent
    # on a guess, and the scheduler lives on to ask again at the next slot.
    return Actions(
        send=_guarded(config_path, clock, _send, "the issue of"),
        draft=_guarded(config_path, clock, _draft, "the draft of"),
        done=_asked(done, "whether it was sent"),
        approved=_asked(approved, "whether it was approved"),
        # Not knowing, the slot is taken for a later one: a missed issue is reported, never hidden.
        first=_asked(first, "whether it sent before"),
        clock=clock,
        noted=lambda kind, name, slot: _watching(config_path, clock, lambda r: _noted(r, kind, name, slot)),
        tick=lambda: _watching(config_path, clock, watching.tick),
    )


def _noted(runtime: Runtime, kind: str, name: str, slot: datetime) -> list[Alert]:
    if kind == "skipped":
        return watching.skipped_late(runtime, name, slot)
    watching.held(runtime, name, slot)
    return []


def _watching(config_path: str | Path, clock: Clock, work: Callable[[Runtime], list[Alert]]) -> None:
    """Record what the scheduler saw and send the alerts it calls for; a failure is logged, never raised."""
    try:
        with Runtime.open(load_config(config_path), clock) as runtime:
            _alerted(runtime, work(runtime))
    except Exception:  # watching must never end the scheduler (nor a send)
        log.exception("could not record the scheduler's state or send its alerts")


def _alerted(runtime: Runtime, alerts: list[Alert]) -> None:
    try:
        watching.send_alerts(runtime, alerts)
    except Exception:
        log.exception("could not send %d alerts", len(alerts))


def audience_warnings(config_path: str | Path, clock: Clock = now_utc) -> list[Event]:
    """At start-up, a warning for each newsletter whose send would reach nobody: days before its slot."""
    try:
        with Runtime.open(config_path, clock) as runtime:
            found = (_audience_warning(runtime, name) for name in runtime.config.newsletters)
            return [event for event in found if event is not None]
    except DigestError as exc:  # the store cannot answer now: each send will say so in its turn
        return [Event(f"could not check the lists: {one_line(exc)}", logging.WARNING)]


def _audience_warning(runtime: Runtime, name: str) -> Event | None:
    try:
        sending.require_audience(runtime, name, sending.audience(runtime, name))
    except DigestError as exc:
        fields = {"event": "no_audience", "newsletter": name}
        return Event(f"{one_line(exc)}; its sends fail until then", logging.WARNING, fields)
    return None


def _asked(question: Callable[[str, datetime], bool], what: str) -> Callable[[str, datetime], bool]:
    def ask(name: str, slot: datetime) -> bool:
        try:
            return question(name, slot)
        except Exception:  # a broken config or store must not end the scheduler
            log.exception(f"{name}: could not tell {what} ({slot:%Y-%m-%d %H:%M} UTC)")
            return False

    return ask


def pending_slot(runtime: Runtime, name: str) -> datetime | None:
    """The slot an approval is for: a late one still within max_lateness and not sent, else the next."""
    settings, now = runtime.config.newsletters[name], runtime.clock()
    previous = settings.schedule.previous_before(now)
    late = previous is not None and now - previous <= settings.lateness
    if late and previous is not None and not slot_sent(runtime, name, previous):
        return previous
    return settings.schedule.next_after(now)


def slot_sent(runtime: Runtime, name: str, slot: datetime) -> bool:
    """Whether the issue of a slot went out."""
    return _sent(runtime.store, name, job.issue_slot(runtime.config, name, slot)[1])


def _sent(store: Store, name: str, slot: str) -> bool:
    issue = store.issues.for_slot(name, slot)
    return issue is not None and issue.status == "sent"


def _guarded(
    config_path: str | Path, clock: Clock, work: Callable[[Runtime, str, datetime], Event], what: str
) -> SlotAction:
    """An action on a fresh runtime that reports a failure in the log (at ERROR) instead of crashing."""

    def act(name: str, slot: datetime) -> Event:
        failed = f"{name}: {what} {slot:%Y-%m-%d %H:%M} UTC failed"
        try:
            with Runtime.open(load_config(config_path), clock) as runtime:
                return work(runtime, name, slot)
        except DigestError as exc:
            return slot_event("failed", name, slot, f"{failed}: {one_line(exc)}", logging.ERROR)
        except Exception as exc:  # the scheduler must outlive any input, or a bug, in one run
            log.exception(f"{failed} unexpectedly")
            message = f"{failed}: {type(exc).__name__}: {exc} (see the log)"
            return slot_event("failed", name, slot, message, logging.ERROR)

    return act


def one_line(exc: DigestError) -> str:
    """An error and its hint on one log line."""
    lines = [line.strip() for line in exc.message.splitlines() if line.strip()]
    return "; ".join(lines) + (f" (hint: {exc.hint})" if exc.hint else "")


def _send(runtime: Runtime, name: str, slot: datetime) -> Event:
    issue_id = job.issue_slot(runtime.config, name, slot)[0]
    try:
        report = sending.run(runtime, name, slot_time=slot, progress=LoggedProgress(name, slot, issue_id))
    except SendLockedError as exc:  # another scheduler is sending it: no failure; a heartbeat watches it
        return slot_event("elsewhere", name, slot, f"{name}: {one_line(exc)}", more={"issue": issue_id})
    except DigestError as exc:  # recorded and alerted here; _guarded logs it
        _alerted(runtime, watching.after_send(runtime, name, slot, None, one_line(exc)))
        raise
    delivery = report.delivery
    figures = {
        "issue": report.issue_id, "outcome": report.outcome, "sent": delivery.sent if delivery else 0,
        "failed": delivery.failed if delivery else 0, "remaining": delivery.remaining if delivery else 0,
    }  # fmt: skip
    message = f"{name}: {sending.summary_line(report, None)}"
    problem = sending.shortfall(report)
    error = one_line(problem) if problem is not None else ""
    _alerted(runtime, watching.after_send(runtime, name, slot, report, error))
    if problem is not None:
        return slot_event("failed", name, slot, f"{message}; {error}", logging.ERROR, figures)
    return slot_event("sent" if delivery else "nothing_new", name, slot, message, more=figures)


class LoggedProgress:
    """The send's progress as log lines: when it starts, then at every quarter of a long send."""

    STEP = 25  # percent
    LONG = 1000  # recipients: a shorter send logs only its start and its outcome

    def __init__(self, name: str, slot: datetime, issue_id: str) -> None:
        self._name, self._slot, self._issue = name, slot, issue_id
        self._total = self._done = self._logged = 0

    def start(self, total: int, done: int) -> None:
        """Log the send's size once the ledger knows it."""
        self._total, self._done = total, done
        self._logged = done * 100 // total if total else 100
        before = f" ({done:,} done by an earlier run)" if done else ""
        message = f"{self._name}: sending {self._issue} to {total - done:,} recipients{before}"
        more = {"issue": self._issue, "total": total}
        emit(slot_event("sending", self._name, self._slot, message, more=more))

    def advance(self, count: int) -> None:
        """Log each quarter of a long send as it is passed (not the end: the outcome says it)."""
        self._done += count
        if self._total < self.LONG:
            return
        percent = self._done * 100 // self._total
        reached = percent // self.STEP * self.STEP
        if reached <= self._logged or reached >= 100:
            return
        self._logged = reached
        message = f"{self._name}: {self._issue} {reached}% sent ({self._done:,} of {self._total:,})"
        more = {"issue": self._issue, "percent": reached}
        emit(slot_event("progress", self._name, self._slot, message, more=more))


def _draft(runtime: Runtime, name: str, slot: datetime) -> Event:
    try:
        result = issues.draft(runtime, name, slot=slot, keep=True)
    except DigestError as exc:
        message = f"{name}: no draft for {slot.isoformat()}: {one_line(exc)}"
        return slot_event("draft_failed", name, slot, message, logging.WARNING)
    message = f"{name}: draft {result.path or '(kept the existing one)'}; preview {result.preview}"
    return slot_event("draft", name, slot, message)
