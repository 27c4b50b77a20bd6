"""The digest command line: each command is a thin call into one stage or the weekly job."""

from __future__ import annotations

import json
import os
import sys
import webbrowser
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import click
import httpx
from rich.console import Console

from digest import __version__, job
from digest.collect.fetch import Fetcher
from digest.config import DEFAULT_CONFIG, Config, load_config
from digest.errors import ConfigError, DigestError
from digest.links import Links
from digest.models import SubscriberStatus
from digest.personalize import Template
from digest.providers import create_provider
from digest.render import render
from digest.sample import sample_issue
from digest.store import Store, open_store
from digest.store.subscribers import NewSubscriber
from digest.subscribers import normalize_email, read_csv

F = TypeVar("F", bound=Callable[..., Any])
out = Console(highlight=False, markup=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, markup=False, soft_wrap=True)
_verbose = False


def now_utc() -> datetime:
    """The real clock (only the CLI and the scheduler read it)."""
    return datetime.now(UTC)


def config_option(func: F) -> F:
    """-c/--config, shared by every command."""
    return click.option(
        "-c",
        "--config",
        "config_path",
        default=DEFAULT_CONFIG,
        show_default=True,
        type=click.Path(dir_okay=False),
        help="The schedule.toml to use.",
    )(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="digest")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks and more detail.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the summary line.")
@click.pass_context
def cli(ctx: click.Context, verbose: bool, quiet: bool) -> None:
    """Build your publication's newsletter digest from its feeds and send it safely."""
    global _verbose
    _verbose = verbose
    ctx.obj = {"quiet": quiet}


@contextmanager
def http_client() -> Iterator[httpx.Client]:
    """The one HTTP client a command uses: timeouts, bounded redirects."""
    with httpx.Client(timeout=httpx.Timeout(20.0), follow_redirects=True, max_redirects=5) as client:
        yield client


def make_fetcher(config: Config, client: httpx.Client) -> Fetcher:
    """A fetcher that knows every source's mirror folder."""
    mirrors = [s.mirror for n in config.newsletters.values() for s in n.sources if s.mirror]
    return Fetcher(client, mirrors)


def signing_secret(config: Config, store: Store) -> str:
    """The unsubscribe-token secret: from the named environment variable, never from the file."""
    secret = os.environ.get(config.server.secret_env, "")
    if secret:
        return secret
    if config.provider.name == "outbox":
        # The outbox never reaches a real inbox, so a secret kept in the store is good enough.
        return store.generated_secret()
    raise ConfigError(
        config.path,
        [f"server.secret_env: environment variable {config.server.secret_env} is not set"],
        f"export {config.server.secret_env}=$(python -c 'import secrets; print(secrets.token_urlsafe(32))')",
    )


def _problems(problems: Any, quiet: bool) -> None:
    """Report sources that failed; the run went on without them."""
    for problem in problems:
        err.print(f"warning: {problem}", style="yellow")


@cli.command()
@config_option
@click.argument("newsletter", required=False)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Folder for preview files.")
@click.option("--open", "open_browser", is_flag=True, help="Open the HTML preview in a browser.")
@click.pass_obj
def preview(
    obj: dict[str, Any],
    config_path: str,
    newsletter: str | None,
    out_dir: str | None,
    open_browser: bool,
) -> None:
    """Build the next issue and write preview.html and preview.txt (no sending, no subscribers)."""
    config = load_config(config_path)
    name, _ = config.newsletter(newsletter)
    with http_client() as client:
        prepared = job.prepare(config, name, make_fetcher(config, client), now_utc(), allow_repeats=True)
    _problems(prepared.problems, obj["quiet"])
    if prepared.rendered is None:
        raise DigestError(f"Newsletter '{name}': {job._nothing_new(prepared)}", "check the sources")
    folder = (Path(out_dir) if out_dir else config.base_dir / "preview").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    values = {
        "email": "reader@example.org",
        "name": "Reader",
        "web_url": "#view-in-browser",
        "unsubscribe_url": f"{config.server.public_url}/u/preview",
    }
    html = _local_images(config, Template(prepared.rendered.html, escape=True).fill(values))
    (folder / "preview.html").write_text(html, encoding="utf-8")
    (folder / "preview.txt").write_text(Template(prepared.rendered.text, escape=False).fill(values))
    count = len(prepared.collection.articles)
    out.print(f"Preview of '{prepared.rendered.subject}' ({count} articles):")
    out.print(f"  HTML: {folder / 'preview.html'}\n  text: {folder / 'preview.txt'}")
    for warning in prepared.rendered.warnings:
        err.print(f"warning: {warning}")
    if open_browser:
        webbrowser.open((folder / "preview.html").resolve().as_uri())


def _local_images(config: Config, html: str) -> str:
    """In the preview only, show mirrored images from their local folder."""
    for newsletter in config.newsletters.values():
        for source in newsletter.sources:
            if source.mirror:
                local = Path(source.mirror.dir).resolve().as_uri() + "/"
                html = html.replace(f'src="{source.mirror.url}', f'src="{local}')
    return html


@cli.command()
@config_option
@click.argument("newsletter", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
@click.pass_obj
def run(obj: dict[str, Any], config_path: str, newsletter: str | None, as_json: bool) -> None:
    """Run the weekly job now: collect, summarize, render and send to the list."""
    config = load_config(config_path)
    name, _ = config.newsletter(newsletter)
    store = open_store(config.store.url)
    provider = create_provider(config.provider, config.path)
    try:
        links = Links(
            config.server.public_url, signing_secret(config, store), config.newsletters[name].sender
        )
        with http_client() as client:
            report = job.run(config, name, make_fetcher(config, client), store, provider, links, now_utc)
    finally:
        provider.close()
        store.close()
    if as_json:
        out.print_json(json.dumps(_report_json(report)))
        return
    _problems(report.problems, obj["quiet"])
    out.print(summary_line(report, config.provider.outbox_dir if config.provider.name == "outbox" else None))


def summary_line(report: job.RunReport, outbox: str | None) -> str:
    """The one line every run ends with."""
    delivery = report.delivery
    if delivery is None or delivery.attempted == 0:
        return f"Sent 0 messages for {report.issue_id}: {report.outcome}"
    total = delivery.attempted + delivery.suppressed
    line = (
        f"Sent {delivery.sent} of {total} ({delivery.failed} failed, {delivery.suppressed} skipped) "
        f"in {delivery.seconds:.1f} s — issue {report.issue_id}"
    )
    if outbox:
        line += f"\n  .eml files: {Path(outbox) / report.issue_id}"
    return line


def _report_json(report: job.RunReport) -> dict[str, Any]:
    delivery = report.delivery
    return {
        "newsletter": report.newsletter,
        "issue": report.issue_id,
        "outcome": report.outcome,
        "sent": delivery.sent if delivery else 0,
        "failed": delivery.failed if delivery else 0,
        "skipped": delivery.suppressed if delivery else 0,
        "already_sent": delivery.already_sent if delivery else 0,
        "problems": [str(p) for p in report.problems],
    }


@cli.command()
@config_option
def check(config_path: str) -> None:
    """Validate schedule.toml and render every newsletter's templates with a sample issue."""
    config = load_config(config_path)
    create_provider(config.provider, config.path)
    warnings = 0
    for name, newsletter in config.newsletters.items():
        rendered = render(
            sample_issue(name, newsletter, now_utc()),
            newsletter,
            config.theme,
            config.templates_dir,
        )
        for warning in rendered.warnings:
            err.print(f"warning: newsletter '{name}': {warning}")
            warnings += 1
    out.print(
        f"Config '{config_path}' and templates are OK ({len(config.newsletters)} newsletters, "
        f"{warnings} warnings)."
    )


@cli.group()
def subscribers() -> None:
    """Import, list and count subscribers."""


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
    store = open_store(config.store.url)
    try:
        counts = store.subscribers.upsert(
            report.rows,
            _list_name(config, list_name),
            f"import:{Path(file).name}",
            now_utc(),
            resubscribe=resubscribe,
        )
    finally:
        store.close()
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
    store = open_store(config.store.url)
    try:
        store.subscribers.upsert(
            [NewSubscriber(address, name)], _list_name(config, list_name), "cli", now_utc()
        )
    finally:
        store.close()
    out.print(f"Added {address}.")


@subscribers.command("list")
@config_option
@click.option("--list", "list_name", help="Only this list.")
@click.option("--status", type=click.Choice([s.value for s in SubscriberStatus]), help="Only this status.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def list_(config_path: str, list_name: str | None, status: str | None, as_json: bool) -> None:
    """List subscribers."""
    config = load_config(config_path)
    store = open_store(config.store.url)
    try:
        people = [
            {"email": s.email, "name": s.name, "status": s.status.value, "list": s.list}
            for s in store.subscribers.stream(list_name, status)
        ]
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(people, indent=2))
        return
    for person in people:
        out.print(f"{person['email']}\t{person['name']}\t{person['status']}\t{person['list']}")


@subscribers.command("count")
@config_option
@click.option("--list", "list_name", help="Only this list.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def count(config_path: str, list_name: str | None, as_json: bool) -> None:
    """Count subscribers by status."""
    config = load_config(config_path)
    store = open_store(config.store.url)
    try:
        counts = store.subscribers.count_by_status(list_name)
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(counts))
        return
    total = sum(counts.values())
    parts = ", ".join(f"{counts.get(s.value, 0)} {s.value}" for s in SubscriberStatus)
    out.print(f"{total} subscribers: {parts}")


def main() -> None:
    """Entry point: run the CLI; a DigestError is printed without a traceback and exits 1."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        err.print("Aborted.")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except DigestError as exc:
        if _verbose:
            raise
        err.print(f"Error: {exc}", style="bold red")
        sys.exit(1)
