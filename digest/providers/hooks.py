"""What a provider's webhook is: a verifier and reader of the provider's feedback requests.

Each provider package with a webhook gives the registry a factory ``HookSetup → Webhook``; the web
app serves it at ``/webhooks/<name>``. ``read`` authenticates the request the provider's way (a
missing, wrong or stale signature raises ``WebhookAuthError``: 401), then reads its body as
``Feedback`` (bounces, complaints, unsubscribes) and ``Engagement`` (opens, clicks) events (a body
it cannot read raises ValueError: 400). Events keep the provider's own ids, so a provider's retry
or a replay changes nothing. Every string taken from a body is bounded here, before it goes further.
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any, Protocol

from digest.store.feedback import Engagement, EngagementKind, Feedback, FeedbackKind, ProviderEvent

if TYPE_CHECKING:
    import httpx

    from digest.config import WebhooksConfig


MAX_ID = 200  # an event's or a message's id, an issue tag (the columns they are matched with hold 200-300)
MAX_EMAIL = 320
MAX_URL = 2000  # a clicked link: longer than any article URL an issue stores is no article of ours
MAX_AGENT = 300


class WebhookAuthError(Exception):
    """A webhook request is not authentic (missing, wrong or stale signature)."""


TokenClaim = Callable[[str, str, bytes], Awaitable[bool]]
"""(provider, token, body) → False when the token came before with another body (a replay)."""


@dataclass(frozen=True, slots=True)
class HookSetup:
    """What a webhook is built from: [server.webhooks], the environment, an HTTP client, the clock,
    and a memory of the signature tokens already used (for signatures that do not cover the event)."""

    settings: WebhooksConfig
    environ: Mapping[str, str]
    client: httpx.AsyncClient
    clock: Callable[[], datetime]
    claim_token: TokenClaim

    @property
    def max_age(self) -> timedelta:
        """How long a signed timestamp stays valid."""
        return timedelta(seconds=self.settings.max_age)

    def secret(self, env: str) -> str:
        """The secret held by the environment variable ``env`` ('' when unset: refuse everything)."""
        return self.environ.get(env, "") if env else ""


class Webhook(Protocol):
    """One provider's feedback endpoint."""

    async def read(self, headers: Mapping[str, str], body: bytes) -> Sequence[ProviderEvent] | None:
        """The events of an authentic request (None: none); raise WebhookAuthError or ValueError."""
        ...

    def status(self) -> str:
        """'on', or 'off (why)' when it refuses everything for want of a secret (for `digest serve`)."""
        ...


def check_fresh(stamp: str, now: datetime, max_age: timedelta) -> None:
    """A signed Unix timestamp must be recent (a captured request cannot be replayed later)."""
    try:
        age = now.timestamp() - int(stamp)
    except ValueError:
        raise WebhookAuthError(f"timestamp '{stamp[:40]}' is not a number") from None
    if abs(age) > max_age.total_seconds():
        raise WebhookAuthError(f"timestamp is {age:.0f} s old, more than {max_age.total_seconds():.0f} s")


def parse_json(body: bytes) -> Any:
    """The body as JSON; ValueError (400) when it is not."""
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ValueError("the body is not JSON") from None


def feedback(
    provider: str, event_id: str, kind: FeedbackKind | None, email: Any, message_id: str | None = None
) -> list[Feedback]:
    """One event about one address, or none when it is not about the list or names no address.

    ``message_id``: the message the event is about, when the ledger must know it (see Feedback).
    """
    if kind is None or not isinstance(email, str) or "@" not in email:
        return []
    address = email.strip().lower()
    # One provider event may name several addresses: each gets its own idempotency key.
    return [Feedback(provider, f"{event_id}:{address}", kind, address, message_id)]


def engagement(
    provider: str,
    event_id: Any,
    kind: EngagementKind,
    email: Any,
    *,
    message_id: Any = "",
    issue_id: Any = "",
    at: datetime | None = None,
    url: Any = "",
    user_agent: Any = "",
    machine: str = "",
) -> list[Engagement]:
    """One open or click by one address, or none when it names no address or has no id of its own.

    Values come straight from the provider's JSON: anything but a string counts as absent, and every
    string is cut to what the store keeps. Without its own id an event could not be told from a retry.
    """
    event = _text(event_id, MAX_ID)
    # Some providers echo the recipient as it was sent: "Name <address>".
    address = parseaddr(email)[1].strip().lower() if isinstance(email, str) else ""
    if not event or "@" not in address:
        return []
    return [
        Engagement(
            provider, event, kind, address[:MAX_EMAIL],
            message_id=_text(message_id, MAX_ID), issue_id=_text(issue_id, MAX_ID), at=at,
            url=_text(url, MAX_URL), user_agent=_text(user_agent, MAX_AGENT), machine=machine,
        )
    ]  # fmt: skip


def event_time(value: Any) -> datetime | None:
    """A provider's event time (Unix seconds, or ISO 8601 with an offset) in UTC; None when unreadable."""
    try:
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return datetime.fromtimestamp(value, UTC)
        if isinstance(value, str) and len(value) <= 40:
            parsed = datetime.fromisoformat(value.strip())
            # A time without an offset could be any zone's: not a time we can place.
            return parsed.astimezone(UTC) if parsed.tzinfo is not None else None
    except (ValueError, OverflowError, OSError):
        return None
    return None


def _text(value: Any, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def env_status(env: str, environ: Mapping[str, str]) -> str:
    """'on' when the variable holding the webhook's secret is set, else what to set."""
    return "on" if environ.get(env) else f"off (set {env})"
