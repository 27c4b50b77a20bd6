"""`digest serve`: the public endpoints (unsubscribe, subscribe, confirm, webhooks) under uvicorn."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta

import click
import httpx
from starlette.applications import Starlette
from starlette.staticfiles import StaticFiles

from digest.cli.common import config_option, now_utc, out, store_for
from digest.config import Config, ThemeConfig, load_config
from digest.providers import Provider, create_provider
from digest.service import Runtime
from digest.service.runtime import provider_client, signing_secret
from digest.store import Store
from digest.web.app import create_app
from digest.web.live import serve as serve_app
from digest.web.mailer import Newsletter, provider_sender
from digest.web.public import PublicSite
from digest.web.ratelimit import RateLimiter
from digest.web.webhooks import Webhooks, webhook_status


@click.command()
@config_option
@click.option("--host", help="Address to listen on ([server] host by default; 0.0.0.0 in a container).")
@click.option(
    "--port", type=click.IntRange(0, 65535), help="Port ([server] port by default; 0: any free one)."
)
@click.option(
    "--archive",
    "archive_dir",
    type=click.Path(file_okay=False, exists=True),
    help="Serve this folder (made by `digest archive build`) at /archive/.",
)
@click.option(
    "--preview", "preview_name", metavar="NEWSLETTER", help="Also serve this newsletter's live preview."
)
def serve(
    config_path: str, host: str | None, port: int | None, archive_dir: str | None, preview_name: str | None
) -> None:
    """Serve unsubscribe, subscribe and confirm pages and the provider webhooks until Ctrl-C."""
    config = load_config(config_path)
    with store_for(config) as store:
        fallback = _preview(config, preview_name, store) if preview_name else None
        # Both are closed by the app's lifespan, on the loop that used them.
        client = provider_client(config.provider)
        provider = create_provider(config.provider, config.path, client=client)
        site, hooks = public_site(config, store, provider), webhooks(config, store, client)
        archive = StaticFiles(directory=archive_dir, html=True) if archive_dir else None
        desk = _desk(config, preview_name, store) if config.desk.enabled else None
        app = create_app(
            site,
            hooks,
            archive=archive,
            fallback=fallback,
            cleanup=[provider.aclose, client.aclose],
            desk=desk,
        )
        for line in _status(config, hooks) + (["The desk at /desk/ (login required)"] if desk else []):
            out.print(line)
        stops = [a.state.live.stop for a in (fallback, desk) if a is not None]
        address = config.server.host if host is None else host
        run(app, address, config.server.port if port is None else port, out.print, _all(stops))
    out.print("Server stopped.")


def public_site(config: Config, store: Store, provider: Provider) -> PublicSite:
    """The reader-facing side, its confirmation emails sent through the configured provider."""
    newsletters: dict[str, Newsletter] = {}
    themes: dict[str, ThemeConfig] = {}
    for name, settings in config.newsletters.items():
        newsletters.setdefault(settings.list_name, Newsletter(settings.sender, settings.title))
        # A list that several newsletters share wears the first one's theme, as it takes its title.
        themes.setdefault(settings.list_name, config.theme_for(name))
    server = config.server
    return PublicSite(
        store=store,
        secret=signing_secret(config, store),
        public_url=server.public_url,
        lists={name: n.title for name, n in newsletters.items()},
        send_confirmation=provider_sender(provider, newsletters, now_utc),
        clock=now_utc,
        limiter=RateLimiter(server.subscribe_limit, server.subscribe_window),
        confirm_max_age=timedelta(days=server.confirm_days),
        themes=themes,
    )


def webhooks(config: Config, store: Store, client: httpx.AsyncClient) -> Webhooks:
    """The webhook side: the registry's providers, each secret read from the variable the config names."""
    return Webhooks(
        store, config.server.webhooks, os.environ, client, now_utc, config.server.soft_bounce_limit
    )


def _status(config: Config, hooks: Webhooks) -> list[str]:
    """Where the public pages are, and which webhooks accept events."""
    tracked = [name for name, n in config.newsletters.items() if n.links.track_clicks]
    clicks = (
        [f"Click redirects at {config.server.public_url}/c/... ({', '.join(tracked)})"] if tracked else []
    )
    return [
        f"Public pages at {config.server.public_url}/u/..., /subscribe, /confirm/...",
        *clicks,
        *webhook_status(hooks),
    ]


def _preview(config: Config, name: str, store: Store) -> Starlette:
    """The live preview app for one newsletter (for editors: serve it on a private address only)."""
    from digest import job
    from digest.service.issues import preview_values
    from digest.web.live import mirrored_files, rebuilder, watched_paths
    from digest.web.preview import create_app as preview_app

    name, _ = config.newsletter(name)
    runtime = Runtime(config, store)
    now = runtime.clock()
    prepared = runtime.fetching(lambda f: job.preview(config, name, f, store, now))
    issue_id = prepared.rendered.issue_id if prepared.rendered else job.issue_slot(config, name, now)[0]
    rebuild = rebuilder(config.path, name, prepared.collection, preview_values(runtime, name, issue_id), now)
    return preview_app(rebuild, watched_paths(config, name), mirrored_files(config))


def _desk(config: Config, name: str | None, store: Store) -> Starlette:
    """The editors' desk at /desk: always behind its login, since `digest serve` faces the readers."""
    from digest.cli.desk import desk_token
    from digest.service.desk import Desk
    from digest.service.issues import preview_values
    from digest.web.desk import create_desk

    token = desk_token(config.desk.token_env)
    name, _ = config.newsletter(name)
    desk = Desk.open(Runtime(config, store), name)
    values = preview_values(desk.runtime, name, desk.view().issue_id)
    return create_desk(desk, values, login=True, token=token)


def _all(stops: list[Callable[[], None]]) -> Callable[[], None] | None:
    """One stop for every live preview served (the fallback's, the desk's)."""
    if not stops:
        return None

    def stop_all() -> None:
        for stop in stops:
            stop()

    return stop_all


def run(
    app: Starlette, host: str, port: int, say: Callable[[str], None], stop: Callable[[], None] | None = None
) -> None:
    """Serve the app until Ctrl-C; ``stop`` ends long-lived responses first (the preview's streams)."""
    serve_app(
        app,
        host,
        port,
        lambda url: say(f"Serving on {url} (Ctrl-C stops it)"),
        stop or (lambda: None),
        "Server",
    )
