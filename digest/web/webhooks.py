"""Provider feedback endpoints: /webhooks/<provider>, one for each provider in the registry that has one.

Each request is authenticated the provider's way (its package's ``webhook``) before its body is read
as events: a missing, wrong or stale signature answers 401 and changes nothing. Events are applied
once each (the store remembers their ids), so a provider's retry or a replay is harmless. Feedback
(bounces, complaints, unsubscribes) changes the list; engagement (opens, clicks) is recorded as a
reader event of the issue whose message it names, and only when digest sent that message. The body is
read within MAX_BODY as it arrives (413 past it), and a client address that keeps failing
authentication is turned away for a while (429) so that credentials cannot be guessed at speed.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from digest.config import WebhooksConfig
from digest.providers.hooks import HookSetup, Webhook, WebhookAuthError
from digest.providers.registry import plugins
from digest.store import Store
from digest.store.events import NewEvent
from digest.store.feedback import Engagement, EngagementKind, Feedback, ProviderEvent
from digest.web.body import CLOSE, BodyTooLargeError, read_body
from digest.web.ratelimit import RateLimiter

log = logging.getLogger("digest.web")

MAX_BODY = 5 * 1024 * 1024  # SendGrid batches events; more than this is no webhook of theirs
AUTH_FAILURES = 20  # failed authentications per client address ...
AUTH_WINDOW = 600  # ... within this many seconds, before it is refused without a check
# A provider's event time is kept when it is this close to ours: its clock may run a little ahead,
# and it retries a webhook for hours (SendGrid for up to three days). Past that, our clock is taken.
AHEAD = timedelta(minutes=5)
BEHIND = timedelta(days=7)


def _failure_limiter() -> RateLimiter:
    return RateLimiter(AUTH_FAILURES, AUTH_WINDOW)


@dataclass(frozen=True, slots=True)
class Webhooks:
    """What the webhook endpoints need; the CLI builds it, tests pass their own secrets and clock."""

    store: Store
    settings: WebhooksConfig  # [server.webhooks]: which environment variables hold the secrets
    environ: Mapping[str, str]
    client: httpx.AsyncClient  # for what a webhook must fetch (SNS certificates)
    clock: Callable[[], datetime]
    soft_bounce_limit: int = 3
    failures: RateLimiter = field(default_factory=_failure_limiter)  # failed authentications per IP

    def built(self) -> dict[str, Webhook]:
        """Provider name → its webhook, for every registered provider that has one."""
        setup = HookSetup(self.settings, self.environ, self.client, self.clock, self.claim_token)
        return {p.name: p.webhook(setup) for p in plugins() if p.webhook is not None}

    async def claim_token(self, provider: str, token: str, body: bytes) -> bool:
        """Remember a signature's token with its body; False when it came before with another body."""
        # A timestamp passes from max_age in the past to max_age in the future: keep tokens that long.
        keep = timedelta(seconds=2 * self.settings.max_age)
        digest = hashlib.sha256(body).hexdigest()
        claim = self.store.feedback.claim_token
        return await run_in_threadpool(claim, provider, token, digest, self.clock(), keep)


def webhook_routes(hooks: Webhooks) -> list[Route]:
    """One POST route per provider with a webhook, at /webhooks/<name>."""
    return [
        Route(f"/webhooks/{name}", _endpoint(hooks, name, hook), methods=["POST"])
        for name, hook in hooks.built().items()
    ]


def webhook_status(hooks: Webhooks) -> list[str]:
    """Which webhooks will accept events, and which refuse everything for want of a secret."""
    return [f"  /webhooks/{name}: {hook.status()}" for name, hook in hooks.built().items()]


def _endpoint(hooks: Webhooks, provider: str, hook: Webhook) -> Callable[[Request], Awaitable[Response]]:
    async def receive(request: Request) -> Response:
        client = request.client.host if request.client else "unknown"
        wait = hooks.failures.blocked(client)
        if wait:
            return JSONResponse({"error": "too many failed attempts"}, 429, {"Retry-After": f"{wait:.0f}"})
        try:
            body = await read_body(request, MAX_BODY)
        except BodyTooLargeError as exc:
            return JSONResponse({"error": f"body too large: {exc}"}, 413, CLOSE)
        try:
            found = await hook.read(request.headers, body) or []
        except WebhookAuthError as exc:
            hooks.failures.hit(client)
            log.warning("Webhook '%s' refused a request from '%s': %s", provider, client, exc)
            return JSONResponse({"error": f"not authenticated: {exc}"}, 401)
        except ValueError as exc:
            return JSONResponse({"error": f"not understood: {exc}"}, 400)
        applied = await run_in_threadpool(_apply, hooks, found)
        return JSONResponse({"events": len(found), "applied": applied})

    return receive


def _apply(hooks: Webhooks, found: Sequence[ProviderEvent]) -> int:
    now = hooks.clock()
    applied = 0
    for event in found:
        if isinstance(event, Engagement):
            applied += _record(hooks.store, event, now)
        elif _ours(hooks.store, event):
            applied += hooks.store.feedback.apply(event, now, hooks.soft_bounce_limit)
    return applied


def _record(store: Store, event: Engagement, now: datetime) -> bool:
    """Record an open or click as an event of the issue digest sent in that message; False when digest
    sent no such message (the provider also serves other senders) or the event was recorded before."""
    found = _locate(store, event)
    if found is None:
        log.info(
            "Webhook %s '%s' from '%s' ignored: no message digest sent to '%s' matches it",
            event.kind.value, event.event_id, event.provider, event.email,
        )  # fmt: skip
        return False
    issue_id, subscriber_id = found
    # A link that is none of the issue's articles (the archive, unsubscribe) counts for no article.
    position = store.events.position_of(issue_id, event.url) if event.kind == EngagementKind.CLICK else None
    return store.events.record(
        NewEvent(
            issue_id, event.kind.value, _when(event.at, now), source=event.provider, position=position,
            subscriber_id=subscriber_id, event_key=f"{event.provider}:{event.event_id}",
            user_agent=event.user_agent, machine=event.machine,
        )
    )  # fmt: skip


def _locate(store: Store, event: Engagement) -> tuple[str, int] | None:
    """(issue, subscriber) of the message an event names: by the provider's message id, else by the
    issue the message was tagged with (only providers whose signature covers the event give one)."""
    bare = event.message_id.strip("<> ")
    # Providers answer a send with "<id>" and name it "id" in their events: match either.
    for message_id in (bare, f"<{bare}>") if bare else ():
        found = store.events.locate(event.email, message_id=message_id)
        if found is not None:
            return found
    return store.events.locate(event.email, issue_id=event.issue_id) if event.issue_id else None


def _when(at: datetime | None, now: datetime) -> datetime:
    """The provider's time of the event when it is plausible, else the time it reached us."""
    return at if at is not None and now - BEHIND <= at <= now + AHEAD else now


def _ours(store: Store, event: Feedback) -> bool:
    """An event that must name a message digest sent (see Feedback) is ignored when it does not."""
    if event.message_id is None or store.feedback.sent_message(event.message_id, event.email):
        return True
    log.warning(
        "Webhook event '%s' from '%s' ignored: message '%s' to '%s' is not one digest sent",
        event.event_id, event.provider, event.message_id[:200], event.email,
    )  # fmt: skip
    return False
