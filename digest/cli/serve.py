"""`digest serve`: the public endpoints (unsubscribe, subscribe, confirm, webhooks) under uvicorn."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta

import click
import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.staticfiles import StaticFiles

from digest.cli import cli
from digest.cli.common import config_option, fetching, now_utc, out, signing_secret, store_for
from digest.cli.send import provider_client
from digest.config import Config, load_config
from digest.providers import Provider, create_provider
from digest.store import Store
from digest.web.app import create_app
from digest.web.mailer import Newsletter, provider_sender
from digest.web.public import PublicSite
from digest.web.ratelimit import RateLimiter
from digest.web.serve import StoppingServer, listen
from digest.web.sns import SnsVerifier
from digest.web.webhooks import Webhooks, WebhookSecrets


@cli.command()
@config_option
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
def serve(config_path: str, port: int | None, archive_dir: str | None, preview_name: str | None) -> None:
    """Serve unsubscribe, subscribe and confirm pages and the provider webhooks until Ctrl-C."""
    config = load_config(config_path)
    with store_for(config) as store:
        fallback = _preview(config, preview_name, store) if preview_name else None
        # Both are closed by the app's lifespan, on the loop that used them.
        client = provider_client(config.provider)
        provider = create_provider(config.provider, config.path, client=client)
        site, hooks = public_site(config, store, provider), webhooks(config, store, client)
        archive = StaticFiles(directory=archive_dir, html=True) if archive_dir else None
        app = create_app(
            site, hooks, archive=archive, fallback=fallback, cleanup=[provider.aclose, client.aclose]
        )
        for line in _status(config):
            out.print(line)
        stop = fallback.state.live.stop if fallback is not None else None
        run(app, config.server.host, config.server.port if port is None else port, out.print, stop)
    out.print("Server stopped.")


def public_site(config: Config, store: Store, provider: Provider) -> PublicSite:
    """The reader-facing side, its confirmation emails sent through the configured provider."""
    newsletters: dict[str, Newsletter] = {}
    for settings in config.newsletters.values():
        newsletters.setdefault(settings.list_name, Newsletter(settings.sender, settings.title))
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
    )


def webhooks(config: Config, store: Store, client: httpx.AsyncClient) -> Webhooks:
    """The webhook side, each secret read from the environment variable the config names."""
    names = config.server.webhooks
    secrets = WebhookSecrets(
        postmark_auth=os.environ.get(names.postmark_auth_env, ""),
        sendgrid_key=os.environ.get(names.sendgrid_key_env, ""),
        mailgun_key=os.environ.get(names.mailgun_key_env, ""),
        resend_secret=os.environ.get(names.resend_secret_env, ""),
    )
    max_age = timedelta(seconds=names.max_age)
    return Webhooks(
        store=store,
        secrets=secrets,
        sns=SnsVerifier(client, names.ses_topics, max_age),
        clock=now_utc,
        max_age=max_age,
        soft_bounce_limit=config.server.soft_bounce_limit,
    )


def _status(config: Config) -> list[str]:
    """Which webhooks will accept events, and which refuse everything for want of a secret."""
    names = config.server.webhooks
    envs = {
        "postmark": names.postmark_auth_env,
        "sendgrid": names.sendgrid_key_env,
        "mailgun": names.mailgun_key_env,
        "resend": names.resend_secret_env,
    }
    lines = [
        f"  /webhooks/{p}: " + ("on" if os.environ.get(env) else f"off (set {env})")
        for p, env in envs.items()
    ]
    ses = (
        f"on for {len(names.ses_topics)} topic(s)"
        if names.ses_topics
        else "off (list server.webhooks.ses_topics)"
    )
    return [
        f"Public pages at {config.server.public_url}/u/..., /subscribe, /confirm/...",
        *lines,
        f"  /webhooks/ses: {ses}",
    ]


def _preview(config: Config, name: str, store: Store) -> Starlette:
    """The live preview app for one newsletter (for editors: serve it on a private address only)."""
    from digest import job
    from digest.web.preview import create_app as preview_app
    from digest.web.serve import mirrored_files, rebuilder, watched_paths

    name, _ = config.newsletter(name)
    now = now_utc()
    prepared = fetching(config, store, lambda f: job.preview(config, name, f, store, now))
    values = {"email": "reader@example.org", "name": "Reader", "web_url": "#", "unsubscribe_url": "#"}
    rebuild = rebuilder(config.path, name, prepared.collection, values, now)
    return preview_app(rebuild, watched_paths(config, name), mirrored_files(config))


def run(
    app: Starlette, host: str, port: int, say: Callable[[str], None], stop: Callable[[], None] | None = None
) -> None:
    """Serve the app until Ctrl-C; ``stop`` ends long-lived responses first (the preview's streams)."""
    sock = listen(host, port)
    config = uvicorn.Config(
        app, log_config=None, log_level="warning", access_log=False, ws="none", lifespan="on"
    )
    server = StoppingServer(config, stop)
    say(
        f"Serving on http://{f'[{host}]' if ':' in host else host}:{sock.getsockname()[1]}/ (Ctrl-C stops it)"
    )
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # uvicorn has shut down cleanly, then raised the Ctrl-C again for its caller
    finally:
        sock.close()
