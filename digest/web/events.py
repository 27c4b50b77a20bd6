"""Each provider's webhook payload read into ``Feedback`` events; everything not about the list is ignored.

Hard bounces and complaints stop mail to the address; soft bounces are counted; a provider-side
unsubscribe is an unsubscribe. Each event keeps the provider's own id, so a replay changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from digest.store.feedback import Feedback, FeedbackKind

HARD, SOFT = FeedbackKind.HARD_BOUNCE, FeedbackKind.SOFT_BOUNCE
COMPLAINT, UNSUBSCRIBE = FeedbackKind.COMPLAINT, FeedbackKind.UNSUBSCRIBE

POSTMARK_BOUNCES = {
    "HardBounce": HARD,
    "BadEmailAddress": HARD,
    "SoftBounce": SOFT,
    "Transient": SOFT,
    "DnsError": SOFT,
    "SpamComplaint": COMPLAINT,
    "Unsubscribe": UNSUBSCRIBE,
}
POSTMARK_SUPPRESSIONS = {"HardBounce": HARD, "SpamComplaint": COMPLAINT, "ManualSuppression": UNSUBSCRIBE}
SENDGRID = {"spamreport": COMPLAINT, "unsubscribe": UNSUBSCRIBE, "group_unsubscribe": UNSUBSCRIBE}
MAILGUN = {"complained": COMPLAINT, "unsubscribed": UNSUBSCRIBE}
BOUNCE_TYPES = {"Permanent": HARD, "Transient": SOFT}  # SES and Resend; "Undetermined" is neither


def postmark(payload: Any) -> list[Feedback]:
    """A Postmark Bounce, SpamComplaint or SubscriptionChange webhook (one record per request)."""
    if not isinstance(payload, dict):
        return []
    record = payload.get("RecordType")
    if record in ("Bounce", "SpamComplaint"):
        kind = COMPLAINT if record == "SpamComplaint" else POSTMARK_BOUNCES.get(str(payload.get("Type")))
        return _one("postmark", f"{record}:{payload.get('ID')}", kind, payload.get("Email"))
    if record == "SubscriptionChange" and payload.get("SuppressSending"):
        kind = POSTMARK_SUPPRESSIONS.get(str(payload.get("SuppressionReason")))
        event_id = f"change:{payload.get('MessageID')}:{payload.get('Recipient')}:{payload.get('ChangedAt')}"
        return _one("postmark", event_id, kind, payload.get("Recipient"))
    return []


def sendgrid(payload: Any) -> list[Feedback]:
    """SendGrid's event webhook: a JSON array of events."""
    events = []
    for event in payload if isinstance(payload, list) else []:
        if not isinstance(event, dict):
            continue
        name = event.get("event")
        kind = SENDGRID.get(str(name))
        if name == "bounce":  # "blocked" is a refusal of this message, not of the address
            kind = SOFT if event.get("type") == "blocked" else HARD
        events += _one("sendgrid", str(event.get("sg_event_id")), kind, event.get("email"))
    return events


def mailgun(payload: Any) -> list[Feedback]:
    """A Mailgun webhook's event-data: failed (permanent or temporary), complained, unsubscribed."""
    data = payload.get("event-data") if isinstance(payload, dict) else None
    if not isinstance(data, dict):
        return []
    name = data.get("event")
    kind = MAILGUN.get(str(name))
    if name == "failed":
        kind = HARD if data.get("severity") == "permanent" else SOFT
    return _one("mailgun", str(data.get("id")), kind, data.get("recipient"))


def resend(payload: Any, message_id: str) -> list[Feedback]:
    """A Resend webhook: email.bounced (Permanent or Transient) or email.complained."""
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), dict):
        return []
    data, name = payload["data"], payload.get("type")
    kind = COMPLAINT if name == "email.complained" else None
    if name == "email.bounced":
        bounce = data.get("bounce") if isinstance(data.get("bounce"), dict) else {}
        kind = BOUNCE_TYPES.get(str(bounce.get("type")))
    recipients = data.get("to") if isinstance(data.get("to"), list) else [data.get("to")]
    return [e for to in recipients for e in _one("resend", message_id, kind, to)]


def ses(message: Any, message_id: str) -> list[Feedback]:
    """An SES notification (or event-publishing record) carried in an SNS message."""
    if not isinstance(message, dict):
        return []
    name = message.get("notificationType") or message.get("eventType")
    if name == "Bounce" and isinstance(message.get("bounce"), dict):
        kind = BOUNCE_TYPES.get(str(message["bounce"].get("bounceType")))
        people = message["bounce"].get("bouncedRecipients")
    elif name == "Complaint" and isinstance(message.get("complaint"), dict):
        kind, people = COMPLAINT, message["complaint"].get("complainedRecipients")
    else:
        return []
    return [e for person in _dicts(people) for e in _one("ses", message_id, kind, person.get("emailAddress"))]


def _one(provider: str, event_id: str, kind: FeedbackKind | None, email: Any) -> list[Feedback]:
    if kind is None or not isinstance(email, str) or "@" not in email:
        return []
    address = email.strip().lower()
    # One provider event may name several addresses: each gets its own idempotency key.
    return [Feedback(provider, f"{event_id}:{address}", kind, address)]


def _dicts(value: Any) -> Iterator[dict[str, Any]]:
    return (item for item in (value if isinstance(value, list) else []) if isinstance(item, dict))
