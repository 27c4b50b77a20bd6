"""SendGrid's signed event webhook: ECDSA P-256 (SHA-256) over the timestamp header + the raw body.

A batch mixes feedback (bounce, spamreport, unsubscribes) with engagement (open, click): the latter
name their message by sg_message_id, whose first part is the X-Message-Id the send was answered
with, and carry the issue as the custom argument digest_issue.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key, load_pem_public_key

from digest.providers.hooks import (
    HookSetup,
    WebhookAuthError,
    check_fresh,
    engagement,
    env_status,
    event_time,
    feedback,
    parse_json,
)
from digest.providers.http import name_of
from digest.store.feedback import Engagement, EngagementKind, FeedbackKind, ProviderEvent

KINDS = {
    "spamreport": FeedbackKind.COMPLAINT,
    "unsubscribe": FeedbackKind.UNSUBSCRIBE,
    "group_unsubscribe": FeedbackKind.UNSUBSCRIBE,
}
ENGAGEMENTS = {"open": EngagementKind.OPEN, "click": EngagementKind.CLICK}


class SendGridWebhook:
    """Batches of events, signed with the signed event webhook's key."""

    def __init__(self, setup: HookSetup) -> None:
        env = setup.settings.sendgrid_key_env
        self._key, self._status = setup.secret(env), env_status(env, setup.environ)
        self._clock: Callable[[], datetime] = setup.clock
        self._max_age = setup.max_age

    async def read(self, headers: Mapping[str, str], body: bytes) -> Sequence[ProviderEvent]:
        """The request's events, once its signature is checked."""
        check_sendgrid(headers, body, self._key, self._clock(), self._max_age)
        return events(parse_json(body))

    def status(self) -> str:
        """On when the public key's variable is set."""
        return self._status


def check_sendgrid(
    headers: Mapping[str, str], body: bytes, public_key: str, now: datetime, max_age: timedelta
) -> None:
    """ECDSA (SHA-256) over the timestamp header + the raw body, with the webhook's public key."""
    stamp = headers.get("x-twilio-email-event-webhook-timestamp", "")
    signature = headers.get("x-twilio-email-event-webhook-signature", "")
    if not public_key or not stamp or not signature:
        raise WebhookAuthError("signature, timestamp or key missing")
    check_fresh(stamp, now, max_age)
    try:
        key = _ec_key(public_key)
        key.verify(base64.b64decode(signature), stamp.encode() + body, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, UnsupportedAlgorithm, ValueError, binascii.Error):
        raise WebhookAuthError("wrong signature") from None


def _ec_key(text: str) -> ec.EllipticCurvePublicKey:
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = load_pem_public_key(text.encode())
    else:
        key = load_der_public_key(base64.b64decode(text))  # SendGrid shows the key as base64 DER
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise ValueError("not an elliptic-curve key")
    return key


def events(payload: Any) -> list[ProviderEvent]:
    """SendGrid's event webhook: a JSON array of events."""
    found: list[ProviderEvent] = []
    for event in payload if isinstance(payload, list) else []:
        if not isinstance(event, dict):
            continue
        name = name_of(event.get("event"))
        if name in ENGAGEMENTS:
            found += _engagement(event, ENGAGEMENTS[name])
            continue
        kind = KINDS.get(name)
        if name == "bounce":  # "blocked" is a refusal of this message, not of the address
            kind = FeedbackKind.SOFT_BOUNCE if event.get("type") == "blocked" else FeedbackKind.HARD_BOUNCE
        found += feedback("sendgrid", str(event.get("sg_event_id")), kind, event.get("email"))
    return found


def _engagement(event: dict[str, Any], kind: EngagementKind) -> list[Engagement]:
    """An open or click: email, sg_event_id, sg_message_id, digest_issue, timestamp, url, useragent."""
    message = event.get("sg_message_id")
    # "<X-Message-Id>.recvd-…" or ".filter…": the send was answered with the part before the dot.
    message = message.partition(".")[0] if isinstance(message, str) else ""
    # sg_machine_open is SendGrid's Apple Mail Privacy Protection indicator.
    machine = "apple privacy" if event.get("sg_machine_open") is True else ""
    return engagement(
        "sendgrid", event.get("sg_event_id"), kind, event.get("email"), message_id=message,
        issue_id=event.get("digest_issue"), at=event_time(event.get("timestamp")), url=event.get("url"),
        user_agent=event.get("useragent"), machine=machine,
    )  # fmt: skip
