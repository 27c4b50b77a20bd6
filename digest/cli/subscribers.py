"""Commands about the subscriber list: import, add, list, count."""

from __future__ import annotations

import json
from pathlib import Path

import click

from digest.cli import cli
from digest.cli.common import config_option, err, json_option, now_utc, out, store_for
from digest.config import Config, load_config
from digest.errors import DigestError
from digest.models import SubscriberStatus
from digest.store.subscribers import NewSubscriber
from digest.subscribers import normalize_email, read_csv


@cli.group()
def subscribers() -> None:
    """Import, add, list and count subscribers."""


def _list_name(config: Config, list_name: str | None) -> str:
    return list_name or config.newsletter(None)[1].list_name


@subscribers.command("import")
@config_option
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--list", "list_name", help="The list to add them to (default: the first newsletter's).")
@click.option("--resubscribe", is_flag=True, help="Re-activate people who unsubscribed or bounced.")
def import_(config_path: str, file: str, list_name: str | None, resubscribe: bool) -> None:
    """Import subscribers from a CSV file (email column, optional name); bad rows are reported."""
    config = load_config(config_path)
    report = read_csv(Path(file))
    with store_for(config) as store:
        counts = store.subscribers.upsert(
            report.rows,
            _list_name(config, list_name),
            f"import:{Path(file).name}",
            now_utc(),
            resubscribe=resubscribe,
        )
    for problem in report.rejected:
        err.print(f"rejected: {problem}")
    out.print(
        f"Imported {file}: {counts.added} added, {counts.updated} updated, {counts.unchanged} unchanged, "
        f"{counts.kept_out} kept unsubscribed, {len(report.rejected)} rejected, "
        f"{report.duplicates} duplicates merged."
    )


@subscribers.command("add")
@config_option
@click.argument("email")
@click.option("--name", default="", help="The subscriber's name.")
@click.option("--list", "list_name", help="The list (default: the first newsletter's).")
def add(config_path: str, email: str, name: str, list_name: str | None) -> None:
    """Add one subscriber (active at once)."""
    config = load_config(config_path)
    try:
        address = normalize_email(email)
    except ValueError as exc:
        raise DigestError(f"Address '{email}' is not valid: {exc}") from None
    with store_for(config) as store:
        store.subscribers.upsert(
            [NewSubscriber(address, name)], _list_name(config, list_name), "cli", now_utc()
        )
    out.print(f"Added {address}.")


@subscribers.command("list")
@config_option
@click.option("--list", "list_name", help="Only this list.")
@click.option("--status", type=click.Choice([s.value for s in SubscriberStatus]), help="Only this status.")
@json_option
def list_(config_path: str, list_name: str | None, status: str | None, as_json: bool) -> None:
    """List subscribers (JSON: a list of {"email", "name", "status", "list"})."""
    config = load_config(config_path)
    with store_for(config) as store:
        people = [
            {"email": s.email, "name": s.name, "status": s.status.value, "list": s.list}
            for s in store.subscribers.stream(list_name, status)
        ]
    if as_json:
        click.echo(json.dumps(people, indent=2))
        return
    for person in people:
        out.print(f"{person['email']}\t{person['name']}\t{person['status']}\t{person['list']}")


@subscribers.command("count")
@config_option
@click.option("--list", "list_name", help="Only this list.")
@json_option
def count(config_path: str, list_name: str | None, as_json: bool) -> None:
    """Count subscribers by status."""
    config = load_config(config_path)
    with store_for(config) as store:
        counts = store.subscribers.count_by_status(list_name)
    if as_json:
        click.echo(json.dumps(counts))
        return
    parts = ", ".join(f"{counts.get(s.value, 0)} {s.value}" for s in SubscriberStatus)
    out.print(f"{sum(counts.values())} subscribers: {parts}")
