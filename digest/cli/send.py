"""Commands that send: `digest run`, `digest send` (resume, test address, dry run), `digest issues`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import click

from digest.cli.common import (
    config_option,
    err,
    json_option,
    out,
    quiet,
    report_problems,
    runtime_for,
    summary,
)
from digest.errors import DigestError

if TYPE_CHECKING:
    from digest import job
    from digest.models import RenderedIssue
    from digest.service import Runtime


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


@click.command()
@config_option
@click.argument("newsletter", required=False)
@json_option
def run(config_path: str, newsletter: str | None, as_json: bool) -> None:
    """Run the weekly job now: collect, summarize, render and send to the list."""
    from digest.service import sending

    with runtime_for(config_path) as runtime, progress_for(quiet() or as_json) as progress:
        name, _ = runtime.config.newsletter(newsletter)
        report = sending.run(runtime, name, progress=progress)
    _print_report(runtime, report, as_json)


@click.command()
@config_option
@click.argument("newsletter", required=False)
@click.option("--resume", "resume_id", metavar="ISSUE", help="Finish sending a stored issue (no collecting).")
@click.option(
    "--test", "test_addresses", metavar="ADDRESS", multiple=True,
    help="Send the issue to this address only (repeat the option for several).",
)  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Write every subscriber's message to the outbox; send nothing.")
@click.option("--wait", is_flag=True, help="Wait for another process sending the same issue to finish.")
@json_option
def send(
    config_path: str,
    newsletter: str | None,
    resume_id: str | None,
    test_addresses: tuple[str, ...],
    dry_run: bool,
    wait: bool,
    as_json: bool,
) -> None:
    """Send an issue: today's (like run), a stopped one (--resume), to test addresses, or as a dry run."""
    from digest.service import sending

    if sum(map(bool, (resume_id, test_addresses, dry_run))) > 1:
        raise click.UsageError("--resume, --test and --dry-run do not go together")
    addresses = sending.check_test_addresses(test_addresses)  # all checked before anything is built
    with runtime_for(config_path) as runtime, progress_for(quiet() or as_json) as progress:
        name, _ = runtime.config.newsletter(newsletter if not resume_id else None)
        if addresses:
            _tests(runtime, name, addresses, as_json)
            return
        if dry_run:
            _dry_run(runtime, name, as_json, progress)
            return
        if resume_id:
            report = sending.resume(runtime, resume_id, progress=progress, wait=3600.0 if wait else 0.0)
        else:
            report = sending.run(runtime, name, progress=progress, wait=3600.0 if wait else 0.0)
    _print_report(runtime, report, as_json)


def _print_report(runtime: Runtime, report: job.RunReport, as_json: bool) -> None:
    """The run's summary (or JSON); then, when it did not do its work, its error (exit 1)."""
    from digest.service import sending

    if as_json:
        click.echo(json.dumps(sending.report_json(report)))
    else:
        report_problems(report.problems)
        provider = runtime.config.provider
        summary(sending.summary_line(report, provider.outbox_dir if provider.name == "outbox" else None))
    problem = sending.shortfall(report)
    if problem is not None:
        raise problem


def _tests(runtime: Runtime, name: str, addresses: tuple[str, ...], as_json: bool) -> None:
    """--test: the issue as the list would get it, to each address, without touching the ledger."""
    from digest.service import sending

    rendered = _todays_issue(runtime, name)
    tests = sending.send_tests(runtime, name, addresses, rendered)
    if as_json:
        found = [{"to": t.to, "accepted": t.accepted, "error": t.error} for t in tests]
        click.echo(json.dumps({"issue": rendered.issue_id, "tests": found}))
    else:
        for test in tests:
            summary(
                f"Sent a test of {test.issue_id} to {test.to}"
                if test.accepted
                else f"Test of {test.issue_id} to {test.to} not sent: {test.error}"
            )
    refused = [t.to for t in tests if not t.accepted]
    if refused:
        raise DigestError(
            f"The provider refused the test to {', '.join(refused)}",
            "the reason is on its line above; check the address and the provider's account",
        )


def _dry_run(runtime: Runtime, name: str, as_json: bool, progress: ProgressBar | None) -> None:
    """--dry-run: every subscriber's message written to the outbox, the ledger untouched."""
    from digest.service import sending

    sending.require_audience(runtime, name, sending.audience(runtime, name))  # before anything is built
    rendered = _todays_issue(runtime, name)
    written = sending.dry_run(runtime, name, rendered, progress)
    if as_json:
        click.echo(json.dumps({
            "issue": written.issue_id, "written": written.written, "folder": str(written.folder),
            "unwritable": written.unwritable,
        }))  # fmt: skip
        return
    line = f"Dry run: wrote {written.written:,} messages of {written.issue_id} to {written.folder}"
    if written.unwritable:
        line += f" ({written.unwritable:,} addresses cannot be written: they would fail in the send too)"
    summary(line)


def _todays_issue(runtime: Runtime, name: str) -> RenderedIssue:
    from digest.service import sending

    rendered, note = sending.todays_issue(runtime, name)
    if note:
        err.print(f"note: {note}")
    return rendered


@click.command()
@config_option
@click.option("--limit", default=20, show_default=True, help="How many of the latest issues.")
@json_option
def issues(config_path: str, limit: int, as_json: bool) -> None:
    """List the latest issues with their deliveries counted per state."""
    with runtime_for(config_path) as runtime:
        found = runtime.store.ledger.issues(limit)
    if as_json:
        click.echo(json.dumps([_issue_json(i) for i in found], indent=2))
        return
    if not found:
        out.print("No issues yet: `digest run` builds and sends the first one.")
    for item in found:
        counts = ", ".join(f"{n:,} {s}" for s, n in sorted(item.counts.items())) or "no deliveries"
        out.print(f"{item.issue_id:<28} {item.status:<8} {counts}")


def _issue_json(item: Any) -> dict[str, Any]:
    data = asdict(item)
    data["created"] = item.created.isoformat() if item.created else None
    data["sent"] = item.sent.isoformat() if item.sent else None
    return data
