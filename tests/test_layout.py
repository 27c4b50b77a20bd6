"""The house rules of the layout, checked on the source: who may import whom, and the lazy CLI table."""

from __future__ import annotations

import ast
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import ROOT

from digest.cli import COMMANDS, LazyGroup, cli

PACKAGE = ROOT / "digest"
STAGES = ("collect", "ledes", "compose", "render", "deliver", "drafts", "personalize")


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function (relative imports resolved)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def modules(*under: str) -> list[Path]:
    return sorted(p for folder in under for p in (PACKAGE / folder).rglob("*.py")) if under else []


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def everything_but(*excluded: str) -> list[Path]:
    skip = {PACKAGE / e for e in excluded}
    return [p for p in PACKAGE.rglob("*.py") if not any(p == s or s in p.parents for s in skip)]


@pytest.mark.parametrize("path", everything_but("cli", "web", "__main__.py"), ids=module_name)
def test_nothing_outside_the_cli_and_the_web_app_imports_them(path: Path) -> None:
    bad = {
        m
        for m in imports_of(path)
        if m in ("digest.cli", "digest.web") or m.startswith(("digest.cli.", "digest.web."))
    }
    assert not bad, f"{module_name(path)} imports {sorted(bad)}"


@pytest.mark.parametrize("path", modules("cli"), ids=module_name)
def test_the_cli_reaches_providers_only_through_the_registry(path: Path) -> None:
    registry = ("create_provider", "available", "Provider")
    direct = {
        m for m in imports_of(path) if m.startswith("digest.providers.") and m.split(".")[2] not in registry
    }
    assert not direct, f"{module_name(path)} imports provider modules {sorted(direct)}"


@pytest.mark.parametrize("stage", STAGES)
def test_stages_never_import_the_service_layer(stage: str) -> None:
    paths = modules(stage) if (PACKAGE / stage).is_dir() else [PACKAGE / f"{stage}.py"]
    for path in paths:
        assert not {m for m in imports_of(path) if m.startswith("digest.service")}, module_name(path)


def test_the_cli_table_names_every_command_with_its_own_help_line() -> None:
    context = click.Context(cli)
    assert isinstance(cli, LazyGroup)
    for name, (_, _, line) in COMMANDS.items():
        command = cli.get_command(context, name)
        assert command is not None and command.name == name
        assert (command.help or "").strip().splitlines()[0] == line, name


def test_help_lists_the_commands_without_importing_any(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> None:
        raise AssertionError("a command was imported for --help")

    monkeypatch.setattr(LazyGroup, "get_command", refuse)
    result = CliRunner().invoke(cli, ["--help"])

    assert result.exit_code == 0 and all(name in result.output for name in COMMANDS)


def test_reading_the_config_imports_no_stage(tmp_path: Path, demo_config: Path) -> None:
    """`digest next` and `digest --help` stay fast: the config alone never pulls in a stage."""
    import subprocess
    import sys

    probe = (
        "import sys; from digest.config import load_config; load_config(sys.argv[1]); "
        "heavy = ('digest.collect', 'digest.render', 'digest.deliver', 'trafilatura', 'sqlalchemy'); "
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", probe, str(demo_config)], capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
