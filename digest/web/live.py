"""The live preview around its app: rebuild on save, personal values filled in, and uvicorn for any app."""

from __future__ import annotations

import socket
import webbrowser
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

import uvicorn
from starlette.applications import Starlette

from digest import job
from digest.config import DEFAULT_TEMPLATES, Config, MirrorConfig, load_config
from digest.errors import DigestError
from digest.models import Collection
from digest.personalize import Template
from digest.web.preview import Preview, Rebuild, create_app


def serve_preview(
    config: Config,
    name: str,
    prepared: job.Prepared,
    values: Mapping[str, str],
    now: datetime,
    *,
    port: int | None,
    say: Callable[[str], None],
    open_browser: bool = False,
) -> None:
    """Serve the live preview of a prepared issue at [server] host and port until Ctrl-C."""
    rebuild = rebuilder(config.path, name, prepared.collection, values, now)
    app = create_app(rebuild, watched_paths(config, name), mirrored_files(config))
    subject = prepared.rendered.subject if prepared.rendered else name

    def ready(url: str) -> None:
        say(f"Live preview of '{subject}' at {url} (Ctrl-C stops it)")
        if open_browser:
            webbrowser.open(url)

    serve(app, config.server.host, config.server.port if port is None else port, ready)


def rebuilder(
    config_path: str,
    name: str,
    collection: Collection,
    values: Mapping[str, str],
    now: datetime,
    *,
    files_url: str = "/files/",
    slot: Callable[[], datetime] | None = None,
) -> Rebuild:
    """Re-read the config and re-render the articles collected once (feeds are not fetched again).

    ``files_url`` is where the app serves mirrored folders, relative to the email (the desk mounts
    the preview under a path of its own); ``slot`` names the issue shown, when not today's (the desk
    shows the one the scheduler sends next, with that slot's draft).
    """

    def rebuild() -> Preview:
        config = load_config(config_path)
        config.newsletter(name)  # a ConfigError when the newsletter was renamed meanwhile
        prepared = job.build(config, name, collection, now, slot_time=slot() if slot else None, strict=False)
        if prepared.rendered is None or prepared.issue is None:
            raise DigestError(f"Newsletter '{name}': {prepared.note}")
        rendered = prepared.rendered
        html_doc, text_doc = rendered.documents(values)  # the variant this reader gets
        html = served_images(config, Template(html_doc, escape=True).fill(values), files_url)
        text = Template(text_doc, escape=False).fill(values)
        drafted = (f"Using the editors' draft {prepared.draft}",) if prepared.draft else ()
        notes = (*drafted, *rendered.notes)
        return Preview(rendered.subject, prepared.issue.preheader, html, text, rendered.warnings, notes)

    return rebuild


def watched_paths(config: Config, name: str) -> list[Path]:
    """What editors change: their template folders, schedule.toml (theme and all), the drafts folder."""
    templates = [d for d in config.template_dirs(name) if d != DEFAULT_TEMPLATES]
    return [*templates, Path(config.path), Path(config.newsletters[name].drafts_dir)]


def mirrored_files(config: Config) -> dict[str, Path]:
    """The local folders of mirrored sources, served under /files/N/ so that their images show."""
    return {str(n): Path(m.dir) for n, m in enumerate(_mirrors(config)) if Path(m.dir).is_dir()}


def served_images(config: Config, html: str, files_url: str = "/files/") -> str:
    """Point mirrored images at the preview server's copy of their folder."""
    for n, mirror in enumerate(_mirrors(config)):
        html = html.replace(f'src="{mirror.url}', f'src="{files_url}{n}/')
    return html


def _mirrors(config: Config) -> list[MirrorConfig]:
    return [s.mirror for n in config.newsletters.values() for s in n.sources if s.mirror]


def serve(
    app: Starlette,
    host: str,
    port: int,
    ready: Callable[[str], None],
    stop: Callable[[], None] | None = None,
    what: str = "Preview server",
) -> None:
    """Serve the app until Ctrl-C; `ready` gets the URL once the port is bound (port 0: any free one).

    ``stop`` ends long-lived responses first (event streams); by default the app's live preview's.
    """
    sock = listen(host, port, what)
    bound = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_config=None, log_level="warning", access_log=False, ws="none", lifespan="on"
    )
    live = getattr(app.state, "live", None)
    server = StoppingServer(config, stop if stop is not None else live.stop if live else None)
    ready(f"http://{f'[{host}]' if ':' in host else host}:{bound}/")
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # uvicorn has shut down cleanly, then raised the Ctrl-C again for its caller
    finally:
        sock.close()


class StoppingServer(uvicorn.Server):
    """uvicorn waits for open responses before it stops: ``stop`` ends long-lived ones (event streams)."""

    def __init__(self, config: uvicorn.Config, stop: Callable[[], None] | None = None) -> None:
        super().__init__(config)
        self._stop = stop

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """Stop the long-lived responses first, then shut down as uvicorn does."""
        if self._stop is not None:
            self._stop()
        await super().shutdown(sockets)


def listen(host: str, port: int, what: str = "Server") -> socket.socket:
    """A listening socket, so that the URL is known (and answers) before the server starts."""
    # IPPROTO_TCP named, not 0: asyncio sets TCP_NODELAY on accepted sockets only then, and without it
    # a body written after its headers waits ~40 ms for the client's delayed ACK (Nagle).
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise DigestError(
            f"{what} cannot listen on {host}:{port}: {exc.strerror or exc}",
            "pass --port 0 to take any free port, or set [server] port",
        ) from None
    sock.listen(128)
    return sock
