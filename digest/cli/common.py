"""What every command shares: the consoles, the global options (before or after the command), JSON, logs.

Kept light on purpose: `digest --help` imports this module and click only, so nothing heavy is
imported here at module level (config, store and the stages are imported by the commands that use them).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
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
_LOGGING = "digest.logging"  # this command's log handler and digest's level, in the root context
LOG_FORMATS = ("text", "json")


def settings(ctx: click.Context | None = None) -> dict[str, Any]:
    """The global options as given before or after the command: config, verbose, quiet, log_format."""
    root = (ctx or click.get_current_context()).find_root()
    defaults = {"config": None, "verbose": False, "quiet": False, "log_format": "text"}
    found: dict[str, Any] = root.meta.setdefault(_KEY, defaults)
    return found


def _remember(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
        if value:
            settings(ctx)[name] = value
            if name == "quiet":
                out.quiet = True  # -q: only errors (stderr) and summary lines (`summary`) are printed
        if name in ("verbose", "log_format"):
            # Called for every occurrence of the options, given or not: the last call, once the
            # command's own options are parsed, sees them all.
            configure_logging(ctx=ctx)
        return value

    return callback


def global_options(func: F) -> F:
    """-v, -q and --log-format, accepted before the command (on the group) and after it (on each command)."""
    func = click.option(
        "--log-format", type=click.Choice(LOG_FORMATS), default=None, expose_value=False,
        callback=_remember("log_format"),
        help="How log lines are written to stderr: text, or one JSON object per line.",
    )(func)  # fmt: skip
    func = click.option(
        "-q", "--quiet", is_flag=True, expose_value=False, callback=_remember("quiet"),
        help="Print only errors and the summary line.",
    )(func)  # fmt: skip
    return click.option(
        "-v", "--verbose", is_flag=True, expose_value=False, callback=_remember("verbose"),
        help="Show tracebacks and more detail (and the libraries' log lines).",
    )(func)  # fmt: skip


# Masked in every log line: credentials in a URL, and the part of an email address before the @
# (a subscriber's address must never reach a log; the domain is kept, it helps to debug a provider).
_CREDENTIALS = re.compile(r"(?<=://)[^/\s@]+@")
_ADDRESS = re.compile(r"[\w.!#$%&*+=?^`{|}~-]+@(?=[\w-]+\.\w)")
# Records carry these attributes themselves; anything else on a record came with `extra=`.
_RECORD_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def redact(text: str) -> str:
    """A log line without URL credentials or the local part of email addresses."""
    return _ADDRESS.sub("***@", _CREDENTIALS.sub("***@", text))


def _utc(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class TextFormatter(logging.Formatter):
    """`2026-11-27T14:00:02.125Z INFO digest.scheduler: weekly: …`, in UTC, addresses masked."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line (and its traceback, if any)."""
        line = f"{_utc(record)} {record.levelname} {record.name}: {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return redact(line)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message and every `extra=` field."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one JSON object on one line."""
        data: dict[str, Any] = {
            "time": _utc(record), "level": record.levelname, "logger": record.name,
            "message": record.getMessage(),
        }  # fmt: skip
        data.update((k, v) for k, v in vars(record).items() if k not in _RECORD_FIELDS)
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps({k: _redacted(v) for k, v in data.items()}, default=str, ensure_ascii=False)


def _redacted(value: object) -> object:
    return redact(value) if isinstance(value, str) else value


# Library loggers held at WARNING even with -v: SQLAlchemy's INFO is every statement with its values.
_ALWAYS_QUIET = ("sqlalchemy",)
# Library loggers whose warnings digest answers itself, shown only with -v: trafilatura's "discarding
# data" for a page it finds no article in, when digest goes on to its own fallbacks.
_QUIET_UNLESS_VERBOSE = ("trafilatura", "htmldate", "courlan", "justext")


def configure_logging(digest_level: int | None = None, *, ctx: click.Context | None = None) -> None:
    """Log to stderr for this command, as text or JSON (--log-format); libraries at WARNING unless -v.

    digest's own loggers log at ``digest_level`` (WARNING unless a command such as `digest schedule`
    asks for INFO). Undone when the command ends, so a command run in-process leaves no handler.
    """
    root_ctx = (ctx or click.get_current_context()).find_root()
    found = settings(root_ctx)
    state: dict[str, Any] | None = root_ctx.meta.get(_LOGGING)
    root, own = logging.getLogger(), logging.getLogger("digest")
    if state is None:  # the first call of this command: remember what to put back
        loggers = (root, own, *(logging.getLogger(n) for n in (*_ALWAYS_QUIET, *_QUIET_UNLESS_VERBOSE)))
        state = root_ctx.meta[_LOGGING] = {"handler": None, "level": logging.WARNING}
        before = [(logger, logger.level) for logger in loggers]
        root_ctx.call_on_close(lambda: _restore(state, before))
    if digest_level is not None:
        state["level"] = digest_level
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter() if found["log_format"] == "json" else TextFormatter())
    if state["handler"] is not None:
        root.removeHandler(state["handler"])
    root.addHandler(handler)
    state["handler"] = handler
    root.setLevel(logging.INFO if found["verbose"] else logging.WARNING)
    own.setLevel(min(state["level"], root.level))
    for name in _ALWAYS_QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in _QUIET_UNLESS_VERBOSE:
        logging.getLogger(name).setLevel(logging.NOTSET if found["verbose"] else logging.ERROR)


def _restore(state: dict[str, Any], before: list[tuple[logging.Logger, int]]) -> None:
    logging.getLogger().removeHandler(state["handler"])
    for logger, level in before:
        logger.setLevel(level)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is when a record comes (as logging's own last resort does)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


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
