"""The scheduler: APScheduler fires digest's own instants; downtime, approval, one issue per slot."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from conftest import NOW, demo_builder, write_config
from stub_provider import TOKEN, serve

from digest.cli.schedule import stopper
from digest.config import load_config
from digest.scheduler import Actions, Event, SlotTrigger, add_jobs, catch_up, start_up
from digest.slots import parse_schedule
from digest.store import open_store
from digest.store.schema import metadata

FRIDAY_9 = parse_schedule("fri 09:00", "America/New_York")
# The last slot is always less than a day old, so a scheduler started at any moment sends it late at
# once: no test depends on the minute it runs in.
DUE_AT_ANY_TIME = 'timezone = "UTC"\nsend_at = "daily 00:00"\nmax_lateness = "24h"'
SLOT = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)  # Friday 09:00 in New York


def test_an_hour_late_is_sent_once() -> None:
    decision = catch_up(FRIDAY_9, timedelta(hours=6), SLOT + timedelta(hours=1), lambda _: False)
    assert (decision.send, decision.missed) == (SLOT, None)
    assert catch_up(FRIDAY_9, timedelta(hours=6), SLOT + timedelta(hours=1), lambda _: True).send is None


def test_two_days_late_is_skipped_and_reported() -> None:
    decision = catch_up(FRIDAY_9, timedelta(hours=6), SLOT + timedelta(days=2), lambda _: False)
    assert (decision.send, decision.missed) == (None, SLOT)


def test_trigger_hands_apscheduler_the_exact_instants() -> None:
    trigger = SlotTrigger(FRIDAY_9)
    first = trigger.get_next_fire_time(None, datetime(2026, 11, 25, tzinfo=UTC))
    assert first == SLOT
    assert trigger.get_next_fire_time(first, first) == SLOT + timedelta(days=7)
    ahead = SlotTrigger(FRIDAY_9, -timedelta(hours=24))
    assert ahead.get_next_fire_time(None, datetime(2026, 11, 25, tzinfo=UTC)) == SLOT - timedelta(hours=24)


def _actions(log: list[str], now: datetime, *, approved: bool = True) -> Actions:
    return Actions(
        send=lambda name, slot: log.append(f"send {name} {slot:%Y-%m-%d}") or Event("sent"),  # type: ignore[func-returns-value]
        draft=lambda name, slot: log.append(f"draft {name} {slot:%Y-%m-%d}") or Event("drafted"),  # type: ignore[func-returns-value]
        done=lambda name, slot: False,
        approved=lambda name, slot: approved,
        first=lambda name, slot: False,
        clock=lambda: now,
    )


def test_jobs_have_stable_ids_grace_and_one_instance(tmp_path: Path, demo_site: Path) -> None:
    extra = 'draft_ahead = "24h"\napproval = "required"\nmax_lateness = "2h"\n'
    config_path = write_config(tmp_path, demo_site)
    text = config_path.read_text().replace(
        'timezone = "America/New_York"\n', f'timezone = "America/New_York"\n{extra}'
    )
    config_path.write_text(text)
    config = load_config(config_path)
    scheduler = BackgroundScheduler(timezone="UTC")
    add_jobs(scheduler, config, _actions([], SLOT))
    add_jobs(scheduler, config, _actions([], SLOT))  # replace_existing: no duplicates
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"send:weekly", "draft:weekly", "held:weekly", "heartbeat"}
    assert jobs["heartbeat"].trigger.interval.total_seconds() == config.scheduler.heartbeat_seconds == 60
    send = jobs["send:weekly"]
    assert (send.misfire_grace_time, send.max_instances, send.coalesce) == (7200, 1, True)


def test_start_up_holds_an_unapproved_late_issue(tmp_path: Path, demo_site: Path) -> None:
    config_path = write_config(tmp_path, demo_site)
    config_path.write_text(config_path.read_text().replace('send_at = "fri 09:00"\n', ""))  # default
    config = load_config(config_path)
    log: list[str] = []
    events = start_up(config, _actions(log, SLOT + timedelta(minutes=30), approved=False))
    assert log == [] and "waits for `digest approve`" in events[0].message
    events = start_up(config, _actions(log, SLOT + timedelta(minutes=30)))
    assert log == ["send weekly 2026-11-27"]
    events = start_up(config, _actions(log, SLOT + timedelta(days=3)))
    assert "skipped" in events[0].message and log == ["send weekly 2026-11-27"]


class _Scheduler:
    """A scheduler's running state and its shutdown, which notes the thread it was called on."""

    def __init__(self, running: bool) -> None:
        self.running = running
        self.shut_down_on: list[threading.Thread] = []

    def shutdown(self, wait: bool = True) -> None:
        self.shut_down_on.append(threading.current_thread())


def test_a_stop_signal_shuts_the_scheduler_down_on_a_thread_of_its_own() -> None:
    # Python runs the handler on the main thread wherever it was: inside the pool's submit, a shutdown
    # there waited for the lock its own thread held, and `digest schedule` never exited
    scheduler = _Scheduler(running=True)

    stopper(scheduler)(signal.SIGTERM, None)
    for thread in threading.enumerate():
        if thread.name == "digest-stop":
            thread.join()

    assert len(scheduler.shut_down_on) == 1
    assert scheduler.shut_down_on[0] is not threading.current_thread()


def test_a_stop_signal_before_the_scheduler_runs_exits_at_once() -> None:
    scheduler = _Scheduler(running=False)

    with pytest.raises(SystemExit) as stopped:
        stopper(scheduler)(signal.SIGINT, None)

    assert stopped.value.code == 0 and scheduler.shut_down_on == []


def _wait_for(condition: object, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():  # type: ignore[operator]
        time.sleep(0.2)


def _schedule_run(folder: Path, until: object, args: tuple[str, ...] = ("schedule",)) -> str:
    """Run `digest schedule` (``args``: with options) until a condition holds, stop it with SIGTERM,
    return what it logged."""
    log = folder / "schedule.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "digest", *args], cwd=folder, stdout=sink, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )  # fmt: skip
        _wait_for(lambda: until(log.read_text()))  # type: ignore[operator]
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, log.read_text()
    return log.read_text()


def test_digest_schedule_sends_a_due_issue_once_and_a_restart_sends_nothing(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    site = tmp_path / "site"
    demo_builder().build(site, now)
    config_path = write_config(tmp_path, site)
    due = DUE_AT_ANY_TIME
    config_path.write_text(config_path.read_text().replace('timezone = "America/New_York"', due))
    (tmp_path / "people.csv").write_text("email\nana@example.org\nbo@example.com\n")
    imported = subprocess.run(
        [sys.executable, "-m", "digest", "subscribers", "import", "people.csv"],
        cwd=tmp_path,
        capture_output=True,
    )
    assert imported.returncode == 0
    first = _schedule_run(tmp_path, lambda text: "next issue" in text)
    assert "sending it now" in first and "Sent 2 of 2" in first, first
    assert len(list((tmp_path / "outbox").rglob("*.eml"))) == 2
    second = _schedule_run(tmp_path, lambda text: "next issue" in text)
    assert "Sent" not in second and "sending it now" not in second, second
    assert len(list((tmp_path / "outbox").rglob("*.eml"))) == 2


def test_two_schedulers_on_one_store_send_one_issue(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    site = tmp_path / "site"
    demo_builder().build(site, now)
    store_url = os.environ.get("DIGEST_TEST_POSTGRES_URL") or f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    config_path = write_config(tmp_path, site, store_url=store_url)
    due = DUE_AT_ANY_TIME
    text = config_path.read_text().replace('timezone = "America/New_York"', due)
    (tmp_path / "people.csv").write_text("email\n" + "".join(f"reader{i}@example.org\n" for i in range(200)))
    with serve() as stub:
        provider = f'name = "postmark"\napi_key_env = "POSTMARK_TOKEN"\nbase_url = "{stub.url("")}"\n'
        config_path.write_text(text.replace('name = "outbox"\n', provider))
        env = {
            **os.environ,
            "POSTMARK_TOKEN": TOKEN,
            "DIGEST_SECRET": "s3cret-long-enough-for-a-signing-key",
            "PYTHONUNBUFFERED": "1",
        }
        if store_url.startswith("postgresql"):
            fresh = open_store(store_url)
            metadata.drop_all(fresh.engine)
            fresh.close()
        imported = subprocess.run(
            [sys.executable, "-m", "digest", "subscribers", "import", "people.csv"], cwd=tmp_path, env=env,
            capture_output=True, text=True,
        )  # fmt: skip
        assert imported.returncode == 0, imported.stderr
        logs = [tmp_path / f"scheduler-{n}.log" for n in (1, 2)]
        sinks = [log.open("w") for log in logs]
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "digest", "schedule"],
                cwd=tmp_path,
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
            for sink in sinks
        ]
        _wait_for(lambda: all("next issue" in log.read_text() for log in logs), 90)
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process, sink in zip(processes, sinks, strict=True):
            process.wait(timeout=30)
            sink.close()
        output = "\n".join(log.read_text() for log in logs)
        assert stub.received and len(stub.received) == 200, output
        assert stub.duplicates() == 0, output
    store = open_store(load_config(config_path).store.url)
    try:
        assert [i.id for i in store.issues.recent()] == [f"weekly-{now:%Y-%m-%d}"]
    finally:
        store.close()


def test_scheduler_actions_outlive_a_crash_in_a_run_and_a_broken_config(
    tmp_path: Path, demo_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from digest.service import scheduling, sending

    config = write_config(tmp_path, demo_site)

    def explode(*_args: object, **_kwargs: object) -> None:
        raise RecursionError("maximum recursion depth exceeded while parsing a hostile feed")

    monkeypatch.setattr(sending, "run", explode)
    actions = scheduling.actions(config, lambda: NOW)

    event = actions.send("weekly", NOW)
    assert "failed: RecursionError: maximum recursion depth exceeded" in event.message
    assert event.level == logging.ERROR

    config.write_text("this is [not toml")  # an editor's half-saved file
    assert actions.done("weekly", NOW) is False and actions.approved("weekly", NOW) is False
    assert (
        "failed" in actions.send("weekly", NOW).message and "failed" in actions.draft("weekly", NOW).message
    )
