"""The README documents every command: walked from the click group, so a new command cannot be missed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from digest.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, parent: click.Context) -> Iterator[tuple[str, click.Command]]:
    """Every command and subcommand under a group, with its path ("subscribers import")."""
    # list_commands/get_command rather than .commands: they also see commands a group loads lazily.
    for name in group.list_commands(parent):
        command = group.get_command(parent, name)
        assert command is not None, name
        yield name, command
        if isinstance(command, click.Group):
            context = click.Context(command, info_name=name, parent=parent)
            yield from ((f"{name} {path}", sub) for path, sub in commands(command, context))


ALL = dict(commands(cli, click.Context(cli, info_name="digest")))


def test_the_walk_finds_the_commands_and_the_subcommands() -> None:
    assert {"run", "preview", "subscribers", "subscribers import", "archive build"} <= set(ALL)


@pytest.mark.parametrize("path", sorted(ALL))
def test_every_command_has_help(path: str) -> None:
    assert (ALL[path].help or "").strip(), f"`digest {path}` has no help text: give it a docstring"


@pytest.mark.parametrize("path", sorted(p for p, c in ALL.items() if not isinstance(c, click.Group)))
def test_every_command_is_in_the_readmes_table(path: str) -> None:
    assert f"| `digest {path}" in README, f"`digest {path}` is missing from the README's Commands table"
