"""Provider webhooks: each authenticated the provider's way; bounces and complaints mark the list once."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import NOW
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from websupport import Harness, harness, subscribe

from digest.config import load_config
from digest.errors import ConfigError
from digest.models import RenderedIssue, SendResult, SubscriberStatus
from digest.providers.ses.sns import string_to_sign
from digest.store import Store

STAMP = str(int(NOW.timestamp()))
STALE = str(int((NOW - timedelta(hours=1)).timestamp()))
MAILGUN_KEY = "mailgun-signing-key"
SVIX_SECRET = "whsec_" + base64.b64encode(b"resend-secret-bytes-0123456789ab").decode()
MAILGUN_ID = "20261125120000.1.0123456789ABCDEF@mg.example.org"  # as events name it; a send says <...>
TOPIC = "arn:aws:sns:us-east-1:123456789012:digest-feedback"
CERT_URL = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem"
EC_KEY = ec.generate_private_key(ec.SECP256R1())
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _ec_public(key: ec.EllipticCurvePrivateKey) -> str:
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


def _certificate() -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(RSA_KEY.public_key())
        .serial_number(1)
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=365))
        .sign(RSA_KEY, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


CERT = _certificate()
SECRETS = {
    "POSTMARK_WEBHOOK_AUTH": "hook:s3cret",
    "SENDGRID_WEBHOOK_KEY": _ec_public(EC_KEY),
    "MAILGUN_WEBHOOK_KEY": MAILGUN_KEY,
    "RESEND_WEBHOOK_SECRET": SVIX_SECRET,
}


class AwsStub:
    """The two SNS URLs the verifier may fetch: the signing certificate and a SubscribeURL."""

    def __init__(self) -> None:
        self.fetched: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.fetched.append(str(request.url))
        if str(request.url) == CERT_URL:
            return httpx.Response(200, content=CERT)
        if request.url.path == "/confirm-subscription":
            return httpx.Response(200, text="<ConfirmSubscriptionResponse/>")
        return httpx.Response(404)


@pytest.fixture
def aws() -> AwsStub:
    return AwsStub()


def sent(store: Store, message_id: str = f"<{MAILGUN_ID}>", list_name: str = "weekly") -> None:
    """An issue sent to the whole list in one batch, which the provider answered with ``message_id``."""
    issue_id = f"{list_name}-2026-11-25"
    store.issues.create(
        RenderedIssue(issue_id, list_name, "S", "<p>h</p>", "t"), "2026-11-25", list_name, [], NOW
    )
    store.ledger.enqueue(issue_id, list_name, NOW)
    rows = store.ledger.claim(issue_id, 1000, NOW, "batch-1")
    store.ledger.record(issue_id, [SendResult(r.subscriber_id, True, message_id) for r in rows], NOW)


@pytest.fixture
def app(store: Store, aws: AwsStub) -> Harness:
    subscribe(store, "ada@example.org", "bo@example.org", "cy@example.org")
    subscribe(store, "ada@example.org", list_name="daily")
    sent(store)
    return harness(store, secrets=SECRETS, sns_handler=aws, topics=(TOPIC,))


# --------------------------------------------------------------------------- how each provider signs


def postmark(app: Harness, payload: Any, auth: str = "hook:s3cret") -> httpx.Response:
    headers = {"Authorization": "Basic " + base64.b64encode(auth.encode()).decode()} if auth else {}
    return app.request("POST", "/webhooks/postmark", json=payload, headers=headers)


def sendgrid(
    app: Harness, events: Any, stamp: str = STAMP, key: ec.EllipticCurvePrivateKey = EC_KEY
) -> httpx.Response:
    body = json.dumps(events).encode()
    signature = base64.b64encode(key.sign(stamp.encode() + body, ec.ECDSA(hashes.SHA256()))).decode()
    headers = {
        "X-Twilio-Email-Event-Webhook-Signature": signature,
        "X-Twilio-Email-Event-Webhook-Timestamp": stamp,
        "Content-Type": "application/json",
    }
    return app.request("POST", "/webhooks/sendgrid", content=body, headers=headers)


def mailgun(
    app: Harness, data: dict[str, Any], stamp: str = STAMP, key: str = MAILGUN_KEY, token: str = ""
) -> httpx.Response:
    data = {"message": {"headers": {"message-id": MAILGUN_ID}}, **data}
    # Mailgun makes a new 50-character token for every request.
    token = token or hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:50]
    signature = hmac.new(key.encode(), (stamp + token).encode(), hashlib.sha256).hexdigest()
    payload = {"signature": {"timestamp": stamp, "token": token, "signature": signature}, "event-data": data}
    return app.request("POST", "/webhooks/mailgun", json=payload)


def resend(
    app: Harness, payload: Any, stamp: str = STAMP, secret: str = SVIX_SECRET, msg: str = "msg_1"
) -> httpx.Response:
    body = json.dumps(payload).encode()
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = base64.b64encode(
        hmac.new(key, f"{msg}.{stamp}.".encode() + body, hashlib.sha256).digest()
    ).decode()
    headers = {"svix-id": msg, "svix-timestamp": stamp, "svix-signature": f"v1,bogus v1,{digest}"}
    return app.request("POST", "/webhooks/resend", content=body, headers=headers)


def sns_message(kind: str, message: Any, **overrides: str) -> dict[str, str]:
    signed = {
        "Type": kind,
        "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        "TopicArn": TOPIC,
        "Message": json.dumps(message) if not isinstance(message, str) else message,
        "Timestamp": NOW.isoformat().replace("+00:00", "Z"),
        "SignatureVersion": "2",
        "SigningCertURL": CERT_URL,
    }
    if kind == "SubscriptionConfirmation":
        signed |= {
            "Token": "2336412f37",
            "SubscribeURL": "https://sns.us-east-1.amazonaws.com/confirm-subscription",
        }
    signed |= overrides
    signature = RSA_KEY.sign(string_to_sign(signed), padding.PKCS1v15(), hashes.SHA256())
    return {**signed, "Signature": base64.b64encode(signature).decode(), **overrides}


def ses(app: Harness, envelope: dict[str, str]) -> httpx.Response:
    headers = {"x-amz-sns-message-type": envelope["Type"], "Content-Type": "text/plain; charset=UTF-8"}
    return app.request("POST", "/webhooks/ses", content=json.dumps(envelope).encode(), headers=headers)


def statuses(app: Harness, list_name: str = "weekly") -> dict[str, str]:
    return {s.email: s.status.value for s in app.store.subscribers.stream(list_name)}


# --------------------------------------------------------------------------- what they do


def test_postmark_hard_bounce_marks_the_address_on_every_list_once(app: Harness) -> None:
    bounce = {"RecordType": "Bounce", "ID": 42, "Type": "HardBounce", "Email": "Ada@example.org"}
    assert postmark(app, bounce).json() == {"events": 1, "applied": 1}
    assert (
        statuses(app)["ada@example.org"] == "bounced"
        and statuses(app, "daily")["ada@example.org"] == "bounced"
    )
    assert postmark(app, bounce).json() == {"events": 1, "applied": 0}  # a replay changes nothing


def test_a_replayed_event_changes_nothing_even_after_a_resubscribe(app: Harness) -> None:
    complaint = {"RecordType": "SpamComplaint", "ID": 7, "Type": "SpamComplaint", "Email": "bo@example.org"}
    postmark(app, complaint)
    bo = app.person("bo@example.org")
    assert bo.status == SubscriberStatus.COMPLAINED
    app.store.subscribers.set_status(bo.id, SubscriberStatus.ACTIVE, NOW)  # the editor re-added Bo by hand
    assert postmark(app, complaint).json()["applied"] == 0
    assert app.person("bo@example.org").status == SubscriberStatus.ACTIVE


def test_sendgrid_signed_events_bounce_complain_and_count_soft_bounces(app: Harness) -> None:
    events = [
        {"email": "ada@example.org", "event": "bounce", "type": "bounce", "sg_event_id": "e1"},
        {"email": "bo@example.org", "event": "spamreport", "sg_event_id": "e2"},
        {"email": "cy@example.org", "event": "bounce", "type": "blocked", "sg_event_id": "e3"},
        {"email": "cy@example.org", "event": "delivered", "sg_event_id": "e4"},
    ]
    assert sendgrid(app, events).json() == {"events": 3, "applied": 3}
    assert statuses(app) == {
        "ada@example.org": "bounced",
        "bo@example.org": "complained",
        "cy@example.org": "active",
    }


def test_soft_bounces_suppress_after_the_configured_count(app: Harness) -> None:
    for n in range(1, 4):
        data = {"event": "failed", "severity": "temporary", "recipient": "cy@example.org", "id": f"soft-{n}"}
        mailgun(app, data)
        assert statuses(app)["cy@example.org"] == ("bounced" if n == 3 else "active"), n


def test_mailgun_permanent_failure_and_complaint(app: Harness) -> None:
    mailgun(app, {"event": "failed", "severity": "permanent", "recipient": "ada@example.org", "id": "m1"})
    mailgun(app, {"event": "complained", "recipient": "bo@example.org", "id": "m2"})
    mailgun(app, {"event": "unsubscribed", "recipient": "cy@example.org", "id": "m3"})
    assert statuses(app) == {
        "ada@example.org": "bounced",
        "bo@example.org": "complained",
        "cy@example.org": "unsubscribed",
    }


def test_resend_svix_bounce_and_complaint(app: Harness) -> None:
    bounced = {"type": "email.bounced", "data": {"to": ["ada@example.org"], "bounce": {"type": "Permanent"}}}
    assert resend(app, bounced, msg="msg_1").json()["applied"] == 1
    assert (
        resend(app, {"type": "email.complained", "data": {"to": ["bo@example.org"]}}, msg="msg_2").status_code
        == 200
    )
    assert statuses(app)["ada@example.org"] == "bounced" and statuses(app)["bo@example.org"] == "complained"


def test_ses_through_sns_bounce_and_complaint(app: Harness, aws: AwsStub) -> None:
    bounce = {
        "notificationType": "Bounce",
        "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": "ada@example.org"}]},
    }
    complaint = {
        "eventType": "Complaint",
        "complaint": {"complainedRecipients": [{"emailAddress": "bo@example.org"}]},
    }
    assert ses(app, sns_message("Notification", bounce)).json() == {"events": 1, "applied": 1}
    assert ses(app, sns_message("Notification", complaint, MessageId="m-2")).status_code == 200
    assert statuses(app)["ada@example.org"] == "bounced" and statuses(app)["bo@example.org"] == "complained"
    assert aws.fetched == [CERT_URL]  # fetched once, then cached


@pytest.mark.parametrize("odd", [{"Bounce": 1}, ["Bounce"]], ids=["object", "list"])
def test_an_event_whose_type_is_no_string_is_no_event_not_a_server_error(
    app: Harness, aws: AwsStub, odd: Any
) -> None:
    # Looked up in a table of event types, an object or a list raised TypeError: a 500 answer,
    # which the provider retries for days. Every place a type or kind is read is given one.
    answers = [
        postmark(app, {"RecordType": odd, "Email": "ada@example.org"}),
        postmark(app, {"RecordType": "Bounce", "Type": odd, "ID": 1, "Email": "ada@example.org"}),
        postmark(
            app,
            {"RecordType": "SubscriptionChange", "SuppressSending": True, "SuppressionReason": odd},
        ),
        sendgrid(app, [{"event": odd, "email": "ada@example.org", "sg_event_id": "e1"}]),
        mailgun(app, {"event": odd, "recipient": "ada@example.org", "id": "m1"}),
        resend(app, {"type": odd, "data": {"to": ["ada@example.org"]}}),
        resend(app, {"type": "email.bounced", "data": {"to": ["ada@example.org"], "bounce": {"type": odd}}}),
        ses(app, sns_message("Notification", {"notificationType": odd})),
        ses(
            app,
            sns_message(
                "Notification", {"eventType": "Bounce", "bounce": {"bounceType": odd}}, MessageId="m-2"
            ),
        ),
    ]
    assert [a.status_code for a in answers] == [200] * len(answers)
    assert all(a.json()["applied"] == 0 for a in answers)
    assert statuses(app)["ada@example.org"] == "active"


def test_ses_subscription_confirmation_visits_the_subscribe_url(app: Harness, aws: AwsStub) -> None:
    response = ses(app, sns_message("SubscriptionConfirmation", "You have chosen to subscribe..."))
    assert response.status_code == 200
    assert aws.fetched == [CERT_URL, "https://sns.us-east-1.amazonaws.com/confirm-subscription"]


# --------------------------------------------------------------------------- what they refuse


def test_wrong_missing_or_stale_signatures_are_rejected_with_401(app: Harness) -> None:
    hard = {"event": "failed", "severity": "permanent", "recipient": "ada@example.org", "id": "x"}
    sg = [{"email": "ada@example.org", "event": "bounce", "type": "bounce", "sg_event_id": "x"}]
    rs = {"type": "email.bounced", "data": {"to": ["ada@example.org"], "bounce": {"type": "Permanent"}}}
    refused = [
        postmark(
            app,
            {"RecordType": "Bounce", "ID": 1, "Type": "HardBounce", "Email": "ada@example.org"},
            "hook:wrong",
        ),
        postmark(
            app, {"RecordType": "Bounce", "ID": 1, "Type": "HardBounce", "Email": "ada@example.org"}, ""
        ),
        sendgrid(app, sg, key=ec.generate_private_key(ec.SECP256R1())),
        sendgrid(app, sg, stamp=STALE),
        app.request("POST", "/webhooks/sendgrid", json=sg),
        mailgun(app, hard, key="wrong-key"),
        mailgun(app, hard, stamp=STALE),
        app.request("POST", "/webhooks/mailgun", json={"event-data": hard}),
        resend(app, rs, secret="whsec_" + base64.b64encode(b"another-secret").decode()),
        resend(app, rs, stamp=STALE),
        app.request("POST", "/webhooks/resend", json=rs),
    ]
    assert [r.status_code for r in refused] == [401] * len(refused)
    assert set(statuses(app).values()) == {"active"}


def test_a_tampered_body_fails_the_signature(app: Harness) -> None:
    envelope = sns_message("Notification", {"notificationType": "Bounce"})
    bounce = {
        "notificationType": "Bounce",
        "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": "ada@example.org"}]},
    }
    assert ses(app, {**envelope, "Message": json.dumps(bounce)}).status_code == 401
    assert statuses(app)["ada@example.org"] == "active"


def test_sns_refuses_other_hosts_topics_versions_and_stale_messages(app: Harness, aws: AwsStub) -> None:
    evil_cert = "https://sns.us-east-1.amazonaws.com.evil.example/cert.pem"
    cases = [
        sns_message("Notification", {}, SigningCertURL=evil_cert),
        sns_message("Notification", {}, SigningCertURL="http://sns.us-east-1.amazonaws.com/c.pem"),
        sns_message("Notification", {}, SigningCertURL="https://sns.eu-west-1.amazonaws.com/c.pem"),
        sns_message("Notification", {}, TopicArn="arn:aws:sns:us-east-1:999999999999:someone-else"),
        sns_message("Notification", {}, SignatureVersion="1"),
        sns_message("Notification", {}, Timestamp=(NOW - timedelta(hours=2)).isoformat()),
        sns_message("SubscriptionConfirmation", "x", SubscribeURL="https://attacker.example/confirm"),
    ]
    assert [ses(app, c).status_code for c in cases] == [401] * len(cases)
    assert all(url == CERT_URL for url in aws.fetched)  # never anything but SNS's own host


def test_webhook_without_a_configured_secret_refuses_everything(store: Store) -> None:
    bare = harness(store)  # no secrets, no SES topics
    payload = {"RecordType": "Bounce", "ID": 1, "Type": "HardBounce", "Email": "ada@example.org"}
    assert (
        bare.request(
            "POST", "/webhooks/postmark", json=payload, headers={"Authorization": "Basic Og=="}
        ).status_code
        == 401
    )
    assert ses(bare, sns_message("Notification", {})).status_code == 401


def test_webhook_settings_name_environment_variables_and_check_topic_arns(tmp_path: Path) -> None:
    path = tmp_path / "schedule.toml"
    newsletter = (
        '[newsletters.w]\ntitle = "W"\nfrom = "W <w@example.org>"\nlist = "w"\npostal_address = "1 St"\n'
        '[[newsletters.w.sources]]\nurl = "feed.xml"\n'
    )
    path.write_text(f'[server.webhooks]\nses_topics = ["not-an-arn"]\nmailgun_key_env = "MG"\n{newsletter}')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "line 2: server.webhooks.ses_topics: 'not-an-arn' is not an SNS topic ARN" in str(caught.value)
    path.write_text(f"[server.webhooks]\nses_topics = [{TOPIC!r}]\n{newsletter}".replace("'", '"'))
    webhooks = load_config(path).server.webhooks
    assert (webhooks.ses_topics, webhooks.mailgun_key_env, webhooks.max_age) == (
        [TOPIC],
        "MAILGUN_WEBHOOK_KEY",
        900,
    )
