"""Reports end to end: a sent issue, clicks against a real `digest serve`, `digest report --json`;
retention of raw events; a person's export and erasure."""

from __future__ import annotations

import email
import json
import re
from collections.abc import Iterator
from datetime import timedelta
from email.policy import default
from pathlib import Path

import httpx
import pytest
from conftest import NOW, digest, write_config
from websupport import free_port, serving

from digest.config import LinksConfig
from digest.report import expire_events, issue_report
from digest.store import Store, open_store
from digest.store.events import NewEvent
from digest.store.subscribers import NewSubscriber

SECRET = "report-test-secret-long-enough-to-sign-tokens"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
PEOPLE = ("ana", "bo", "cy", "dee")


@pytest.fixture
def project(tmp_path: Path, live_site: Path) -> Path:
    """The demo publication with tracked links, served on a free port of 127.0.0.1.

    Its site is built as of the real clock, which `digest run` reads: built as of the tests' fixed
    day, its articles left the run's window one by one as the days went by.
    """
    port = free_port()
    extra = "\n[newsletters.weekly.links]\nutm = true\ntrack_clicks = true\nmachine_seconds = 0\n"
    path = write_config(tmp_path, live_site, extra=extra)
    text = path.read_text(encoding="utf-8").replace(
        'public_url = "https://news.example.org"',
        f'public_url = "http://127.0.0.1:{port}"\nhost = "127.0.0.1"\nport = {port}',
    )
    path.write_text(text, encoding="utf-8")
    return tmp_path


@pytest.fixture
def server(project: Path) -> Iterator[str]:
    """`digest serve` on the project's port; its base URL."""
    with serving(project / "schedule.toml", SECRET) as url:
        yield url


def _links_by_reader(project: Path, base: str) -> dict[str, list[str]]:
    found = {}
    for path in (project / "outbox").rglob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=default)
        html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
        links = re.findall(rf'href="({re.escape(base)}/c/[^"]+)"', html)
        found[str(message["To"]).split("@")[0]] = list(dict.fromkeys(links))
    return found


def test_clicks_against_digest_serve_give_exact_counts_in_digest_report_json(
    project: Path, server: str
) -> None:
    store = open_store(f"sqlite:///{project / 'subscribers' / 'digest.sqlite3'}")
    store.subscribers.upsert(
        [NewSubscriber(f"{p}@example.org", p.title()) for p in PEOPLE], "weekly", "t", NOW
    )
    store.close()
    sent = digest(project, "run", DIGEST_SECRET=SECRET)
    assert sent.returncode == 0, sent.stderr
    links = _links_by_reader(project, server)
    assert len(links) == 4 and len(links["ana"]) >= 3

    with httpx.Client(follow_redirects=False, timeout=10) as client:

        def click(url: str, agent: str = BROWSER) -> None:
            answer = client.get(url, headers={"user-agent": agent})
            assert answer.status_code == 302 and not answer.headers["location"].startswith(server)

        click(links["ana"][0])  # a reader, twice on the lead
        click(links["ana"][0])
        click(links["bo"][1])  # another reader, on the second article
        for url in links["cy"]:  # a mail gateway's scanner
            click(url, "Mozilla/5.0 (compatible; Barracuda Sentinel link protection)")
        for url in links["dee"]:  # every link within seconds, with a browser's user agent
            click(url)
        forged = links["ana"][0][:-2] + ("AA" if not links["ana"][0].endswith("AA") else "BB")
        assert client.get(forged).status_code == 404

    issue_id = links["ana"][0].split("/c/")[1].split("/")[0]
    answer = digest(project, "report", issue_id, "--json")
    assert answer.returncode == 0, answer.stderr
    report = json.loads(answer.stdout)
    count = len(links["ana"])
    assert report["delivered"] == 4 and report["failed"] == 0
    assert report["clicks"]["people"] == 2 and report["clicks"]["total"] == 3
    assert report["clicks"]["machine"] == 2 * count
    assert report["clicks"]["machine_reasons"] == {"scanner agent": count, "every link at once": count}
    assert report["clicks"]["rate"] == 0.5
    lead, second = report["articles"][0], report["articles"][1]
    assert (lead["people"], lead["clicks"], second["people"], second["clicks"]) == (1, 2, 1, 1)
    assert report["top"][:2] == [0, 1]
    page = digest(project, "report", issue_id, "--html", "report.html")
    assert page.returncode == 0 and "Report page written to" in page.stdout
    written = (project / "report.html").read_text(encoding="utf-8")
    assert written.count('class="bar"') >= count and "chart-days" in written and "<script" not in written
    trend = json.loads(digest(project, "report", "--last", "3", "--json").stdout)
    assert [(i["issue"], i["people_clicked"]) for i in trend["issues"]] == [(issue_id, 2)]


def test_digest_serve_started_on_a_new_store_reads_what_later_commands_write(
    project: Path, server: str
) -> None:
    # The server made the store (and migrated it) before any other command ran. Migrations once
    # locked the database file itself, and closing that descriptor dropped the server's SQLite locks:
    # after `digest run` its reads failed with "database disk image is malformed" (503).
    assert digest(project, "subscribers", "add", "ana@example.org", DIGEST_SECRET=SECRET).returncode == 0
    assert digest(project, "run", DIGEST_SECRET=SECRET).returncode == 0
    (path,) = (project / "outbox").rglob("*.eml")
    html = email.message_from_bytes(path.read_bytes(), policy=default).get_body(("html",)).get_content()  # type: ignore[union-attr]
    unsubscribe = re.findall(rf'href="({re.escape(server)}/u/[^"]+)"', html)[0]
    assert httpx.get(unsubscribe).status_code == 200
    assert httpx.get(_links_by_reader(project, server)["ana"][0], follow_redirects=False).status_code == 302


def _event(store: Store, issue_id: str, subscriber: int | None, position: int, hours: float) -> None:
    store.events.record(
        NewEvent(
            issue_id,
            "click",
            NOW + timedelta(hours=hours),
            position=position,
            subscriber_id=subscriber,
            user_agent=BROWSER,
        )
    )


def test_retention_keeps_the_counts_and_deletes_the_raw_events(
    tmp_path: Path, demo_site: Path, store: Store
) -> None:
    from test_clicks import _send

    issue_id, _ = _send(tmp_path, demo_site, store, extra="")
    ids = [p.id for p in store.subscribers.stream("weekly")]
    _event(store, issue_id, ids[0], 0, 1)
    _event(store, issue_id, ids[0], 0, 2)
    _event(store, issue_id, ids[1], 1, 3)
    _event(store, issue_id, ids[2], 0, 24 * 40)  # after the retention cut
    before = issue_report(store, issue_id, 30)
    assert before is not None and (before.people_clicked, before.clicks) == (3, 4)

    settings = LinksConfig(retention_days=30)
    assert expire_events(store, "weekly", settings, NOW + timedelta(days=31)) == 3
    assert store.events.count(issue_id) == 1
    after = issue_report(store, issue_id, 30)
    assert after is not None and after.kept_totals
    assert (after.people_clicked, after.clicks) == (3, 4)
    assert [(a.people, a.clicks) for a in after.articles[:2]] == [(2, 3), (1, 1)]
    assert expire_events(store, "weekly", LinksConfig(), NOW + timedelta(days=400)) == 0  # 0 days: kept


def test_a_person_is_exported_with_their_events_and_forgotten_on_request(
    tmp_path: Path, demo_site: Path, store: Store
) -> None:
    from test_clicks import _send

    issue_id, _ = _send(tmp_path, demo_site, store, extra="")
    ana = store.subscribers.find("weekly", "ana@example.org")
    assert ana is not None
    store.subscribers.upsert([NewSubscriber("ana@example.org", "Ana")], "daily", "t", NOW)
    _event(store, issue_id, ana.id, 1, 1)
    data = store.privacy.export("ANA@example.org")
    assert sorted(s["list"] for s in data["subscriptions"]) == ["daily", "weekly"]
    assert [d["issue"] for d in data["deliveries"]] == [issue_id]
    assert [(e["issue"], e["kind"], e["article"]) for e in data["events"]] == [(issue_id, "click", 1)]

    gone = store.privacy.forget("ana@example.org", NOW)
    assert gone == {"events": 1, "deliveries": 1, "provider_feedback": 0, "subscriptions": 2}
    assert store.privacy.export("ana@example.org")["subscriptions"] == []
    assert store.events.count(issue_id) == 0
    again = store.subscribers.upsert(
        [NewSubscriber("Ana@Example.org", "Ana"), NewSubscriber("eve@example.org", "Eve")], "weekly", "t", NOW
    )
    assert (again.added, again.forgotten) == (1, 1)
    assert store.subscribers.find("weekly", "ana@example.org") is None


def test_the_export_and_erasure_commands(demo_config: Path) -> None:
    project = demo_config.parent
    assert digest(project, "subscribers", "add", "zoe@example.org", "--name", "Zoe").returncode == 0
    exported = digest(project, "subscribers", "export", "--email", "zoe@example.org")
    assert exported.returncode == 0 and json.loads(exported.stdout)["subscriptions"][0]["name"] == "Zoe"
    erased = digest(project, "subscribers", "remove", "zoe@example.org", "--forget")
    assert erased.returncode == 0 and "Erased zoe@example.org" in erased.stdout
    refused = digest(project, "subscribers", "add", "zoe@example.org")
    assert refused.returncode == 1 and "erased at its owner's request" in refused.stderr
    assert "Traceback" not in refused.stderr
