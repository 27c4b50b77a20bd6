"""`digest archive build`: the static archive of every sent issue."""

from __future__ import annotations

from pathlib import Path

import click

from digest.archive import build_archive
from digest.cli.common import config_option, out, store_for
from digest.config import load_config


@click.group()
def archive() -> None:
    """The public archive of sent issues."""


@archive.command("build")
@config_option
@click.argument("out_dir", metavar="OUT", type=click.Path(file_okay=False))
def build(config_path: str, out_dir: str) -> None:
    """Write the archive (index, one page per issue, Atom feed) into OUT, to be served at /archive/."""
    config = load_config(config_path)
    with store_for(config) as store:
        issues = build_archive(config, store, Path(out_dir))
    out.print(f"Archive of {len(issues)} issues written to {Path(out_dir).resolve()}")
    out.print(
        f"  index: {Path(out_dir).resolve() / 'index.html'}   feed: {Path(out_dir).resolve() / 'feed.xml'}"
    )
