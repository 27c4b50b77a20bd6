"""Reports for the CLI and the desk: one issue's, or a newsletter's trend, with the right settings."""

from __future__ import annotations

from dataclasses import dataclass

from digest.config import Config, LinksConfig
from digest.errors import DigestError
from digest.report import IssueReport, TrendLine, issue_report, trend
from digest.report_page import report_html
from digest.service.runtime import Runtime
from digest.store import Store


@dataclass(frozen=True, slots=True)
class Reports:
    """What a report shows: an issue (or none, for a trend alone) and its newsletter's last issues."""

    newsletter: str
    issue: IssueReport | None
    trend: tuple[TrendLine, ...]

    def html(self) -> str:
        """The offline report page (report_page.report_html)."""
        title = self.issue.subject if self.issue else f"{self.newsletter}: the last {len(self.trend)} issues"
        return report_html(self.issue, self.trend, title=title)


def reports(config: Config, store: Store, issue_id: str | None, newsletter: str | None, last: int) -> Reports:
    """An issue's report with its newsletter's trend, or the named (default: first) newsletter's trend.

    An issue id the store does not know is a DigestError naming the command that lists them.
    """
    found = None
    if issue_id:
        name = store.events.newsletter_of(issue_id) or ""
        found = issue_report(store, issue_id, _links(config, name).machine_seconds) if name else None
        if found is None:
            raise DigestError(
                f"Issue '{issue_id}' is not in the store", "see the issues with `digest issues`"
            )
    else:
        name = config.newsletter(newsletter)[0]
    lines = trend(store, name, last, _links(config, name).machine_seconds)
    return Reports(name, found, tuple(lines))


def report_page(runtime: Runtime, newsletter: str, issue_id: str | None, last: int = 12) -> str | None:
    """The desk's report page for one of its newsletter's issues (None: not one of them), or its trend."""
    if issue_id and runtime.store.events.newsletter_of(issue_id) != newsletter:
        return None
    return reports(runtime.config, runtime.store, issue_id, newsletter, last).html()


def _links(config: Config, name: str) -> LinksConfig:
    """The newsletter's [links] settings (the defaults for a newsletter no longer configured)."""
    settings = config.newsletters.get(name)
    return settings.links if settings else LinksConfig()
