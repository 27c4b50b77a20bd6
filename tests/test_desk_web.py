"""The desk app through Starlette's TestClient: forms post actions, CSRF and the login rule hold."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import NOW, write_config
from starlette.testclient import TestClient
from test_desk_service import TESTS, collection  # noqa: F401 (the module's fixture)

from digest.drafts import load_draft
from digest.models import Collection
from digest.service import Runtime
from digest.service.desk import Desk
from digest.web.desk import create_desk
from digest.web.desk_access import login_required

VALUES = {"email": "reader@example.org", "name": "Reader", "web_url": "#", "unsubscribe_url": "https://x/u/p"}
TOKEN = "a-desk-token-long-enough"
# `digest desk` as the CLI runs it, whether or not the command table lists it yet.
DESK = (
    "import sys; from digest.cli import COMMANDS, main; "
    "COMMANDS.setdefault('desk', ('desk', 'desk', '')); sys.argv[0] = 'digest'; main()"
)


def run_desk(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`digest desk ARGS` in a project, to its end."""
    return subprocess.run(
        [sys.executable, "-c", DESK, "desk", *args], cwd=project, capture_output=True, text=True, timeout=120,
        env={**os.environ, **env},
    )  # fmt: skip


@pytest.fixture
def desk(tmp_path: Path, demo_site: Path, collection: Collection) -> Iterator[Desk]:  # noqa: F811
    config = write_config(tmp_path, demo_site, extra=TESTS)
    with Runtime.open(config, lambda: NOW) as runtime:
        yield Desk(runtime, "weekly", collection)


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, name
    return found.group(1)


def test_an_action_posted_from_the_page_rewrites_the_draft(desk: Desk) -> None:
    with TestClient(create_desk(desk, VALUES, login=False)) as client:
        page = client.get("/")
        assert page.status_code == 200 and "script-src 'sha256-" in page.headers["content-security-policy"]
        assert 'src="preview/email?build=1"' in page.text and "Extracted lede" in page.text
        form = {"csrf": hidden(page.text, "csrf"), "version": hidden(page.text, "version")}
        answer = client.post(
            "/act", data={**form, "kind": "fields", "subject": "From the desk"}, follow_redirects=False
        )
        assert answer.status_code == 303 and answer.headers["location"] == "/"
        assert load_draft(desk.path()).subject == "From the desk"  # type: ignore[union-attr]
        again = client.get("/")
        assert "Saved: fields" in again.text and "From the desk" in client.get("/preview/").text
        stale = client.post("/act", data={**form, "kind": "fields", "subject": "Late"})
        assert stale.status_code == 409 and "changed since this page was built" in stale.text
        assert load_draft(desk.path()).subject == "From the desk"  # type: ignore[union-attr]


def test_a_post_without_the_csrf_token_is_refused(desk: Desk) -> None:
    with TestClient(create_desk(desk, VALUES, login=False)) as client:
        version = hidden(client.get("/").text, "version")
        for path in ("/act", "/test", "/approve"):
            answer = client.post(path, data={"version": version, "kind": "fields", "subject": "X"})
            assert answer.status_code == 403 and "CSRF" in answer.text
            assert client.post(path, data={"csrf": "forged", "version": version}).status_code == 403
        assert not desk.path().exists()


def test_test_send_and_approve_from_the_page(desk: Desk, tmp_path: Path) -> None:
    with TestClient(create_desk(desk, VALUES, login=False)) as client:
        csrf = hidden(client.get("/").text, "csrf")
        sent = client.post("/test", data={"csrf": csrf, "address": "editor@example.org"})
        assert "Sent a test to editor@example.org" in sent.text
        assert len(list((tmp_path / "outbox").rglob("*.eml"))) == 1
        assert "Approved weekly 2026-11-27" in client.post("/approve", data={"csrf": csrf}).text
        assert desk.runtime.store.issues.approved("weekly", "2026-11-27")


def test_login_is_required_anywhere_but_127_0_0_1() -> None:
    assert not login_required("127.0.0.1") and not login_required("::1") and not login_required("[::1]")
    assert login_required("127.0.0.2") and login_required("0.0.0.0") and login_required("192.0.2.1")


def test_with_a_login_every_page_waits_for_the_token(desk: Desk) -> None:
    with TestClient(create_desk(desk, VALUES, login=True, token=TOKEN)) as client:
        first = client.get("/", follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"] == "/login"
        assert client.get("/preview/email", follow_redirects=False).status_code == 303
        assert client.post("/act", data={"kind": "fields"}).status_code == 403
        login = client.get("/login")
        csrf = hidden(login.text, "csrf")
        assert client.post("/login", data={"csrf": csrf, "token": "wrong"}).status_code == 403
        assert client.post("/login", data={"token": TOKEN}).status_code == 403  # no CSRF token
        page = client.post("/login", data={"csrf": csrf, "token": TOKEN})
        assert page.status_code == 200 and "Logged in." in page.text
        assert hidden(page.text, "csrf") != csrf  # a fresh session after the login


def test_the_desk_shows_no_subscriber_address(desk: Desk) -> None:
    from digest.store.imports import NewSubscriber

    desk.runtime.store.subscribers.upsert([NewSubscriber("secret.reader@example.net")], "weekly", "cli", NOW)
    with TestClient(create_desk(desk, VALUES, login=False)) as client:
        for path in ("/", "/preview/email", "/preview/email.txt"):
            assert "secret.reader@example.net" not in client.get(path).text


def test_digest_desk_bound_to_127_0_0_2_asks_for_a_login(tmp_path: Path, live_site: Path) -> None:
    import httpx

    write_config(tmp_path, live_site)
    refused = run_desk(tmp_path, "--host", "127.0.0.2", "--port", "0", DIGEST_DESK_TOKEN="")
    assert refused.returncode == 1 and "Desk login 'DIGEST_DESK_TOKEN'" in refused.stderr
    server = subprocess.Popen(
        [sys.executable, "-c", DESK, "desk", "--host", "127.0.0.2", "--port", "0"], cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "DIGEST_DESK_TOKEN": TOKEN},
    )  # fmt: skip
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert "(login required)" in line, line + (server.stderr.read() if server.poll() is not None else "")
        url = line.split(" at ", 1)[1].split()[0]
        assert url.startswith("http://127.0.0.2:")
        with httpx.Client(base_url=url, timeout=10) as http:
            first = http.get("/")
            assert first.status_code == 303 and first.headers["location"] == "/login"
            assert http.get("/preview/email").status_code == 303
            login = http.get("/login")
            page = http.post("/login", data={"csrf": hidden(login.text, "csrf"), "token": TOKEN})
            assert page.status_code == 303 and http.get("/").status_code == 200
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=10)


def test_the_desk_shows_the_newsletters_reports_behind_its_login(desk: Desk) -> None:
    store = desk.runtime.store
    from digest.models import RenderedIssue

    rendered = RenderedIssue("weekly-2026-11-18", "weekly", "Last week", "h", "t")
    store.issues.create(rendered, "2026-11-18", "weekly", ["https://meridian.example/a"], NOW, titles=["A"])
    store.issues.mark_sent("weekly-2026-11-18", NOW)
    with TestClient(create_desk(desk, VALUES, login=True, token=TOKEN)) as client:
        assert client.get("/reports", follow_redirects=False).status_code == 303  # the login first
        assert client.get("/reports/weekly-2026-11-18", follow_redirects=False).status_code == 303
    with TestClient(create_desk(desk, VALUES, login=False)) as client:
        assert 'href="reports"' in client.get("/").text
        trend = client.get("/reports")
        assert trend.status_code == 200 and "weekly-2026-11-18" in trend.text and "<script" not in trend.text
        assert "default-src 'none'" in trend.headers["content-security-policy"]
        issue = client.get("/reports/weekly-2026-11-18")
        assert issue.status_code == 200 and "Last week" in issue.text and "chart-articles" in issue.text
        assert client.get("/reports/another-2026-11-18").status_code == 404
