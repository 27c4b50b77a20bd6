"""Provider feedback endpoints: /webhooks/postmark|sendgrid|mailgun|ses|resend.

Each request is authenticated the provider's way (see ``signatures`` and ``sns``) before its body is
read as events: a missing, wrong or stale signature answers 401 and changes nothing. Events are
applied once each (the store remembers their ids), so a provider's retry or a replay is harmless.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from digest.store import Store
from digest.store.feedback import Feedback
from digest.web import events
from digest.web.signatures import (
    WebhookAuthError,
    check_basic_auth,
    check_mailgun,
    check_sendgrid,
    check_svix,
)
from digest.web.sns import SnsVerifier

log = logging.getLogger("digest.web")

MAX_BODY = 5 * 1024 * 1024  # SendGrid batches events; more than this is no webhook of theirs


@dataclass(frozen=True, slots=True)
class WebhookSecrets:
    """The secrets read from the environment variables named in [server.webhooks] (empty: refuse)."""

    postmark_auth: str = ""  # "user:password"
    sendgrid_key: str = ""
    mailgun_key: str = ""
    resend_secret: str = ""


@dataclass(frozen=True, slots=True)
class Webhooks:
    """What the webhook endpoints need; the CLI builds it, tests pass their own keys and clock."""

    store: Store
    secrets: WebhookSecrets
    sns: SnsVerifier
    clock: Callable[[], datetime]
    max_age: timedelta = timedelta(seconds=900)
    soft_bounce_limit: int = 3


Reader = Callable[[Webhooks, Request, bytes], Awaitable[list[Feedback] | None]]


def webhook_routes(hooks: Webhooks) -> list[Route]:
    """One POST route per provider."""
    readers: dict[str, Reader] = {
        "postmark": _postmark,
        "sendgrid": _sendgrid,
        "mailgun": _mailgun,
        "resend": _resend,
        "ses": _ses,
    }

    def endpoint(provider: str, reader: Reader) -> Callable[[Request], Awaitable[Response]]:
        async def receive(request: Request) -> Response:
            declared = request.headers.get("content-length", "0")
            if not declared.isdigit() or int(declared) > MAX_BODY:
                return JSONResponse({"error": "body too large or of unknown length"}, 413)
            body = await request.body()
            if len(body) > MAX_BODY:
                return JSONResponse({"error": "body too large"}, 413)
            try:
                found = await reader(hooks, request, body)
            except WebhookAuthError as exc:
                log.warning("Webhook '%s' refused: %s", provider, exc)
                return JSONResponse({"error": f"not authenticated: {exc}"}, 401)
            except ValueError as exc:
                return JSONResponse({"error": f"not understood: {exc}"}, 400)
            applied = await run_in_threadpool(_apply, hooks, found or [])
            return JSONResponse({"events": len(found or []), "applied": applied})

        return receive

    return [Route(f"/webhooks/{name}", endpoint(name, r), methods=["POST"]) for name, r in readers.items()]


def _apply(hooks: Webhooks, found: Sequence[Feedback]) -> int:
    now = hooks.clock()
    return sum(hooks.store.feedback.apply(event, now, hooks.soft_bounce_limit) for event in found)


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ValueError("the body is not JSON") from None


async def _postmark(hooks: Webhooks, request: Request, body: bytes) -> list[Feedback]:
    check_basic_auth(request.headers.get("authorization", ""), hooks.secrets.postmark_auth)
    return events.postmark(_json(body))


async def _sendgrid(hooks: Webhooks, request: Request, body: bytes) -> list[Feedback]:
    check_sendgrid(request.headers, body, hooks.secrets.sendgrid_key, hooks.clock(), hooks.max_age)
    return events.sendgrid(_json(body))


async def _mailgun(hooks: Webhooks, request: Request, body: bytes) -> list[Feedback]:
    try:
        payload = _json(body)
    except ValueError:
        raise WebhookAuthError("no signature: the body is not JSON") from None
    signature = payload.get("signature") if isinstance(payload, dict) else None
    if not isinstance(signature, dict):
        raise WebhookAuthError("no signature in the body")
    check_mailgun(signature, hooks.secrets.mailgun_key, hooks.clock(), hooks.max_age)
    return events.mailgun(payload)


async def _resend(hooks: Webhooks, request: Request, body: bytes) -> list[Feedback]:
    message_id = check_svix(request.headers, body, hooks.secrets.resend_secret, hooks.clock(), hooks.max_age)
    return events.resend(_json(body), message_id)


async def _ses(hooks: Webhooks, request: Request, body: bytes) -> list[Feedback] | None:
    message = await hooks.sns.verify(body, hooks.clock())
    kind = message.get("Type")
    if kind == "SubscriptionConfirmation":
        try:
            await hooks.sns.confirm_subscription(message)
        except httpx.HTTPError as exc:
            raise ValueError(f"the subscription could not be confirmed: {exc}") from None
        log.info("Subscribed to SNS topic '%s'", message.get("TopicArn"))
        return None
    if kind != "Notification":
        return None
    return events.ses(_json(str(message.get("Message", "")).encode()), str(message.get("MessageId")))
