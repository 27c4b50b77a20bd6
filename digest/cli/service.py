"""`digest service systemd`: unit files that run the scheduler and the server under systemd."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

import click

from digest.cli.common import config_option, err, quiet, summary
from digest.errors import DigestError

if TYPE_CHECKING:
    from digest.config import Config

DEFAULT_ENV_FILE = "/etc/digest/digest.env"
UNIT_DIR = "/etc/systemd/system"
HOMES = (PurePath("/home"), PurePath("/root"))
TEMPS = (PurePath("/tmp"), PurePath("/var/tmp"))
# Words that ExecStart= and ReadWritePaths= take as they are; any other word is quoted.
_PLAIN = re.compile(r"[A-Za-z0-9_@%+=:,./-]+")
_USER = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\$?|[0-9]+")


@dataclass(frozen=True, slots=True)
class Unit:
    """One of the two services: its file name, what it runs, and how long it may take to stop."""

    name: str
    command: str
    description: str
    stop_timeout: str
    stop_reason: tuple[str, ...]  # the comment above TimeoutStopSec=


UNITS = (
    Unit(
        "digest-scheduler.service",
        "schedule",
        "digest scheduler: each newsletter goes out at its send_at",
        "30min",
        (
            "SIGTERM lets a running send finish before the scheduler exits: give it that long. A send",
            "cut off at the timeout is picked up when the scheduler starts again (within max_lateness)",
            "or finished by `digest send --resume ISSUE`; raise the timeout when your sends take longer.",
        ),
    ),
    Unit(
        "digest-server.service",
        "serve",
        "digest server: unsubscribe, subscribe and confirm pages, webhooks and click redirects",
        "30s",
        ("SIGTERM stops the server once the open requests are answered.",),
    ),
)


@dataclass(frozen=True, slots=True)
class Deployment:
    """What both units share: the command, who runs it, its files, and the folders it may write."""

    digest: tuple[str, ...]  # the digest executable, or python -m digest
    config: Path
    user: str
    group: str | None  # None: the user is unknown here, and systemd takes its primary group
    env_file: str
    secrets: tuple[str, ...]  # the variables the environment file should set
    writes: tuple[Path, ...]
    postgres: bool

    @property
    def folder(self) -> Path:
        """The config's folder: the working directory, against which relative paths resolve."""
        return self.config.parent

    @property
    def protect_home(self) -> bool:
        """Whether ProtectHome= fits: nothing digest works in lies under /home or /root."""
        return not any(path.is_relative_to(home) for path in (self.folder, *self.writes) for home in HOMES)

    @property
    def private_tmp(self) -> bool:
        """Whether PrivateTmp= fits: nothing digest works in lies under /tmp or /var/tmp."""
        return not any(path.is_relative_to(tmp) for path in (self.folder, *self.writes) for tmp in TEMPS)


@click.group()
def service() -> None:
    """Run digest as a service: systemd units for the scheduler and the server."""


@service.command()
@config_option
@click.option("--user", metavar="NAME", help="The user the services run as (default: the current user).")
@click.option(
    "--env-file",
    metavar="PATH",
    default=DEFAULT_ENV_FILE,
    show_default=True,
    help="The file holding the secrets (DIGEST_SECRET, the provider's key), mode 0600.",
)
@click.option(
    "--digest",
    "digest_path",
    metavar="PATH",
    type=click.Path(dir_okay=False),
    help="The digest executable (default: this one).",
)
@click.option(
    "--out",
    "out_dir",
    metavar="DIR",
    type=click.Path(file_okay=False),
    help="Write digest-scheduler.service and digest-server.service into DIR instead of printing them.",
)
def systemd(
    config_path: str, user: str | None, env_file: str, digest_path: str | None, out_dir: str | None
) -> None:
    """Print systemd units for `digest schedule` and `digest serve`, to save under /etc/systemd/system/."""
    from digest.config import load_config

    config = load_config(config_path)
    name = _checked_user(user or pwd.getpwuid(os.geteuid()).pw_name)
    deployment = Deployment(
        digest=_command(digest_path),
        config=Path(config.path),
        user=name,
        group=_primary_group(name),
        env_file=_absolute(env_file, "--env-file"),
        secrets=tuple(v for v in (config.server.secret_env, config.provider.api_key_env) if v),
        writes=written_folders(config),
        postgres=config.store.url.startswith("postgresql"),
    )
    units = {unit.name: unit_file(deployment, unit) for unit in UNITS}
    if out_dir is None:
        click.echo("\n".join(units.values()), nl=False)  # as it is: no console markup or wrapping
    else:
        _write(Path(out_dir).absolute(), units)
    _notes(deployment)


def unit_file(d: Deployment, unit: Unit) -> str:
    """The text of one unit file."""
    exec_start = [*d.digest, unit.command, "-c", str(d.config)]
    group = (
        [f"Group={d.group}"] if d.group else [f"# Group= is left out: systemd takes {d.user}'s own group."]
    )
    return "\n".join(
        [
            f"# Written by `digest service systemd`. Save it as {UNIT_DIR}/{unit.name}, then run",
            f"#   systemctl daemon-reload && systemctl enable --now {unit.name.removesuffix('.service')}",
            "[Unit]",
            f"Description={_specifiers(unit.description)}",
            *_ordering(d.postgres),
            "",
            "[Service]",
            "Type=simple",
            f"User={d.user}",
            *group,
            f"WorkingDirectory={_path_value(d.folder)}",
            *_environment(d),
            f"ExecStart={' '.join(_exec_word(word) for word in exec_start)}",
            "Restart=on-failure",
            "RestartSec=5",
            *(f"# {line}" for line in unit.stop_reason),
            "KillSignal=SIGTERM",
            "# SIGTERM goes to the main process only: it stops its page-parsing worker processes itself",
            "# (they would die mid-page otherwise); whatever is left at the timeout is killed.",
            "KillMode=mixed",
            f"TimeoutStopSec={unit.stop_timeout}",
            "",
            *_hardening(d),
            "",
            "[Install]",
            "WantedBy=multi-user.target",
            "",
        ]
    )


def _ordering(postgres: bool) -> list[str]:
    """After=/Wants= the network, and the local PostgreSQL server when the store is PostgreSQL."""
    comment = (
        "# The store is PostgreSQL: start after its server if it runs here (After= only orders).",
        "# With a PostgreSQL store on this machine, add postgresql.service to After=.",
    )[not postgres]
    after = "network-online.target postgresql.service" if postgres else "network-online.target"
    return [comment, f"After={after}", "Wants=network-online.target"]


def _environment(d: Deployment) -> list[str]:
    """EnvironmentFile= with a comment on what it holds, and unbuffered output for the journal."""
    named = ", ".join(d.secrets) or "the variables your schedule.toml names"
    return [
        f"# Secrets never go in schedule.toml: this file sets {named} and the provider's",
        "# and webhooks' other keys, one NAME=value a line. Keep it owned by root, mode 0600: systemd",
        "# reads it before it switches to User=. Without the file the service does not start.",
        f"EnvironmentFile={_path_value(PurePath(d.env_file))}",
        "# Each line reaches the journal as it is written (journalctl -u NAME).",
        "Environment=PYTHONUNBUFFERED=1",
    ]


def _hardening(d: Deployment) -> list[str]:
    """The sandbox: a read-only system but for the folders digest writes, and no privileges to gain."""
    missing = [str(path) for path in d.writes if not path.exists()]
    create = ["# Create these first, owned by the user: " + " ".join(missing)] if missing else []
    home = ["ProtectHome=read-only"] if d.protect_home else [
        "# ProtectHome= is left off: digest's folders are under /home or /root, which ProtectHome",
        "# would hide or freeze. ProtectSystem=strict still keeps all but ReadWritePaths= read-only.",
    ]  # fmt: skip
    tmp = ["PrivateTmp=yes"] if d.private_tmp else [
        "# PrivateTmp= is left off: digest's folders are under /tmp, which it would replace with an",
        "# empty one. A publication belongs somewhere that lasts, such as /srv/digest.",
    ]  # fmt: skip
    return [
        "# Hardening: the whole system is read-only but the folders digest writes: the config's folder",
        "# (preview/ and, by default, the SQLite store, outbox/ and drafts/) and any set elsewhere.",
        *create,
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        f"ReadWritePaths={' '.join(_word(str(path)) for path in d.writes)}",
        *home,
        *tmp,
        "PrivateDevices=yes",
        "ProtectKernelTunables=yes",
        "ProtectKernelModules=yes",
        "ProtectControlGroups=yes",
        "RestrictSUIDSGID=yes",
        "LockPersonality=yes",
        "# AF_UNIX: a PostgreSQL socket, and the page parser's worker processes.",
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
        "SystemCallArchitectures=native",
        "UMask=0077",
    ]


def written_folders(config: Config) -> tuple[Path, ...]:
    """The folders digest writes, each once: a folder inside another listed one is covered by it."""
    drafts = (Path(newsletter.drafts_dir) for newsletter in config.newsletters.values())
    folders = {config.base_dir, Path(config.provider.outbox_dir), *drafts}
    store = _sqlite_file(config.store.url)
    if store is not None:
        folders.add(store.parent)  # the folder, not the file: SQLite writes its journal beside it
    return tuple(sorted(f for f in folders if not any(o != f and f.is_relative_to(o) for o in folders)))


def _sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite store URL (None for PostgreSQL or an in-memory database)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).absolute()


def _command(given: str | None) -> tuple[str, ...]:
    """How the units start digest: the path given, the executable running, or python -m digest."""
    if given:
        return (_absolute(given, "--digest"),)
    running = Path(sys.argv[0])
    # Absolute, not resolved: a link such as /usr/local/bin/digest stays valid across upgrades.
    if running.name == "digest" and running.is_file() and os.access(running, os.X_OK):
        return (str(running.absolute()),)
    beside = Path(sys.executable).parent / "digest"  # the venv's script, when run as python -m digest
    found = str(beside) if beside.is_file() else shutil.which("digest")
    if found:
        return (str(Path(found).absolute()),)
    return (str(Path(sys.executable).absolute()), "-m", "digest")


def _checked_user(name: str) -> str:
    """The user name, refused when systemd could not take it for User=."""
    if not _USER.fullmatch(name):
        raise DigestError(f"User '{name}' cannot run a systemd service", "pass --user with a user name")
    return name


def _primary_group(user: str) -> str | None:
    """The user's primary group on this machine; None when the user does not exist here."""
    import grp

    try:
        gid = pwd.getpwnam(user).pw_gid
    except KeyError:
        return None
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def _absolute(path: str, option: str) -> str:
    """The path as given, refused when relative: a unit starts in another folder than this shell."""
    if not os.path.isabs(path):
        raise DigestError(f"{option} '{path}' is not an absolute path", f"pass {option} /full/path")
    return path


def _checked(text: str) -> str:
    """A path or word as it is, refused when no line of a unit file can hold it."""
    if any(ord(c) < 32 or ord(c) == 127 for c in text) or text != text.strip():
        raise DigestError(
            f"Path {text!r} cannot go in a systemd unit: it has a control character or spaces at an end",
            "move the file to a plain path (or pass --digest, --env-file or -c with one)",
        )
    return text


def _specifiers(text: str) -> str:
    """Escape systemd's specifiers (%n, %h, …): a % in a path stays a literal %."""
    return text.replace("%", "%%")


def _path_value(path: PurePath) -> str:
    """A path for a setting that takes the rest of its line as one path, unquoted (WorkingDirectory=)."""
    return _specifiers(_checked(str(path)))


def _exec_word(word: str) -> str:
    """One word of ExecStart=, where $NAME would expand to a variable: $$ is a literal $."""
    return _word(word).replace("$", "$$")


def _word(text: str) -> str:
    """One word of a list as systemd splits it: double-quoted, with backslash escapes, unless plain."""
    if _PLAIN.fullmatch(_checked(text)):
        return _specifiers(text)
    return '"' + _specifiers(text.replace("\\", "\\\\").replace('"', '\\"')) + '"'


def _write(folder: Path, units: dict[str, str]) -> None:
    """Write each unit into the folder, made when missing."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in units.items():
        (folder / name).write_text(text, encoding="utf-8")
    summary(f"Wrote {' and '.join(str(folder / name) for name in units)}")


def _notes(d: Deployment) -> None:
    """What to do next, on stderr: the printed units can be redirected to a file."""
    if quiet():
        return
    if d.user == "root":
        err.print("note: the units run digest as root; pass --user with a dedicated user instead")
    if d.group is None:
        err.print(f"note: user '{d.user}' does not exist here; create it on the machine that runs digest")
    err.print(
        f"next: put the secrets in {d.env_file} (chmod 600), save the units under {UNIT_DIR}/, then run "
        "`systemctl daemon-reload && systemctl enable --now digest-scheduler digest-server`"
    )
