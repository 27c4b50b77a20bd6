"""`digest desk`: the editors' desk in the browser, on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import os

import click

from digest.cli.common import config_option, out, runtime_for

DESK_PORT = 8026  # beside [server] port (8025), so that `digest serve` and the desk can run together


@click.command()
@config_option
@click.argument("newsletter", required=False)
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (others need a login)."
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=DESK_PORT, show_default=True, help="0: any free port."
)
@click.option("--fetch", is_flag=True, help="Read the sources again first instead of the last collection.")
def desk(config_path: str, newsletter: str | None, host: str, port: int, fetch: bool) -> None:
    """Run the next issue from the browser: order, pin, drop, edit, test and approve (Ctrl-C stops it)."""
    from digest.service.desk import Desk
    from digest.service.issues import preview_values
    from digest.web.desk import create_desk
    from digest.web.desk_access import login_required
    from digest.web.live import serve

    with runtime_for(config_path) as runtime:
        name, _ = runtime.config.newsletter(newsletter)
        opened = Desk.open(runtime, name, fetch=fetch)
        login = login_required(host)
        token = desk_token(runtime.config.desk.token_env) if login else ""
        values = preview_values(runtime, name, opened.view().issue_id)
        app = create_desk(opened, values, login=login, token=token)

        def ready(url: str) -> None:
            out.print(
                f"Desk of '{name}' at {url} — draft {opened.path()}" + (" (login required)" if login else "")
            )

        serve(app, host, port, ready)
    out.print("Desk stopped.")


def desk_token(variable: str) -> str:
    """The login token from the environment variable [desk] token_env names; an error when unset."""
    from digest.errors import DigestError

    token = os.environ.get(variable, "")
    if len(token) < 16:
        raise DigestError(
            f"Desk login '{variable}': the environment variable is unset or shorter than 16 characters",
            f"a desk off 127.0.0.1 needs a login: export {variable}=$(python -c "
            "'import secrets; print(secrets.token_urlsafe(24))')",
        )
    return token
