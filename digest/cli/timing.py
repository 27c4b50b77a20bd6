"""`digest next`: the next runs of every newsletter (reads the config only, so it starts fast)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click

from digest.cli.common import config_option, json_option, out


@click.command("next")
@config_option
@click.option("--after", help="Start from this ISO 8601 time instead of now.")
@click.option("--count", default=3, show_default=True, help="How many runs per newsletter.")
@json_option
def next_(config_path: str, after: str | None, count: int, as_json: bool) -> None:
    """Print the next runs of every newsletter, in its local time and in UTC."""
    from digest.config import load_config

    config = load_config(config_path)
    start = _parse_time(after) if after else datetime.now(UTC)
    rows = []
    for name, newsletter in config.newsletters.items():
        for fire in newsletter.schedule.upcoming(start, count):
            local = fire.astimezone(newsletter.schedule.zone)
            rows.append({"newsletter": name, "local": local.isoformat(), "utc": fire.isoformat()})
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        out.print(f"{row['newsletter']:<16} {row['local']:<28} {row['utc']}")


def _parse_time(text: str) -> datetime:
    from digest.errors import DigestError

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise DigestError(
            f"Time '{text}' is not ISO 8601", "write it like 2026-11-27T09:00:00+00:00"
        ) from None
    if moment.tzinfo is None:
        raise DigestError(f"Time '{text}' has no UTC offset", "add one, e.g. +00:00 or Z")
    return moment
