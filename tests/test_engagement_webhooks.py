"""Opens and clicks from provider webhooks: recorded once each as events of the issue digest sent."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from conftest import NOW
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select
from test_webhooks import SECRETS, TOPIC, AwsStub, mailgun, postmark, resend, sendgrid, ses, sns_message
from websupport import Harness, harness, subscribe

from digest.models import RenderedIssue, SendResult
from digest.store import Store
from digest.store.schema import events
from digest.store.sql import utc

ISSUE = "weekly-2026-11-25"
SENT = NOW - timedelta(hours=1)  # when digest sent the issue; the webhooks arrive at NOW
ARTICLES = ["https://a.example/one", "https://a.example/two"]
TARGETS = tuple(f"{url}?utm_source=digest&utm_medium=email" for url in ARTICLES)  # where tagged links land
AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"
PEOPLE = ("ada@example.org", "bo@example.org", "cy@example.org")
PROVIDERS = ("postmark", "sendgrid", "mailgun", "resend", "ses")
OTHER_EC_KEY = ec.generate_private_key(ec.SECP256R1())
OTHER_SVIX = "whsec_" + base64.b64encode(b"another-resend-secret-0123456789").decode()


@dataclass(frozen=True)
class Hit:
    """One open or click, said the same way for every provider; each builder spells it the provider's way."""

    kind: str  # open | click
    email: str
    message_id: str  # as the provider names the message in its events
    event_id: str
    at: datetime
    url: str = ""
    machine: object = None  # the provider's own machine flag, when the test sets one
    issue: str = ISSUE


# --------------------------------------------------------------------------- a sent issue


def _message_id(provider: str, n: int) -> str:
    """The message id the provider answered the send of the n-th recipient with (as the ledger keeps it)."""
    return {
        "postmark": f"{n:08d}-6105-42a2-a16a-77a8eac79483",
        "sendgrid": "Bq7YOhUlQaaxS-Ol8CWLfA",  # one X-Message-Id for the whole request
        "mailgun": "<20261125110000.1.0123456789ABCDEF@mg.example.org>",  # one id per request, in <>
        "resend": f"56761188-7520-42d8-8898-ff6fc54ce6{n:02d}",
        "ses": f"010001936c5c4e1f-5b7a0c0e-7e45-4bd1-9d8c-1f1e3ce1a3{n:02d}-000000",
    }[provider]


def send_issue(store: Store, provider: str) -> dict[str, str]:
    """The issue sent through ``provider`` to everyone on the list: address → message id in events."""
    subscribe(store, *PEOPLE)
    rendered = RenderedIssue(ISSUE, "weekly", "S", "<p>h</p>", "t", links=TARGETS)
    store.issues.create(rendered, "2026-11-25", "weekly", ARTICLES, SENT, titles=["One", "Two"])
    store.ledger.enqueue(ISSUE, "weekly", SENT)
    rows = store.ledger.claim(ISSUE, 1000, SENT, "batch-1")
    ids = {r.email: _message_id(provider, n) for n, r in enumerate(rows)}
    store.ledger.record(ISSUE, [SendResult(r.subscriber_id, True, ids[r.email]) for r in rows], SENT)
    return {email: found.strip("<>") for email, found in ids.items()}


@pytest.fixture
def aws() -> AwsStub:
    return AwsStub()


@pytest.fixture
def app(store: Store, aws: AwsStub) -> Harness:
    return harness(store, secrets=SECRETS, sns_handler=aws, topics=(TOPIC,))


def person(app: Harness, email: str) -> int:
    return app.person(email).id


def recorded(store: Store) -> list[tuple[Any, ...]]:
    """Every row of the events table: (kind, position, subscriber, source, machine), in order."""
    query = select(
        events.c.kind, events.c.position, events.c.subscriber_id, events.c.source, events.c.machine
    ).order_by(events.c.id)
    with store.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query)]


def details(store: Store) -> list[tuple[Any, ...]]:
    """Every row's (issue, event key, time, user agent), in order."""
    query = select(events.c.issue_id, events.c.event_key, events.c.at, events.c.user_agent).order_by(
        events.c.id
    )
    with store.engine.connect() as conn:
        return [(r.issue_id, r.event_key, utc(r.at), r.user_agent) for r in conn.execute(query)]


# --------------------------------------------------------------------------- each provider's payloads


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _postmark(hit: Hit) -> dict[str, Any]:
    record: dict[str, Any] = {
        "RecordType": "Open" if hit.kind == "open" else "Click",
        "MessageStream": "broadcast",
        "Metadata": {"digest_batch": "batch-1"},
        "Recipient": hit.email,
        "MessageID": hit.message_id,
        "ReceivedAt": hit.at.strftime("%Y-%m-%dT%H:%M:%S.0000000Z"),  # Postmark gives 7 digits
        "Platform": "Desktop",
        "Tag": hit.issue,
        "UserAgent": AGENT,
        "Client": {"Name": "Firefox 132.0", "Company": "Mozilla", "Family": "Firefox"},
        "OS": {"Name": "Linux", "Company": "-", "Family": "Linux"},
        "Geo": {"CountryISOCode": "DE", "Country": "Germany"},
    }
    if hit.kind == "open":
        record |= {"FirstOpen": True, "ReadSeconds": 5}
    else:
        record |= {"ClickLocation": "HTML", "OriginalLink": hit.url}
    if hit.machine is not None:
        record["MachineOpen"] = hit.machine
    return record


def _sendgrid(hit: Hit) -> dict[str, Any]:
    event: dict[str, Any] = {
        "email": hit.email,
        "timestamp": int(hit.at.timestamp()),
        "event": hit.kind,
        "sg_event_id": hit.event_id,
        "sg_message_id": f"{hit.message_id}.recvd-7d8c6c5b4-2x9jq-1-6740A5C8-1B.0",
        "useragent": AGENT,
        "ip": "198.51.100.7",
        "category": [hit.issue],
        "digest_issue": hit.issue,  # the send's custom_args come back as fields of the event
        "digest_batch": "batch-1",
    }
    if hit.kind == "open":
        event |= {"sg_content_type": "html", "sg_machine_open": bool(hit.machine)}
    else:
        event |= {"url": hit.url, "url_offset": {"index": 0, "type": "html"}}
    return event


def _mailgun(hit: Hit) -> dict[str, Any]:
    data: dict[str, Any] = {
        "event": "opened" if hit.kind == "open" else "clicked",
        "id": hit.event_id,
        "timestamp": hit.at.timestamp(),
        "log-level": "info",
        "recipient": hit.email,
        "recipient-domain": "example.org",
        "message": {"headers": {"message-id": hit.message_id}},
        "client-info": {
            "client-name": "Firefox",
            "client-os": "Linux",
            "client-type": "browser",
            "device-type": "desktop",
            "user-agent": AGENT,
            "bot": hit.machine or "",
        },
        "geolocation": {"country": "DE", "region": "BE", "city": "Berlin"},
        "ip": "198.51.100.7",
        "tags": [hit.issue],
        "user-variables": {"digest_issue": hit.issue, "digest_batch": "batch-1"},
    }
    if hit.kind == "click":
        data["url"] = hit.url
    return data


def _resend(hit: Hit) -> dict[str, Any]:
    data: dict[str, Any] = {
        "created_at": _iso(SENT),  # when the email was made, not the event
        "email_id": hit.message_id,
        "from": "The Meridian <newsletter@example.org>",
        "to": [hit.email],
        "subject": "S",
        "tags": {"digest_issue": hit.issue},
    }
    created = hit.at
    if hit.kind == "click":
        data["click"] = {"ipAddress": "198.51.100.7", "link": hit.url, "timestamp": _iso(hit.at),
                         "userAgent": AGENT}  # fmt: skip
        created = hit.at + timedelta(seconds=2)  # the event is made a little after the click
    return {"type": f"email.{hit.kind}ed", "created_at": _iso(created), "data": data}


def _ses(hit: Hit) -> dict[str, Any]:
    mail = {
        "timestamp": _iso(SENT),
        "source": "newsletter@example.org",
        "sendingAccountId": "123456789012",
        "messageId": hit.message_id,
        "destination": [hit.email],
        "headersTruncated": False,
        "tags": {"ses:configuration-set": ["digest"], "digest_issue": [hit.issue]},
    }
    detail: dict[str, Any] = {"ipAddress": "198.51.100.7", "timestamp": _iso(hit.at), "userAgent": AGENT}
    if hit.kind == "click":
        detail |= {"link": hit.url, "linkTags": {}}
    return {"eventType": hit.kind.capitalize(), "mail": mail, hit.kind: detail}


def _one(app: Harness, provider: str, hit: Hit, forged: bool) -> httpx.Response:
    """One signed request carrying one event (``forged``: signed with the wrong secret)."""
    if provider == "postmark":
        return postmark(app, _postmark(hit), "hook:wrong" if forged else "hook:s3cret")
    if provider == "mailgun":
        return mailgun(app, _mailgun(hit), **({"key": "wrong-key"} if forged else {}))
    if provider == "resend":
        secret = {"secret": OTHER_SVIX} if forged else {}
        return resend(app, _resend(hit), msg=f"msg_{hit.event_id}", **secret)
    envelope = sns_message("Notification", _ses(hit), MessageId=hit.event_id)
    if forged:  # SNS signs with Amazon's key: a forgery is a body changed after signing
        envelope["Message"] = json.dumps(_ses(replace(hit, email="cy@example.org")))
    return ses(app, envelope)


def deliver(app: Harness, provider: str, *hits: Hit, forged: bool = False) -> list[httpx.Response]:
    """The hits as the provider posts them: SendGrid in one batch, the others one request each."""
    if provider == "sendgrid":
        batch = [_sendgrid(h) for h in hits]
        return [sendgrid(app, batch, key=OTHER_EC_KEY) if forged else sendgrid(app, batch)]
    return [_one(app, provider, hit, forged) for hit in hits]


def open_and_click(ids: dict[str, str]) -> tuple[Hit, Hit]:
    """Ada opens the issue; Bo clicks its second article (the link as the issue tagged it)."""
    opened = Hit("open", "ada@example.org", ids["ada@example.org"], "ev-open-1", NOW - timedelta(minutes=10))
    clicked = Hit("click", "bo@example.org", ids["bo@example.org"], "ev-click-1", NOW - timedelta(minutes=5),
                  url=TARGETS[1])  # fmt: skip
    return opened, clicked


# --------------------------------------------------------------------------- what they record


@pytest.mark.parametrize("provider", PROVIDERS)
def test_an_open_and_a_click_are_recorded_once_for_the_issue_sent(app: Harness, provider: str) -> None:
    opened, clicked = open_and_click(send_issue(app.store, provider))
    answers = deliver(app, provider, opened, clicked)
    assert [r.status_code for r in answers] == [200] * len(answers)
    assert sum(r.json()["applied"] for r in answers) == 2
    ada, bo = person(app, "ada@example.org"), person(app, "bo@example.org")
    expected = [("open", None, ada, provider, ""), ("click", 1, bo, provider, "")]
    assert recorded(app.store) == expected
    open_agent = "" if provider == "resend" else AGENT  # Resend reports no user agent for an open
    rows = details(app.store)
    assert [(issue, at, agent) for issue, _, at, agent in rows] == [
        (ISSUE, opened.at, open_agent),
        (ISSUE, clicked.at, AGENT),
    ]
    keys = [key for _, key, _, _ in rows]
    assert all(key.startswith(f"{provider}:") for key in keys) and len(set(keys)) == 2

    replayed = deliver(app, provider, opened, clicked)  # the provider retries; or someone replays it
    assert [r.status_code for r in replayed] == [200] * len(replayed)
    assert sum(r.json()["applied"] for r in replayed) == 0
    assert recorded(app.store) == expected


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_badly_signed_request_records_nothing(app: Harness, provider: str) -> None:
    opened, clicked = open_and_click(send_issue(app.store, provider))
    answers = deliver(app, provider, opened, clicked, forged=True)
    assert [r.status_code for r in answers] == [401] * len(answers)
    assert recorded(app.store) == []


def test_an_unsigned_request_records_nothing(app: Harness) -> None:
    opened, _ = open_and_click(send_issue(app.store, "postmark"))
    sns = {"Type": "Notification", "Message": json.dumps(_ses(opened))}
    unsigned = [
        app.request("POST", "/webhooks/postmark", json=_postmark(opened)),
        app.request("POST", "/webhooks/sendgrid", json=[_sendgrid(opened)]),
        app.request("POST", "/webhooks/mailgun", json={"event-data": _mailgun(opened)}),
        app.request("POST", "/webhooks/resend", json=_resend(opened)),
        app.request("POST", "/webhooks/ses", json=sns),
    ]
    assert [r.status_code for r in unsigned] == [401] * len(unsigned)
    assert recorded(app.store) == []


@pytest.mark.parametrize("provider", PROVIDERS)
def test_events_about_messages_digest_never_sent_are_ignored(app: Harness, provider: str) -> None:
    ids = send_issue(app.store, provider)
    subscribe(app.store, "dee@example.org")  # on the list, but joined after the issue went out
    opened, clicked = open_and_click(ids)
    strangers = [
        replace(opened, email="stranger@example.org", message_id="not-ours-1", event_id="x-1",
                issue="someone-elses-issue"),
        # On the list and tagged with the issue, but never sent it.
        replace(clicked, email="dee@example.org", message_id="not-ours-2", event_id="x-2"),
    ]  # fmt: skip
    if provider not in ("sendgrid", "mailgun"):  # these answer a whole request with one id
        # Ada's message id with Cy's address: a message is only ever about its own recipient.
        later = opened.at + timedelta(seconds=1)
        strangers.append(replace(opened, email="cy@example.org", event_id="x-3", at=later, issue="elsewhere"))
    answers = deliver(app, provider, *strangers)
    assert [r.status_code for r in answers] == [200] * len(answers)
    assert sum(r.json()["applied"] for r in answers) == 0
    assert recorded(app.store) == []


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_click_on_a_link_that_is_no_article_counts_for_none(app: Harness, provider: str) -> None:
    _, clicked = open_and_click(send_issue(app.store, provider))
    plain = replace(clicked, url=ARTICLES[0], event_id="ev-click-2", at=clicked.at + timedelta(seconds=1))
    other = replace(clicked, url="https://news.example.org/unsubscribe/abc", event_id="ev-click-3",
                    at=clicked.at + timedelta(seconds=2))  # fmt: skip
    deliver(app, provider, plain, other)
    bo = person(app, "bo@example.org")
    assert recorded(app.store) == [("click", 0, bo, provider, ""), ("click", None, bo, provider, "")]


@pytest.mark.parametrize(
    ("provider", "flag", "machine"),
    [
        ("sendgrid", True, "apple privacy"),  # sg_machine_open: Apple Mail Privacy Protection
        ("mailgun", "apple", "apple privacy"),  # client-info.bot
        ("mailgun", "generic", "provider"),
        ("postmark", True, "provider"),  # MachineOpen, should Postmark send one: it does not say why
    ],
)
def test_a_machine_open_the_provider_flags_is_marked(
    app: Harness, provider: str, flag: object, machine: str
) -> None:
    ids = send_issue(app.store, provider)
    opened, _ = open_and_click(ids)
    later = opened.at + timedelta(seconds=1)
    human = Hit("open", "cy@example.org", ids["cy@example.org"], "ev-open-2", later)
    deliver(app, provider, replace(opened, machine=flag), human)
    ada, cy = person(app, "ada@example.org"), person(app, "cy@example.org")
    assert recorded(app.store) == [("open", None, ada, provider, machine), ("open", None, cy, provider, "")]


# --------------------------------------------------------------------------- what they must not trust


def test_mailgun_is_matched_by_message_id_only_never_by_the_issue_it_names(app: Harness) -> None:
    # Mailgun's signature does not cover the event: its user-variables could say anything.
    opened, _ = open_and_click(send_issue(app.store, "mailgun"))
    deliver(app, "mailgun", replace(opened, message_id="20261125110000.9.FFFF@mg.example.org"))
    assert recorded(app.store) == []


def test_the_issue_tag_finds_the_message_when_the_id_is_not_the_ledgers(app: Harness) -> None:
    # A provider whose signature covers the event may be trusted with the issue its tag names.
    opened, _ = open_and_click(send_issue(app.store, "postmark"))
    deliver(app, "postmark", replace(opened, message_id="11111111-2222-3333-4444-555555555555"))
    assert recorded(app.store) == [("open", None, person(app, "ada@example.org"), "postmark", "")]


def test_an_implausible_event_time_gives_way_to_the_webhooks_clock(app: Harness) -> None:
    opened, clicked = open_and_click(send_issue(app.store, "sendgrid"))
    late = replace(clicked, event_id="ev-click-2", at=NOW - timedelta(days=30))
    deliver(app, "sendgrid", replace(opened, at=NOW + timedelta(days=400)), replace(clicked, at=SENT), late)
    assert [at for _, _, at, _ in details(app.store)] == [NOW, SENT, NOW]


def test_feedback_and_engagement_in_one_batch_each_go_their_way(app: Harness) -> None:
    opened, _ = open_and_click(send_issue(app.store, "sendgrid"))
    bounce = {"email": "cy@example.org", "event": "bounce", "type": "bounce", "sg_event_id": "b-1"}
    assert sendgrid(app, [bounce, _sendgrid(opened)]).json() == {"events": 2, "applied": 2}
    assert app.person("cy@example.org").status.value == "bounced"
    assert recorded(app.store) == [("open", None, person(app, "ada@example.org"), "sendgrid", "")]
