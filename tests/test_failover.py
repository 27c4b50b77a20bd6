"""Two schedulers on one store (PostgreSQL when DIGEST_TEST_POSTGRES_URL is set), one killed mid-send.

The survivor's heartbeat finds the issue half-sent under a dead sender's lock, finishes it, and says
so: `digest status` shows the slot "resumed", an alert tells what happened, and every recipient got
the issue exactly once (the Postmark stub counts). The moments are events (requests the stub has
taken, lines the schedulers logged), never delays.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import demo_builder, digest, write_config
from stub_provider import Faults, serve
from test_scheduler import DUE_AT_ANY_TIME, TOKEN
from test_watch import Receiver

from digest.config import load_config
from digest.store import open_store
from digest.store.schema import metadata

READERS = 300
SECRET = "failover-secret-long-enough-for-signing"


@pytest.fixture
def reaped() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes killed at the end of the test whatever happened: a scheduler left running would
    go on working on the shared test database under the tests that follow."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        # Each runs in a session of its own: its extraction pool outlives a SIGKILL of the scheduler.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def _until(condition: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def test_a_scheduler_killed_mid_send_is_finished_by_the_other_and_reported(
    tmp_path: Path, reaped: list[subprocess.Popen[bytes]]
) -> None:
    now = datetime.now(UTC)
    demo_builder().build(tmp_path / "site", now)
    store_url = os.environ.get("DIGEST_TEST_POSTGRES_URL") or f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    config_path = write_config(tmp_path, tmp_path / "site", store_url=store_url)
    receiver = Receiver()
    # One batch of 10 at a time; the 4th request is held until the first scheduler is dead: the kill
    # lands mid-send however fast or slow the machine is.
    with serve(Faults(hold_from=4)) as stub:
        provider = (
            f'name = "postmark"\napi_key_env = "POSTMARK_TOKEN"\nbase_url = "{stub.url("")}"\n'
            "batch_size = 10\nconcurrency = 1\n"
        )
        text = config_path.read_text().replace('timezone = "America/New_York"', DUE_AT_ANY_TIME)
        text = text.replace('name = "outbox"\n', provider)
        text += '\n[scheduler]\nheartbeat_seconds = 1\n\n[alerts]\nwebhook_url_env = "DIGEST_ALERT_WEBHOOK"\n'
        config_path.write_text(text)
        env = {**os.environ, "POSTMARK_TOKEN": TOKEN, "DIGEST_SECRET": SECRET, "PYTHONUNBUFFERED": "1",
               "DIGEST_ALERT_WEBHOOK": receiver.url}  # fmt: skip
        if store_url.startswith("postgresql"):
            fresh = open_store(store_url)
            metadata.drop_all(fresh.engine)
            fresh.close()
        (tmp_path / "people.csv").write_text(
            "email\n" + "".join(f"r{i}@example.org\n" for i in range(READERS))
        )
        imported = digest(tmp_path, "subscribers", "import", "people.csv", **env)
        assert imported.returncode == 0, imported.stderr

        logs = {name: tmp_path / f"{name}.log" for name in ("first", "second")}

        def start(name: str) -> subprocess.Popen[bytes]:
            with logs[name].open("w") as sink:
                process = subprocess.Popen(
                    [sys.executable, "-m", "digest", "schedule"], cwd=tmp_path, env=env, stdout=sink,
                    stderr=subprocess.STDOUT, start_new_session=True,
                )  # fmt: skip
            reaped.append(process)
            return process

        first = start("first")
        _until(lambda: stub.held > 0)  # it is sending, and waits for an answer to its 4th batch
        second = start("second")
        _until(
            lambda: "elsewhere" in logs["second"].read_text() or "being sent" in logs["second"].read_text()
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)  # reaped: its pid is gone, so its lock is seen as stale at once
        stub.release.set()  # the held batch is dropped untaken; the second sends it
        killed_at = len(stub.received)
        assert killed_at < READERS, "the first scheduler finished before it was killed"
        _until(lambda: "resumed" in logs["second"].read_text())
        _until(lambda: len(stub.received) >= READERS)
        status = digest(tmp_path, "status", "--json", **env)
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=60) == 0, logs["second"].read_text()

    log = logs["second"].read_text()
    assert stub.duplicates() == 0, log
    assert sorted(r.recipient for r in stub.records) == sorted(f"r{i}@example.org" for i in range(READERS))
    found = json.loads(status.stdout)
    weekly = found["newsletters"][0]
    assert found["scheduler"]["state"] == "running"
    assert weekly["last_outcome"]["outcome"] == "resumed", weekly
    assert "stopped" in weekly["last_outcome"]["detail"] and weekly["unfinished_sends"] == []
    texts = receiver.texts()
    receiver.server.shutdown()
    receiver.server.server_close()
    resumed = [t for t in texts if "was finished by another scheduler" in t]
    assert len(resumed) == 1 and "nobody got it twice" in resumed[0], texts
    store = open_store(load_config(config_path).store.url)
    try:
        (issue,) = store.issues.recent()
        assert issue.status == "sent" and store.ledger.counts(issue.id) == {"sent": READERS}
    finally:
        store.close()
