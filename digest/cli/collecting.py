"""Commands that read sources without sending: collect (the next issue's articles), feed (one feed)."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from digest.cli.common import config_option, json_option, out, report_problems, runtime_for, summary

if TYPE_CHECKING:
    from digest.collect.feeds import FeedReport
    from digest.collect.fetch import Fetcher
    from digest.models import Article
    from digest.service.issues import Accounting


@click.command("collect")
@config_option
@click.argument("newsletter", required=False)
@json_option
def collect(config_path: str, newsletter: str | None, as_json: bool) -> None:
    """Show what the next issue would contain, and why other items were left out (sends nothing)."""
    from digest.service import issues

    with runtime_for(config_path) as runtime:
        name, _ = runtime.config.newsletter(newsletter)
        accounting = issues.collect(runtime, name)
    if as_json:
        click.echo(json.dumps(_collect_json(name, accounting), indent=2))
        return
    _print_collect(accounting)


def _collect_json(name: str, accounting: Accounting) -> dict[str, Any]:
    from digest.models import Fate

    found = accounting.collection
    states = {p.url: p for p in accounting.placements}
    return {
        "newsletter": name,
        "window": {"start": _iso(found.window_start), "end": _iso(found.window_end)},
        "articles": [
            {**article_json(a), "state": states[a.url].state.value, "reason": states[a.url].reason}
            if a.url in states else article_json(a)
            for a in found.candidates
        ],
        "placements": [{**asdict(p), "state": p.state.value} for p in accounting.placements],
        "counts": {state.value: accounting.count(state) for state in Fate},
        "sources": [
            {"source": c.source, "items": c.items, **{s.value: n for s, n in c.states.items()}}
            for c in accounting.sources
        ],
        "skipped": [asdict(s) for s in found.skipped],
        "problems": [asdict(p) for p in found.problems],
    }  # fmt: skip


_HEADINGS = {
    "issue": "In the issue",
    "listed": 'Listed in "More this week"',
    "carried": "Carried over to the next issue",
    "dropped": "Dropped",
}


def _print_collect(accounting: Accounting) -> None:
    from digest.models import Fate

    found = accounting.collection
    counts = ", ".join(f"{accounting.count(s)} {s.value}" for s in Fate)
    window = f"Window {_iso(found.window_start)} → {_iso(found.window_end)}"
    summary(f"{window}: {len(accounting.placements)} items: {counts}")
    by_url = {a.url: a for a in found.candidates}
    for state in Fate:
        placed = [p for p in accounting.placements if p.state is state]
        if placed:
            out.print(f"{_HEADINGS[state.value]} ({len(placed)}):")
        for placement in placed:
            article = by_url.get(placement.url)
            if article is not None and state is not Fate.DROPPED:
                out.print(f"  {article.published:%Y-%m-%d %H:%M}  {_line(article)}")
            else:
                out.print(f"  {shown(placement.title) or shown(placement.url)}: {shown(placement.reason)}")
    out.print("Per source (items: issue / listed / carried / dropped):")
    for count in accounting.sources:
        numbers = " / ".join(str(count.states[s]) for s in Fate)
        out.print(f"  {shown(count.source)}: {count.items}: {numbers}")
    report_problems(shown(str(problem)) for problem in found.problems)


@click.command()
@config_option
@click.argument("location")
@click.option("--mirror", nargs=2, metavar="URL DIR", help="Read URLs under URL from folder DIR.")
@json_option
def feed(config_path: str, location: str, mirror: tuple[str, str] | None, as_json: bool) -> None:
    """Parse one feed (URL or path) and print its items, ignoring any window; exit 1 when broken.

    Works without a config file; when one is there, its [fetch] limits and mirrors apply.
    """
    from pydantic import ValidationError

    from digest.config import FetchConfig, SourceConfig, load_config
    from digest.errors import DigestError
    from digest.service.runtime import fetch_with, mirrors

    given: dict[str, Any] = {"url": location}
    if mirror:
        given["mirror"] = {"url": mirror[0], "dir": mirror[1]}
    try:
        source = SourceConfig.model_validate(given, context={"base_dir": Path.cwd()})
    except ValidationError as exc:
        raise DigestError(f"Feed '{location}': {exc.errors()[0]['msg']}") from None
    settings, mirrored = FetchConfig(), [source.mirror] if source.mirror else []
    if Path(config_path).exists():
        config = load_config(config_path)
        settings, mirrored = config.fetch, mirrored + mirrors(config)
    report = fetch_with(settings, mirrored, None, lambda f: _read_one_feed(source.url, f))
    if as_json:
        items = [article_json(a) for a in report.articles]
        click.echo(json.dumps({"items": items, "skipped": [asdict(s) for s in report.skipped]}, indent=2))
        return
    for article in report.articles:
        when = f"{article.published:%Y-%m-%d %H:%M}" if article.dated else "(no date)       "
        out.print(f"{when}  {_line(article)}")
    click.echo(f"{_counted(len(report.articles), 'item')} in {location}")
    if report.skipped:
        out.print(f"Skipped {_counted(len(report.skipped), 'entry', 'entries')}:")
        for skipped in report.skipped:
            out.print(f"  {shown(skipped.title) or '(no title)'}: {shown(skipped.reason)}")


def _counted(count: int, one: str, many: str = "") -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


async def _read_one_feed(location: str, fetcher: Fetcher) -> FeedReport:
    """The feed's items and the entries it had to skip; a broken feed is an error with a hint."""
    from digest.collect.feeds import read_entries
    from digest.errors import SourceError
    from digest.service import now_utc

    try:
        return read_entries(await fetcher.feed(location), location, now_utc())
    except SourceError as exc:
        hint = exc.hint or "check the address, or open it in a browser"
        raise SourceError(exc.source, exc.reason, hint) from None


def article_json(article: Article) -> dict[str, Any]:
    """An article as a script wants it."""
    return {
        "title": article.title,
        "url": article.url,
        "published": article.published.isoformat() if article.dated else None,
        "section": article.section,
        "categories": list(article.categories),
        "author": article.author,
        "image": article.image_url,
        "summary": article.summary,
    }


# C0 and C1 control characters but tab and newline: a feed's ESC sequences must not reach the terminal
# (they can retitle the window, hide lines or rewrite what was printed before).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def shown(text: str) -> str:
    """Text from a feed as it may be printed to a terminal: without control characters."""
    return _CONTROLS.sub("", text)


def _line(article: Article) -> str:
    """An article's section and title and, below them, its address."""
    return f"{shown(article.section or '-'):<12} {shown(article.title)}\n      {shown(article.url)}"


def _iso(moment: Any) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""
