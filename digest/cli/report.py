"""`digest report`: how an issue did, or a newsletter's trend over its last issues."""

from __future__ import annotations

from pathlib import Path

import click
import orjson

from digest.cli.common import config_option, json_option, out, store_for
from digest.config import load_config
from digest.report import IssueReport, TrendLine
from digest.service.reports import reports


@click.command()
@config_option
@click.argument("issue_id", metavar="[ISSUE]", required=False)
@click.option("--newsletter", help="The newsletter whose trend to show (default: the first).")
@click.option(
    "--last", type=click.IntRange(1, 520), default=12, show_default=True, help="Issues in the trend."
)
@click.option(
    "--html", "html_out", type=click.Path(dir_okay=False), help="Also write a report page with charts."
)
@json_option
def report(
    config_path: str,
    issue_id: str | None,
    newsletter: str | None,
    last: int,
    html_out: str | None,
    as_json: bool,
) -> None:
    """Show how an issue did (deliveries, reactions, opens, clicks per article), or a newsletter's trend."""
    config = load_config(config_path)
    with store_for(config) as store:
        found = reports(config, store, issue_id, newsletter, last)
    if html_out:
        Path(html_out).write_text(found.html(), encoding="utf-8")
    if as_json:
        data = (
            found.issue.to_json()
            if found.issue
            else {"newsletter": found.newsletter, "issues": [_trend_json(t) for t in found.trend]}
        )
        out.print(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
    elif found.issue:
        _print_issue(found.issue)
    else:
        _print_trend(found.newsletter, found.trend)
    if html_out:
        out.print(f"Report page written to {Path(html_out).resolve()}")


def _trend_json(line: TrendLine) -> dict[str, object]:
    return {
        "issue": line.issue_id,
        "subject": line.subject,
        "made": line.made.isoformat(),
        "delivered": line.delivered,
        "people_clicked": line.people_clicked,
        "click_rate": round(line.click_rate, 4),
        "people_opened": line.people_opened,
        "unsubscribed": line.unsubscribed,
    }


def _percent(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def _print_issue(found: IssueReport) -> None:
    out.print(f"{found.subject}  ({found.issue_id})")
    out.print(
        f"delivered {found.delivered}, failed {found.failed}, bounced {found.bounced}, "
        f"complained {found.complained}, unsubscribed {found.unsubscribed}"
    )
    out.print(
        f"opened by {found.people_opened} ({_percent(found.open_rate)}; Apple privacy preloads "
        f"{found.apple_opens} and other machine opens {found.machine_opens - found.apple_opens} not counted)"
    )
    reasons = ", ".join(f"{n} {why}" for why, n in sorted(found.machine_reasons.items())) or "none"
    out.print(
        f"clicked by {found.people_clicked} ({_percent(found.click_rate)}), {found.clicks} clicks; "
        f"machine clicks not counted: {found.machine_clicks} ({reasons})"
    )
    out.print("")
    out.print(f"{'people':>6} {'clicks':>6} {'rate':>6}  article")
    for line in found.articles:
        where = f" [{line.section}]" if line.section else ""
        out.print(f"{line.people:>6} {line.clicks:>6} {_percent(line.rate):>6}  {line.title}{where}")
    if found.sections:
        out.print("")
        out.print(f"{'people':>6} {'clicks':>6} {'rate':>6}  section")
        for section in found.sections:
            out.print(f"{section.people:>6} {section.clicks:>6} {_percent(section.rate):>6}  {section.title}")
    out.print("")
    out.print("clicks on each of the first 7 days: " + " ".join(str(n) for n in found.by_day))


def _print_trend(name: str, lines: tuple[TrendLine, ...]) -> None:
    if not lines:
        out.print(f"Newsletter '{name}' has sent no issue yet.")
        return
    out.print(f"{'delivered':>9} {'clicked':>7} {'rate':>6} {'opened':>6} {'unsub':>5}  issue")
    for line in lines:
        out.print(
            f"{line.delivered:>9} {line.people_clicked:>7} {_percent(line.click_rate):>6} "
            f"{line.people_opened:>6} {line.unsubscribed:>5}  {line.issue_id}  {line.subject}"
        )
