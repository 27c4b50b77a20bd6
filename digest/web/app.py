"""The public web app `digest serve` runs: reader pages and webhooks, plus the archive and preview seams."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp

from digest.web.public import PublicSite, public_routes
from digest.web.webhooks import Webhooks, webhook_routes


def create_app(
    site: PublicSite,
    hooks: Webhooks,
    *,
    archive: ASGIApp | None = None,
    fallback: Starlette | None = None,
    cleanup: Sequence[Callable[[], Awaitable[None]]] = (),
) -> Starlette:
    """Unsubscribe, subscribe, confirm and webhook routes; ``archive`` is mounted at /archive when
    there is one; ``fallback`` (such as the live preview) answers every other path, lifespan and all;
    ``cleanup`` runs on the server's loop when it stops (closing the provider and HTTP clients)."""

    async def health(_: Request) -> Response:
        return PlainTextResponse("ok")

    routes: list[BaseRoute] = [*public_routes(site), *webhook_routes(hooks), Route("/healthz", health)]
    if archive is not None:
        routes.append(Mount("/archive", app=archive))
    if fallback is not None:
        routes.append(Mount("/", app=fallback))

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        # Starlette runs no lifespan of a mounted app: start and stop the fallback's with ours.
        async with AsyncExitStack() as stack:
            for close in cleanup:
                stack.push_async_callback(close)
            if fallback is not None:
                await stack.enter_async_context(fallback.router.lifespan_context(fallback))
            yield

    app = Starlette(routes=routes, lifespan=lifespan)
    # RFC 8058 wants a plain 200: never answer a one-click POST (or any other) with a redirect.
    app.router.redirect_slashes = False
    return app
