"""SES's webhook: bounces, complaints, opens and clicks in SNS notifications, for the topics listed.

An event's id is its SNS MessageId (SNS repeats it when it retries). Opens and clicks (event
publishing: eventType Open, Click) name their email by mail.messageId, the id the send was answered with.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

import httpx

from digest.providers.hooks import HookSetup, engagement, event_time, feedback, parse_json
from digest.providers.http import name_of, nested
from digest.providers.ses.sns import SnsVerifier
from digest.store.feedback import Engagement, EngagementKind, FeedbackKind, ProviderEvent

log = logging.getLogger("digest.web")
BOUNCE_TYPES = {"Permanent": FeedbackKind.HARD_BOUNCE, "Transient": FeedbackKind.SOFT_BOUNCE}
ENGAGEMENTS = {"Open": EngagementKind.OPEN, "Click": EngagementKind.CLICK}


class SesWebhook:
    """SNS messages: verified, subscriptions confirmed, notifications read."""

    def __init__(self, setup: HookSetup) -> None:
        topics = setup.settings.ses_topics
        self._sns = SnsVerifier(setup.client, topics, setup.max_age)
        self._clock: Callable[[], datetime] = setup.clock
        self._status = f"on for {len(topics)} topic(s)" if topics else "off (list server.webhooks.ses_topics)"

    async def read(self, headers: Mapping[str, str], body: bytes) -> Sequence[ProviderEvent] | None:
        """The notification's events; a subscription confirmation is confirmed and has none."""
        message = await self._sns.verify(body, self._clock())
        kind = message.get("Type")
        if kind == "SubscriptionConfirmation":
            try:
                await self._sns.confirm_subscription(message)
            except httpx.HTTPError as exc:
                raise ValueError(f"the subscription could not be confirmed: {exc}") from None
            log.info("Subscribed to SNS topic '%s'", message.get("TopicArn"))
            return None
        if kind != "Notification":
            return None
        return events(parse_json(str(message.get("Message", "")).encode()), str(message.get("MessageId")))

    def status(self) -> str:
        """On when topics are listed."""
        return self._status


def events(message: Any, message_id: str) -> Sequence[ProviderEvent]:
    """An SES notification (or event-publishing record) carried in an SNS message."""
    if not isinstance(message, dict):
        return []
    name = name_of(message.get("notificationType") or message.get("eventType"))
    if name in ENGAGEMENTS:
        return _engagement(message, ENGAGEMENTS[name], message_id)
    if name == "Bounce" and isinstance(message.get("bounce"), dict):
        kind = BOUNCE_TYPES.get(name_of(message["bounce"].get("bounceType")))
        people = message["bounce"].get("bouncedRecipients")
    elif name == "Complaint" and isinstance(message.get("complaint"), dict):
        kind, people = FeedbackKind.COMPLAINT, message["complaint"].get("complainedRecipients")
    else:
        return []
    return [e for p in _dicts(people) for e in feedback("ses", message_id, kind, p.get("emailAddress"))]


def _engagement(message: dict[str, Any], kind: EngagementKind, event_id: str) -> list[Engagement]:
    """An Open or Click record: mail.messageId, mail.destination, mail.tags.digest_issue, and
    open.timestamp, open.userAgent or click.timestamp, click.userAgent, click.link."""
    detail = message.get(kind.value)  # the "open" or "click" object
    detail = detail if isinstance(detail, dict) else {}
    tags = nested(message, "mail", "tags", "digest_issue")  # SES gives each tag as a list of values
    issue = tags[0] if isinstance(tags, list) and tags else ""
    destination = nested(message, "mail", "destination")
    found: list[Engagement] = []
    for to in destination if isinstance(destination, list) else []:
        found += engagement(
            "ses", event_id, kind, to, message_id=nested(message, "mail", "messageId"), issue_id=issue,
            at=event_time(detail.get("timestamp")), url=detail.get("link"),
            user_agent=detail.get("userAgent"),
        )  # fmt: skip
    return found


def _dicts(value: Any) -> Iterator[dict[str, Any]]:
    return (item for item in (value if isinstance(value, list) else []) if isinstance(item, dict))
