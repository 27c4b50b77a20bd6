"""The public web app `digest serve` runs: reader pages and webhooks, plus the archive and preview seams."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager

from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp

from digest.store import Store, migrations
from digest.store.health import RETRY_AFTER, StoreUnavailableError, check, unavailable
from digest.web.clicks import click_routes
from digest.web.headers import ARCHIVE, BASE, SecurityHeaders
from digest.web.html import message
from digest.web.public import PublicSite, public_routes
from digest.web.webhooks import Webhooks, webhook_routes

log = logging.getLogger("digest.web")


def create_app(
    site: PublicSite,
    hooks: Webhooks,
    *,
    archive: ASGIApp | None = None,
    fallback: Starlette | None = None,
    cleanup: Sequence[Callable[[], Awaitable[None]]] = (),
    desk: Starlette | None = None,
) -> Starlette:
    """Unsubscribe, subscribe and confirm pages, webhooks and /healthz; ``archive`` is mounted at
    /archive when there is one; ``fallback`` (such as the live preview) answers every other path,
    lifespan and all; ``cleanup`` runs on the server's loop when it stops (closing the clients);
    ``desk`` (the editors' desk, behind its login) is mounted at /desk."""
    routes: list[BaseRoute] = [
        *public_routes(site),
        *click_routes(site),
        *webhook_routes(hooks),
        Route("/healthz", _health(site.store)),
        Route("/readyz", _ready(site.store)),
    ]
    if archive is not None:
        # Issues hold links and images from feeds: a strict CSP, and no redirect to the Host header.
        routes.append(Mount("/archive", app=SecurityHeaders(archive, ARCHIVE, relative_redirects=True)))
    if desk is not None:
        # Its links are relative to /desk/: the bare path goes there (no Host header involved).
        routes += [Route("/desk", lambda _: RedirectResponse("/desk/", 308)), Mount("/desk", app=desk)]
    if fallback is not None:
        routes.append(Mount("/", app=fallback))

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        # Starlette runs no lifespan of a mounted app: start and stop the fallback's with ours.
        async with AsyncExitStack() as stack:
            for close in cleanup:
                stack.push_async_callback(close)
            for mounted in (fallback, desk):
                if mounted is not None:
                    await stack.enter_async_context(mounted.router.lifespan_context(mounted))
            yield

    async def store_trouble(request: Request, exc: Exception) -> Response:
        return _unavailable(request, site.store, exc)

    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[Middleware(SecurityHeaders, headers=BASE)],
        exception_handlers={SQLAlchemyError: store_trouble, StoreUnavailableError: store_trouble},
    )
    # RFC 8058 wants a plain 200: never answer a one-click POST (or any other) with a redirect.
    app.router.redirect_slashes = False
    return app


def _health(store: Store) -> Callable[[Request], Awaitable[Response]]:
    async def health(_: Request) -> Response:
        """200 'ok' when the store answers (a load balancer's check), else 503."""
        try:
            await run_in_threadpool(check, store.engine)
        except StoreUnavailableError as exc:
            log.error("Health check failed: %s", exc.message)
            return PlainTextResponse("store unavailable", 503, {"Retry-After": str(RETRY_AFTER)})
        return PlainTextResponse("ok")

    return health


def _ready(store: Store) -> Callable[[Request], Awaitable[Response]]:
    async def ready(_: Request) -> Response:
        """200 'ready' when the store answers with the schema this digest expects, else 503."""
        try:
            await run_in_threadpool(check, store.engine)
            current = await run_in_threadpool(migrations.at_head, store.engine)
        except (StoreUnavailableError, SQLAlchemyError):
            current = False
        if not current:
            return PlainTextResponse("not ready", 503, {"Retry-After": str(RETRY_AFTER)})
        return PlainTextResponse("ready")

    return ready


def _unavailable(request: Request, store: Store, exc: Exception) -> Response:
    """503 and Retry-After for a request the store could not serve: nothing claimed that was not stored."""
    trouble = exc if isinstance(exc, StoreUnavailableError) else unavailable(store.engine, exc)
    # The first path segment only: /u/ and /confirm/ paths carry a reader's token.
    where = "/" + request.url.path.split("/")[1]
    log.error("Request '%s %s' failed: %s", request.method, where, trouble.message)
    headers = {"Retry-After": str(RETRY_AFTER)}
    if request.url.path.startswith("/webhooks/"):
        return JSONResponse({"error": "the store is unavailable: try again later"}, 503, headers)
    text = "We could not record this just now, so nothing has changed. Please try again in a minute."
    return message("Please try again", text, 503, **headers)
