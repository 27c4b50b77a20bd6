"""Commands that send: `digest send` (resume, test address, dry run) and `digest issues`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click
import httpx

from digest import __version__, job
from digest.cli import cli
from digest.cli.common import (
    config_option,
    err,
    fetching,
    json_option,
    now_utc,
    out,
    signing_secret,
    store_for,
)
from digest.config import Config, ProviderConfig, load_config
from digest.deliver import Audience, DeliveryReport, Progress, deliver, letter_for
from digest.errors import DigestError
from digest.links import Links
from digest.models import RenderedIssue
from digest.providers import create_provider
from digest.providers.base import Provider
from digest.providers.letter import Addressee, Batch
from digest.providers.outbox import OutboxProvider
from digest.store import Store

T = TypeVar("T")


def provider_client(settings: ProviderConfig) -> httpx.AsyncClient:
    """The one HTTP client a send shares: keep-alive pool sized for the batches in flight."""
    connections = max(4, 2 * (settings.concurrency or 4))
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.timeout),
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        headers={"User-Agent": f"digest/{__version__}"},
    )


async def with_provider(config: Config, work: Callable[[Provider], Awaitable[T]]) -> T:
    """Run ``work`` with the configured provider on a fresh client; close both afterwards."""
    async with provider_client(config.provider) as client:
        provider = create_provider(config.provider, config.path, client=client)
        try:
            return await work(provider)
        finally:
            await provider.aclose()


def run_job(
    config: Config,
    name: str,
    store: Store,
    *,
    progress: Progress | None = None,
    wait: float = 0.0,
    slot_time: datetime | None = None,
) -> job.RunReport:
    """The weekly job with real collaborators: fetcher, provider client, links, clock."""
    links = Links(config.server.public_url, signing_secret(config, store), config.newsletters[name].sender)

    async def work(fetcher: Any) -> job.RunReport:
        async def send(provider: Provider) -> job.RunReport:
            return await job.run(
                config, name, fetcher, store, provider, links, now_utc,
                progress=progress, wait=wait, slot_time=slot_time,
            )  # fmt: skip

        return await with_provider(config, send)

    return fetching(config, store, work)


class ProgressBar:
    """A rich progress bar on stderr with rate and time left: the deliver stage's Progress."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._bar = Progress(
            TextColumn("Sending"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(), console=err, transient=True,
        )  # fmt: skip
        self._task = self._bar.add_task("send", total=None, rate="", start=False)

    def start(self, total: int, done: int) -> None:
        """Size the bar once the ledger knows the total."""
        self._bar.update(self._task, total=total, completed=done)
        self._bar.start_task(self._task)

    def advance(self, count: int) -> None:
        """Move on by ``count`` rows and show the rate."""
        self._bar.advance(self._task, count)
        speed = self._bar.tasks[0].speed
        self._bar.update(self._task, rate=f"{speed:,.0f} msg/s" if speed else "")


@contextmanager
def progress_for(hidden: bool) -> Iterator[ProgressBar | None]:
    """A progress bar while the block runs, unless hidden or stderr is not a terminal."""
    if hidden or not err.is_terminal:
        yield None
        return
    bar = ProgressBar()
    with bar._bar:
        yield bar


@cli.command()
@config_option
@click.argument("newsletter", required=False)
@click.option("--resume", "resume_id", metavar="ISSUE", help="Finish sending a stored issue (no collecting).")
@click.option("--test", "test_address", metavar="ADDRESS", help="Send the issue to this one address only.")
@click.option("--dry-run", is_flag=True, help="Write every subscriber's message to the outbox; send nothing.")
@click.option("--wait", is_flag=True, help="Wait for another process sending the same issue to finish.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar; only the summary line.")
@json_option
@click.pass_context
def send(
    ctx: click.Context,
    config_path: str,
    newsletter: str | None,
    resume_id: str | None,
    test_address: str | None,
    dry_run: bool,
    wait: bool,
    quiet: bool,
    as_json: bool,
) -> None:
    """Send an issue: today's (like run), a stopped one (--resume), to one address, or as a dry run."""
    if sum(map(bool, (resume_id, test_address, dry_run))) > 1:
        raise click.UsageError("--resume, --test and --dry-run do not go together")
    config = load_config(config_path)
    quiet = quiet or bool(ctx.obj and ctx.obj.get("quiet"))
    with store_for(config) as store:
        if test_address or dry_run:
            _outside_ledger(config, newsletter, store, test_address, as_json)
            return
        with progress_for(quiet or as_json) as progress:
            if resume_id:
                report = _resume(config, store, resume_id, progress, 3600.0 if wait else 0.0)
            else:
                name, _ = config.newsletter(newsletter)
                report = run_job(config, name, store, progress=progress, wait=3600.0 if wait else 0.0)
    from digest.cli.issue import summary_line

    if as_json:
        click.echo(json.dumps(_report_json(report)))
        return
    outbox = config.provider.outbox_dir if config.provider.name == "outbox" else None
    out.print(summary_line(report, outbox))


def _resume(
    config: Config, store: Store, issue_id: str, progress: Progress | None, wait: float
) -> job.RunReport:
    stored = store.issues.get(issue_id)
    if stored is None:
        raise DigestError(
            f"Issue '{issue_id}' is not in the store", "`digest issues` lists the stored issues"
        )
    name = stored.newsletter if stored.newsletter in config.newsletters else None
    _, newsletter = config.newsletter(name)
    audience = Audience(stored.list_name, newsletter.sender, newsletter.title)
    links = Links(config.server.public_url, signing_secret(config, store), newsletter.sender)

    async def send(provider: Provider) -> DeliveryReport:
        return await deliver(
            stored.rendered(), audience, store, provider, links, now_utc, config.provider,
            progress=progress, wait=wait,
        )  # fmt: skip

    report = asyncio.run(with_provider(config, send))
    return job.RunReport(stored.newsletter, issue_id, _outcome(report), report)


def _outcome(report: DeliveryReport) -> str:
    if report.attempted or report.suppressed:
        return "sent"
    if report.already_sent:
        return f"already sent to {report.already_sent:,} recipients earlier; nothing left to send"
    return "no active subscribers on the list"


def _outside_ledger(
    config: Config, newsletter: str | None, store: Store, address: str | None, as_json: bool
) -> None:
    """--test and --dry-run: the issue as the list would get it, without touching the ledger."""
    name, settings = config.newsletter(newsletter)
    rendered = _issue(config, name, store)
    audience = Audience(settings.list_name, settings.sender, settings.title)
    links = Links(config.server.public_url, signing_secret(config, store), settings.sender)
    if address:
        result = _send_test(config, rendered, audience, links, address)
        summary = {"issue": rendered.issue_id, "to": address, "accepted": result[0], "error": result[1]}
        line = (
            f"Sent a test of {rendered.issue_id} to {address}" if result[0] else f"Test not sent: {result[1]}"
        )
    else:
        folder = Path(config.provider.outbox_dir) / "dry-run"
        count = _dry_run(store, rendered, audience, links, folder)
        summary = {"issue": rendered.issue_id, "written": count, "folder": str(folder / rendered.issue_id)}
        line = f"Dry run: wrote {count:,} messages of {rendered.issue_id} to {folder / rendered.issue_id}"
    if as_json:
        click.echo(json.dumps(summary))
    else:
        out.print(line)
    if address and not result[0]:
        raise SystemExit(1)


def _issue(config: Config, name: str, store: Store) -> RenderedIssue:
    """The issue subscribers get today: the stored one, else built now from the last collect."""
    now = now_utc()
    stored = store.issues.get(job.issue_slot(config, name, now)[0])
    if stored is not None:
        return stored.rendered()
    prepared = fetching(config, store, lambda f: job.preview(config, name, f, store, now))
    if prepared.rendered is None:
        raise DigestError(f"Newsletter '{name}': {prepared.note}", "check the sources with `digest collect`")
    if prepared.note:
        err.print(f"note: {prepared.note}")
    return prepared.rendered


def _send_test(
    config: Config, rendered: RenderedIssue, audience: Audience, links: Links, address: str
) -> tuple[bool, str]:
    letter = letter_for(rendered, audience)
    letter = replace(letter, subject=f"[Test] {letter.subject}")
    url = links.unsubscribe_url(audience.list_name, 0, address)
    values = {"email": address, "name": "", "unsubscribe_url": url, "web_url": links.web_url(letter.issue_id)}
    mailto = links.unsubscribe_mailto(audience.list_name, 0, address)
    addressee = Addressee(0, address, "", values, (("List-Unsubscribe", f"<{url}>, <{mailto}>"),))
    batch = Batch(f"test-{now_utc():%Y%m%d%H%M%S}", letter, (addressee,))

    async def send(provider: Provider) -> tuple[bool, str]:
        results = await provider.send(batch)
        return results[0].accepted, results[0].error

    return asyncio.run(with_provider(config, send))


def _dry_run(store: Store, rendered: RenderedIssue, audience: Audience, links: Links, folder: Path) -> int:
    from digest.deliver import Personalizer
    from digest.store.ledger import Claimed

    personalizer = Personalizer(rendered, audience, links)
    outbox = OutboxProvider(folder)
    count = 0
    for person in store.subscribers.stream(audience.list_name, "active"):
        row = Claimed(person.id, person.email, person.name, person.list, True)
        outbox.write(personalizer.letter.message(personalizer.addressee(row)))
        count += 1
    return count


@cli.command()
@config_option
@click.option("--limit", default=20, show_default=True, help="How many of the latest issues.")
@json_option
def issues(config_path: str, limit: int, as_json: bool) -> None:
    """List the latest issues with their deliveries counted per state."""
    config = load_config(config_path)
    with store_for(config) as store:
        found = store.ledger.issues(limit)
    if as_json:
        click.echo(json.dumps([_issue_json(i) for i in found], indent=2))
        return
    if not found:
        out.print("No issues yet: `digest run` builds and sends the first one.")
    for item in found:
        counts = ", ".join(f"{n:,} {s}" for s, n in sorted(item.counts.items())) or "no deliveries"
        out.print(f"{item.issue_id:<28} {item.status:<8} {counts}")


def _report_json(report: job.RunReport) -> dict[str, Any]:
    delivery = report.delivery
    figures = ("sent", "failed", "suppressed", "already_sent", "reconciled", "uncertain", "remaining")
    data: dict[str, Any] = {
        "newsletter": report.newsletter,
        "issue": report.issue_id,
        "outcome": report.outcome,
    }
    data.update({name: getattr(delivery, name) if delivery else 0 for name in figures})
    data["skipped"] = data.pop("suppressed")
    data["seconds"] = round(delivery.seconds, 3) if delivery else 0.0
    data["problems"] = [str(p) for p in report.problems]
    return data


def _issue_json(item: Any) -> dict[str, Any]:
    data = asdict(item)
    data["created"] = item.created.isoformat() if item.created else None
    data["sent"] = item.sent.isoformat() if item.sent else None
    return data
