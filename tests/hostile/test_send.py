"""Hostile sending on loopback: provider tags in feed text, odd answers and addresses, full disks."""

from __future__ import annotations

import asyncio
import email
import errno
import html
import os
import re
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.policy import default
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import orjson
import pytest
from conftest import NOW
from stub_provider import Faults, serve
from test_delivery_faults import ISSUE, prepare, send, settings
from test_providers import AUDIENCE, ENV, LINKS, with_provider

from digest.config import ProviderConfig
from digest.deliver import DeliveryReport, addressing, deliver, letter_for
from digest.errors import ConfigError, ProviderError
from digest.models import OutgoingMessage, RenderedIssue, SendResult
from digest.personalize import MUSTACHE_TAGS, neutralized, placeholder
from digest.providers import create_provider
from digest.providers.base import TransientError
from digest.providers.letter import Batch
from digest.providers.mailgun.sender import TAGS as MAILGUN_TAGS
from digest.providers.outbox import OutboxProvider
from digest.providers.outbox import sender as outbox_sender
from digest.providers.sendgrid.sender import TAGS as SENDGRID_TAGS
from digest.store import Store, open_store
from digest.store.ledger import Claimed, Ledger
from digest.tokens import check_secret

# Feed text that spells out every provider's own per-recipient tags (and digest's SendGrid keys).
HOSTILE = (
    "%recipient.h_email% %recipient.t_unsubscribe_url% %unsubscribe_url% {{h_unsubscribe_url}} "
    "{{{ pm:unsubscribe }}} %%digest:h:email%% <%asm_group_unsubscribe_raw_url%>"
)
SHOWN = neutralized(HOSTILE)  # as the templates print feed text
PEOPLE = [(1, "ana@example.org", "Ana"), (2, "bo@example.com", "Bo")]
# The tags each provider fills in per recipient, and the only ones a request may carry: those made
# from the real placeholders of the bodies below (name and unsubscribe_url, in the HTML and the text).
LIVE = {
    "mailgun": re.compile(r"%recipient[^%\s]*%|%(?:tag_|mailing_list_)?unsubscribe_url%", re.IGNORECASE),
    "sendgrid": re.compile(r"%%digest:[ht]:\w+%%|<%[^%]*%>"),
    "ses": re.compile(r"\{\{.*?\}\}"),
    "postmark": re.compile(r"\{\{.*?\}\}"),
    "resend": re.compile(r"\{\{.*?\}\}"),
}
REAL = {
    "mailgun": "%recipient.{part}_{field}%",
    "sendgrid": "%%digest:{part}:{field}%%",
    "ses": "{{{{{part}_{field}}}}}",
}


def hostile_batch(people: list[tuple[int, str, str]] = PEOPLE) -> Batch:
    """A batch whose subject, image URL, heading and text carry the hostile feed text."""
    shown = html.escape(SHOWN)
    page = (
        f'<img src="https://feed.example/{shown}.png" alt="x"><h2>{shown}</h2>'
        f'<p>Hi {placeholder("name")}</p><a href="{placeholder("unsubscribe_url")}">Unsubscribe</a>'
    )
    text = f"{SHOWN}\nHi {placeholder('name')}\nUnsubscribe: {placeholder('unsubscribe_url')}\n"
    rendered = RenderedIssue(ISSUE, "weekly", f"This week: {SHOWN}", page, text)
    addressee = addressing(rendered, AUDIENCE, LINKS)
    rows = [Claimed(i, address, name, "weekly", True) for i, address, name in people]
    return Batch("hostile", letter_for(rendered, AUDIENCE), tuple(addressee(r) for r in rows))


def substituted(name: str, body: bytes) -> list[str]:
    """The parts of a request the provider fills in per recipient: subjects and bodies."""
    if name == "mailgun":
        form = parse_qs(body.decode())
        return [form[key][0] for key in ("subject", "html", "text")]
    data = orjson.loads(body)
    if name == "sendgrid":
        return [data["subject"], *(part["value"] for part in data["content"])]
    if name == "ses":
        content = data["DefaultContent"]["Template"]["TemplateContent"]
        return [content["Subject"], content["Html"], content["Text"]]
    keys = ("Subject", "HtmlBody", "TextBody") if name == "postmark" else ("subject", "html", "text")
    return [message[key] for message in data for key in keys]


def expected_tags(name: str) -> list[str]:
    """The live tags the real placeholders become: one per field in each body."""
    if name not in REAL:
        return []
    return sorted(REAL[name].format(part=p, field=f) for p in "ht" for f in ("name", "unsubscribe_url"))


@pytest.mark.parametrize("name", list(LIVE))
def test_feed_text_spelling_a_provider_tag_reaches_the_provider_as_text(name: str) -> None:
    with serve() as stub:
        results = with_provider(name, stub, lambda p: p.send(hostile_batch()), ENV).results
        sent = [body for path, body in stub.bodies if not path.endswith("/events")]
    assert all(r.accepted for r in results) and len(sent) == 1
    found = sorted(t for part in substituted(name, sent[0]) for t in LIVE[name].findall(part))
    assert found == expected_tags(name)


@pytest.mark.parametrize("name", list(LIVE))
def test_no_recipient_value_lands_where_feed_text_spelt_a_tag(name: str) -> None:
    with serve() as stub:
        with_provider(name, stub, lambda p: p.send(hostile_batch()), ENV)
    assert len(stub.records) == len(PEOPLE)
    for record in stub.records:
        url = LINKS.unsubscribe_url("weekly", *next((i, a) for i, a, _ in PEOPLE if a == record.recipient))
        assert record.recipient not in record.html + record.body + record.subject
        assert record.html.count(url) == 1 and record.body.count(url) == 1
        # Readers see the feed's text as it was written: a character reference, a zero-width joiner.
        assert HOSTILE in html.unescape(record.html).replace("\u200d", "")
        assert HOSTILE in record.body.replace("\u200d", "")
        assert record.subject.replace("\u200d", "") == f"This week: {HOSTILE}"


def test_percent_escapes_and_single_braces_are_left_as_they_are() -> None:
    page = '<a href="https://example.org/caf%C3%A9?q=%E2%80%99">{a} 100%</a>'
    for tags in (MUSTACHE_TAGS, MAILGUN_TAGS, SENDGRID_TAGS):
        assert tags.disarm(page, html=True) == page
        assert tags.disarm("{a} 50% off, %E2%80%99", html=False) == "{a} 50% off, %E2%80%99"


def _answering(status: int, content: bytes) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(lambda _: httpx.Response(status, content=content)))


@pytest.mark.parametrize("name", ["postmark", "resend", "ses"])
@pytest.mark.parametrize(
    "content", [b"<html>upstream reset</html>", b'{"data": [], "BulkEmailEntryResults": []}', b"[{}]"]
)
def test_a_success_answer_that_does_not_list_each_message_is_uncertain(name: str, content: bytes) -> None:
    config = ProviderConfig.model_validate({"name": name, "base_url": "http://127.0.0.1:9"})

    async def main() -> None:
        async with _answering(200, content) as client:
            await create_provider(config, client=client, environ=ENV).send(hostile_batch())

    with pytest.raises(TransientError) as raised:
        asyncio.run(main())
    assert raised.value.uncertain and "answered 200 with" in raised.value.reason


def _provider(name: str, client: httpx.AsyncClient) -> Any:
    config = ProviderConfig.model_validate({"name": name, "base_url": "http://127.0.0.1:9"})
    return create_provider(config, client=client, environ=ENV)


@pytest.mark.parametrize("code", ["\u00b2", "9" * 5_000, [0], {"a": 0}, True, None])
def test_a_postmark_error_code_that_is_no_number_makes_the_answer_uncertain(code: object) -> None:
    # "²" is a digit to str.isdigit and not to int(): the send stopped on a ValueError.
    content = orjson.dumps([{"ErrorCode": 0, "MessageID": "m1"}, {"ErrorCode": code}])

    async def main() -> None:
        async with _answering(200, content) as client:
            await _provider("postmark", client).send(hostile_batch())

    with pytest.raises(TransientError) as raised:
        asyncio.run(main())
    assert raised.value.uncertain


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("sendgrid", b'{"errors": "busy"}'),
        ("sendgrid", b'{"errors": ["busy"]}'),
        ("sendgrid", b'{"errors": {"message": "busy"}}'),
        ("postmark", b'{"ErrorCode": [10], "Message": "busy"}'),
        ("postmark", b'{"ErrorCode": {"a": 1}}'),
    ],
)
@pytest.mark.parametrize(("status", "kind"), [(503, TransientError), (400, ProviderError)])
def test_an_error_answer_of_an_odd_shape_is_still_retried_or_refused(
    name: str, content: bytes, status: int, kind: type[Exception]
) -> None:
    # A 503 whose errors were a string raised TypeError: the send stopped instead of retrying.
    async def main() -> None:
        async with _answering(status, content) as client:
            await _provider(name, client).send(hostile_batch())

    with pytest.raises(kind):
        asyncio.run(main())


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            "postmark",
            b'{"Messages": [{"Metadata": "x", "Recipients": 5, "To": {"Email": "a"}}], "TotalCount": "9"}',
        ),
        ("postmark", b'{"Messages": ["ana@example.org", {"Metadata": [], "To": [1]}], "TotalCount": 2}'),
        ("mailgun", b'{"items": [{"user-variables": "x", "message": []}, 7], "paging": {"next": 5}}'),
        ("mailgun", b'{"items": {"recipient": "ana@example.org"}, "paging": []}'),
    ],
)
def test_a_provider_log_of_an_odd_shape_finds_nothing_rather_than_failing(name: str, content: bytes) -> None:
    async def main() -> dict[int, str] | None:
        async with _answering(200, content) as client:
            return await _provider(name, client).accepted(hostile_batch())  # type: ignore[no-any-return]

    assert asyncio.run(main()) == {}


def test_a_garbled_postmark_answer_is_settled_by_its_log_and_nobody_gets_two(store: Store) -> None:
    rendered = prepare(store, 30)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    with serve(Faults(script={1: "garbled"})) as stub:
        report = send(store, rendered, settings(stub, batch_size=10, concurrency=1), sleep=sleep)
    assert stub.hits["garbled"] == 1 and stub.duplicates() == 0 and len(stub.received) == 30
    assert (report.sent, report.reconciled, report.remaining) == (30, 10, 0)
    assert store.ledger.counts(ISSUE) == {"sent": 30}


def test_a_huge_retry_after_is_capped_and_counts_against_the_error_budget(store: Store) -> None:
    rendered = prepare(store, 5)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    with serve(Faults(rate_429=1.0, retry_after=1e9)) as stub, pytest.raises(ProviderError) as raised:
        config = settings(stub, max_retries=50, concurrency=1, backoff_max=30.0)
        send(store, rendered, config, sleep=sleep)
    # Each 300 s wait counts as 11 failed requests (one, plus one per backoff_max): the window of
    # 50 requests is all failures after the fifth answer, long before max_retries.
    assert waits == [300.0] * 4
    assert "paused the send" in str(raised.value) and "50 of the last 50 requests failed" in str(raised.value)
    assert store.ledger.counts(ISSUE) == {"pending": 5}


def test_max_retry_after_is_a_provider_setting() -> None:
    assert ProviderConfig().max_retry_after == 300.0
    assert ProviderConfig.model_validate({"max_retry_after": 20}).max_retry_after == 20.0


class _Mailbox:
    """An aiosmtpd handler that keeps each envelope and message."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes, bool]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content, envelope.smtp_utf8))
        return "250 Message accepted for delivery"


@contextmanager
def _smtp(utf8: bool) -> Iterator[tuple[str, _Mailbox]]:
    """An SMTP server on loopback, offering SMTPUTF8 or not."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    box = _Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port, enable_SMTPUTF8=utf8)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", box
    finally:
        controller.stop()


INTERNATIONAL = [
    (1, "ana@example.org", "Ana"),
    (2, "josé@example.org", "José"),
    (3, "bo@bücher.example", "Bo"),
    (4, "cy@example.net", "Cy"),
]


def _headers(raw: bytes) -> bytes:
    return raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]


def _to(raw: bytes) -> bytes:
    """The To header line of a raw message, as written."""
    return next(line for line in _headers(raw).split(b"\n") if line.startswith(b"To:"))


def test_smtp_without_smtputf8_fails_a_utf8_local_part_alone_and_sends_idn_as_punycode() -> None:
    with _smtp(utf8=False) as (base, box):
        results = with_provider("smtp", base, lambda p: p.send(hostile_batch(INTERNATIONAL)), {}).results
    outcome = {r.subscriber_id: (r.accepted, r.permanent) for r in results}
    assert outcome == {1: (True, False), 2: (False, True), 3: (True, False), 4: (True, False)}
    assert "SMTPUTF8" in next(r.error for r in results if r.subscriber_id == 2)
    assert [to for to, _, _ in box.messages] == [
        ["ana@example.org"],
        ["bo@xn--bcher-kva.example"],
        ["cy@example.net"],
    ]
    assert _to(box.messages[1][1]) == b"To: bo@xn--bcher-kva.example"


def test_smtp_with_smtputf8_sends_a_utf8_local_part_raw() -> None:
    with _smtp(utf8=True) as (base, box):
        results = with_provider("smtp", base, lambda p: p.send(hostile_batch(INTERNATIONAL)), {}).results
    assert all(r.accepted for r in results) and len(box.messages) == 4
    to, raw, utf8 = box.messages[1]
    assert to == ["josé@example.org"] and utf8
    assert _to(raw) == "To: josé@example.org".encode()


def _message(subscriber_id: int, to: str) -> OutgoingMessage:
    return OutgoingMessage(ISSUE, subscriber_id, to, AUDIENCE.sender, "Hi", "<p>Hi</p>", "Hi")


def test_the_outbox_writes_idn_as_punycode_and_a_utf8_local_part_as_utf8(tmp_path: Path) -> None:
    outbox = OutboxProvider(tmp_path)
    for subscriber_id, to in ((1, "bo@bücher.example"), (2, "josé@example.org")):
        outbox.write(_message(subscriber_id, to))
    idn, local = sorted((tmp_path / ISSUE).glob("*.eml"))
    assert _to(idn.read_bytes()) == b"To: bo@xn--bcher-kva.example"
    assert _to(local.read_bytes()) == "To: josé@example.org".encode()
    assert email.message_from_bytes(local.read_bytes(), policy=default)["To"] == "josé@example.org"


def test_an_address_that_cannot_be_written_fails_alone(tmp_path: Path) -> None:
    people = [(1, "ana@example.org", "Ana"), (2, "snow@\u2603.example", "Snow"), (3, "cy@example.net", "Cy")]
    outcome = asyncio.run(OutboxProvider(tmp_path).send(hostile_batch(people)))
    assert outcome.stop is None
    results = {r.subscriber_id: (r.accepted, r.permanent) for r in outcome.results}
    assert results == {1: (True, False), 2: (False, True), 3: (True, False)}
    assert "not a valid internationalized name" in outcome.results[1].error


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    """Set the process umask for a test (restored afterwards)."""
    before = os.umask(0o022)
    os.umask(before)
    yield os.umask
    os.umask(before)


@pytest.mark.parametrize("mask", [0o022, 0o000])
def test_outbox_files_are_0600_in_folders_made_0700(
    tmp_path: Path, umask: Callable[[int], None], mask: int
) -> None:
    umask(mask)
    OutboxProvider(tmp_path / "outbox").write(_message(1, "ana@example.org"))
    (path,) = (tmp_path / "outbox" / ISSUE).glob("*.eml")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "outbox").stat().st_mode) == 0o700


@pytest.mark.parametrize("mask", [0o022, 0o000])
def test_a_new_sqlite_store_is_0600_in_folders_made_0700(
    tmp_path: Path, umask: Callable[[int], None], mask: int
) -> None:
    umask(mask)
    path = tmp_path / "subscribers" / "digest.sqlite3"
    store = open_store(f"sqlite:///{path}")
    try:
        store.generated_secret()
        files = [p for p in path.parent.iterdir() if p.name.startswith("digest.sqlite3")]
        assert path in files
        assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in files} == {p.name: 0o600 for p in files}
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    finally:
        store.close()


def test_a_short_signing_secret_is_refused_with_a_hint() -> None:
    with pytest.raises(ConfigError) as raised:
        check_secret("s" * 31, "DIGEST_SECRET", "schedule.toml")
    message = str(raised.value)
    assert "DIGEST_SECRET holds a secret of 31 bytes" in message and "Hint: export DIGEST_SECRET=" in message
    assert "s" * 31 not in message
    check_secret("s" * 32)


def test_a_full_disk_keeps_what_was_written_and_resume_writes_only_the_rest(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered = prepare(store, 5)
    real = outbox_sender.write_private
    calls: list[Path] = []

    def filling(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 3:  # half of the third file fits, then the disk is full
            path.write_bytes(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data)

    monkeypatch.setattr(outbox_sender, "write_private", filling)
    outbox = OutboxProvider(tmp_path)
    with pytest.raises(ProviderError, match="the disk is full") as raised:
        _deliver(rendered, store, outbox)
    assert f"digest send --resume {ISSUE}" in str(raised.value)
    folder = tmp_path / ISSUE
    written = {p.name: p.read_bytes() for p in folder.glob("*.eml")}
    assert len(written) == 2 and not list(folder.glob("*.part"))
    assert store.ledger.counts(ISSUE) == {"sent": 2, "pending": 3}

    monkeypatch.setattr(outbox_sender, "write_private", real)
    report = _deliver(rendered, store, outbox)
    assert (report.sent, report.already_sent) == (3, 2)
    assert all((folder / name).read_bytes() == data for name, data in written.items())
    assert len(list(folder.glob("*.eml"))) == 5 and not list(folder.glob("*.part"))


def _deliver(rendered: RenderedIssue, store: Store, provider: Any, **kwargs: Any) -> DeliveryReport:
    config = ProviderConfig(batch_size=10, lock_ttl=1.0)
    return asyncio.run(deliver(rendered, AUDIENCE, store, provider, LINKS, lambda: NOW, config, **kwargs))


class _SentElsewhere(Ledger):
    """The ledger as a waiting sender sees it: another process holds the lock and sends everything."""

    turns = 0

    def lock(
        self,
        issue_id: str,
        owner: str,
        now: datetime,
        ttl: float,
        stale: Callable[[str], bool] = lambda _: False,
    ) -> tuple[str, datetime] | None:
        self.turns += 1
        if self.turns > 1:
            return super().lock(issue_id, owner, now, ttl, stale)
        self.enqueue(issue_id, "weekly", now)
        rows = self.claim(issue_id, 100, now, "elsewhere")
        self.record(issue_id, [SendResult(r.subscriber_id, True, "m") for r in rows], now)
        return "elsewhere:1:x", now + timedelta(seconds=ttl)


def test_a_waiting_sender_reports_only_what_it_sent_itself(store: Store, tmp_path: Path) -> None:
    rendered = prepare(store, 4)
    store.ledger = _SentElsewhere(store.engine)
    report = _deliver(rendered, store, OutboxProvider(tmp_path), wait=30.0)
    assert (report.sent, report.failed, report.already_sent, report.remaining) == (0, 0, 4, 0)
    assert not list(tmp_path.rglob("*.eml"))


def test_a_password_in_a_wrong_scheme_base_url_is_masked() -> None:
    config = ProviderConfig.model_validate(
        {"name": "smtp", "base_url": "http://mailer:hunter2@mail.example:587"}
    )
    with pytest.raises(ProviderError) as raised:
        create_provider(config, environ={"SMTP_PASSWORD": "x"})
    assert "hunter2" not in str(raised.value) and "mailer:***@mail.example:587" in str(raised.value)
