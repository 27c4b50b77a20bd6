"""Security headers for what digest serves, and redirects that never name a host the client chose.

The archive and the preview show HTML that came from feeds and pages: their Content-Security-Policy
runs no script of theirs (the preview's own script is allowed by its hash), loads images only over
https (or data:), and lets no other site frame them. Starlette's StaticFiles redirects a folder to its
slash from the Host header: ``relative_redirects`` rewrites that to a relative URL.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Every response: no MIME sniffing (a text file must not run as HTML), no Referer carrying a token.
BASE = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
ARCHIVE_CSP = (
    "default-src 'none'; img-src https: data:; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
ARCHIVE = {**BASE, "Content-Security-Policy": ARCHIVE_CSP}
REDIRECTS = (301, 302, 303, 307, 308)


def script_hash(script: str) -> str:
    """The CSP source that allows exactly this inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


class SecurityHeaders:
    """ASGI middleware: add ``headers`` to every response that does not set them itself."""

    def __init__(self, app: ASGIApp, headers: Mapping[str, str], *, relative_redirects: bool = False) -> None:
        self.app = app
        self.headers = dict(headers)
        self.relative_redirects = relative_redirects

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; amend the response's headers as they go out."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def amended(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
                if self.relative_redirects and message["status"] in REDIRECTS and "location" in headers:
                    headers["location"] = relative(headers["location"])
            await send(message)

        await self.app(scope, receive, amended)


def relative(location: str) -> str:
    """A redirect to a folder ("https://any.host/archive/x/") as "./x/": resolved against the request."""
    parts = urlsplit(location)
    segments = parts.path.rstrip("/").split("/")
    # "./" keeps a segment with a colon from reading as a scheme; no host, so no open redirect.
    target = "./" + segments[-1] + ("/" if parts.path.endswith("/") else "")
    return target + (f"?{parts.query}" if parts.query else "")
