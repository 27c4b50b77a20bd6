"""Mailgun's webhook: HMAC-SHA256 of timestamp + token, keyed with the webhook signing key.

The signature does not cover the event, so a captured one could carry any event data: each token
is accepted once (remembered while its timestamp can still pass), and each event must name a message
digest sent to that address (the ledger's message id) before it changes anything. For the same
reason an open or click is matched by its message id only, never by the issue its user-variables name.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from digest.providers.hooks import (
    HookSetup,
    TokenClaim,
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

KINDS = {"complained": FeedbackKind.COMPLAINT, "unsubscribed": FeedbackKind.UNSUBSCRIBE}
ENGAGEMENTS = {"opened": EngagementKind.OPEN, "clicked": EngagementKind.CLICK}
MAX_TOKEN = 200  # Mailgun's tokens are 50 characters; the store keeps up to this many


class MailgunWebhook:
    """One event per request, its signature inside the JSON body."""

    def __init__(self, setup: HookSetup) -> None:
        env = setup.settings.mailgun_key_env
        self._key, self._status = setup.secret(env), env_status(env, setup.environ)
        self._clock: Callable[[], datetime] = setup.clock
        self._max_age = setup.max_age
        self._claim: TokenClaim = setup.claim_token

    async def read(self, headers: Mapping[str, str], body: bytes) -> Sequence[ProviderEvent]:
        """The request's event, once the signature in its body is checked."""
        try:
            payload = parse_json(body)
        except ValueError:
            raise WebhookAuthError("no signature: the body is not JSON") from None
        signature = payload.get("signature") if isinstance(payload, dict) else None
        if not isinstance(signature, dict):
            raise WebhookAuthError("no signature in the body")
        check_mailgun(signature, self._key, self._clock(), self._max_age)
        if not await self._claim("mailgun", str(signature["token"]), body):
            raise WebhookAuthError("token already used with another body: a replayed signature")
        return events(payload)

    def status(self) -> str:
        """On when the signing key's variable is set."""
        return self._status


def check_mailgun(signature: Mapping[str, object], key: str, now: datetime, max_age: timedelta) -> None:
    """Hex HMAC-SHA256 of timestamp + token, keyed with the webhook signing key."""
    stamp, token, given = (str(signature.get(k, "")) for k in ("timestamp", "token", "signature"))
    if not key or not stamp or not token or not given:
        raise WebhookAuthError("signature, timestamp, token or key missing")
    if len(token) > MAX_TOKEN:
        raise WebhookAuthError(f"token is longer than {MAX_TOKEN} characters")
    check_fresh(stamp, now, max_age)
    expected = hmac.new(key.encode(), (stamp + token).encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), given.encode()):
        raise WebhookAuthError("wrong signature")


def events(payload: Any) -> Sequence[ProviderEvent]:
    """A webhook's event-data: failed (permanent or temporary), complained, unsubscribed, opened, clicked."""
    data = payload.get("event-data") if isinstance(payload, dict) else None
    if not isinstance(data, dict):
        return []
    name = name_of(data.get("event"))
    if name in ENGAGEMENTS:
        return _engagement(data, ENGAGEMENTS[name])
    kind = KINDS.get(name)
    if name == "failed":
        kind = FeedbackKind.HARD_BOUNCE if data.get("severity") == "permanent" else FeedbackKind.SOFT_BOUNCE
    return feedback("mailgun", str(data.get("id")), kind, data.get("recipient"), _message_id(data))


def _engagement(data: dict[str, Any], kind: EngagementKind) -> list[Engagement]:
    """An opened or clicked event: id, recipient, timestamp, url, client-info, message.headers.message-id."""
    # client-info.bot is Mailgun's bot detection: "apple" (Mail Privacy Protection), "gmail", "generic".
    bot = nested(data, "client-info", "bot")
    machine = ("apple privacy" if bot == "apple" else "provider") if isinstance(bot, str) and bot else ""
    return engagement(
        "mailgun", data.get("id"), kind, data.get("recipient"), message_id=_message_id(data),
        at=event_time(data.get("timestamp")), url=data.get("url"),
        user_agent=nested(data, "client-info", "user-agent"), machine=machine,
    )  # fmt: skip


def _message_id(data: dict[str, Any]) -> str:
    """The Message-Id the event is about ('' when it names none: such an event is never applied)."""
    message = data.get("message")
    headers = message.get("headers") if isinstance(message, dict) else None
    found = headers.get("message-id") if isinstance(headers, dict) else None
    return found if isinstance(found, str) else ""
