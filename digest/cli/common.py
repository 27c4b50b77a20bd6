"""What every command shares: the consoles, the global options (before or after the command), JSON.

Kept light on purpose: `digest --help` imports this module and click only, so nothing heavy is
imported here at module level (config, store and the stages are imported by the commands that use them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console

if TYPE_CHECKING:
    from digest.config import Config
    from digest.service import Runtime
    from digest.store import Store

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_CONFIG = "schedule.toml"  # digest.config.DEFAULT_CONFIG says the same (a test checks)
out = Console(highlight=False, markup=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, markup=False, soft_wrap=True)
_KEY = "digest"


def settings(ctx: click.Context | None = None) -> dict[str, Any]:
    """The global options as given before or after the command: config, verbose, quiet."""
    root = (ctx or click.get_current_context()).find_root()
    found: dict[str, Any] = root.meta.setdefault(_KEY, {"config": None, "verbose": False, "quiet": False})
    return found


def _remember(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
        if value:
            settings(ctx)[name] = value
            if name == "quiet":
                out.quiet = True  # -q: only errors (stderr) and summary lines (`summary`) are printed
        return value

    return callback


def global_options(func: F) -> F:
    """-v and -q, accepted before the command (on the group) and after it (on each command)."""
    func = click.option(
        "-q", "--quiet", is_flag=True, expose_value=False, callback=_remember("quiet"),
        help="Print only errors and the summary line.",
    )(func)  # fmt: skip
    return click.option(
        "-v", "--verbose", is_flag=True, expose_value=False, callback=_remember("verbose"),
        help="Show tracebacks and more detail.",
    )(func)  # fmt: skip


def _config_path(ctx: click.Context, _param: click.Parameter, value: str | None) -> str:
    chosen = value or settings(ctx)["config"] or DEFAULT_CONFIG
    settings(ctx)["config"] = chosen
    return str(chosen)


def config_option(func: F) -> F:
    """-c/--config (default ./schedule.toml), and the global -v/-q, on a command."""
    func = global_options(func)
    return click.option(
        "-c", "--config", "config_path", default=None, callback=_config_path, is_eager=False,
        type=click.Path(dir_okay=False), help=f"The schedule.toml to use (default: {DEFAULT_CONFIG}).",
    )(func)  # fmt: skip


def group_config_option(func: F) -> F:
    """-c/--config on the group: a default for the command after it."""
    return click.option(
        "-c", "--config", "config_path", default=None, expose_value=False, callback=_remember("config"),
        type=click.Path(dir_okay=False), help=f"The schedule.toml to use (default: {DEFAULT_CONFIG}).",
    )(func)  # fmt: skip


def json_option(func: F) -> F:
    """--json, for commands whose output a script may read."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(func)


def quiet() -> bool:
    """Whether -q was given (before or after the command)."""
    return bool(settings()["quiet"])


def summary(line: str) -> None:
    """A run's summary line: printed even with -q."""
    click.echo(line)


def report_problems(problems: Iterable[object]) -> None:
    """Warn about sources that failed; the run went on without them (not with -q)."""
    if quiet():
        return
    for problem in problems:
        err.print(f"warning: {problem}", style="yellow")


def now_utc() -> datetime:
    """The real clock."""
    from digest.service.runtime import now_utc as clock

    return clock()


@contextmanager
def store_for(config: Config) -> Iterator[Store]:
    """The configured store, closed afterwards (for commands that need nothing else)."""
    from digest.store import open_store

    store = open_store(config.store.url)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def runtime_for(config_path: str) -> Iterator[Runtime]:
    """The service's runtime on the config: store, clock and collaborators."""
    from digest.service import Runtime

    with Runtime.open(config_path) as runtime:
        yield runtime
