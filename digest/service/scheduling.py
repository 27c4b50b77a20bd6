"""The scheduler's actions on the service: send a slot's issue, draft it ahead, tell what is done.

Each action reads the config anew (editors change it between issues) and turns a failure into a
line for the log, so that no config, template, provider or source error ends the scheduler.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from digest import job
from digest.config import load_config
from digest.errors import DigestError
from digest.scheduler import Actions, SlotAction
from digest.service import issues, sending
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

    # A question the store cannot answer now is answered "not done, not approved": nothing is sent
    # on a guess, and the scheduler lives on to ask again at the next slot.
    return Actions(
        send=_guarded(config_path, clock, _send, "the issue of"),
        draft=_guarded(config_path, clock, _draft, "the draft of"),
        done=_asked(done, "whether it was sent"),
        approved=_asked(approved, "whether it was approved"),
        clock=clock,
    )


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
    config_path: str | Path, clock: Clock, work: Callable[[Runtime, str, datetime], str], what: str
) -> SlotAction:
    """An action on a fresh runtime that reports a failure in the log instead of crashing."""

    def act(name: str, slot: datetime) -> str:
        try:
            with Runtime.open(load_config(config_path), clock) as runtime:
                return work(runtime, name, slot)
        except DigestError as exc:
            return f"{name}: {what} {slot:%Y-%m-%d %H:%M} UTC failed: {exc}"
        except Exception as exc:  # the scheduler must outlive any input, or a bug, in one run
            log.exception(f"{name}: {what} {slot:%Y-%m-%d %H:%M} UTC failed unexpectedly")
            return (
                f"{name}: {what} {slot:%Y-%m-%d %H:%M} UTC failed: {type(exc).__name__}: {exc} (see the log)"
            )

    return act


def _send(runtime: Runtime, name: str, slot: datetime) -> str:
    report = sending.run(runtime, name, slot_time=slot)
    return f"{name}: {sending.summary_line(report, None)}"


def _draft(runtime: Runtime, name: str, slot: datetime) -> str:
    try:
        result = issues.draft(runtime, name, slot=slot, keep=True)
    except DigestError as exc:
        return f"{name}: no draft for {slot.isoformat()}: {exc}"
    return f"{name}: draft {result.path or '(kept the existing one)'}; preview {result.preview}"
