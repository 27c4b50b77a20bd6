"""Resend's webhook: Svix signatures (HMAC-SHA256 of "id.timestamp.body", base64, "v1," prefixed).

The Svix message id (svix-id) is the event's id. Bounces and complaints are feedback; email.opened and
email.clicked are engagement, about the email data.email_id names (the id the send was answered with).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

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
from digest.providers.http import name_of, nested
from digest.store.feedback import Engagement, EngagementKind, FeedbackKind, ProviderEvent

BOUNCE_TYPES = {"Permanent": FeedbackKind.HARD_BOUNCE, "Transient": FeedbackKind.SOFT_BOUNCE}
ENGAGEMENTS = {"email.opened": EngagementKind.OPEN, "email.clicked": EngagementKind.CLICK}


class ResendWebhook:
    """email.bounced, email.complained, email.opened and email.clicked events, signed with a whsec_ secret."""

    def __init__(self, setup: HookSetup) -> None:
        env = setup.settings.resend_secret_env
        self._secret, self._status = setup.secret(env), env_status(env, setup.environ)
        self._clock: Callable[[], datetime] = setup.clock
        self._max_age = setup.max_age

    async def read(self, headers: Mapping[str, str], body: bytes) -> Sequence[ProviderEvent]:
        """The request's events, once its Svix signature is checked."""
        message_id = check_svix(headers, body, self._secret, self._clock(), self._max_age)
        return events(parse_json(body), message_id)

    def status(self) -> str:
        """On when the secret's variable is set."""
        return self._status


def check_svix(
    headers: Mapping[str, str], body: bytes, secret: str, now: datetime, max_age: timedelta
) -> str:
    """One of the space-separated ``v1,<base64>`` signatures must match; returns the message id."""
    message_id = headers.get("svix-id") or headers.get("webhook-id") or ""
    stamp = headers.get("svix-timestamp") or headers.get("webhook-timestamp") or ""
    signatures = headers.get("svix-signature") or headers.get("webhook-signature") or ""
    if not secret or not message_id or not stamp or not signatures:
        raise WebhookAuthError("signature, timestamp, id or secret missing")
    check_fresh(stamp, now, max_age)
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"))
    except (binascii.Error, ValueError):
        raise WebhookAuthError("the configured secret is not a whsec_ Svix secret") from None
    signed = message_id.encode() + b"." + stamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(expected, value.encode()):
            return message_id
    raise WebhookAuthError("wrong signature")


def events(payload: Any, message_id: str) -> Sequence[ProviderEvent]:
    """A Resend webhook: email.bounced (Permanent or Transient), email.complained, email.opened or
    email.clicked."""
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), dict):
        return []
    data, name = payload["data"], name_of(payload.get("type"))
    if name in ENGAGEMENTS:
        return _engagement(payload, ENGAGEMENTS[name], message_id)
    kind = FeedbackKind.COMPLAINT if name == "email.complained" else None
    if name == "email.bounced":
        bounce = data.get("bounce") if isinstance(data.get("bounce"), dict) else {}
        kind = BOUNCE_TYPES.get(name_of(bounce.get("type")))
    recipients = data.get("to") if isinstance(data.get("to"), list) else [data.get("to")]
    return [e for to in recipients for e in feedback("resend", message_id, kind, to)]


def _engagement(payload: dict[str, Any], kind: EngagementKind, event_id: str) -> list[Engagement]:
    """An open or click: data.email_id, data.to, data.tags.digest_issue, data.click (link, userAgent,
    timestamp), created_at (when the event was made: the open's time, which has no timestamp of its own)."""
    data = payload["data"]
    click = data.get("click") if isinstance(data.get("click"), dict) else {}
    when = event_time(click.get("timestamp")) or event_time(payload.get("created_at"))
    recipients = data.get("to") if isinstance(data.get("to"), list) else [data.get("to")]
    # digest sends each email to one address; should one name several, they share the event's id.
    found: list[Engagement] = []
    for to in recipients:
        found += engagement(
            "resend", event_id, kind, to, message_id=data.get("email_id"),
            issue_id=nested(data, "tags", "digest_issue"), at=when, url=click.get("link"),
            user_agent=click.get("userAgent"),
        )  # fmt: skip
    return found
