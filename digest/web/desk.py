"""The editors' desk app: the day's issue with its articles' actions, over the live preview.

Every form posts here with the session's CSRF token and the draft's version; the desk service
writes the draft file, the live preview (mounted at /preview) rebuilds, and the page redraws.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route

from digest.errors import DigestError
from digest.service.desk import Desk, DeskView
from digest.service.draft_edits import Action
from digest.service.reports import report_page
from digest.web.desk_access import LoginGate, Sessions, csrf_ok, token_matches
from digest.web.desk_page import HEADERS, render_desk, render_login
from digest.web.live import mirrored_files, rebuilder, watched_paths
from digest.web.preview import LiveBuild
from digest.web.preview import create_app as preview_app
from digest.web.ratelimit import RateLimiter

FIELDS = ("url", "title", "text", "section", "reason", "subject", "preheader", "intro")
# The report page runs no script and loads nothing: its own policy says so, and so does ours.
REPORT_HEADERS = HEADERS | {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                            "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"}  # fmt: skip


def create_desk(
    desk: Desk, values: Mapping[str, str], *, login: bool, token: str = "", sessions: Sessions | None = None
) -> Starlette:
    """The desk of one newsletter; ``login``: ask for ``token`` first (anywhere but 127.0.0.1)."""
    config = desk.runtime.config
    rebuild = rebuilder(
        config.path, desk.name, desk.collection, values, desk.runtime.clock(), files_url="files/",
        slot=lambda: desk.slot(desk.config()),
    )  # fmt: skip
    preview = preview_app(rebuild, watched_paths(config, desk.name), mirrored_files(config))
    live: LiveBuild = preview.state.live
    sessions = sessions or Sessions()
    pages = DeskPages(desk, live, sessions, token, RateLimiter(10, 300))

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        # Starlette runs no lifespan of a mounted app: the preview's (its watcher) runs with ours.
        async with preview.router.lifespan_context(preview):
            yield

    routes = [
        Route("/", pages.page),
        Route("/act", pages.act, methods=["POST"]),
        Route("/test", pages.test, methods=["POST"]),
        Route("/approve", pages.approve, methods=["POST"]),
        Route("/login", pages.login, methods=["GET", "POST"]),
        Route("/reports", pages.reports),
        Route("/reports/{issue}", pages.reports),
        Mount("/preview", preview),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[Middleware(LoginGate, sessions=sessions, required=login)],
    )
    app.state.live = live
    return app


class DeskPages:
    """The desk's handlers: the page, each action, the test send, the approval and the login."""

    def __init__(
        self, desk: Desk, live: LiveBuild, sessions: Sessions, token: str, limiter: RateLimiter
    ) -> None:
        self.desk, self.live, self.sessions, self.token, self.limiter = desk, live, sessions, token, limiter

    async def reports(self, request: Request) -> Response:
        """The report page `digest report --html` writes: an issue's, or the newsletter's trend."""
        issue_id = request.path_params.get("issue")
        html = await run_in_threadpool(report_page, self.desk.runtime, self.desk.name, issue_id)
        if html is None:
            return PlainTextResponse("No such issue of this newsletter.", 404, headers=HEADERS)
        return HTMLResponse(html, headers=REPORT_HEADERS)

    async def page(self, request: Request) -> Response:
        """The desk as the draft file is now; the last action's message, once."""
        session = self.sessions.read(request)
        flash = session.pop("flash", "")
        return await self._render(request, session, flash=flash)

    async def _render(
        self, request: Request, session: dict[str, Any], status: int = 200, **notes: str
    ) -> Response:
        view: DeskView | None = None
        try:
            view = await run_in_threadpool(self.desk.view)
        except DigestError as exc:  # a broken draft or config: say so, keep the preview's last good build
            notes["problem"] = "\n".join(filter(None, [notes.get("problem", ""), str(exc)]))
        good = self.live.good
        html = render_desk(
            self.desk.name,
            view,
            session["csrf"],
            self.live.tag,
            self.live.built,
            good.text if good else "",
            **notes,
        )
        return self.sessions.write(HTMLResponse(html, status, headers=HEADERS), request, session)

    async def _form(self, request: Request) -> tuple[dict[str, Any], FormData] | None:
        """The session and the form, or None when the form lacks the session's CSRF token."""
        session = self.sessions.read(request)
        form = await request.form()
        return (session, form) if csrf_ok(session, form.get("csrf")) else None

    async def act(self, request: Request) -> Response:
        """Apply one action to the draft; a stale version or a broken draft answers 409 with why."""
        checked = await self._form(request)
        if checked is None:
            return _forbidden()
        session, form = checked
        try:
            message = await run_in_threadpool(self.desk.act, _action(form), str(form.get("version", "")))
        except DigestError as exc:
            return await self._render(request, session, 409, problem=str(exc))
        await self.live.refresh()  # the preview shows the change when the page comes back
        return self._back(request, session, message)

    async def test(self, request: Request) -> Response:
        """Send the issue as shown to one of the [desk] test addresses."""
        checked = await self._form(request)
        if checked is None:
            return _forbidden()
        session, form = checked
        try:
            report = await run_in_threadpool(self.desk.send_test, str(form.get("address", "")))
        except DigestError as exc:
            return await self._render(request, session, 409, problem=str(exc))
        said = (
            f"Sent a test to {report.to}"
            if report.accepted
            else f"The test to {report.to} failed: {report.error}"
        )
        return self._back(request, session, said)

    async def approve(self, request: Request) -> Response:
        """Approve the issue the scheduler sends next."""
        checked = await self._form(request)
        if checked is None:
            return _forbidden()
        session, _ = checked
        try:
            message = await run_in_threadpool(self.desk.approve)
        except DigestError as exc:
            return await self._render(request, session, 409, problem=str(exc))
        return self._back(request, session, message)

    async def login(self, request: Request) -> Response:
        """The login form; a right token (from the environment) opens a fresh session."""
        session = self.sessions.read(request)
        if request.method == "GET":
            return self.sessions.write(
                HTMLResponse(render_login(session["csrf"]), headers=HEADERS), request, session
            )
        checked = await self._form(request)
        if checked is None:
            return _forbidden()
        client = request.client.host if request.client else ""
        if self.limiter.hit(client) or not token_matches(str(checked[1].get("token", "")), self.token):
            page = render_login(
                session["csrf"], "That is not the desk's token (or too many tries: wait a few minutes)."
            )
            return self.sessions.write(HTMLResponse(page, 403, headers=HEADERS), request, session)
        return self._back(request, self.sessions.new(user=True), "Logged in.")

    def _back(self, request: Request, session: dict[str, Any], message: str) -> Response:
        """Back to the desk page (a reload does not post again), with the message for it."""
        session["flash"] = message
        target = (request.scope.get("root_path") or "") + "/"
        return self.sessions.write(RedirectResponse(target, 303, headers=HEADERS), request, session)


def _action(form: FormData) -> Action:
    """The action a form asks for: up/down trade places with the article above or below."""
    kind = str(form.get("kind", ""))
    values = {name: str(form[name]) for name in FIELDS if name in form}
    neighbour = str(form.get("above" if kind == "up" else "below", ""))
    return Action(kind, neighbour=neighbour, **values)


def _forbidden() -> Response:
    return PlainTextResponse(
        "Refused: the form did not carry this session's CSRF token. Reload the desk and try again.",
        403,
        headers={"Cache-Control": "no-store"},
    )
