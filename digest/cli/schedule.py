"""Commands about time: schedule (run the scheduler), next, approve."""

from __future__ import annotations

import json
import logging
import signal
from collections.abc import Callable
from datetime import datetime
from types import FrameType

import click
from apscheduler.schedulers.blocking import BlockingScheduler

from digest import job
from digest.cli import cli
from digest.cli.common import (
    config_option,
    err,
    fetching,
    json_option,
    now_utc,
    out,
    store_for,
)
from digest.collect import Reader
from digest.config import Config, load_config
from digest.errors import DigestError
from digest.personalize import Template
from digest.scheduler import Actions, SlotAction, add_jobs, start_up
from digest.store import Store

log = logging.getLogger("digest.scheduler")


@cli.command()
@config_option
def schedule(config_path: str) -> None:
    """Run the scheduler in the foreground: each newsletter goes out at its send_at, once per slot."""
    config = load_config(config_path)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    actions = scheduler_actions(config_path)
    for line in start_up(config, actions):
        log.info(line)
    scheduler = BlockingScheduler(timezone="UTC")
    add_jobs(scheduler, config, actions)
    for name, newsletter in config.newsletters.items():
        upcoming = newsletter.schedule.next_after(now_utc())
        when = upcoming.astimezone(newsletter.schedule.zone).isoformat() if upcoming else "never"
        log.info(f"{name}: next issue {when}")

    def stop(signum: int, _frame: FrameType | None) -> None:
        # shutdown(wait=True): a send in progress finishes its batch and records it first.
        log.info(f"stopping on signal {signum}; letting the running send finish")
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    scheduler.start()


def scheduler_actions(config_path: str) -> Actions:
    """The scheduler's actions with real collaborators; the config is read anew for every run."""

    def done(name: str, slot: datetime) -> bool:
        config = load_config(config_path)
        with store_for(config) as store:
            return _sent(config, store, name, slot)

    def approved(name: str, slot: datetime) -> bool:
        config = load_config(config_path)
        if config.newsletters[name].approval != "required":
            return True
        with store_for(config) as store:
            return store.issues.approved(name, job.issue_slot(config, name, slot)[1])

    send = _guarded(config_path, _send, "the issue of")
    draft = _guarded(config_path, _draft, "the draft of")
    return Actions(send=send, draft=draft, done=done, approved=approved, clock=now_utc)


def _guarded(config_path: str, work: Callable[[Config, str, datetime], str], what: str) -> SlotAction:
    """An action that reads the config anew and reports a failure in the log instead of crashing."""

    def act(name: str, slot: datetime) -> str:
        try:
            return work(load_config(config_path), name, slot)
        except DigestError as exc:
            return f"{name}: {what} {slot:%Y-%m-%d %H:%M} UTC failed: {exc}"

    return act


def _send(config: Config, name: str, slot: datetime) -> str:
    from digest.cli.issue import summary_line
    from digest.cli.send import run_job

    with store_for(config) as store:
        report = run_job(config, name, store, slot_time=slot)
    return f"{name}: {summary_line(report, None)}"


def _draft(config: Config, name: str, slot: datetime) -> str:
    now = now_utc()

    async def prepare(fetcher: Reader) -> job.Prepared:
        found = await job.gather(config, name, fetcher, store, now)
        return job.build(config, name, found, now, use_draft=False, slot_time=slot)

    with store_for(config) as store:
        prepared = fetching(config, store, prepare)
    if prepared.rendered is None:
        return f"{name}: no draft for {slot.isoformat()}: {prepared.note}"
    try:
        path = job.write_draft(config, name, prepared, slot)
    except DigestError:
        path = None  # the editors' draft exists already: theirs wins
    folder = config.base_dir / "preview"
    folder.mkdir(parents=True, exist_ok=True)
    values = {"email": "reader@example.org", "name": "Reader", "web_url": "#", "unsubscribe_url": "#"}
    preview = folder / f"{name}-{job.issue_slot(config, name, slot)[1]}.html"
    preview.write_text(Template(prepared.rendered.html, escape=True).fill(values), encoding="utf-8")
    return f"{name}: draft {path or '(kept the existing one)'}; preview {preview}"


@cli.command("next")
@config_option
@click.option("--after", help="Start from this ISO 8601 time instead of now.")
@click.option("--count", default=3, show_default=True, help="How many runs per newsletter.")
@json_option
def next_(config_path: str, after: str | None, count: int, as_json: bool) -> None:
    """Print the next runs of every newsletter, in its local time and in UTC."""
    config = load_config(config_path)
    start = _parse_time(after) if after else now_utc()
    rows = []
    for name, newsletter in config.newsletters.items():
        for fire in newsletter.schedule.upcoming(start, count):
            local = fire.astimezone(newsletter.schedule.zone)
            rows.append({"newsletter": name, "local": local.isoformat(), "utc": fire.isoformat()})
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        out.print(f"{row['newsletter']:<16} {row['local']:<28} {row['utc']}")


def _parse_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise DigestError(
            f"Time '{text}' is not ISO 8601", "write it like 2026-11-27T09:00:00+00:00"
        ) from None
    if moment.tzinfo is None:
        raise DigestError(f"Time '{text}' has no UTC offset", "add one, e.g. +00:00 or Z")
    return moment


@cli.command()
@config_option
@click.argument("newsletter", required=False)
@click.option("--slot", help="The slot's date (YYYY-MM-DD); default: the next issue not yet sent.")
def approve(config_path: str, newsletter: str | None, slot: str | None) -> None:
    """Approve an issue that waits for an editor (approval = "required")."""
    config = load_config(config_path)
    name, settings = config.newsletter(newsletter)
    now = now_utc()
    if slot is None:
        previous = settings.schedule.previous_before(now)
        upcoming = settings.schedule.next_after(now)
        with store_for(config) as store:
            late = previous is not None and now - previous <= settings.lateness
            pending = late and previous is not None and not _sent(config, store, name, previous)
        chosen = previous if pending else upcoming
        if chosen is None:
            raise DigestError(f"Newsletter '{name}' has no upcoming issue", "check send_at")
        slot = job.issue_slot(config, name, chosen)[1]
    with store_for(config) as store:
        fresh = store.issues.approve(name, slot, now)
    out.print(f"Approved {name} {slot}" + ("" if fresh else " (it was approved already)"))
    if settings.approval != "required":
        err.print(f"note: newsletter '{name}' does not require approval (approval = \"none\")")


def _sent(config: Config, store: Store, name: str, slot: datetime) -> bool:
    issue = store.issues.for_slot(name, job.issue_slot(config, name, slot)[1])
    return issue is not None and issue.status == "sent"
