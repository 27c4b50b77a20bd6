"""Commands about the subscriber list: import, export, add, remove, list, count."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import orjson

from digest.cli.common import config_option, err, json_option, now_utc, out, store_for
from digest.config import Config, load_config
from digest.errors import DigestError
from digest.models import SubscriberStatus
from digest.segments import Segment, SegmentError, parse_segment
from digest.store.segments import segment_condition
from digest.store.subscribers import NewSubscriber
from digest.subscriber_csv import clean_name, normalize_email, read_csv, write_csv


@click.group()
def subscribers() -> None:
    """Import, export, add, remove, list and count subscribers."""


def _list_name(config: Config, list_name: str | None) -> str:
    return list_name or config.newsletter(None)[1].list_name


def _segment(text: str) -> Segment:
    try:
        return parse_segment(text)
    except SegmentError as exc:
        raise click.BadParameter(str(exc), param_hint="--segment") from None


def _address(email: str) -> str:
    try:
        return normalize_email(email)
    except ValueError as exc:
        raise DigestError(f"Address '{email}' is not valid: {exc}", "check the spelling") from None


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
        f"{report.duplicates} duplicates merged"
        + (f", {counts.forgotten} erased on request and not imported." if counts.forgotten else ".")
    )


@subscribers.command("add")
@config_option
@click.argument("email")
@click.option("--name", default="", help="The subscriber's name.")
@click.option("--list", "list_name", help="The list (default: the first newsletter's).")
@click.option("--resubscribe", is_flag=True, help="Re-activate the address if it unsubscribed or bounced.")
def add(config_path: str, email: str, name: str, list_name: str | None, resubscribe: bool) -> None:
    """Add one subscriber (active at once)."""
    config = load_config(config_path)
    address = _address(email)
    with store_for(config) as store:
        counts = store.subscribers.upsert(
            [NewSubscriber(address, clean_name(name))],
            _list_name(config, list_name),
            "cli",
            now_utc(),
            resubscribe=resubscribe,
        )
    if counts.forgotten:
        raise DigestError(
            f"{address} was erased at its owner's request and is not added again",
            "they can subscribe again themselves through the subscribe form",
        )
    if counts.kept_out:
        err.print(
            f"{address} stays off the list (it unsubscribed, bounced or complained); see --resubscribe."
        )
        return
    out.print(f"Added {address}." if counts.added else f"Updated {address}.")


@subscribers.command("remove")
@config_option
@click.argument("email")
@click.option("--list", "list_name", help="The list (default: the first newsletter's).")
@click.option(
    "--forget", is_flag=True,
    help="Erase the address from every list with its deliveries and events (right to erasure).",
)  # fmt: skip
def remove(config_path: str, email: str, list_name: str | None, forget: bool) -> None:
    """Unsubscribe one address (kept as unsubscribed, so no import brings it back)."""
    config = load_config(config_path)
    address, name = _address(email), _list_name(config, list_name)
    with store_for(config) as store:
        if forget:
            gone = store.privacy.forget(address, now_utc())
            if not gone["subscriptions"]:
                raise DigestError(f"Subscriber '{address}' is on no list", "nothing was erased")
            counted = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in gone.items())
            out.print(
                f"Erased {address}: {counted}. Only a hash of the address is kept: no import adds it again."
            )
            return
        found = store.subscribers.find(name, address)
        if found is None:
            raise DigestError(
                f"Subscriber '{address}' is not on list '{name}'",
                f"see who is with `digest subscribers list --list {name}`",
            )
        left = store.subscribers.unsubscribe(found.id, now_utc())
    out.print(f"Unsubscribed {address} from {name}." if left else f"{address} was already {found.status}.")


@subscribers.command("export")
@config_option
@click.option("--list", "list_name", help="Only this list.")
@click.option("--status", type=click.Choice([s.value for s in SubscriberStatus]), help="Only this status.")
@click.option(
    "--email", help="One person's data as JSON: subscriptions, deliveries, clicks and opens (access request)."
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file (default: stdout).")
def export(
    config_path: str, list_name: str | None, status: str | None, email: str | None, output: str | None
) -> None:
    """Export subscribers as CSV (attributes as extra columns; formulas escaped for spreadsheets)."""
    config = load_config(config_path)
    with store_for(config) as store:
        if email is not None:
            data = store.privacy.export(_address(email))
            if not data["subscriptions"]:
                raise DigestError(f"Subscriber '{_address(email)}' is on no list", "check the address")
            _write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n", output)
            return
        names = {key for record in store.subscribers.records(list_name, status) for key in record.attributes}
        records = store.subscribers.records(list_name, status)
        if output is None:
            write_csv(records, sys.stdout, names)
            return
        with open(output, "w", encoding="utf-8", newline="") as file:
            count = write_csv(records, file, names)
    err.print(f"Exported {count} subscribers to {output}.")


def _write(text: str, output: str | None) -> None:
    """Text to a file, or to stdout."""
    if output is None:
        sys.stdout.write(text)
        return
    Path(output).write_text(text, encoding="utf-8")
    err.print(f"Exported to {output}.")


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
@click.option(
    "--segment", "segment", help="Only this segment, e.g. \"attributes.country = 'DE'\" (see `segment`)."
)
@json_option
def count(config_path: str, list_name: str | None, segment: str | None, as_json: bool) -> None:
    """Count subscribers by status (of a list, of a segment)."""
    config = load_config(config_path)
    where = None if segment is None else segment_condition(_segment(segment))
    with store_for(config) as store:
        counts = store.subscribers.count_by_status(list_name, where)
    if as_json:
        click.echo(json.dumps(counts))
        return
    parts = ", ".join(f"{counts.get(s.value, 0)} {s.value}" for s in SubscriberStatus)
    out.print(f"{sum(counts.values())} subscribers: {parts}")
