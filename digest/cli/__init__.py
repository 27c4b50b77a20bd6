"""The digest command line: each command is a thin call into one stage or the weekly job."""

from __future__ import annotations

import sys

import click

from digest import __version__
from digest.cli.common import err
from digest.errors import DigestError

_verbose = False


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="digest")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks and more detail.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the summary line.")
@click.pass_context
def cli(ctx: click.Context, verbose: bool, quiet: bool) -> None:
    """Build your publication's newsletter digest from its feeds and send it safely."""
    global _verbose
    _verbose = verbose
    ctx.obj = {"quiet": quiet}


def main() -> None:
    """Entry point: run the CLI; a DigestError is printed without a traceback and exits 1."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        err.print("Aborted.")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except DigestError as exc:
        if _verbose:
            raise
        err.print(f"Error: {exc}", style="bold red")
        sys.exit(1)


from digest.cli import archive, init, issue, schedule, send, serve, subscribers, teaser  # noqa: E402  (registers the commands on the group)

__all__ = ["archive", "cli", "init", "issue", "main", "schedule", "send", "serve", "subscribers", "teaser"]
