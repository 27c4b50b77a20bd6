"""Hostile requests against what digest serves and stores: each test replays an attack, then checks the
safe outcome (bounded bodies, replayed signatures, framing and sniffing, store trouble, odd input)."""

from __future__ import annotations

import asyncio
import base64
import csv
import hashlib
import hmac
import io
import json
import logging
import re
import sqlite3
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import NOW
from sqlalchemy import create_engine
from starlette.applications import Starlette
from starlette.staticfiles import StaticFiles
from websupport import PUBLIC, SECRET, Harness, harness, subscribe

from digest.compose import compose, render_subject
from digest.config import NewsletterConfig, WebhooksConfig
from digest.errors import SubscriberFileError, TemplateError
from digest.models import RenderedIssue, SendResult, SubscriberStatus
from digest.store import Store, open_store
from digest.store.subscribers import SubscriberRecord
from digest.subscriber_csv import parse_csv, read_csv, write_csv
from digest.tokens import make_confirm_token, make_token, read_token
from digest.web.app import create_app
from digest.web.body import FORM_LIMIT
from digest.web.headers import script_hash
from digest.web.preview import Preview
from digest.web.preview import create_app as preview_app
from digest.web.ratelimit import RateLimiter
from digest.web.webhooks import MAX_BODY, Webhooks

MAILGUN_KEY = "mailgun-signing-key"
MESSAGE_ID = "20261125120000.1.ABCDEF@mg.example.org"
HOOK_SECRETS = {"POSTMARK_WEBHOOK_AUTH": "hook:s3cret", "MAILGUN_WEBHOOK_KEY": MAILGUN_KEY}
STAMP = str(int(NOW.timestamp()))
CHUNK = 64 * 1024


def call(app: Starlette, method: str, path: str, ip: str = "192.0.2.1", **kwargs: Any) -> httpx.Response:
    """One request to an app, in process."""

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=(ip, 50000))
        async with httpx.AsyncClient(transport=transport, base_url=PUBLIC) as client:
            return await client.request(method, path, **kwargs)

    return asyncio.run(go())


def unsubscribe_path(person_id: int, email: str = "ada@example.org", list_name: str = "weekly") -> str:
    return f"/u/{make_token(SECRET, list_name, person_id, email)}"


@pytest.fixture
def app(store: Store) -> Harness:
    subscribe(store, "ada@example.org", "bo@example.org", "cy@example.org")
    return harness(store, secrets=HOOK_SECRETS)


# --------------------------------------------------------------------------- bodies read within a limit


class Endless:
    """A chunked body without Content-Length that fails the test if the server reads far past ``limit``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            if self.sent > 4 * self.limit:
                raise AssertionError(f"the server read {self.sent} bytes of a body limited to {self.limit}")
            self.sent += CHUNK
            yield b"a" * CHUNK


def _bodies(app: Harness) -> list[tuple[str, int]]:
    person = app.person("ada@example.org")
    return [
        ("/webhooks/postmark", MAX_BODY),
        ("/webhooks/mailgun", MAX_BODY),
        ("/webhooks/ses", MAX_BODY),
        ("/subscribe", FORM_LIMIT),
        (unsubscribe_path(person.id), FORM_LIMIT),
    ]


def test_a_chunked_body_without_length_is_cut_off_at_the_limit_on_every_endpoint(app: Harness) -> None:
    for path, limit in _bodies(app):
        body = Endless(limit)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        response = app.request("POST", path, content=body, headers=headers)
        assert response.status_code == 413, path
        assert body.sent <= limit + CHUNK, path  # stopped at the first chunk past the limit
        assert response.headers["connection"] == "close", path  # and the sender is cut off
    assert app.person("ada@example.org").status == SubscriberStatus.ACTIVE


def test_a_declared_length_over_the_limit_is_refused_before_reading(app: Harness) -> None:
    for path, limit in _bodies(app):
        headers = {"Content-Length": str(limit + 1)}
        response = app.request("POST", path, content=b"List-Unsubscribe=One-Click", headers=headers)
        assert response.status_code == 413, path


def test_a_multipart_one_click_post_within_the_limit_still_unsubscribes(app: Harness) -> None:
    person = app.person("ada@example.org")
    files = {"List-Unsubscribe": (None, "One-Click")}  # multipart/form-data, as RFC 8058 prefers
    response = app.request("POST", unsubscribe_path(person.id), files=files)
    assert response.status_code == 200
    assert app.person("ada@example.org").status == SubscriberStatus.UNSUBSCRIBED


# --------------------------------------------------------------------------- Mailgun: one signature, one body


def sent(store: Store, message_id: str = f"<{MESSAGE_ID}>", *emails: str) -> None:
    """An issue sent in one batch to ``emails`` (default: the whole list), answered with ``message_id``."""
    store.issues.create(
        RenderedIssue("weekly-1", "weekly", "S", "<p>h</p>", "t"), "2026-11-25", "weekly", [], NOW
    )
    store.ledger.enqueue("weekly-1", "weekly", NOW)
    rows = store.ledger.claim("weekly-1", 1000, NOW, "batch-1")
    results = [SendResult(r.subscriber_id, True, message_id) for r in rows if not emails or r.email in emails]
    store.ledger.record("weekly-1", results, NOW)


def mailgun_request(data: dict[str, Any], token: str, stamp: str = STAMP) -> dict[str, Any]:
    signature = hmac.new(MAILGUN_KEY.encode(), (stamp + token).encode(), hashlib.sha256).hexdigest()
    return {"signature": {"timestamp": stamp, "token": token, "signature": signature}, "event-data": data}


def complaint(email: str, event_id: str, message_id: str = MESSAGE_ID) -> dict[str, Any]:
    headers = {"message-id": message_id}
    return {"event": "complained", "recipient": email, "id": event_id, "message": {"headers": headers}}


def statuses(app: Harness) -> dict[str, str]:
    return {s.email: s.status.value for s in app.store.subscribers.stream("weekly")}


def test_a_captured_mailgun_signature_cannot_carry_other_event_data(app: Harness) -> None:
    sent(app.store)
    genuine = mailgun_request(complaint("bo@example.org", "e1"), "t" * 50)
    assert app.request("POST", "/webhooks/mailgun", json=genuine).json() == {"events": 1, "applied": 1}
    # The attack: the same signature (timestamp + token) with someone else's complaint.
    forged = {**genuine, "event-data": complaint("cy@example.org", "e2")}
    response = app.request("POST", "/webhooks/mailgun", json=forged)
    assert response.status_code == 401 and "token already used" in response.json()["error"]
    assert statuses(app)["cy@example.org"] == "active"
    # Mailgun retrying the very same request is no attack: accepted, and applied once only.
    assert app.request("POST", "/webhooks/mailgun", json=genuine).json() == {"events": 1, "applied": 0}


def test_a_mailgun_event_about_a_message_digest_did_not_send_is_ignored(
    app: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    sent(app.store, f"<{MESSAGE_ID}>", "ada@example.org", "bo@example.org")
    unknown = mailgun_request(complaint("bo@example.org", "e1", "not-ours@mg.example.org"), "a" * 50)
    elsewhere = mailgun_request(complaint("cy@example.org", "e2"), "b" * 50)  # cy was not in that message
    bare = mailgun_request({"event": "complained", "recipient": "ada@example.org", "id": "e3"}, "c" * 50)
    with caplog.at_level(logging.WARNING, logger="digest.web"):
        for payload in (unknown, elsewhere, bare):
            assert app.request("POST", "/webhooks/mailgun", json=payload).json()["applied"] == 0
    assert set(statuses(app).values()) == {"active"}
    assert (
        "ignored: message 'not-ours@mg.example.org' to 'bo@example.org' is not one digest sent" in caplog.text
    )


def test_used_mailgun_tokens_are_forgotten_once_their_timestamp_is_stale_anyway(store: Store) -> None:
    keep = timedelta(seconds=1800)
    assert store.feedback.claim_token("mailgun", "t1", "sha-a", NOW, keep)
    assert not store.feedback.claim_token("mailgun", "t1", "sha-b", NOW + keep, keep)
    assert store.feedback.claim_token("mailgun", "t1", "sha-b", NOW + 2 * keep + timedelta(seconds=1), keep)


# --------------------------------------------------------------------------- guessing webhook credentials


def test_failed_webhook_authentication_is_throttled_per_client_address(store: Store) -> None:
    clock = [0.0]
    hooks = Webhooks(
        store, WebhooksConfig(), HOOK_SECRETS, httpx.AsyncClient(), lambda: NOW,
        failures=RateLimiter(20, 600, clock=lambda: clock[0]),
    )  # fmt: skip
    app = create_app(harness(store).site, hooks)
    bounce = {"RecordType": "Bounce", "ID": 1, "Type": "HardBounce", "Email": "ada@example.org"}

    def postmark(auth: str, ip: str = "192.0.2.7") -> int:
        header = {"Authorization": "Basic " + base64.b64encode(auth.encode()).decode()}
        return call(app, "POST", "/webhooks/postmark", ip, json=bounce, headers=header).status_code

    assert [postmark(f"hook:guess{n}") for n in range(20)] == [401] * 20
    assert postmark("hook:s3cret") == 429  # even the right password waits: the guessing stops here
    assert postmark("hook:s3cret", ip="192.0.2.8") == 200  # the provider, from its own address
    clock[0] = 601
    assert postmark("hook:s3cret") == 200


# --------------------------------------------------------------------------- headers and redirects


def test_public_pages_cannot_be_framed_or_sniffed(app: Harness) -> None:
    person = app.person("ada@example.org")
    for path in ("/subscribe", unsubscribe_path(person.id), "/confirm/x.y"):
        headers = app.request("GET", path).headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert headers["referrer-policy"] == "no-referrer", path


def _archive_app(store: Store, folder: Path) -> Starlette:
    (folder / "weekly-2026-11-25").mkdir(parents=True)
    (folder / "weekly-2026-11-25" / "index.html").write_text('<a href="javascript:alert(1)">x</a>')
    (folder / "index.html").write_text("<h1>Archive</h1>")
    site = harness(store).site
    hooks = Webhooks(store, WebhooksConfig(), {}, httpx.AsyncClient(), lambda: NOW)
    return create_app(site, hooks, archive=StaticFiles(directory=folder, html=True))


def test_archive_pages_get_a_strict_policy(store: Store, tmp_path: Path) -> None:
    app = _archive_app(store, tmp_path / "archive")
    response = call(app, "GET", "/archive/weekly-2026-11-25/")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy  # javascript: links run nothing
    assert "frame-ancestors 'none'" in policy and "img-src https: data:" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_the_archive_folder_redirect_ignores_the_host_header(store: Store, tmp_path: Path) -> None:
    app = _archive_app(store, tmp_path / "archive")
    response = call(app, "GET", "/archive/weekly-2026-11-25", headers={"Host": "evil.example"})
    assert response.status_code in (301, 302, 307, 308)
    assert response.headers["location"] == "./weekly-2026-11-25/"  # relative: the host is the reader's own
    assert (
        str(response.next_request.url if response.next_request else "").startswith(
            f"{PUBLIC}/archive/weekly-2026-11-25/"
        )
        or "evil" not in response.headers["location"]
    )


def test_the_live_preview_allows_only_its_own_script(tmp_path: Path) -> None:
    preview = Preview("Subject", "Pre", '<p><a href="javascript:alert(1)">x</a></p>', "text")
    app = preview_app(lambda: preview)
    app.state.live.good = preview
    page = call(app, "GET", "/")
    script = re.search(r"<script>(.*?)</script>", page.text, re.S)
    assert script is not None
    policy = page.headers["content-security-policy"]
    assert f"script-src {script_hash(script.group(1))};" in policy  # the page's script still runs
    assert "connect-src 'self'" in policy and "frame-src 'self'" in policy  # /events and the frames
    assert "frame-ancestors 'none'" in policy
    email = call(app, "GET", "/email")
    assert "script-src" not in email.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in email.headers["content-security-policy"]
    assert email.headers["x-content-type-options"] == "nosniff"


# --------------------------------------------------------------------------- store trouble while serving


def test_a_locked_store_answers_503_and_claims_no_unsubscribe(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    open_store(url).close()
    # No busy wait: the lock below is held for the whole request, so the outcome is the same.
    store = Store(create_engine(url, connect_args={"timeout": 0}))
    person = subscribe(store, "ada@example.org")[0]
    app = harness(store)
    locker = sqlite3.connect(tmp_path / "store.sqlite3", isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")
    try:
        response = app.request("POST", unsubscribe_path(person.id), data={"List-Unsubscribe": "One-Click"})
        health = app.request("GET", "/healthz")
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert response.status_code == 503 and response.headers["retry-after"] == "30"
    assert "will receive no more" not in response.text and "nothing has changed" in response.text
    assert health.status_code == 200  # readers are not blocked by a writer: the store is there
    assert app.person("ada@example.org").status == SubscriberStatus.ACTIVE
    store.close()


def test_a_deleted_store_answers_503_instead_of_a_lost_unsubscribe(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    store = open_store(f"sqlite:///{path}")
    person = subscribe(store, "ada@example.org")[0]
    app = harness(store)
    assert app.request("GET", "/healthz").text == "ok"
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    response = app.request("POST", unsubscribe_path(person.id), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 503 and "retry-after" in response.headers
    assert "will receive no more" not in response.text
    health = app.request("GET", "/healthz")
    assert (health.status_code, health.text) == (503, "store unavailable")
    store.close()


# --------------------------------------------------------------------------- odd input


def test_a_nul_byte_in_the_subscribe_form_is_refused_with_400(app: Harness) -> None:
    response = app.request("POST", "/subscribe", data={"email": "dee@example.org", "name": "Dee\x00"})
    assert response.status_code == 400
    assert app.store.subscribers.find("weekly", "dee@example.org") is None


def test_an_import_rejects_only_the_row_with_a_nul_byte(store: Store) -> None:
    report = parse_csv("email,name\nada@example.org,Ada\nbo@example.org,B\x00o\ncy@example.org,Cy\n")
    assert [r.email for r in report.rows] == ["ada@example.org", "cy@example.org"]
    assert [str(p) for p in report.rejected] == [
        "subscribers.csv line 3: the row contains a NUL byte (a damaged file?)"
    ]
    assert store.subscribers.upsert(report.rows, "weekly", "import:test", NOW).added == 2


def test_an_import_rejects_only_the_row_the_csv_reader_cannot_read() -> None:
    # A cell past the reader's 128 KB limit raised _csv.Error: a traceback, and the whole file lost.
    huge = "x" * 200_000
    text = f"email,name\nada@example.org,Ada\nbo@example.org,{huge}\ncy@example.org,Cy\n"
    text += "\ndee@example.org,B\x00\n"  # after a blank line: the line numbers stay the file's
    report = parse_csv(text)
    assert [r.email for r in report.rows] == ["ada@example.org", "cy@example.org"]
    assert [str(p) for p in report.rejected] == [
        "subscribers.csv line 3: the row cannot be read as CSV (field larger than field limit (131072);"
        " a damaged file?)",
        "subscribers.csv line 6: the row contains a NUL byte (a damaged file?)",
    ]


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/dev/null", "Subscriber file '/dev/null' is a device, not a file"),  # /dev/zero never ends
        (".", "Subscriber file '.' cannot be read: Is a directory"),
    ],
)
def test_a_subscriber_file_that_is_no_file_is_refused_with_a_reason(path: str, said: str) -> None:
    with pytest.raises(SubscriberFileError, match=re.escape(said)):
        read_csv(Path(path))


def test_names_from_the_web_form_are_one_clean_line(app: Harness) -> None:
    name = "Ada\r\nBcc: mallory@example.org\t \u202eLovelace\x07"
    app.request("POST", "/subscribe", data={"email": "dee@example.org", "name": name})
    stored = app.store.subscribers.find("weekly", "dee@example.org")
    assert stored is not None and stored.name == "Ada Bcc: mallory@example.org Lovelace"


def test_an_export_escapes_attribute_names_too_and_imports_back(store: Store) -> None:
    names = ["=1+2", "@SUM(A1)", "+cmd", "-x", "plain"]
    person = subscribe(store, "ada@example.org")[0]
    out = io.StringIO()
    write_csv([SubscriberRecord(person, "cli", dict.fromkeys(names, "1"))], out, names)
    header = next(csv.reader(io.StringIO(out.getvalue())))
    assert [cell for cell in header if cell.startswith(("=", "+", "-", "@"))] == []
    assert parse_csv(out.getvalue()).rows[0].attributes == dict.fromkeys(names, "1")


def test_a_token_naming_a_huge_id_is_just_an_invalid_link(app: Harness) -> None:
    huge = 10**30
    token = make_token(SECRET, "weekly", huge, "ada@example.org")
    confirm = make_confirm_token(SECRET, "weekly", huge, "ada@example.org", NOW)
    assert read_token(token) is None
    for method, path in (("GET", f"/u/{token}"), ("POST", f"/u/{token}"), ("GET", f"/confirm/{confirm}")):
        response = app.request(
            method, path, data={"List-Unsubscribe": "One-Click"} if method == "POST" else None
        )
        assert response.status_code == 404 and "This link is not valid" in response.text, path


def test_the_subject_template_cannot_reach_python_internals() -> None:
    values: dict[str, Any] = {
        "title": "W", "from": "W <w@example.org>", "list": "weekly", "postal_address": "1 St",
        "sources": [{"url": "https://meridian.example/feed.xml"}],
        "subject": "{{ newsletter.__class__.__mro__ }}",
    }  # fmt: skip
    newsletter = NewsletterConfig.model_validate(values)
    issue = compose("weekly", newsletter.model_copy(update={"subject": "x"}), [], "w-1", NOW)
    with pytest.raises(TemplateError) as caught:
        render_subject(newsletter.subject, newsletter, issue)
    assert str(caught.value).startswith("Template 'subject': not allowed: access to attribute '__class__'")
    assert "not Python internals" in str(caught.value)
    assert render_subject("{{ newsletter.title }}!", newsletter, issue) == "W!"


def test_a_form_that_is_not_json_or_form_changes_nothing(app: Harness) -> None:
    body = json.dumps({"List-Unsubscribe": "One-Click"})
    person = app.person("ada@example.org")
    response = app.request(
        "POST", unsubscribe_path(person.id), content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert app.person("ada@example.org").status == SubscriberStatus.ACTIVE
