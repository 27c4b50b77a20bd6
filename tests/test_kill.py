"""A send killed with SIGKILL at random moments and resumed each time: nobody lost, nobody doubled.

The moments are events, not delays: the sender says "posting" as each request goes out, and the
test kills it on a randomly chosen one of those lines, so ten kills always happen mid-send.

Postmark (its outbound search) and Resend (its idempotency keys) settle what was in flight at a
kill without sending it twice; SendGrid cannot be asked, so what was in flight is sent again
(at-least-once): its duplicates are at most the rows that were in flight at the kills.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NOW
from stub_provider import Faults, serve

from digest.models import RenderedIssue
from digest.personalize import placeholder
from digest.store import open_store
from digest.store.subscribers import NewSubscriber

RECIPIENTS, KILLS = 10_000, 10
MOST_REQUESTS_BEFORE_A_KILL = 20  # 10 kills x 20 requests x 25 rows stay well inside 10,000 rows
SENDER = Path(__file__).with_name("kill_sender.py")


def _prepare(url: str) -> None:
    store = open_store(url)
    people = [NewSubscriber(f"reader{i}@example.org", f"Reader {i}") for i in range(RECIPIENTS)]
    store.subscribers.upsert(people, "weekly", "test", NOW)
    html = f'<p>{placeholder("name")}</p><a href="{placeholder("unsubscribe_url")}">Unsubscribe</a>'
    rendered = RenderedIssue("weekly-2026-11-25", "weekly", "This week", html, placeholder("unsubscribe_url"))
    store.issues.create(rendered, "2026-11-25", "weekly", [], NOW)
    store.close()


def _start(name: str, base: str, url: str) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, str(SENDER), name, base, url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "sending", child.stderr.read() if child.stderr else ""
    return child


def _await_requests(child: subprocess.Popen[str], count: int) -> None:
    """Read the sender's output until its ``count``-th request is going out."""
    assert child.stdout is not None
    for _ in range(count):
        line = child.stdout.readline()
        assert line.strip() == "posting", f"the sender stopped before request {count}: {line!r}"


@pytest.mark.parametrize("name", ["postmark", "resend", "sendgrid"])
def test_a_send_killed_ten_times_loses_nobody_and_doubles_only_what_it_could_not_ask(
    name: str, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'kill.sqlite3'}"
    _prepare(url)
    rng = random.Random(f"kill-{name}")
    in_flight_at_kills = kills = 0
    with serve(Faults(latency=0.01)) as stub:
        while kills < KILLS:
            child = _start(name, stub.base, url)
            _await_requests(child, rng.randint(1, MOST_REQUESTS_BEFORE_A_KILL))
            child.send_signal(signal.SIGKILL)
            child.communicate()  # reaps it and closes its pipes
            kills += 1
            store = open_store(url)
            in_flight_at_kills += store.ledger.counts("weekly-2026-11-25").get("in_flight", 0)
            store.close()
        final = _start(name, stub.base, url)
        _, err = final.communicate(timeout=120)
        assert final.returncode == 0, err
    store = open_store(url)
    counts = store.ledger.counts("weekly-2026-11-25")
    store.close()
    lost = RECIPIENTS - len(stub.received)
    duplicates = stub.duplicates()
    print(f"\n{name}: {kills} kills, lost {lost}, duplicates {duplicates}, in flight {in_flight_at_kills}")
    assert counts == {"sent": RECIPIENTS} and lost == 0
    if name in ("postmark", "resend"):
        assert duplicates == 0
    else:
        assert duplicates <= in_flight_at_kills
