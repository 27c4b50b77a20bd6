"""Postmark's webhook: HTTP basic auth (the credentials are in the webhook URL), one record a request.

Bounce, SpamComplaint and SubscriptionChange records are feedback; Open and Click records are
engagement, about the message named by MessageID (else the issue it was tagged with: Tag).
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping, Sequence
from typing import Any

from digest.providers.hooks import (
    HookSetup,
    WebhookAuthError,
    engagement,
    env_status,
    event_time,
    feedback,
    parse_json,
)
from digest.providers.http import name_of
from digest.store.feedback import Engagement, EngagementKind, FeedbackKind, ProviderEvent

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
ENGAGEMENTS = {"Open": EngagementKind.OPEN, "Click": EngagementKind.CLICK}


class PostmarkWebhook:
    """Bounce, SpamComplaint, SubscriptionChange, Open and Click webhooks, behind basic auth."""

    def __init__(self, setup: HookSetup) -> None:
        self._env = setup.settings.postmark_auth_env  # holds "user:password"
        self._expected = setup.secret(self._env)
        self._status = env_status(self._env, setup.environ)

    async def read(self, headers: Mapping[str, str], body: bytes) -> Sequence[ProviderEvent]:
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


def events(payload: Any) -> Sequence[ProviderEvent]:
    """A Postmark Bounce, SpamComplaint, SubscriptionChange, Open or Click record."""
    if not isinstance(payload, dict):
        return []
    record = name_of(payload.get("RecordType"))
    if record in ENGAGEMENTS:
        return _engagement(payload, ENGAGEMENTS[record])
    if record in ("Bounce", "SpamComplaint"):
        kind = COMPLAINT if record == "SpamComplaint" else BOUNCES.get(name_of(payload.get("Type")))
        return feedback("postmark", f"{record}:{payload.get('ID')}", kind, payload.get("Email"))
    if record == "SubscriptionChange" and payload.get("SuppressSending"):
        kind = SUPPRESSIONS.get(name_of(payload.get("SuppressionReason")))
        event_id = f"change:{payload.get('MessageID')}:{payload.get('Recipient')}:{payload.get('ChangedAt')}"
        return feedback("postmark", event_id, kind, payload.get("Recipient"))
    return []


def _engagement(payload: dict[str, Any], kind: EngagementKind) -> list[Engagement]:
    """An Open or Click record: Recipient, MessageID, Tag, ReceivedAt, UserAgent, OriginalLink."""
    message, when, recipient = payload.get("MessageID"), payload.get("ReceivedAt"), payload.get("Recipient")
    if not isinstance(message, str) or not isinstance(when, str):
        return []
    # Postmark gives these records no id: its time, the message and the reader make one (in that
    # order, so that bounding the id can only cut the address).
    event_id = f"{kind.value}:{when}:{message}:{recipient}"
    # Postmark documents no machine flag; should an open carry one, it is counted apart all the same.
    machine = "provider" if payload.get("MachineOpen") is True else ""
    return engagement(
        "postmark", event_id, kind, recipient, message_id=message, issue_id=payload.get("Tag"),
        at=event_time(when), url=payload.get("OriginalLink"), user_agent=payload.get("UserAgent"),
        machine=machine,
    )  # fmt: skip
