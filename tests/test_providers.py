"""Each provider's requests, as the provider stub checks them: shapes, limits, auth, errors, lookups."""

from __future__ import annotations

import asyncio
import html
import tracemalloc
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import orjson
import pytest
from stub_apis import SES_KEY_ID, SES_SECRET
from stub_provider import BOMB_MB, DRIP_SECONDS, ENDLESS_MB, TOKEN, Faults, Stub, brotli_bomb, serve

from digest.config import ProviderConfig
from digest.deliver import Audience, addressing, letter_for
from digest.errors import ProviderError
from digest.links import Links
from digest.models import RenderedIssue, SendResult
from digest.personalize import RecipientPlaceholders, placeholder
from digest.providers import available, create_provider, register
from digest.providers import http as http_module
from digest.providers.base import Provider, TransientError
from digest.providers.http import MAX_ANSWER_BYTES
from digest.providers.letter import Batch
from digest.store.ledger import Claimed

T = TypeVar("T")
AUDIENCE = Audience("weekly", "The Meridian <newsletter@example.org>", "The Meridian Weekly")
LINKS = Links("https://news.example.org", "test-secret", AUDIENCE.sender)
HTML = f'<p>Hi {placeholder("name")}</p><a href="{placeholder("unsubscribe_url")}">Unsubscribe</a>'
TEXT = f"Hi {placeholder('name')}\nUnsubscribe: {placeholder('unsubscribe_url')}\n"
PEOPLE = [
    (1, "ana@example.org", "Ana"),
    (2, "bo@example.com", 'Bo "B" <&>'),
    (3, "cy@example.net", "Cy, Jr."),
]
ENV = {
    "POSTMARK_TOKEN": TOKEN, "RESEND_API_KEY": TOKEN, "SENDGRID_API_KEY": TOKEN, "MAILGUN_API_KEY": TOKEN,
    "AWS_ACCESS_KEY_ID": SES_KEY_ID, "AWS_SECRET_ACCESS_KEY": SES_SECRET,
}  # fmt: skip
API_PROVIDERS = ["postmark", "resend", "sendgrid", "mailgun", "ses"]
KEY_ENV = {
    "postmark": "POSTMARK_TOKEN", "resend": "RESEND_API_KEY", "sendgrid": "SENDGRID_API_KEY",
    "mailgun": "MAILGUN_API_KEY", "ses": "AWS_SECRET_ACCESS_KEY",
}  # fmt: skip


def make_batch(
    key: str = "batch-1",
    people: list[tuple[int, str, str]] = PEOPLE,
    reply_to: str = "",
    bodies: tuple[str, str] = (HTML, TEXT),
    attributes: dict[int, dict[str, str]] | None = None,
) -> Batch:
    """A batch of ``people`` for a small issue, personalized as the deliver stage does it."""
    rendered = RenderedIssue("weekly-2026-11-25", "weekly", "This week", *bodies, reply_to=reply_to)
    addressee = addressing(rendered, AUDIENCE, LINKS)
    found = attributes or {}
    rows = [Claimed(i, email, name, "weekly", True, found.get(i, {})) for i, email, name in people]
    return Batch(key, letter_for(rendered, AUDIENCE), tuple(addressee(r) for r in rows))


def with_provider(
    name: str,
    stub: Stub | str,
    work: Callable[[Provider], Awaitable[T]],
    env: dict[str, str] = ENV,
    **settings: Any,
) -> T:
    """Run ``work`` with a provider pointed at the stub, on a real client."""
    base = stub if isinstance(stub, str) else stub.base
    config = ProviderConfig.model_validate({"name": name, "base_url": base, "timeout": 2.0, **settings})

    async def main() -> T:
        async with httpx.AsyncClient(timeout=config.timeout) as client:
            provider = create_provider(config, client=client, environ=env)
            try:
                return await work(provider)
            finally:
                await provider.aclose()

    return asyncio.run(main())


def send(name: str, stub: Stub | str, batch: Batch, env: dict[str, str] = ENV) -> list[SendResult]:
    """Send one batch through the named provider; its results (a stop reason fails the test)."""
    outcome = with_provider(name, stub, lambda p: p.send(batch), env)
    assert outcome.stop is None, outcome.stop
    return list(outcome.results)


@pytest.mark.parametrize("name", API_PROVIDERS)
def test_each_recipient_gets_their_own_links_and_escaped_name(name: str) -> None:
    with serve() as stub:
        results = send(name, stub, make_batch())
    assert [(r.subscriber_id, r.accepted) for r in results] == [(1, True), (2, True), (3, True)]
    assert stub.duplicates() == 0 and len(stub.records) == 3
    records = {r.recipient: r for r in stub.records}
    for subscriber_id, email, person in PEOPLE:
        record = records[email]
        url = LINKS.unsubscribe_url("weekly", subscriber_id, email)
        mailto = LINKS.unsubscribe_mailto("weekly", subscriber_id, email)
        assert record.subject == "This week"
        assert record.body == f"Hi {person}\nUnsubscribe: {url}\n"
        assert record.html == f'<p>Hi {html.escape(person)}</p><a href="{url}">Unsubscribe</a>'
        assert record.headers["List-Unsubscribe"] == f"<{url}>, <{mailto}>"
        assert record.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert record.headers["List-Id"] == "The Meridian Weekly <weekly.example.org>"
        assert record.headers["X-Digest-Issue"] == "weekly-2026-11-25"


REPLY_TO = "The Desk <desk@example.org>"


def _reply_to(name: str, body: bytes) -> list[Any]:
    """The reply-to of every message in one request body, in the provider's own field (None: none)."""
    if name == "mailgun":
        from urllib.parse import parse_qs

        return [parse_qs(body.decode()).get("h:Reply-To", [None])[0]]
    answer = orjson.loads(body)
    if name in ("postmark", "resend"):
        return [m.get({"postmark": "ReplyTo", "resend": "reply_to"}[name]) for m in answer]
    if name == "sendgrid":
        assert "Reply-To" not in answer["headers"]  # SendGrid refuses it there
        return [answer.get("reply_to")]
    return [answer.get("ReplyToAddresses")]


NATIVE_REPLY_TO: dict[str, Any] = {
    "postmark": REPLY_TO, "resend": REPLY_TO, "mailgun": REPLY_TO, "ses": [REPLY_TO],
    "sendgrid": {"email": "desk@example.org", "name": "The Desk"},
}  # fmt: skip


@pytest.mark.parametrize("name", API_PROVIDERS)
@pytest.mark.parametrize("reply_to", [REPLY_TO, ""])
def test_the_reply_to_goes_in_the_providers_own_field_and_only_when_set(name: str, reply_to: str) -> None:
    with serve() as stub:
        send(name, stub, make_batch(reply_to=reply_to))
    sent = [body for _, body in stub.bodies if body]  # the one sending request (a GET has no body)
    assert len(sent) == 1
    expected = NATIVE_REPLY_TO[name] if reply_to else None
    found = _reply_to(name, sent[0])
    assert found and all(value == expected for value in found)


CITY = RecipientPlaceholders.attributes.city.or_else('nowhere "&" %%digest:email%%')
GREETING = f"{placeholder('first_name')} of {CITY} ({RecipientPlaceholders.attributes['plan']})"


@pytest.mark.parametrize("name", [*API_PROVIDERS, "outbox"])
def test_attributes_and_their_fallbacks_are_filled_per_recipient(name: str, tmp_path: Any) -> None:
    attributes = {1: {"city": "Porto <&>", "plan": "paid"}, 2: {"first_name": "Bobby"}}
    batch = make_batch(bodies=(f"<p>{GREETING}</p>", f"{GREETING}\n"), attributes=attributes)
    expected = {
        "ana@example.org": "Ana of Porto <&> (paid)",
        "bo@example.com": 'Bobby of nowhere "&" %%digest:email%% ()',
        "cy@example.net": 'Cy, of nowhere "&" %%digest:email%% ()',
    }
    if name == "outbox":
        import email
        from email.policy import default

        from digest.providers.outbox.sender import OutboxProvider

        asyncio.run(OutboxProvider(tmp_path).send(batch))
        found = [email.message_from_bytes(p.read_bytes(), policy=default) for p in tmp_path.rglob("*.eml")]
        parts = [(m.get_body(("html",)), m.get_body(("plain",))) for m in found]
        bodies = {
            m["To"].addresses[0].addr_spec: (h.get_content(), t.get_content())
            for m, (h, t) in zip(found, parts, strict=True)
        }
    else:
        with serve() as stub:
            send(name, stub, batch)
        bodies = {r.recipient: (r.html, r.body) for r in stub.records}
    assert len(bodies) == 3
    for address, words in expected.items():
        assert bodies[address][0].strip() == f"<p>{html.escape(words)}</p>"
        assert bodies[address][1].strip() == words


@pytest.mark.parametrize("name", ["postmark", "resend", "sendgrid", "mailgun"])
def test_each_message_is_tagged_with_its_issue(name: str) -> None:
    with serve() as stub:
        send(name, stub, make_batch())
    assert {r.tag for r in stub.records} == {"weekly-2026-11-25"}


@pytest.mark.parametrize("name", API_PROVIDERS)
def test_a_refused_key_stops_the_send_with_a_hint_naming_the_variable(name: str) -> None:
    with serve() as stub, pytest.raises(ProviderError) as raised:
        send(name, stub, make_batch(), {**ENV, KEY_ENV[name]: "wrong"})
    assert KEY_ENV[name] in str(raised.value).partition("Hint:")[2]
    assert not stub.received


@pytest.mark.parametrize("name", API_PROVIDERS)
def test_a_missing_key_names_the_variable_before_any_request(name: str) -> None:
    with pytest.raises(ProviderError, match=f"environment variable {KEY_ENV[name]} is not set"):
        send(name, "http://127.0.0.1:9", make_batch(), {k: v for k, v in ENV.items() if k != KEY_ENV[name]})


@pytest.mark.parametrize("name", API_PROVIDERS)
def test_429_is_retryable_and_carries_retry_after(name: str) -> None:
    with serve(Faults(rate_429=1.0, retry_after=3.0)) as stub, pytest.raises(TransientError) as raised:
        send(name, stub, make_batch())
    assert raised.value.retry_after == 3.0 and not raised.value.uncertain


@pytest.mark.parametrize("name", API_PROVIDERS)
def test_a_dropped_connection_after_the_request_is_uncertain(name: str) -> None:
    with serve(Faults(rate_drop_after=1.0)) as stub, pytest.raises(TransientError) as raised:
        send(name, stub, make_batch())
    assert raised.value.uncertain and len(stub.records) == 3


@pytest.mark.parametrize("name", API_PROVIDERS)
def test_an_answer_longer_than_any_answer_is_not_read_on_and_its_batch_is_uncertain(name: str) -> None:
    # The answer is the API's own JSON followed by megabytes of white space: whole, it still parses.
    assert ENDLESS_MB * 1024 * 1024 > MAX_ANSWER_BYTES
    with serve(Faults(script={1: "endless"})) as stub, pytest.raises(TransientError) as raised:
        send(name, stub, make_batch())
    assert raised.value.uncertain and len(stub.records) == 3
    assert "answered 200 with more than 4096 KB" in str(raised.value)


@pytest.mark.parametrize("name", API_PROVIDERS)
def test_a_compressed_answer_is_decoded_only_as_far_as_any_answer_goes(name: str) -> None:
    # A few hundred bytes of brotli that are 256 MB of white space decoded: decoded a limited piece at
    # a time, the answer is refused at its limit, and memory never holds much more than that.
    brotli_bomb()  # made before memory is measured
    with serve(Faults(script={1: "bomb"})) as stub, pytest.raises(TransientError) as raised:
        tracemalloc.start()
        try:
            send(name, stub, make_batch())
        finally:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    assert raised.value.uncertain and len(stub.records) == 3
    assert "answered 200 with more than 4096 KB" in str(raised.value)
    assert peak < 4 * MAX_ANSWER_BYTES < BOMB_MB * 1024 * 1024 // 4


@pytest.mark.parametrize("name", API_PROVIDERS)
def test_an_answer_that_trickles_in_is_given_up_on_and_its_batch_is_uncertain(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A space every 50 ms never trips the 2 s read timeout; only the exchange's deadline ends it,
    # here 0.5 s (0.25 of those timeouts), long before the stub would stop after 30 s.
    monkeypatch.setattr(http_module, "EXCHANGE_TIMEOUTS", 0.25)
    with serve(Faults(script={1: "drip"})) as stub, pytest.raises(TransientError) as raised:
        send(name, stub, make_batch())
    assert raised.value.uncertain and len(stub.records) == 3
    assert "took more than 0.5 s to answer in all" in str(raised.value)
    assert DRIP_SECONDS > 10 * 0.5


def test_an_unverified_sender_stops_sendgrid_mailgun_ses_and_resend() -> None:
    for name in ("resend", "sendgrid", "mailgun", "ses"):
        with serve(senders=("other.example",)) as stub, pytest.raises(ProviderError) as raised:
            send(name, stub, make_batch())
        assert "Hint:" in str(raised.value), name


def test_resend_sends_a_repeated_batch_once_under_its_idempotency_key() -> None:
    with serve() as stub:
        first = send("resend", stub, make_batch("same-key"))
        again = send("resend", stub, make_batch("same-key"))
    assert [r.message_id for r in first] == [r.message_id for r in again]
    assert sum(stub.received.values()) == 3 and stub.hits["replayed"] == 1


@pytest.mark.parametrize("name", ["postmark", "mailgun"])
def test_the_provider_log_says_which_messages_of_a_batch_were_accepted(name: str) -> None:
    with serve() as stub:
        send(name, stub, make_batch("seen"))
        found = with_provider(name, stub, lambda p: p.accepted(make_batch("seen")))
        unseen = with_provider(name, stub, lambda p: p.accepted(make_batch("never-sent")))
    assert set(found) == {1, 2, 3} and all(found.values())
    assert unseen == {}


@pytest.mark.parametrize("name", ["postmark", "ses"])
def test_a_refused_address_fails_its_row_only_and_permanently(name: str) -> None:
    with serve(inactive={"bo@example.com"}) as stub:
        results = send(name, stub, make_batch())
    outcome = {r.subscriber_id: (r.accepted, r.permanent) for r in results}
    assert outcome == {1: (True, False), 2: (False, True), 3: (True, False)}
    assert "bo@example.com" not in stub.received


def test_resend_refuses_a_repeated_key_with_another_body_and_sends_nothing_more() -> None:
    with serve() as stub:
        send("resend", stub, make_batch("same-key"))
        with pytest.raises(ProviderError, match="409"):
            send("resend", stub, make_batch("same-key", PEOPLE[:2]))
    assert sum(stub.received.values()) == 3


def test_our_sigv4_signature_is_the_one_botocore_computes() -> None:
    from datetime import UTC, datetime

    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    from digest.providers.ses.sigv4 import sign

    url = "https://email.eu-west-1.amazonaws.com/v2/email/outbound-bulk-emails?b=2&a=x%20y"
    body = b'{"FromEmailAddress": "a@example.org"}'
    when = datetime(2026, 11, 25, 12, 30, 5, tzinfo=UTC)
    ours = sign(
        "POST", url, {"Content-Type": "application/json"}, body, access_key="AKIDEXAMPLE",
        secret_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", region="eu-west-1", service="ses",
        now=when, session_token="token/with+chars",
    )  # fmt: skip
    request = AWSRequest(method="POST", url=url, data=body, headers={"Content-Type": "application/json"})
    request.headers["X-Amz-Date"] = ours["X-Amz-Date"]
    request.headers["X-Amz-Security-Token"] = "token/with+chars"
    request.context["timestamp"] = "20261125T123005Z"
    credentials = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "token/with+chars")
    auth = SigV4Auth(credentials, "ses", "eu-west-1")
    expected = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)
    assert ours["Authorization"].endswith(f"Signature={expected}")
    assert "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token" in ours["Authorization"]


def test_the_registry_refuses_a_second_provider_of_the_same_name() -> None:
    assert set(API_PROVIDERS) | {"outbox", "smtp"} <= set(available())
    with pytest.raises(ValueError, match="provider 'postmark' is already registered"):
        register("postmark")(lambda context: None)  # type: ignore[arg-type,return-value]


class _Mailbox:
    """An aiosmtpd handler that keeps what it is given and refuses one address."""

    def __init__(self, refuse: str = "") -> None:
        self.messages: list[tuple[list[str], bytes]] = []
        self.refuse = refuse

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802
        if address == self.refuse:
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_smtp_sends_each_message_with_list_headers_and_a_refused_address_fails_alone() -> None:
    import email
    from email.policy import default

    from aiosmtpd.controller import Controller

    box = _Mailbox(refuse="bo@example.com")
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        base = f"smtp://127.0.0.1:{controller.port}"
        results = with_provider("smtp", base, lambda p: p.send(make_batch()), {}).results
    finally:
        controller.stop()
    outcome = {r.subscriber_id: (r.accepted, r.permanent) for r in results}
    assert outcome == {1: (True, False), 2: (False, True), 3: (True, False)}
    assert [to for to, _ in box.messages] == [["ana@example.org"], ["cy@example.net"]]
    message = email.message_from_bytes(box.messages[0][1], policy=default)
    url = LINKS.unsubscribe_url("weekly", 1, "ana@example.org")
    assert message["List-Unsubscribe"].startswith(f"<{url}>, <mailto:")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"


def test_smtp_with_a_wrong_password_stops_with_a_hint_naming_the_variable() -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        return AuthResult(success=data.password == b"right", handled=False)

    controller = Controller(
        _Mailbox(), hostname="127.0.0.1", port=_free_port(), authenticator=authenticator,
        auth_require_tls=False,
    )  # fmt: skip
    controller.start()
    try:
        base = f"smtp://newsletter@127.0.0.1:{controller.port}"
        with pytest.raises(ProviderError, match="Hint: set SMTP_PASSWORD"):
            with_provider("smtp", base, lambda p: p.send(make_batch()), {"SMTP_PASSWORD": "wrong"})
        sent = with_provider("smtp", base, lambda p: p.send(make_batch()), {"SMTP_PASSWORD": "right"})
    finally:
        controller.stop()
    assert all(r.accepted for r in sent.results) and len(sent.results) == 3


class _SlowMailbox(_Mailbox):
    """Answers each message's end after ``delay`` s: within aiosmtplib's timeout, not the exchange's."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


def test_an_smtp_message_whose_answer_outlasts_the_exchange_deadline_is_uncertain(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from aiosmtpd.controller import Controller

    from digest.providers.smtp import sender

    # Each answer of aiosmtplib may take the whole 2 s timeout, and one message takes four of them;
    # the exchange's deadline (here 0.25 of the timeout: 0.5 s) bounds them all together.
    monkeypatch.setattr(sender, "EXCHANGE_TIMEOUTS", 0.25)
    box = _SlowMailbox(delay=1.5)
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        base = f"smtp://127.0.0.1:{controller.port}"
        with pytest.raises(TransientError) as raised:
            with_provider("smtp", base, lambda p: p.send(make_batch()), {})
    finally:
        controller.stop()
    assert raised.value.uncertain
    assert "no complete answer in 0.5 s (0.25 times the provider's timeout)" in str(raised.value)


def _smtp_messages(batch: Batch) -> list[Any]:
    """The messages an SMTP server receives for ``batch``, parsed."""
    import email
    from email.policy import default

    from aiosmtpd.controller import Controller

    box = _Mailbox(refuse="")
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        with_provider("smtp", f"smtp://127.0.0.1:{controller.port}", lambda p: p.send(batch), {})
    finally:
        controller.stop()
    return [email.message_from_bytes(raw, policy=default) for _, raw in box.messages]


@pytest.mark.parametrize("reply_to", [REPLY_TO, ""])
def test_smtp_and_the_outbox_write_the_reply_to_header_only_when_set(reply_to: str, tmp_path: Any) -> None:
    import email
    from email.policy import default

    from digest.providers.outbox.sender import OutboxProvider

    batch = make_batch(people=PEOPLE[:1], reply_to=reply_to)
    outbox = OutboxProvider(tmp_path)
    asyncio.run(outbox.send(batch))
    written = [email.message_from_bytes(p.read_bytes(), policy=default) for p in tmp_path.rglob("*.eml")]
    messages = _smtp_messages(batch) + written
    assert len(messages) == 2
    for message in messages:
        assert message.get_all("Reply-To") == ([REPLY_TO] if reply_to else None)
