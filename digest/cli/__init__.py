"""The digest command line: each command parses, calls the service layer and prints.

Commands are imported when they run, not at start: `digest --help` lists them from COMMANDS
without importing a single stage (a test checks that the help here matches each command's own).
"""

from __future__ import annotations

import importlib
import sys

import click

from digest import __version__
from digest.cli.common import err, global_options, group_config_option, settings
from digest.errors import DigestError

# name → (module under digest.cli, attribute, the command's one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "approve": ("schedule", "approve", 'Approve an issue that waits for an editor (approval = "required").'),
    "archive": ("archive", "archive", "The public archive of sent issues."),
    "check": (
        "issue",
        "check",
        "Validate schedule.toml and render every newsletter's templates with a sample issue.",
    ),
    "collect": (
        "collecting",
        "collect",
        "Show what the next issue would contain, and why other items were left out (sends nothing).",
    ),
    "desk": (
        "desk",
        "desk",
        "Run the next issue from the browser: order, pin, drop, edit, test and approve (Ctrl-C stops it).",
    ),
    "draft": (
        "issue",
        "draft",
        "Write the next issue's picks to drafts/<newsletter>/<date>.toml for editors to change.",
    ),
    "feed": (
        "collecting",
        "feed",
        "Parse one feed (URL or path) and print its items, ignoring any window; exit 1 when broken.",
    ),
    "inbound": (
        "inbound",
        "inbound",
        "Unsubscribe the reader whose mailto: unsubscribe email is on stdin (exit 1 for a bad token).",
    ),
    "init": (
        "init",
        "init",
        "Start a new publication in FOLDER: schedule.toml, templates/, subscribers/ and a sample feed.",
    ),
    "issues": ("send", "issues", "List the latest issues with their deliveries counted per state."),
    "next": ("timing", "next_", "Print the next runs of every newsletter, in its local time and in UTC."),
    "preview": (
        "issue",
        "preview",
        "Build the next issue and write preview.html and preview.txt, or serve it live (sends nothing).",
    ),
    "report": (
        "report",
        "report",
        "Show how an issue did (deliveries, reactions, opens, clicks per article), or a newsletter's trend.",
    ),
    "run": ("send", "run", "Run the weekly job now: collect, summarize, render and send to the list."),
    "schedule": (
        "schedule",
        "schedule",
        "Run the scheduler in the foreground: each newsletter goes out at its send_at, once per slot.",
    ),
    "send": (
        "send",
        "send",
        "Send an issue: today's (like run), a stopped one (--resume), to test addresses, or as a dry run.",
    ),
    "serve": (
        "serve",
        "serve",
        "Serve unsubscribe, subscribe and confirm pages and the provider webhooks until Ctrl-C.",
    ),
    "service": (
        "service",
        "service",
        "Run digest as a service: systemd units for the scheduler and the server.",
    ),
    "status": (
        "status",
        "status",
        "Show the scheduler's heartbeat and each newsletter's state; exit 0 healthy, 1 degraded, 2 down.",
    ),
    "subscribers": (
        "subscribers",
        "subscribers",
        "Import, export, add, remove, list and count subscribers.",
    ),
    "teaser": (
        "teaser",
        "teaser",
        "Print the teaser for one page (file or URL): lede, image, credit, section, what was dropped.",
    ),
}


class LazyGroup(click.Group):
    """A group whose commands are imported only when one of them runs (or its help is asked for)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command's name, from the table."""
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import the command's module and return it."""
        if cmd_name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(f"digest.cli.{module}"), attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of `digest --help`, from the table: nothing is imported for it."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, _shortened(line, limit)) for name, (_, _, line) in sorted(COMMANDS.items())]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="digest")
@group_config_option
@global_options
def cli() -> None:
    """Build your publication's newsletter digest from its feeds and send it safely."""


def _shortened(line: str, limit: int) -> str:
    """A help line cut at a word to fit the terminal, as click shortens its own."""
    if len(line) <= limit:
        return line
    return line[: line.rfind(" ", 0, limit - 3)].rstrip(" ,:;") + "..."


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
        if _verbose():
            raise
        err.print(f"Error: {exc}", style="bold red")
        sys.exit(1)


def _verbose() -> bool:
    context = click.get_current_context(silent=True)
    return bool(context and settings(context)["verbose"]) or "-v" in sys.argv or "--verbose" in sys.argv


__all__ = ["COMMANDS", "cli", "main"]
