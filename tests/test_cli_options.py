"""Global options work before or after the command, and -q quiets every command but its summary."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import digest, write_config


@pytest.fixture
def project(tmp_path: Path, live_site: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    write_config(folder, live_site)
    (folder / "schedule.toml").rename(folder / "other.toml")
    return folder


@pytest.mark.parametrize(
    "args",
    [("-c", "other.toml", "next", "--count", "1"), ("next", "--count", "1", "-c", "other.toml")],
    ids=["before", "after"],
)
def test_config_option_before_or_after_the_command(project: Path, args: tuple[str, ...]) -> None:
    result = digest(project, *args)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("weekly")


def test_config_after_the_command_wins_over_the_one_before(project: Path) -> None:
    result = digest(project, "-c", "missing.toml", "next", "-c", "other.toml")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_preview_prints_only_its_summary_line(project: Path, where: str) -> None:
    args = (
        ["-q", "preview", "-c", "other.toml"] if where == "before" else ["preview", "-c", "other.toml", "-q"]
    )

    result = digest(project, *args)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("Preview of ")
    assert "HTML:" not in result.stdout and "warning" not in result.stderr


def test_verbose_after_the_command_shows_the_traceback(project: Path) -> None:
    result = digest(project, "next", "-c", "missing.toml", "-v")

    assert result.returncode != 0 and "Traceback" in result.stderr
