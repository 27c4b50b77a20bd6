"""The live preview app: rebuilds the issue when an editor saves, keeps the last good build meanwhile.

MkDocs' livereload is the model: a change to a watched file triggers a rebuild, the page hears of it
through Server-Sent Events (`/events`) and redraws itself; a failed rebuild shows its error above
the last good email instead of replacing it.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import aclosing, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from watchfiles import Change, DefaultFilter, awatch

from digest.errors import DigestError
from digest.web.headers import ARCHIVE, BASE, SecurityHeaders, script_hash
from digest.web.page import SCRIPT, render_page

NO_STORE = {"Cache-Control": "no-store", **BASE}
# The page: its own script (by hash) fetches itself and listens to /events; it frames /email.
PAGE_HEADERS = NO_STORE | {
    "Content-Security-Policy": (
        f"default-src 'none'; script-src {script_hash(SCRIPT)}; connect-src 'self'; frame-src 'self'; "
        "img-src 'self' https: data:; style-src 'unsafe-inline'; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'none'"
    )
}
# The email, as the archive serves it, but framed by the page (whose script sizes the frame) and with
# the mirrored images the preview serves itself.
EMAIL_HEADERS = NO_STORE | {
    "Content-Security-Policy": (
        "default-src 'none'; img-src 'self' https: data:; style-src 'unsafe-inline'; "
        "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
    )
}


@dataclass(frozen=True, slots=True)
class Preview:
    """One good build of the issue as the preview shows it (personal values filled in)."""

    subject: str
    preheader: str
    html: str
    text: str
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


Rebuild = Callable[[], Preview]


class LiveBuild:
    """The last good build, the current error, and a version that moves whenever either changes."""

    def __init__(self, rebuild: Rebuild) -> None:
        self._rebuild = rebuild
        self.good: Preview | None = None
        self.error = ""
        self.version = 0
        self.built = 0  # the version of the last good build (the email URL changes with it)
        self._boot = secrets.token_hex(4)  # a restarted server's version 1 is not the old page's
        # asyncio.Event binds to a loop on first use, so the app can be made outside one.
        self.stopped = asyncio.Event()
        self._changed = asyncio.Event()

    async def refresh(self) -> None:
        """Rebuild (in a worker thread); on failure keep the last good build and show why."""
        try:
            self.good = await anyio.to_thread.run_sync(self._rebuild)
            self.error = ""
            self.built = self.version + 1
        except DigestError as exc:
            self.error = str(exc)
        except Exception as exc:  # a dev server outlives anything an editor can save
            self.error = f"{type(exc).__name__}: {exc}"
        self.version += 1
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    @property
    def tag(self) -> str:
        """The version as the page knows it: unique across server restarts."""
        return f"{self._boot}.{self.version}"

    def stop(self) -> None:
        """End the event streams and the watcher (before the server waits for open responses)."""
        self.stopped.set()
        self._changed.set()

    async def tags(self, keepalive: float = 15.0) -> AsyncIterator[str | None]:
        """The current tag, then each new one, until stopped; None after `keepalive` s of quiet."""
        seen = ""
        while not self.stopped.is_set():
            if self.tag != seen:
                seen = self.tag
                yield seen
                continue
            with anyio.move_on_after(keepalive) as quiet:
                await self._changed.wait()
            if quiet.cancelled_caught:
                yield None


def create_app(
    rebuild: Rebuild, watch: Sequence[Path] = (), files: Mapping[str, Path] | None = None
) -> Starlette:
    """The preview app: `rebuild` makes a Preview, `watch` are files and folders that trigger it.

    `files` serves local folders under /files/NAME/ (mirrored images). The LiveBuild is
    `app.state.live`; stop it before shutting the server down so the event streams end.
    """
    live = LiveBuild(rebuild)
    paths = [Path(p).resolve() for p in watch]

    async def page(request: Request) -> Response:
        html = render_page(live.good, live.error, live.tag, live.built, paths)
        return HTMLResponse(html, headers=PAGE_HEADERS)

    async def email(request: Request) -> Response:
        if live.good is None:
            return PlainTextResponse("No successful build yet; see the error.", 503, headers=NO_STORE)
        return HTMLResponse(live.good.html, headers=EMAIL_HEADERS)

    async def text(request: Request) -> Response:
        return PlainTextResponse(live.good.text if live.good else "", headers=NO_STORE)

    async def events(request: Request) -> Response:
        async def stream() -> AsyncIterator[str]:
            yield "retry: 1000\n\n"
            # The keep-alive comment also finds out when the page has gone away.
            async for tag in live.tags():
                yield ": keep-alive\n\n" if tag is None else f"data: {tag}\n\n"

        return StreamingResponse(stream(), media_type="text/event-stream", headers=NO_STORE)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await live.refresh()
        async with anyio.create_task_group() as group:
            if paths:
                group.start_soon(follow, paths, live)
            try:
                yield
            finally:
                live.stop()

    routes = [
        Route("/", page),
        Route("/email", email),
        Route("/email.txt", text),
        Route("/events", events),
        *(
            Mount(f"/files/{name}", SecurityHeaders(StaticFiles(directory=folder), ARCHIVE))
            for name, folder in (files or {}).items()
        ),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.live = live
    return app


async def follow(paths: Sequence[Path], live: LiveBuild) -> None:
    """Rebuild whenever a watched path changes, until the build is stopped.

    Folders are watched one by one (not recursively), and a file through its folder, since editors
    often save by replacing the file. A new subfolder (or a watched folder that appears) re-arms.
    """
    relevant = _filter(paths)
    while not live.stopped.is_set():
        folders = watched_folders(paths)
        watcher = awatch(
            *folders, watch_filter=relevant, recursive=False, stop_event=live.stopped, debounce=400, step=50
        )
        async with aclosing(watcher) as changes:
            async for _ in changes:
                await live.refresh()
                if watched_folders(paths) != folders:
                    break


def watched_folders(paths: Sequence[Path]) -> frozenset[Path]:
    """Each folder to watch: folders with their subfolders; for a file or a missing path, its folder."""
    folders = set()
    for path in paths:
        if path.is_dir():
            folders.add(path)
            folders.update(p for p in path.rglob("*") if p.is_dir())
        else:
            parent = path.parent
            while not parent.is_dir():
                parent = parent.parent
            folders.add(parent)
    return frozenset(folders)


def _filter(paths: Sequence[Path]) -> Callable[[Change, str], bool]:
    """Changes to the watched paths only, less editors' swap and backup files."""
    default = DefaultFilter()

    def relevant(change: Change, name: str) -> bool:
        path = Path(name)
        return default(change, name) and any(p == path or p in path.parents for p in paths)

    return relevant
