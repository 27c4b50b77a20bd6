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

if TYPE_CHECKING:
    from digest import job
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
@click.option("--test", "test_address", metavar="ADDRESS", help="Send the issue to this one address only.")
@click.option("--dry-run", is_flag=True, help="Write every subscriber's message to the outbox; send nothing.")
@click.option("--wait", is_flag=True, help="Wait for another process sending the same issue to finish.")
@json_option
def send(
    config_path: str,
    newsletter: str | None,
    resume_id: str | None,
    test_address: str | None,
    dry_run: bool,
    wait: bool,
    as_json: bool,
) -> None:
    """Send an issue: today's (like run), a stopped one (--resume), to one address, or as a dry run."""
    from digest.service import sending

    if sum(map(bool, (resume_id, test_address, dry_run))) > 1:
        raise click.UsageError("--resume, --test and --dry-run do not go together")
    with runtime_for(config_path) as runtime, progress_for(quiet() or as_json) as progress:
        name, _ = runtime.config.newsletter(newsletter if not resume_id else None)
        if test_address or dry_run:
            _outside_ledger(runtime, name, test_address, as_json, progress)
            return
        if resume_id:
            report = sending.resume(runtime, resume_id, progress=progress, wait=3600.0 if wait else 0.0)
        else:
            report = sending.run(runtime, name, progress=progress, wait=3600.0 if wait else 0.0)
    _print_report(runtime, report, as_json)


def _print_report(runtime: Runtime, report: job.RunReport, as_json: bool) -> None:
    from digest.service import sending

    if as_json:
        click.echo(json.dumps(sending.report_json(report)))
        return
    report_problems(report.problems)
    provider = runtime.config.provider
    summary(sending.summary_line(report, provider.outbox_dir if provider.name == "outbox" else None))


def _outside_ledger(
    runtime: Runtime, name: str, address: str | None, as_json: bool, progress: ProgressBar | None
) -> None:
    """--test and --dry-run: the issue as the list would get it, without touching the ledger."""
    from digest.service import sending

    rendered, note = sending.todays_issue(runtime, name)
    if note:
        err.print(f"note: {note}")
    if address:
        test = sending.send_test(runtime, name, address, rendered)
        data: dict[str, Any] = {
            "issue": test.issue_id,
            "to": test.to,
            "accepted": test.accepted,
            "error": test.error,
        }
        line = (
            f"Sent a test of {test.issue_id} to {test.to}"
            if test.accepted
            else f"Test not sent: {test.error}"
        )
    else:
        written = sending.dry_run(runtime, name, rendered, progress)
        data = {
            "issue": written.issue_id, "written": written.written, "folder": str(written.folder),
            "unwritable": written.unwritable,
        }  # fmt: skip
        line = f"Dry run: wrote {written.written:,} messages of {written.issue_id} to {written.folder}"
        if written.unwritable:
            line += f" ({written.unwritable:,} addresses cannot be written: they would fail in the send too)"
    if as_json:
        click.echo(json.dumps(data))
    else:
        summary(line)
    if address and not data["accepted"]:
        raise SystemExit(1)


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
