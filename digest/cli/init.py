"""`digest init`: scaffold a new publication, the way `mkdocs new` does."""

from __future__ import annotations

from pathlib import Path

import click

from digest.cli.common import global_options, now_utc, out
from digest.starter import scaffold


@click.command()
@global_options
@click.argument("folder", type=click.Path(file_okay=False), default=".")
@click.option("--title", default="The Weekly", show_default=True, help="The newsletter's title.")
def init(folder: str, title: str) -> None:
    """Start a new publication in FOLDER: schedule.toml, templates/, subscribers/ and a sample feed."""
    written = scaffold(Path(folder), now_utc(), title=title)
    for path in written:
        out.print(f"  created {path}")
    where = f"cd {folder} && " if folder != "." else ""
    out.print(
        f"Next: {where}digest preview  (then replace the sample source in schedule.toml with your feed)"
    )
