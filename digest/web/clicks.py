"""``GET /c/ISSUE/TOKEN``: record a click on an article link and send the reader on to the article.

The token is checked against the issue named in the path (clicks.read_click_token); the redirect
goes to the article stored at the token's position of that issue, and only to an http(s) address.
A forged, altered or moved token, or an issue without that article, answers 404 and records nothing:
no request can make the server redirect anywhere an issue did not link to.
"""

from __future__ import annotations

import functools
import logging
from urllib.parse import quote, unquote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from digest.clicks import read_click_token
from digest.store.events import NewEvent
from digest.web.html import message
from digest.web.public import PublicSite

log = logging.getLogger("digest.web")

MAX_ISSUE_ID = 200
# No cache may replay the redirect without us seeing the click; the article must not learn the token.
REDIRECT_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def click_routes(site: PublicSite) -> list[Route]:
    """The click redirect's route."""
    target = functools.lru_cache(maxsize=4096)(site.store.events.article)  # an issue's links never change

    async def click(request: Request) -> Response:
        issue_id = unquote(request.path_params["issue"])
        token = request.path_params["token"]
        found = read_click_token(site.secret, issue_id, token) if len(issue_id) <= MAX_ISSUE_ID else None
        article = await run_in_threadpool(target, issue_id, found.position) if found else None
        if found is None or article is None or urlsplit(article.target).scheme not in ("http", "https"):
            return message("Link not valid", "This link is not valid. Please use the link from your email.",
                           404, site.theme())  # fmt: skip
        event = NewEvent(
            issue_id, "click", site.clock(), position=found.position, subscriber_id=found.subscriber_id,
            user_agent=request.headers.get("user-agent", ""),
        )  # fmt: skip
        try:
            await run_in_threadpool(site.store.events.record, event)
        except Exception:  # the reader still gets their article; the operator finds why in the log
            log.exception("Could not record a click on issue '%s'", issue_id)
        # A header holds ASCII only, never a line break: anything else in the address is percent-encoded.
        location = quote(article.target, safe=":/?#[]@!$&'()*+,;=%~")
        return Response(status_code=302, headers={"Location": location, **REDIRECT_HEADERS})

    return [Route("/c/{issue}/{token}", click, methods=["GET", "HEAD"])]
