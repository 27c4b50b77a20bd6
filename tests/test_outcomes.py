"""Honest outcomes and quiet, structured logs: a send to nobody fails loudly and records nothing, test
addresses are checked before anything is sent, and the scheduler starts a new newsletter fresh, logging
one line per event (text or JSON) without the libraries' chatter, subscribers' addresses or secrets."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import NOW, demo_builder, digest, write_config
from stub_provider import TOKEN, serve
from test_scheduler import DUE_AT_ANY_TIME, FRIDAY_9, SLOT, _schedule_run

from digest.cli import cli
from digest.cli.common import JsonFormatter
from digest.errors import DigestError
from digest.scheduler import CatchUp, catch_up
from digest.service import scheduling, sending
from digest.service.runtime import Runtime
from digest.store import Store
from digest.store.subscribers import NewSubscriber

CSV = "email,name\nana@example.org,Ana\nbo@example.com,Bo\n"
SECRET = {"DIGEST_SECRET": "outcomes-secret-0123456789abcdefghijkl"}


def _on_store(folder: Path, site: Path, store: Store, newsletter: str = "") -> Path:
    """A demo config on the fixture's store; ``newsletter``: keys added to [newsletters.weekly]."""
    path = write_config(folder, site, store_url=store.engine.url.render_as_string(hide_password=False))
    zone = 'timezone = "America/New_York"\n'
    path.write_text(path.read_text().replace(zone, zone + newsletter))
    return path


def _long_past_slot(now: datetime) -> str:
    """A daily slot 12 hours before ``now`` with 1 hour of lateness: always missed, never due."""
    return f'timezone = "UTC"\nsend_at = "daily {now - timedelta(hours=12):%H:%M}"\nmax_lateness = "1h"'


def test_run_to_an_empty_list_exits_1_names_the_lists_and_leaves_the_slot_to_send(
    tmp_path: Path, live_site: Path
) -> None:
    write_config(tmp_path, live_site)
    (tmp_path / "people.csv").write_text(CSV)
    nobody = digest(tmp_path, "run")
    assert nobody.returncode == 1 and "Traceback" not in nobody.stderr
    assert "list 'weekly' has no active subscribers; the store has no lists yet" in nobody.stderr
    assert digest(tmp_path, "subscribers", "import", "people.csv", "--list", "daily").returncode == 0

    mistyped = digest(tmp_path, "run", "--json")

    assert mistyped.returncode == 1 and mistyped.stdout == ""
    assert (
        "Error: Newsletter 'weekly': list 'weekly' has no active subscribers; "
        "lists in the store: daily (2 active)\n"
        "Hint: import subscribers with `digest subscribers import FILE.csv --list weekly`, "
        "or fix `list =` under [newsletters.weekly] in schedule.toml"
    ) in mistyped.stderr
    assert json.loads(digest(tmp_path, "issues", "--json").stdout) == []
    assert not (tmp_path / "outbox").exists()
    assert digest(tmp_path, "subscribers", "import", "people.csv").returncode == 0
    sent = digest(tmp_path, "run")
    assert sent.returncode == 0, sent.stderr
    assert "Sent 2 of 2 (0 failed, 0 skipped)" in sent.stdout
    [issue] = json.loads(digest(tmp_path, "issues", "--json").stdout)
    assert (issue["status"], issue["counts"]) == ("sent", {"sent": 2})
    again = digest(tmp_path, "run")
    assert again.returncode == 0 and "nothing left to send" in again.stdout


def test_a_segment_that_matches_nobody_is_an_error_naming_it(
    tmp_path: Path, demo_site: Path, store: Store
) -> None:
    path = _on_store(tmp_path, demo_site, store, "segment = \"attributes.country = 'DE'\"\n")
    store.subscribers.upsert([NewSubscriber("ana@example.org", "Ana", {"country": "FR"})], "weekly", "t", NOW)
    with Runtime.open(path, lambda: NOW) as runtime, pytest.raises(DigestError) as raised:
        sending.run(runtime, "weekly")
    assert raised.value.message == (
        "Newsletter 'weekly': segment \"attributes.country = 'DE'\" matches none of the 1 active "
        "subscribers of list 'weekly'"
    )
    assert raised.value.hint is not None and "`segment =` under [newsletters.weekly]" in raised.value.hint
    assert store.issues.recent("weekly") == []


def test_the_schedulers_send_to_an_empty_list_is_an_error_and_the_slot_goes_out_later(
    tmp_path: Path, demo_site: Path, store: Store
) -> None:
    actions = scheduling.actions(_on_store(tmp_path, demo_site, store), lambda: NOW)
    assert actions.first("weekly", NOW) is True

    failed = actions.send("weekly", NOW)

    assert failed.level == logging.ERROR and failed.fields["event"] == "failed"
    assert "list 'weekly' has no active subscribers; the store has no lists yet" in failed.message
    assert "\n" not in failed.message and "(hint: import subscribers" in failed.message
    assert store.issues.recent("weekly") == [] and actions.done("weekly", NOW) is False
    store.subscribers.upsert([NewSubscriber("ana@example.org", "Ana")], "weekly", "t", NOW)
    sent = actions.send("weekly", NOW)
    assert sent.level == logging.INFO and "Sent 1 of 1" in sent.message
    assert (sent.fields["event"], sent.fields["sent"], sent.fields["issue"]) == (
        "sent",
        1,
        "weekly-2026-11-25",
    )
    assert actions.done("weekly", NOW) is True and actions.first("weekly", NOW) is False
    assert "ana@example.org" not in sent.message + json.dumps(dict(sent.fields))


def test_send_test_checks_every_address_before_sending_anything(tmp_path: Path, live_site: Path) -> None:
    write_config(tmp_path, live_site)
    bad = digest(tmp_path, "send", "--test", "editor@example.org", "--test", "not-an-address")
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert "Error: Test address 'not-an-address' is not an email address" in bad.stderr
    assert "Nothing was sent." in bad.stderr and bad.stdout == ""
    assert not (tmp_path / "outbox").exists()

    two = digest(tmp_path, "send", "--test", "editor@example.org", "--test", "Desk@Example.com")

    assert two.returncode == 0, two.stderr
    lines = two.stdout.splitlines()
    assert [line.rsplit(" ", 1)[1] for line in lines] == ["editor@example.org", "desk@example.com"]
    assert all(line.startswith("Sent a test of weekly-") for line in lines)
    sent = sorted(p.name for p in (tmp_path / "outbox").rglob("*.eml"))
    assert sent == ["0000000-desk@example.com.eml", "0000000-editor@example.org.eml"]
    assert json.loads(digest(tmp_path, "issues", "--json").stdout) == []
    usage = digest(tmp_path, "send", "--test", "editor@example.org", "--dry-run")
    assert usage.returncode == 2 and "do not go together" in usage.stderr


def test_a_provider_refusing_a_test_or_every_message_of_a_run_exits_1(
    tmp_path: Path, live_site: Path
) -> None:
    config = write_config(tmp_path, live_site)
    (tmp_path / "gone.csv").write_text("email\ngone@example.org\n")
    assert digest(tmp_path, "subscribers", "import", "gone.csv").returncode == 0
    with serve(inactive={"gone@example.org"}) as stub:
        table = f'[provider]\nname = "postmark"\nbase_url = "{stub.base}"'
        config.write_text(
            config.read_text().replace('[provider]\nname = "outbox"\noutbox_dir = "outbox"', table)
        )
        env = {"POSTMARK_TOKEN": TOKEN, **SECRET}

        test = digest(tmp_path, "send", "--test", "editor@example.org", "--test", "gone@example.org", **env)
        run = digest(tmp_path, "run", **env)

    assert test.returncode == 1 and "Traceback" not in test.stderr
    assert "to editor@example.org" in test.stdout.splitlines()[0]
    assert "to gone@example.org not sent: " in test.stdout.splitlines()[1]
    assert "Error: The provider refused the test to gone@example.org" in test.stderr
    assert run.returncode == 1 and "Sent 0 of 1 (1 failed, 0 skipped)" in run.stdout
    assert "the provider accepted none of its 1 messages" in run.stderr
    assert stub.received["editor@example.org"] == 1 and stub.received["gone@example.org"] == 0


def test_a_newsletter_that_never_sent_missed_nothing() -> None:
    never, sent_before = (lambda _: True), (lambda _: False)
    two_days_late, an_hour_late = SLOT + timedelta(days=2), SLOT + timedelta(hours=1)
    assert catch_up(FRIDAY_9, timedelta(hours=6), two_days_late, lambda _: False, never) == CatchUp()
    assert catch_up(FRIDAY_9, timedelta(hours=6), an_hour_late, lambda _: False, never).send == SLOT
    assert catch_up(FRIDAY_9, timedelta(hours=6), two_days_late, lambda _: False, sent_before).missed == SLOT


def test_a_first_start_is_quiet_and_skips_nothing_and_v_shows_the_libraries(
    tmp_path: Path, live_site: Path
) -> None:
    config = write_config(tmp_path, live_site)
    config.write_text(
        config.read_text().replace('timezone = "America/New_York"', _long_past_slot(datetime.now(UTC)))
    )

    quiet = _schedule_run(tmp_path, lambda text: "next issue" in text)

    assert "INFO digest.scheduler: weekly: next issue " in quiet, quiet
    for noise in (
        "Context impl",
        "Will assume",
        "Running upgrade",
        "Added job",
        "Scheduler started",
        "skipped",
    ):
        assert noise not in quiet, quiet
    # Nobody to send to: said at start-up, days before the slot, not only when it fails.
    assert "WARNING digest.scheduler: Newsletter 'weekly': list 'weekly' has no active subscribers" in quiet
    verbose = _schedule_run(tmp_path, lambda text: "Scheduler started" in text, ("schedule", "-v"))
    assert "Context impl" in verbose and "skipped" not in verbose


def test_json_logs_are_one_object_per_line_with_each_events_fields_and_no_address(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    site = tmp_path / "site"
    demo_builder().build(site, now)
    config = write_config(tmp_path, site)
    config.write_text(config.read_text().replace('timezone = "America/New_York"', DUE_AT_ANY_TIME))
    (tmp_path / "people.csv").write_text(CSV)
    assert digest(tmp_path, "subscribers", "import", "people.csv").returncode == 0

    text = _schedule_run(tmp_path, lambda t: '"event": "next"' in t, ("--log-format", "json", "schedule"))

    records = [json.loads(line) for line in text.splitlines()]
    for record in records:
        assert {"time", "level", "logger", "message"} <= set(record), record
        assert record["time"].endswith("Z") and datetime.fromisoformat(record["time"]).tzinfo is not None
    events = {r["event"]: r for r in records if "event" in r}
    assert {"late", "built", "sending", "sent", "next"} <= set(events), text
    assert (events["sent"]["sent"], events["sent"]["failed"]) == (2, 0)
    assert events["sent"]["issue"] == events["built"]["issue"] == f"weekly-{now:%Y-%m-%d}"
    assert events["sent"]["newsletter"] == "weekly" and events["sent"]["level"] == "INFO"
    assert "ana@example.org" not in text and "bo@example.com" not in text


def test_a_long_send_logs_each_quarter_once_and_a_short_one_only_its_start(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="digest.scheduler")
    long = scheduling.LoggedProgress("weekly", NOW, "weekly-2026-11-25")
    long.start(4000, 0)
    for _ in range(40):
        long.advance(100)
    assert [r.getMessage() for r in caplog.records] == [
        "weekly: sending weekly-2026-11-25 to 4,000 recipients",
        "weekly: weekly-2026-11-25 25% sent (1,000 of 4,000)",
        "weekly: weekly-2026-11-25 50% sent (2,000 of 4,000)",
        "weekly: weekly-2026-11-25 75% sent (3,000 of 4,000)",
    ]
    assert [getattr(r, "percent", None) for r in caplog.records] == [None, 25, 50, 75]
    caplog.clear()
    short = scheduling.LoggedProgress("weekly", NOW, "weekly-2026-11-25")
    short.start(10, 0)
    short.advance(10)
    assert len(caplog.records) == 1


def test_a_json_log_line_carries_its_fields_and_masks_addresses_and_credentials() -> None:
    record = logging.makeLogRecord({
        "name": "digest.scheduler", "levelno": logging.ERROR, "levelname": "ERROR", "newsletter": "weekly",
        "msg": "refused ana@example.org via https://api:s3cret@mail.example/v3 (%d)", "args": (3,),
    })  # fmt: skip

    data = json.loads(JsonFormatter().format(record))

    assert data["message"] == "refused ***@example.org via https://***@mail.example/v3 (3)"
    assert (data["level"], data["logger"], data["newsletter"]) == ("ERROR", "digest.scheduler", "weekly")
    assert datetime.fromisoformat(data["time"]).utcoffset() == timedelta(0)


def test_a_command_run_in_process_leaves_no_log_handler_behind(demo_config: Path) -> None:
    root, own = logging.getLogger(), logging.getLogger("digest")
    before = (list(root.handlers), root.level, own.level)

    result = CliRunner().invoke(cli, ["--log-format", "json", "next", "-v", "-c", str(demo_config)])

    assert result.exit_code == 0, result.output
    assert (list(root.handlers), root.level, own.level) == before
