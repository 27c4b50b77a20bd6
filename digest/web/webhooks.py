"""Provider feedback endpoints: /webhooks/<provider>, one for each provider in the registry that has one.

Each request is authenticated the provider's way (its package's ``webhook``) before its body is read
as events: a missing, wrong or stale signature answers 401 and changes nothing. Events are applied
once each (the store remembers their ids), so a provider's retry or a replay is harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import httpx
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from digest.config import WebhooksConfig
from digest.providers.hooks import HookSetup, Webhook, WebhookAuthError
from digest.providers.registry import plugins
from digest.store import Store
from digest.store.feedback import Feedback

log = logging.getLogger("digest.web")

MAX_BODY = 5 * 1024 * 1024  # SendGrid batches events; more than this is no webhook of theirs


@dataclass(frozen=True, slots=True)
class Webhooks:
    """What the webhook endpoints need; the CLI builds it, tests pass their own secrets and clock."""

    store: Store
    settings: WebhooksConfig  # [server.webhooks]: which environment variables hold the secrets
    environ: Mapping[str, str]
    client: httpx.AsyncClient  # for what a webhook must fetch (SNS certificates)
    clock: Callable[[], datetime]
    soft_bounce_limit: int = 3

    def built(self) -> dict[str, Webhook]:
        """Provider name → its webhook, for every registered provider that has one."""
        setup = HookSetup(self.settings, self.environ, self.client, self.clock)
        return {p.name: p.webhook(setup) for p in plugins() if p.webhook is not None}


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
        declared = request.headers.get("content-length", "0")
        if not declared.isdigit() or int(declared) > MAX_BODY:
            return JSONResponse({"error": "body too large or of unknown length"}, 413)
        body = await request.body()
        if len(body) > MAX_BODY:
            return JSONResponse({"error": "body too large"}, 413)
        try:
            found = await hook.read(request.headers, body) or []
        except WebhookAuthError as exc:
            log.warning("Webhook '%s' refused: %s", provider, exc)
            return JSONResponse({"error": f"not authenticated: {exc}"}, 401)
        except ValueError as exc:
            return JSONResponse({"error": f"not understood: {exc}"}, 400)
        applied = await run_in_threadpool(_apply, hooks, found)
        return JSONResponse({"events": len(found), "applied": applied})

    return receive


def _apply(hooks: Webhooks, found: Sequence[Feedback]) -> int:
    now = hooks.clock()
    return sum(hooks.store.feedback.apply(event, now, hooks.soft_bounce_limit) for event in found)
