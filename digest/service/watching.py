"""Watching unattended sends: slot outcomes, source health, the heartbeat, stalled sends, alerts, status.

The scheduler records what became of each slot (sent, sent late, skipped and why, failed, paused) and
each source's run of failures, beats its heartbeat, and finishes a send another scheduler left half
done. `digest status` reads it all back; the alerts say it to an editor, each once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from digest import job
from digest.alerts import Alert, AlertChannels, raise_alerts
from digest.deliver.lock import SendLockedError
from digest.errors import DigestError
from digest.service import sending
from digest.service.runtime import Runtime
from digest.store.ledger import IssueDeliveries
from digest.store.watch import Beat, SlotOutcome, SourceHealth

log = logging.getLogger("digest.scheduler")
STARTED = datetime.now().astimezone()  # this process's start, for its heartbeat row
OWNER = f"{socket.gethostname()}:{os.getpid()}"


def _slot(runtime: Runtime, name: str, slot: datetime) -> str:
    return job.issue_slot(runtime.config, name, slot)[1]


def _local(runtime: Runtime, name: str, moment: datetime) -> str:
    zone = runtime.config.newsletters[name].schedule.zone
    return moment.astimezone(zone).strftime("%a %Y-%m-%d %H:%M %Z")


# What became of a slot --------------------------------------------------------------------------


def after_send(
    runtime: Runtime, name: str, slot: datetime, report: job.RunReport | None, error: str = ""
) -> list[Alert]:
    """Record a scheduled send's outcome and its sources' health; the alerts it calls for."""
    now = runtime.clock()
    late = max(timedelta(0), now - slot)
    key, when = _slot(runtime, name, slot), _local(runtime, name, slot)
    outcome, alerts = _classify(runtime, name, key, when, report, error, late)
    runtime.store.watch.record(
        SlotOutcome(
            name, key, outcome, error or (report.outcome if report else ""), now, int(late.total_seconds())
        )
    )
    if report is not None:
        alerts += _sources_checked(runtime, name, key, report)
    return alerts


def _classify(
    runtime: Runtime,
    name: str,
    key: str,
    when: str,
    report: job.RunReport | None,
    error: str,
    late: timedelta,
) -> tuple[str, list[Alert]]:
    if error or report is None:
        left = report is not None and report.delivery is not None and report.delivery.remaining
        paused = "pause" in error.lower() or bool(left)
        return ("paused" if paused else "failed"), [
            Alert(
                f"send-failed:{name}:{key}",
                f"{name}: the {when} issue was not sent",
                error or "the send stopped",
                "kept every recipient not yet sent in the ledger; nobody gets it twice",
                f"fix the cause, then `digest send --resume {name}-{key}` (or `digest run {name}`)",
            )
        ]
    delivery = report.delivery
    if delivery is None:
        return "skipped_empty", [
            Alert(
                f"skipped:{name}:{key}",
                f"{name}: no issue for {when}",
                report.outcome,
                "sent nothing for this slot (skip_if_empty)",
                f"check the sources with `digest collect {name}`; set skip_if_empty = false to send anyway",
            )
        ]
    if delivery.remaining:
        return "paused", [
            Alert(
                f"send-failed:{name}:{key}",
                f"{name}: the {when} issue is only partly sent",
                f"{delivery.sent:,} sent, {delivery.remaining:,} still to send",
                "kept the rest in the ledger: nobody gets it twice",
                f"`digest send --resume {report.issue_id}` once the provider accepts messages again",
            )
        ]
    hours = late.total_seconds() / 3600
    if late > timedelta(minutes=10):
        return "sent_late", [
            Alert(
                f"late:{name}:{key}",
                f"{name}: the {when} issue went out {hours:.1f} h late",
                "no scheduler ran at its time (downtime)",
                f"sent it late, within max_lateness ({runtime.config.newsletters[name].max_lateness})",
                "check why the scheduler was down: `digest status`",
            )
        ]
    return "sent", []


def skipped_late(runtime: Runtime, name: str, slot: datetime) -> list[Alert]:
    """Record a slot the scheduler found too late to send after downtime; its alert."""
    now, key, when = runtime.clock(), _slot(runtime, name, slot), _local(runtime, name, slot)
    lateness = runtime.config.newsletters[name].max_lateness
    late = now - slot
    detail = f"{late.total_seconds() / 3600:.1f} h late, more than max_lateness ({lateness})"
    runtime.store.watch.record(SlotOutcome(name, key, "skipped_late", detail, now, int(late.total_seconds())))
    return [
        Alert(
            f"skipped:{name}:{key}",
            f"{name}: skipped the {when} issue",
            f"no scheduler ran at its time: {detail}",
            "did not send it days late; the next issue covers its articles",
            f"check why the scheduler was down (`digest status`); to send it anyway: `digest run {name}`",
        )
    ]


def held(runtime: Runtime, name: str, slot: datetime) -> None:
    """Record that a slot waits for an editor's approval."""
    now = runtime.clock()
    detail = "waits for `digest approve`"
    runtime.store.watch.record(SlotOutcome(name, _slot(runtime, name, slot), "held", detail, now))


def _sources_checked(runtime: Runtime, name: str, key: str, report: job.RunReport) -> list[Alert]:
    """Each configured source's result in this run; an alert for one broken N runs in a row."""
    sources = [str(s.url) for s in runtime.config.newsletters[name].sources]
    broken = {p.source: p.reason for p in report.problems}
    if report.delivery is not None and not report.problems and report.delivery.already_sent:
        return []  # a re-run of a stored issue collected nothing
    now, watch = runtime.clock(), runtime.store.watch
    watch.sources_checked(name, {s: broken.get(s) for s in sources}, now)
    limit = runtime.config.alerts.source_failures
    return [
        Alert(
            f"source:{name}:{health.source}:{key}",
            f"{name}: a source has failed {health.failures} times in a row",
            f"{health.source}: {health.last_error}",
            "left it out of each issue and went on with the others",
            f"try it with `digest feed {health.source}`; fix or remove it in schedule.toml",
        )
        for health in watch.sources(name)
        if health.failures >= limit
    ]


# The heartbeat tick ------------------------------------------------------------------------------


def tick(runtime: Runtime) -> list[Alert]:
    """Beat the heartbeat, finish any send left half done, and the alerts the store's state calls for."""
    now = runtime.clock()
    runtime.store.watch.beat(OWNER, STARTED, now)
    alerts = []
    for name in runtime.config.newsletters:
        alerts += finish_stalled(runtime, name)
    return alerts + state_alerts(runtime, current_status(runtime))


def finish_stalled(runtime: Runtime, name: str) -> list[Alert]:
    """Resume the current slot's issue when a sender stopped half-way (killed, crashed), within max_lateness.

    Its lock tells whether its sender still lives: a live one holds it (SendLockedError, nothing to
    do); a dead one's lock is taken over. The ledger makes sure nobody gets the issue twice.
    """
    settings, now = runtime.config.newsletters[name], runtime.clock()
    slot = settings.schedule.previous_before(now)
    if slot is None or now - slot > settings.lateness:
        return []
    stored = runtime.store.issues.for_slot(name, _slot(runtime, name, slot))
    if stored is None or stored.status == "sent":
        return []
    holder = runtime.store.ledger.lock_holder(stored.id)
    if holder is None:
        return []  # a send that ended (paused, failed) gave its lock up: only an interrupted one holds it
    counts = runtime.store.ledger.counts(stored.id)
    if not counts.get("pending") and not counts.get("in_flight"):
        return []
    try:
        report = sending.resume(runtime, stored.id)
    except SendLockedError:
        return []
    except DigestError as exc:
        return after_send(runtime, name, slot, None, str(exc))
    line = sending.summary_line(report, None)
    log.info(f"{name}: resumed {stored.id}, left half-sent by {holder}: {line}")
    alerts = after_send(runtime, name, slot, report)
    key, when = _slot(runtime, name, slot), _local(runtime, name, slot)
    runtime.store.watch.record(
        SlotOutcome(name, key, "resumed", f"{line}; its first sender ({holder}) stopped", runtime.clock())
    )
    resumed = Alert(
        f"resumed:{name}:{key}",
        f"{name}: the {when} issue was finished by another scheduler",
        f"its sender ({holder}) stopped half-way (killed, or its machine went down)",
        f"this scheduler ({OWNER}) finished the send: {line}; nobody got it twice",
        "find out why the first scheduler stopped (`digest status`, its log); restart it",
    )
    return [resumed, *alerts]


# Status ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewsletterStatus:
    """One newsletter as `digest status` shows it."""

    name: str
    next_slot: datetime | None
    last: SlotOutcome | None
    recent: tuple[SlotOutcome, ...]
    approval_missing: str | None  # the slot whose approval is missing soon, if any
    sources: tuple[SourceHealth, ...]  # the failing ones
    active: int
    in_flight: tuple[tuple[str, int], ...]  # issues with rows still pending or in flight
    rates: dict[str, float] = field(default_factory=dict)  # last sent issue's bounce/complaint rates
    last_issue: str = ""

    @property
    def problems(self) -> list[str]:
        """What makes this newsletter degraded, in words."""
        found = []
        if self.last and self.last.outcome in ("failed", "paused", "skipped_late", "nobody"):
            found.append(f"last slot {self.last.slot}: {self.last.outcome} ({self.last.detail})")
        if self.approval_missing:
            found.append(f"the {self.approval_missing} issue is not approved yet")
        found += [f"source {s.source} failed {s.failures} times in a row" for s in self.sources]
        found += [f"{issue} has {n} messages not sent yet" for issue, n in self.in_flight]
        if not self.active:
            found.append("the list has no active subscribers")
        return found


@dataclass(frozen=True, slots=True)
class Status:
    """Everything `digest status` reports, and its exit code."""

    checked_at: datetime
    beat: Beat | None
    down_after: timedelta
    newsletters: tuple[NewsletterStatus, ...]

    @property
    def scheduler(self) -> str:
        """running, down (heartbeat too old) or never (no scheduler ever beat)."""
        if self.beat is None:
            return "never"
        return "running" if self.checked_at - self.beat.beat_at <= self.down_after else "down"

    @property
    def code(self) -> int:
        """0 healthy, 1 degraded, 2 down (the scheduler is not running)."""
        if self.scheduler != "running":
            return 2
        return 1 if any(n.problems for n in self.newsletters) else 0

    def to_json(self) -> dict[str, Any]:
        """The status as `digest status --json` prints it."""
        return {
            "status": ("healthy", "degraded", "down")[self.code],
            "checked_at": self.checked_at.isoformat(),
            "scheduler": {
                "state": self.scheduler,
                "owner": self.beat.owner if self.beat else None,
                "heartbeat": self.beat.beat_at.isoformat() if self.beat else None,
            },
            "newsletters": [_newsletter_json(n) for n in self.newsletters],
        }


def _newsletter_json(n: NewsletterStatus) -> dict[str, Any]:
    return {
        "name": n.name,
        "next_slot": n.next_slot.isoformat() if n.next_slot else None,
        "last_outcome": _outcome_json(n.last) if n.last else None,
        "recent": [_outcome_json(o) for o in n.recent],
        "approval_missing": n.approval_missing,
        "failing_sources": [
            {"source": s.source, "failures": s.failures, "error": s.last_error} for s in n.sources
        ],
        "active_subscribers": n.active,
        "unfinished_sends": [{"issue": i, "left": c} for i, c in n.in_flight],
        "problems": n.problems,
    }


def _outcome_json(o: SlotOutcome) -> dict[str, Any]:
    return {
        "slot": o.slot,
        "outcome": o.outcome,
        "detail": o.detail,
        "at": o.at.isoformat(),
        "late_seconds": o.late_seconds,
    }


def current_status(runtime: Runtime) -> Status:
    """The scheduler's heartbeat and every newsletter's state, as the store holds them now."""
    now, store = runtime.clock(), runtime.store
    latest = store.ledger.issues(limit=20)  # every newsletter's unfinished sends are among these
    rows = tuple(_newsletter_status(runtime, name, now, latest) for name in runtime.config.newsletters)
    down = timedelta(minutes=runtime.config.alerts.scheduler_down_minutes)
    return Status(now, store.watch.last_beat(), down, rows)


def _newsletter_status(
    runtime: Runtime, name: str, now: datetime, latest: Sequence[IssueDeliveries]
) -> NewsletterStatus:
    settings, store = runtime.config.newsletters[name], runtime.store
    recent = tuple(store.watch.outcomes(name, 5)) or _manual(runtime, name)
    upcoming = settings.schedule.next_after(now)
    missing = None
    hours = timedelta(hours=runtime.config.alerts.approval_hours)
    if settings.approval == "required" and upcoming is not None and upcoming - now <= hours:
        slot = _slot(runtime, name, upcoming)
        if not store.issues.approved(name, slot):
            missing = slot
    active = store.subscribers.count_by_status(settings.list_name).get("active", 0)
    unfinished = []
    for delivery in latest:
        left = delivery.counts.get("pending", 0) + delivery.counts.get("in_flight", 0)
        if delivery.newsletter == name and left:
            unfinished.append((delivery.issue_id, left))
    failing = tuple(s for s in store.watch.sources(name) if s.failures)
    rates, last_issue = _rates(runtime, name)
    return NewsletterStatus(
        name,
        upcoming,
        recent[0] if recent else None,
        recent,
        missing,
        failing,
        active,
        tuple(unfinished),
        rates,
        last_issue,
    )


def _manual(runtime: Runtime, name: str) -> tuple[SlotOutcome, ...]:
    """The newsletter's latest issue when no scheduler recorded an outcome (sent by `digest run`)."""
    found = runtime.store.issues.recent(name, limit=1)
    if not found:
        return ()
    issue = found[0]
    state = "sent" if issue.status == "sent" else "unfinished"
    return (
        SlotOutcome(name, issue.slot, state, "by a command, not the scheduler", issue.sent or issue.created),
    )


def _rates(runtime: Runtime, name: str) -> tuple[dict[str, float], str]:
    """The bounce and complaint rates of the newsletter's last sent issue.

    Counted as `digest report` counts them, but without reading the issue's clicks and opens: the
    heartbeat asks every minute.
    """
    store = runtime.store
    recent = store.events.recent(name, 1)
    if not recent:
        return {}, ""
    issue_id = recent[0][0]
    delivered = store.ledger.counts(issue_id).get("sent", 0)
    start, end = store.events.window(issue_id)
    if not delivered or start is None:
        return {}, issue_id
    reactions = store.events.reactions(issue_id, start, end)
    return {
        "bounce": reactions["bounced"] / delivered,
        "complaint": reactions["complained"] / delivered,
    }, issue_id


def state_alerts(runtime: Runtime, status: Status) -> list[Alert]:
    """The alerts the current state calls for (approvals, sources, bounce and complaint rates)."""
    settings = runtime.config.alerts
    alerts = []
    for n in status.newsletters:
        if n.approval_missing:
            alerts.append(
                Alert(
                    f"approval:{n.name}:{n.approval_missing}",
                    f"{n.name}: the {n.approval_missing} issue is not approved",
                    f'approval = "required" and the send is less than {settings.approval_hours} h away',
                    "will hold the issue until it is approved (within max_lateness)",
                    f"review it (`digest preview {n.name}`, `digest desk`), then `digest approve {n.name}`",
                )
            )
        for kind, limit in (("bounce", settings.bounce_rate), ("complaint", settings.complaint_rate)):
            rate = n.rates.get(kind, 0.0)
            if rate > limit:
                alerts.append(
                    Alert(
                        f"{kind}-rate:{n.last_issue}",
                        f"{n.name}: {rate:.1%} of {n.last_issue} {kind}d",
                        f"the {kind} rate is above {limit:.1%}",
                        f"stopped mailing each address that {kind}d",
                        f"look at `digest report {n.last_issue}`; clean the list before the next issue",
                    )
                )
    return alerts


def down_alert(status: Status) -> list[Alert]:
    """The alert for a scheduler that stopped beating (or never started), once per outage."""
    if status.scheduler == "running":
        return []
    since = status.beat.beat_at.isoformat() if status.beat else "never"
    happened = f"its last heartbeat was at {since}" if status.beat else "no scheduler has run on this store"
    return [
        Alert(
            f"down:{since}",
            "the digest scheduler is not running",
            happened,
            "nothing: no issue goes out while it is down",
            "start it again (`systemctl restart digest-scheduler`, or `digest schedule`)",
        )
    ]


# Sending alerts ----------------------------------------------------------------------------------


def send_alerts(runtime: Runtime, alerts: Sequence[Alert]) -> list[Alert]:
    """Send the alerts not sent before through the configured channels; the ones that went out."""
    settings = runtime.config.alerts
    if not alerts or not settings.enabled:
        return []
    sender = next(iter(runtime.config.newsletters.values())).sender

    async def main() -> list[Alert]:
        async with httpx.AsyncClient() as client:
            if settings.email:
                async with runtime.provider() as provider:
                    channels = AlertChannels(settings, sender, provider, client)
                    return await raise_alerts(runtime.store, channels, list(alerts), runtime.clock())
            channels = AlertChannels(settings, sender, None, client)
            return await raise_alerts(runtime.store, channels, list(alerts), runtime.clock())

    sent = asyncio.run(main())
    for alert in sent:
        log.warning(f"alert sent: {alert.title}")
    return sent
