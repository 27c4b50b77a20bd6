"""Watching unattended sends: each alert reaches a loopback webhook and the outbox once; status codes."""

from __future__ import annotations

import email
import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import NOW, digest, write_config

from digest import job
from digest.config import load_config
from digest.deliver import DeliveryReport
from digest.models import Problem, RenderedIssue
from digest.service import Runtime
from digest.service.watching import (
    after_send,
    current_status,
    down_alert,
    send_alerts,
    skipped_late,
    state_alerts,
    tick,
)
from digest.store import Store
from digest.store.schema import subscribers
from digest.store.subscribers import NewSubscriber

SLOT = datetime(2026, 11, 25, 14, 0, tzinfo=NOW.tzinfo)  # Wed 09:00 in New York


class Receiver:
    """A Slack-compatible webhook on 127.0.0.1: remembers each JSON body it was posted."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, str]] = []
        received = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                received.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def texts(self) -> list[str]:
        return [b["text"] for b in self.bodies]


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    found = Receiver()
    monkeypatch.setenv("DIGEST_ALERT_WEBHOOK", found.url)
    yield found
    found.server.shutdown()
    found.server.server_close()


ALERTS = """
[alerts]
email = "editor@example.org"
webhook_url_env = "DIGEST_ALERT_WEBHOOK"
source_failures = 2
bounce_rate = 0.2
approval_hours = 72
"""


def _runtime(tmp_path: Path, site: Path, store: Store, extra: str = "", at: datetime = NOW) -> Runtime:
    config = load_config(write_config(tmp_path, site, extra=ALERTS + extra))
    return Runtime(config, store, lambda: at)


def _emails(tmp_path: Path) -> list[str]:
    found = []
    for path in sorted((tmp_path / "outbox").rglob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=default)
        assert message["To"] == "editor@example.org"
        found.append(str(message["Subject"]))
    return found


def _report(
    delivery: DeliveryReport | None, problems: tuple[Problem, ...] = (), outcome: str = "sent"
) -> job.RunReport:
    return job.RunReport("weekly", "weekly-2026-11-25", outcome, delivery, problems)


SENT = DeliveryReport("weekly-2026-11-25", 10, 0, 0, 0, 1.0)


def _once(runtime: Runtime, alerts: list, receiver: Receiver, tmp_path: Path) -> str:  # type: ignore[type-arg]
    """Send the alerts twice: they reach the webhook and the outbox the first time only; the text."""
    assert len(send_alerts(runtime, alerts)) == len(alerts) == 1
    assert send_alerts(runtime, alerts) == []
    assert len(receiver.bodies) == 1 and len(_emails(tmp_path)) == 1
    text = receiver.texts()[0]
    assert "What happened:" in text and "What digest did:" in text and "To fix it:" in text
    assert _emails(tmp_path)[0] == f"[digest] {text.splitlines()[0]}"
    return text


def test_a_failed_send_alerts_once_with_the_command_to_resume(
    tmp_path: Path, demo_site: Path, store: Store, receiver: Receiver
) -> None:
    runtime = _runtime(tmp_path, demo_site, store, at=SLOT + timedelta(minutes=2))
    alerts = after_send(
        runtime, "weekly", SLOT, None, "Provider 'postmark': paused after 30% of the messages failed"
    )
    text = _once(runtime, alerts, receiver, tmp_path)
    assert "paused after 30%" in text and "digest send --resume weekly-2026-11-25" in text
    assert store.watch.outcomes("weekly")[0].outcome == "paused"


def test_a_partly_sent_issue_alerts(
    tmp_path: Path, demo_site: Path, store: Store, receiver: Receiver
) -> None:
    runtime = _runtime(tmp_path, demo_site, store, at=SLOT)
    partial = DeliveryReport("weekly-2026-11-25", 6, 0, 0, 0, 1.0, remaining=4)
    text = _once(runtime, after_send(runtime, "weekly", SLOT, _report(partial)), receiver, tmp_path)
    assert "4 still to send" in text


def test_an_issue_skipped_as_empty_or_too_late_alerts(
    tmp_path: Path, demo_site: Path, store: Store, receiver: Receiver
) -> None:
    runtime = _runtime(tmp_path, demo_site, store, at=SLOT + timedelta(days=2))
    text = _once(runtime, skipped_late(runtime, "weekly", SLOT), receiver, tmp_path)
    assert "48.0 h late, more than max_lateness (6h)" in text and "digest status" in text
    empty = after_send(
        runtime, "weekly", SLOT + timedelta(days=7), _report(None, outcome="nothing new since")
    )
    assert empty[0].key == "skipped:weekly:2026-12-02" and "skip_if_empty" in empty[0].did
    assert [o.outcome for o in store.watch.outcomes("weekly")] == ["skipped_empty", "skipped_late"]


def test_a_late_send_after_downtime_is_visible(
    tmp_path: Path, demo_site: Path, store: Store, receiver: Receiver
) -> None:
    runtime = _runtime(tmp_path, demo_site, store, at=SLOT + timedelta(hours=3))
    text = _once(runtime, after_send(runtime, "weekly", SLOT, _report(SENT)), receiver, tmp_path)
    assert "went out 3.0 h late" in text
    outcome = store.watch.outcomes("weekly")[0]
    assert (outcome.outcome, outcome.late_seconds) == ("sent_late", 3 * 3600)
    on_time = _runtime(tmp_path, demo_site, store, at=SLOT + timedelta(minutes=1))
    assert after_send(on_time, "weekly", SLOT + timedelta(days=7), _report(SENT)) == []


def test_a_source_broken_for_n_runs_alerts_and_recovers(
    tmp_path: Path, demo_site: Path, store: Store, receiver: Receiver
) -> None:
    runtime = _runtime(tmp_path, demo_site, store, at=SLOT)
    source = str(runtime.config.newsletters["weekly"].sources[0].url)
    broken = _report(SENT, (Problem(source, "HTTP 500"),))
    assert after_send(runtime, "weekly", SLOT, broken) == []  # once is not yet a pattern
    alerts = after_send(runtime, "weekly", SLOT + timedelta(days=7), broken)
    text = _once(runtime, alerts, receiver, tmp_path)
    assert "failed 2 times in a row" in text and "HTTP 500" in text and f"digest feed {source}" in text
    assert current_status(runtime).newsletters[0].sources[0].failures == 2
    after_send(runtime, "weekly", SLOT + timedelta(days=14), _report(SENT))
    assert current_status(runtime).newsletters[0].sources == ()


def _sent_issue(store: Store, bounced: int, total: int = 10) -> None:
    people = [NewSubscriber(f"p{i}@example.org", f"P {i}") for i in range(total)]
    store.subscribers.upsert(people, "weekly", "test", NOW)
    rendered = RenderedIssue("weekly-2026-11-25", "weekly", "This week", "h", "t")
    store.issues.create(rendered, "2026-11-25", "weekly", [], NOW)
    store.ledger.enqueue("weekly-2026-11-25", "weekly", NOW)
    rows = store.ledger.claim("weekly-2026-11-25", total, NOW, "k")
    from digest.models import SendResult

    store.ledger.record(
        "weekly-2026-11-25", [SendResult(r.subscriber_id, True, f"m{r.subscriber_id}") for r in rows], NOW
    )
    store.issues.mark_sent("weekly-2026-11-25", NOW)
    later = NOW + timedelta(hours=1)
    with store.engine.begin() as conn:
        ids = [r.subscriber_id for r in rows[:bounced]]
        conn.execute(
            subscribers.update().where(subscribers.c.id.in_(ids)).values(status="bounced", bounced_at=later)
        )


def test_a_bounce_rate_above_the_threshold_alerts(
    tmp_path: Path, demo_site: Path, store: Store, receiver: Receiver
) -> None:
    _sent_issue(store, bounced=3)
    runtime = _runtime(tmp_path, demo_site, store, at=NOW + timedelta(days=1))
    alerts = [a for a in state_alerts(runtime, current_status(runtime)) if a.key.startswith("bounce")]
    text = _once(runtime, alerts, receiver, tmp_path)
    assert "30.0% of weekly-2026-11-25 bounced" in text and "digest report weekly-2026-11-25" in text


def test_a_missing_approval_alerts_before_the_slot(
    tmp_path: Path, demo_site: Path, store: Store, receiver: Receiver
) -> None:
    runtime = _runtime(tmp_path, demo_site, store, at=NOW)
    text = runtime.config.path
    Path(text).write_text(
        Path(text)
        .read_text()
        .replace('timezone = "America/New_York"', 'timezone = "America/New_York"\napproval = "required"')
    )
    runtime = Runtime(load_config(text), store, lambda: NOW)
    status = current_status(runtime)
    assert status.newsletters[0].approval_missing and status.code == 2  # and no scheduler ever ran
    alerts = [a for a in state_alerts(runtime, status) if a.key.startswith("approval")]
    assert "digest approve weekly" in _once(runtime, alerts, receiver, tmp_path)
    store.issues.approve("weekly", status.newsletters[0].approval_missing or "", NOW)
    assert current_status(runtime).newsletters[0].approval_missing is None


def test_status_is_healthy_with_a_fresh_heartbeat_and_degraded_by_a_failed_slot(
    tmp_path: Path, demo_site: Path, store: Store
) -> None:
    store.subscribers.upsert([NewSubscriber("ana@example.org", "Ana")], "weekly", "test", NOW)
    runtime = _runtime(tmp_path, demo_site, store, at=NOW)
    assert tick(runtime) == []
    found = current_status(runtime)
    assert (found.scheduler, found.code) == ("running", 0)
    after_send(runtime, "weekly", SLOT, None, "Provider 'postmark' refused the key")
    assert current_status(runtime).code == 1
    late = Runtime(runtime.config, store, lambda: NOW + timedelta(minutes=4))
    assert (current_status(late).scheduler, current_status(late).code) == ("down", 2)
    assert down_alert(current_status(late))[0].key == f"down:{NOW.isoformat()}"


def test_digest_status_exits_2_when_the_scheduler_stopped_and_alerts_once_from_cron(
    tmp_path: Path, demo_site: Path, receiver: Receiver
) -> None:
    config = write_config(tmp_path, demo_site, extra=ALERTS)
    project = config.parent
    from digest.store import open_store

    store = open_store(load_config(config).store.url)
    store.watch.beat("elsewhere:1", NOW, datetime.now(NOW.tzinfo) - timedelta(minutes=5))
    store.close()
    env = {"DIGEST_ALERT_WEBHOOK": receiver.url}
    first = digest(project, "status", "--alert", "--json", **env)
    assert first.returncode == 2, first.stderr
    data = json.loads(first.stdout)
    assert data["status"] == "down" and data["scheduler"]["state"] == "down"
    assert len(data["alerts_sent"]) == 1 and data["alerts_sent"][0].startswith("down:")
    second = digest(project, "status", "--alert", **env)
    assert second.returncode == 2 and "scheduler down" in second.stdout
    assert len(receiver.bodies) == 1 and "is not running" in receiver.texts()[0]
    assert _emails(tmp_path) == ["[digest] the digest scheduler is not running"]


def test_healthz_and_readyz_answer_for_the_store(store: Store) -> None:
    from sqlalchemy import text
    from websupport import harness

    app = harness(store)
    assert app.request("GET", "/healthz").text == "ok" and app.request("GET", "/readyz").text == "ready"
    with store.engine.begin() as conn:  # a store an older digest migrated: reachable, not ready
        conn.execute(text("UPDATE alembic_version SET version_num = '0006'"))
    assert app.request("GET", "/healthz").status_code == 200
    assert app.request("GET", "/readyz").status_code == 503
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(text("ALTER TABLE subscribers RENAME TO gone"))
    assert app.request("GET", "/healthz").status_code == 503
    assert app.request("GET", "/readyz").status_code == 503
    with store.engine.begin() as conn:
        conn.execute(text("ALTER TABLE gone RENAME TO subscribers"))
