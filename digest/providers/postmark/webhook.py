"""Postmark's webhook: HTTP basic auth (the credentials are in the webhook URL), one record a request."""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping
from typing import Any

from digest.providers.hooks import HookSetup, WebhookAuthError, env_status, feedback, parse_json
from digest.store.feedback import Feedback, FeedbackKind

HARD, SOFT = FeedbackKind.HARD_BOUNCE, FeedbackKind.SOFT_BOUNCE
COMPLAINT, UNSUBSCRIBE = FeedbackKind.COMPLAINT, FeedbackKind.UNSUBSCRIBE
BOUNCES = {
    "HardBounce": HARD,
    "BadEmailAddress": HARD,
    "SoftBounce": SOFT,
    "Transient": SOFT,
    "DnsError": SOFT,
    "SpamComplaint": COMPLAINT,
    "Unsubscribe": UNSUBSCRIBE,
}
SUPPRESSIONS = {"HardBounce": HARD, "SpamComplaint": COMPLAINT, "ManualSuppression": UNSUBSCRIBE}


class PostmarkWebhook:
    """Bounce, SpamComplaint and SubscriptionChange webhooks, behind basic auth."""

    def __init__(self, setup: HookSetup) -> None:
        self._env = setup.settings.postmark_auth_env  # holds "user:password"
        self._expected = setup.secret(self._env)
        self._status = env_status(self._env, setup.environ)

    async def read(self, headers: Mapping[str, str], body: bytes) -> list[Feedback]:
        """The request's events, once its credentials are checked."""
        check_basic_auth(headers.get("authorization", ""), self._expected)
        return events(parse_json(body))

    def status(self) -> str:
        """On when the credentials' variable is set."""
        return self._status


def check_basic_auth(header: str, expected: str) -> None:
    """The Authorization header must carry exactly ``user:password``."""
    if not expected:
        raise WebhookAuthError("no credentials configured")
    scheme, _, encoded = header.partition(" ")
    try:
        given = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise WebhookAuthError("malformed Authorization header") from None
    if scheme.lower() != "basic" or not hmac.compare_digest(given, expected.encode()):
        raise WebhookAuthError("wrong credentials")


def events(payload: Any) -> list[Feedback]:
    """A Postmark Bounce, SpamComplaint or SubscriptionChange record."""
    if not isinstance(payload, dict):
        return []
    record = payload.get("RecordType")
    if record in ("Bounce", "SpamComplaint"):
        kind = COMPLAINT if record == "SpamComplaint" else BOUNCES.get(str(payload.get("Type")))
        return feedback("postmark", f"{record}:{payload.get('ID')}", kind, payload.get("Email"))
    if record == "SubscriptionChange" and payload.get("SuppressSending"):
        kind = SUPPRESSIONS.get(str(payload.get("SuppressionReason")))
        event_id = f"change:{payload.get('MessageID')}:{payload.get('Recipient')}:{payload.get('ChangedAt')}"
        return feedback("postmark", event_id, kind, payload.get("Recipient"))
    return []
