"""Mailgun's webhook: HMAC-SHA256 of timestamp + token, keyed with the webhook signing key."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from digest.providers.hooks import HookSetup, WebhookAuthError, check_fresh, env_status, feedback, parse_json
from digest.store.feedback import Feedback, FeedbackKind

KINDS = {"complained": FeedbackKind.COMPLAINT, "unsubscribed": FeedbackKind.UNSUBSCRIBE}


class MailgunWebhook:
    """One event per request, its signature inside the JSON body."""

    def __init__(self, setup: HookSetup) -> None:
        env = setup.settings.mailgun_key_env
        self._key, self._status = setup.secret(env), env_status(env, setup.environ)
        self._clock: Callable[[], datetime] = setup.clock
        self._max_age = setup.max_age

    async def read(self, headers: Mapping[str, str], body: bytes) -> list[Feedback]:
        """The request's event, once the signature in its body is checked."""
        try:
            payload = parse_json(body)
        except ValueError:
            raise WebhookAuthError("no signature: the body is not JSON") from None
        signature = payload.get("signature") if isinstance(payload, dict) else None
        if not isinstance(signature, dict):
            raise WebhookAuthError("no signature in the body")
        check_mailgun(signature, self._key, self._clock(), self._max_age)
        return events(payload)

    def status(self) -> str:
        """On when the signing key's variable is set."""
        return self._status


def check_mailgun(signature: Mapping[str, object], key: str, now: datetime, max_age: timedelta) -> None:
    """Hex HMAC-SHA256 of timestamp + token, keyed with the webhook signing key."""
    stamp, token, given = (str(signature.get(k, "")) for k in ("timestamp", "token", "signature"))
    if not key or not stamp or not token or not given:
        raise WebhookAuthError("signature, timestamp, token or key missing")
    check_fresh(stamp, now, max_age)
    expected = hmac.new(key.encode(), (stamp + token).encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), given.encode()):
        raise WebhookAuthError("wrong signature")


def events(payload: Any) -> list[Feedback]:
    """A webhook's event-data: failed (permanent or temporary), complained, unsubscribed."""
    data = payload.get("event-data") if isinstance(payload, dict) else None
    if not isinstance(data, dict):
        return []
    name = data.get("event")
    kind = KINDS.get(str(name))
    if name == "failed":
        kind = FeedbackKind.HARD_BOUNCE if data.get("severity") == "permanent" else FeedbackKind.SOFT_BOUNCE
    return feedback("mailgun", str(data.get("id")), kind, data.get("recipient"))
