"""Who may use the desk: the login rule, a signed session cookie, and the CSRF token every form carries.

The session is a small JSON object signed with HMAC-SHA256 under a key made when the server
starts (a restart logs everyone out, which is fine for a desk). It holds the CSRF token, whether
the editor logged in, and the message of the last action.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

COOKIE = "digest_desk"
# Only these hosts leave the desk open without a login: anything else may be reached by others.
OPEN_HOSTS = ("127.0.0.1", "::1", "localhost")


def login_required(host: str) -> bool:
    """Whether a desk bound to ``host`` asks for a login: everywhere but 127.0.0.1 (and ::1)."""
    return host.strip("[]").lower() not in OPEN_HOSTS


def token_matches(given: str, expected: str) -> bool:
    """The login check, in constant time; an unset token never matches."""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


class Sessions:
    """Read and write the signed session cookie."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    def _sign(self, payload: bytes) -> str:
        return base64.urlsafe_b64encode(hmac.new(self._key, payload, hashlib.sha256).digest()).decode()

    @staticmethod
    def new(**data: Any) -> dict[str, Any]:
        """A fresh session with a new CSRF token (after a login: no token carried over)."""
        return {"csrf": secrets.token_urlsafe(32), **data}

    def read(self, request: Request) -> dict[str, Any]:
        """The session of a request, with a CSRF token (a new one when there was no valid cookie)."""
        raw = request.cookies.get(COOKIE, "")
        payload, _, signature = raw.partition(".")
        data: dict[str, Any] = {}
        try:
            body = base64.urlsafe_b64decode(payload.encode())
            if signature and hmac.compare_digest(signature, self._sign(body)):
                data = json.loads(body)
        except (ValueError, TypeError):  # a mangled cookie is no session
            data = {}
        if not isinstance(data, dict) or not isinstance(data.get("csrf"), str):
            data = self.new()
        return data

    def write(self, response: Response, request: Request, data: dict[str, Any]) -> Response:
        """Set the session cookie on a response: HttpOnly, SameSite=Strict, on the desk's path only."""
        body = json.dumps(data, separators=(",", ":")).encode()
        value = base64.urlsafe_b64encode(body).decode() + "." + self._sign(body)
        response.set_cookie(
            COOKIE, value, path=(request.scope.get("root_path") or "") + "/", httponly=True,
            samesite="strict", secure=request.url.scheme == "https",
        )  # fmt: skip
        return response


def csrf_ok(session: dict[str, Any], given: object) -> bool:
    """Whether a form carried the session's CSRF token."""
    return isinstance(given, str) and hmac.compare_digest(given.encode(), str(session["csrf"]).encode())


class LoginGate:
    """ASGI middleware: with a login required, every path but /login needs a logged-in session."""

    def __init__(self, app: ASGIApp, sessions: Sessions, required: bool) -> None:
        self.app, self.sessions, self.required = app, sessions, required

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Let the request through, or send a GET to the login page and refuse anything else."""
        if scope["type"] != "http" or not self.required or scope["path"].endswith("/login"):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if self.sessions.read(request).get("user"):
            await self.app(scope, receive, send)
            return
        refused: Response = PlainTextResponse("Log in first.", 403, headers={"Cache-Control": "no-store"})
        if request.method == "GET":
            refused = RedirectResponse((scope.get("root_path") or "") + "/login", 303)
        await refused(scope, receive, send)
