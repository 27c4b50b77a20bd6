"""Commands about the scheduler: schedule (run it in the foreground), approve (an issue waiting)."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Protocol

import click

from digest.cli.common import config_option, configure_logging, err, runtime_for, summary

log = logging.getLogger("digest.scheduler")


@click.command()
@config_option
def schedule(config_path: str) -> None:
    """Run the scheduler in the foreground: each newsletter goes out at its send_at, once per slot."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    from digest.config import load_config
    from digest.scheduler import add_jobs, emit, next_issue, start_up
    from digest.service import now_utc
    from digest.service.scheduling import actions as scheduler_actions
    from digest.service.scheduling import audience_warnings

    # The scheduler's own events at INFO (it runs unattended: its log is all anyone sees of it);
    # the libraries' chatter (migrations, "Added job", HTTP requests) only with -v.
    configure_logging(logging.INFO)
    config = load_config(config_path)
    actions = scheduler_actions(config_path)
    for event in audience_warnings(config_path):
        emit(event)
    scheduler = BlockingScheduler(timezone="UTC")
    add_jobs(scheduler, config, actions)

    def begin() -> None:
        # In the scheduler's pool, beside the heartbeat: a late issue sent now does not make the
        # scheduler look down to `digest status`. "next issue" closes the start-up in the log.
        start_up(config, actions)  # logs each event as it happens
        for name, newsletter in config.newsletters.items():
            emit(next_issue(name, newsletter.schedule, now_utc()))

    actions.tick()  # the first heartbeat, before anything else can take long
    scheduler.add_job(begin, id="start-up")

    stop = stopper(scheduler)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    scheduler.start()


class _Stoppable(Protocol):
    @property
    def running(self) -> bool: ...

    def shutdown(self, wait: bool = True) -> None: ...


def stopper(scheduler: _Stoppable) -> Callable[[int, FrameType | None], None]:
    """The handler of SIGTERM and SIGINT: the scheduler shuts down on a thread of its own, after the
    send in progress has finished its batch and recorded it.

    Never in the handler itself: Python runs it on the main thread wherever that thread was, perhaps
    inside the pool's submit with the lock the pool's shutdown takes (the process then waited for
    itself forever: seen when a signal came as the scheduler handed its first job to the pool).
    """

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info(f"stopping on signal {signum}; letting the running send finish", extra={"event": "stop"})
        # before the scheduler started nothing runs yet; after a first signal its thread waits for the
        # send, and the process for that thread
        if not scheduler.running:
            raise SystemExit(0)
        threading.Thread(target=scheduler.shutdown, name="digest-stop").start()

    return stop


@click.command()
@config_option
@click.argument("newsletter", required=False)
@click.option("--slot", help="The slot's date (YYYY-MM-DD); default: the next issue not yet sent.")
def approve(config_path: str, newsletter: str | None, slot: str | None) -> None:
    """Approve an issue that waits for an editor (approval = "required")."""
    from digest import job
    from digest.errors import DigestError
    from digest.service.scheduling import pending_slot

    with runtime_for(config_path) as runtime:
        config, now = runtime.config, runtime.clock()
        name, settings = config.newsletter(newsletter)
        if slot is None:
            chosen = pending_slot(runtime, name)
            if chosen is None:
                raise DigestError(f"Newsletter '{name}' has no upcoming issue", "check send_at")
            slot = job.issue_slot(config, name, chosen)[1]
        fresh = runtime.store.issues.approve(name, slot, now)
    summary(f"Approved {name} {slot}" + ("" if fresh else " (it was approved already)"))
    if settings.approval != "required":
        err.print(f"note: newsletter '{name}' does not require approval (approval = \"none\")")
