"""`digest send` and `digest issues` as a user runs them: real processes, the provider stub on loopback."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from conftest import digest, write_config
from stub_provider import TOKEN, serve

from digest.store import open_store

CSV = "email,name\nana@example.org,Ana\nbo@example.com,Bo\n"


def project(folder: Path, site: Path, provider: str = "") -> Path:
    """A demo project with two subscribers; ``provider`` replaces the [provider] table."""
    config = write_config(folder, site)
    if provider:
        text = config.read_text()
        config.write_text(text.replace('[provider]\nname = "outbox"\noutbox_dir = "outbox"', provider))
    (folder / "people.csv").write_text(CSV)
    assert digest(folder, "subscribers", "import", "people.csv").returncode == 0
    return folder


def test_dry_run_and_a_test_address_leave_the_ledger_alone(tmp_path: Path, live_site: Path) -> None:
    folder = project(tmp_path, live_site)
    dry = digest(folder, "send", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Dry run: wrote 2 messages" in dry.stdout
    assert len(list((folder / "outbox" / "dry-run").glob("*/*.eml"))) == 2
    test = digest(folder, "send", "--test", "editor@example.org")
    assert test.returncode == 0, test.stderr
    [sent] = (folder / "outbox").glob("weekly-*/0000000-editor@example.org.eml")
    assert "Subject: [Test] " in sent.read_text()
    assert json.loads(digest(folder, "issues", "--json").stdout) == []


def test_send_through_postmark_counts_each_state_and_resumes_to_nothing(
    tmp_path: Path, live_site: Path
) -> None:
    with serve() as stub:
        table = f'[provider]\nname = "postmark"\nbase_url = "{stub.base}"'
        folder = project(tmp_path, live_site, table)
        env = {"POSTMARK_TOKEN": TOKEN, "DIGEST_SECRET": "cli-secret-0123456789abcdefghijklmnop"}
        sent = digest(folder, "send", **env)
        assert sent.returncode == 0, sent.stderr
        assert "Sent 2 of 2 (0 failed, 0 skipped)" in sent.stdout
        [issue] = json.loads(digest(folder, "issues", "--json").stdout)
        assert (issue["status"], issue["counts"]) == ("sent", {"sent": 2})
        again = json.loads(digest(folder, "send", "--resume", issue["issue_id"], "--json", **env).stdout)
        assert (again["sent"], again["already_sent"]) == (0, 2)
    assert sorted(stub.received) == ["ana@example.org", "bo@example.com"] and stub.duplicates() == 0


def test_a_missing_key_stops_before_anything_is_collected(tmp_path: Path, live_site: Path) -> None:
    folder = project(tmp_path, live_site, '[provider]\nname = "postmark"')
    result = digest(folder, "run", POSTMARK_TOKEN="", DIGEST_SECRET="cli-secret-0123456789abcdefghijklmnop")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (
        "environment variable POSTMARK_TOKEN is not set" in result.stderr and "Hint: export" in result.stderr
    )
    assert json.loads(digest(folder, "issues", "--json").stdout) == []


def test_a_second_sender_of_an_issue_is_told_who_holds_it(tmp_path: Path, live_site: Path) -> None:
    folder = project(tmp_path, live_site)
    assert digest(folder, "run").returncode == 0
    store = open_store(f"sqlite:///{folder / 'subscribers' / 'digest.sqlite3'}")
    [issue] = store.ledger.issues()
    assert store.ledger.lock(issue.issue_id, "elsewhere:4242:abcd", datetime.now(UTC), 600) is None
    store.close()
    result = digest(folder, "send", "--resume", issue.issue_id)
    assert result.returncode == 1
    assert "is being sent by another process ('elsewhere:4242:abcd')" in result.stderr
    assert "--wait" in result.stderr
