"""The weekly send on its own: APScheduler runs each newsletter's slots, the store keeps them unique.

APScheduler 3.11 is handed exact UTC instants from digest.slots (never its own cron parsing), one
job per newsletter with a stable id, coalescing, one instance at a time and a misfire grace equal to
the newsletter's max_lateness. A second scheduler on the same store cannot send a slot twice: the issue
of a slot is unique in the store, and so is each recipient's row in the ledger.

Everything the scheduler does is one log line, an Event: at INFO, WARNING for an issue it skipped,
ERROR for a send that failed, with its fields (event, newsletter, slot, …) for `--log-format json`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.base import BaseTrigger

from digest.config import Config
from digest.slots import Schedule, parse_duration

log = logging.getLogger("digest.scheduler")
Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class Event:
    """One line for the log: what happened, how much it matters (a logging level), and its fields."""

    message: str
    level: int = logging.INFO
    fields: Mapping[str, object] = field(default_factory=dict)  # never a subscriber's address or a secret


def emit(event: Event) -> None:
    """Log an event, its fields as the record's extras (written out by `--log-format json`)."""
    log.log(event.level, event.message, extra=dict(event.fields))


def slot_event(
    kind: str,
    name: str,
    slot: datetime,
    message: str,
    level: int = logging.INFO,
    more: Mapping[str, object] | None = None,
) -> Event:
    """An event about a newsletter's slot: its fields are the kind of event, the newsletter, the slot."""
    return Event(
        message, level, {"event": kind, "newsletter": name, "slot": slot.isoformat(), **(more or {})}
    )


SlotAction = Callable[[str, datetime], Event]  # (newsletter, slot) → what it came to, for the log


class SlotTrigger(BaseTrigger):  # type: ignore[misc]
    """An APScheduler trigger firing at a Schedule's instants, optionally shifted (for drafts)."""

    def __init__(self, schedule: Schedule, shift: timedelta = timedelta(0)) -> None:
        self.schedule = schedule
        self.shift = shift

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        """The next instant after the previous firing (or from now on, the first time)."""
        start = previous_fire_time if previous_fire_time else now - timedelta(microseconds=1)
        slot = self.schedule.next_after(start - self.shift)
        return slot + self.shift if slot else None

    def __str__(self) -> str:
        return f"slot[{self.schedule}]"


@dataclass(frozen=True, slots=True)
class CatchUp:
    """What to do at start-up about the slot that passed while no scheduler ran."""

    send: datetime | None = None  # late but within max_lateness: send it now
    missed: datetime | None = None  # too late: report it, never send it days late


def catch_up(
    schedule: Schedule,
    lateness: timedelta,
    now: datetime,
    done: Callable[[datetime], bool],
    first: Callable[[datetime], bool] = lambda _slot: False,
) -> CatchUp:
    """Decide about the last slot before now: send it late, report it missed, or nothing to do.

    ``first``: whether the slot would be the newsletter's first issue. A newsletter that never sent
    missed nothing: it starts at its next slot (or sends this one, when it is within max_lateness).
    """
    slot = schedule.previous_before(now)
    if slot is None or done(slot):
        return CatchUp()
    if now - slot <= lateness:
        return CatchUp(send=slot)
    if first(slot):
        return CatchUp()
    return CatchUp(missed=slot)


@dataclass(frozen=True, slots=True)
class Actions:
    """What the scheduler does at each moment; the CLI builds them with the real collaborators."""

    send: SlotAction
    draft: SlotAction
    done: Callable[[str, datetime], bool]  # whether a slot's issue went out already
    approved: Callable[[str, datetime], bool]  # whether a slot may go out (approval = "required")
    first: Callable[[str, datetime], bool]  # whether the slot would be the first issue (none in the store)
    clock: Clock
    # Recorded for `digest status` and the alerts: ("skipped" | "held", newsletter, slot).
    noted: Callable[[str, str, datetime], None] = lambda _kind, _name, _slot: None
    # The heartbeat: written to the store, and the moment to finish a send another scheduler left.
    tick: Callable[[], None] = lambda: None


def add_jobs(scheduler: BaseScheduler, config: Config, actions: Actions) -> None:
    """One send job per newsletter (and a draft job where draft_ahead is set), replacing old ones,
    and the heartbeat every [scheduler] heartbeat_seconds."""
    scheduler.add_job(
        actions.tick, "interval", seconds=config.scheduler.heartbeat_seconds, id="heartbeat",
        replace_existing=True, coalesce=True, max_instances=1,
    )  # fmt: skip
    for name, newsletter in config.newsletters.items():
        schedule = newsletter.schedule
        options: dict[str, Any] = {
            "replace_existing": True,
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": int(newsletter.lateness.total_seconds()) or 1,
        }
        send_args = (actions, name, schedule)
        scheduler.add_job(_run_slot, SlotTrigger(schedule), args=send_args, id=f"send:{name}", **options)
        if newsletter.draft_ahead:
            shift = -parse_duration(newsletter.draft_ahead)
            draft_args = (actions, name, schedule, shift)
            trigger = SlotTrigger(schedule, shift)
            scheduler.add_job(_run_draft, trigger, args=draft_args, id=f"draft:{name}", **options)
        if newsletter.approval == "required":
            # A held issue goes out as soon as an editor approves it, within max_lateness.
            held_args = (actions, name, schedule, newsletter.lateness)
            scheduler.add_job(
                _send_if_approved, "interval", seconds=30, args=held_args, id=f"held:{name}", **options
            )


def start_up(config: Config, actions: Actions) -> list[Event]:
    """Send what is late but within max_lateness; report what is later than that.

    Each event is logged as it happens (a late send logs its own progress in between); all are returned.
    """
    events: list[Event] = []

    def happened(event: Event) -> None:
        emit(event)
        events.append(event)

    now = actions.clock()
    for name, newsletter in config.newsletters.items():
        decision = catch_up(
            newsletter.schedule, newsletter.lateness, now, _asking(actions.done, name),
            _asking(actions.first, name),
        )  # fmt: skip
        zone = newsletter.schedule.zone
        if decision.send and not actions.approved(name, decision.send):
            message = f"{name}: the {_local(decision.send, zone)} issue waits for `digest approve`"
            happened(slot_event("held", name, decision.send, message))
            actions.noted("held", name, decision.send)
        elif decision.send:
            message = f"{name}: the {_local(decision.send, zone)} issue is late; sending it now"
            happened(slot_event("late", name, decision.send, message))
            happened(actions.send(name, decision.send))
        elif decision.missed:
            late = newsletter.max_lateness
            message = f"{name}: skipped the {_local(decision.missed, zone)} issue: more than {late} late"
            happened(slot_event("skipped", name, decision.missed, message, logging.WARNING))
            actions.noted("skipped", name, decision.missed)
    return events


def next_issue(name: str, schedule: Schedule, now: datetime) -> Event:
    """When a newsletter goes out next, in its own time zone."""
    upcoming = schedule.next_after(now)
    if upcoming is None:
        return Event(f"{name}: next issue never", fields={"event": "next", "newsletter": name})
    return slot_event(
        "next", name, upcoming, f"{name}: next issue {upcoming.astimezone(schedule.zone).isoformat()}"
    )


def _asking(question: Callable[[str, datetime], bool], name: str) -> Callable[[datetime], bool]:
    return lambda slot: question(name, slot)


def _run_slot(actions: Actions, name: str, schedule: Schedule) -> None:
    slot = schedule.previous_before(actions.clock())
    if slot is None:
        return
    local = _local(slot, schedule.zone)
    if not actions.approved(name, slot):
        emit(slot_event("held", name, slot, f"{name}: the {local} issue is held until `digest approve`"))
        actions.noted("held", name, slot)
        return
    emit(slot_event("due", name, slot, f"{name}: the {local} issue is due"))
    emit(actions.send(name, slot))


def _send_if_approved(actions: Actions, name: str, schedule: Schedule, lateness: timedelta) -> None:
    now = actions.clock()
    slot = schedule.previous_before(now)
    if slot is None or now - slot > lateness or actions.done(name, slot):
        return
    if actions.approved(name, slot):
        local = _local(slot, schedule.zone)
        emit(slot_event("approved", name, slot, f"{name}: the {local} issue was approved; sending it"))
        emit(actions.send(name, slot))


def _run_draft(actions: Actions, name: str, schedule: Schedule, shift: timedelta) -> None:
    # The job fires draft_ahead before the slot (shift is negative): the slot is that far ahead.
    slot = schedule.next_after(actions.clock() - shift - timedelta(minutes=1))
    if slot is not None:
        emit(actions.draft(name, slot))


def _local(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%a %Y-%m-%d %H:%M %Z")
