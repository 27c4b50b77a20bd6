"""Evaluation: parse real feeds and compare items with rss-parser's expected output.

    python bench/feeds_realworld.py FEEDS_DIR [--json] [-v]

Every feed under DIR is parsed with digest's feed reader. For rss-parser's feeds, each item's title,
link (compared as canonical URLs) and date are compared with ``test/output/<name>.json``. Every
miniflux feed must decode to text without mojibake. Targets: every feed parses, ≥ 95% of items
match, no mojibake.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from digest.collect.canonical import canonical_url
from digest.collect.feeds import parse_feed
from digest.collect.fetch import Fetched
from digest.collect.text import plain_text
from digest.errors import SourceError
from digest.models import Article

NOW = datetime(2030, 1, 1, tzinfo=UTC)
BASE = "https://feeds.example/"
# UTF-8 read as Latin-1/CP1252 ("Ã©"), or CP1251 read wrongly ("Ð¿"), or replacement characters.
MOJIBAKE = re.compile(r"[ÃÂ][\u0080-\u00bf]|[ÐÑ][\u0080-\u00bf]|\ufffd|â€")


def expected_date(item: dict[str, Any]) -> datetime | None:
    """The date rss-parser read, as an aware datetime."""
    if item.get("isoDate"):
        return datetime.fromisoformat(item["isoDate"].replace("Z", "+00:00"))
    raw = item.get("pubDate")
    if not raw:
        return None
    try:
        return parsedate_to_datetime(raw).astimezone(UTC)
    except (TypeError, ValueError):
        try:
            return datetime.fromisoformat(raw.replace("Z", "+00:00")).astimezone(UTC)
        except ValueError:
            return None


def item_matches(ours: Article, theirs: dict[str, Any]) -> list[str]:
    """What differs between our article and rss-parser's item (empty when they match)."""
    differences = []
    title = plain_text(str(theirs.get("title", "")))
    if title and title != ours.title:
        differences.append(f"title {ours.title!r} != {title!r}")
    link = canonical_url(urljoin(BASE, theirs["link"])) if theirs.get("link") else ""
    if link and link != ours.url:
        differences.append(f"link {ours.url!r} != {link!r}")
    when = expected_date(theirs)
    if when and (not ours.dated or abs((ours.published - when).total_seconds()) > 1):
        differences.append(f"date {ours.published.isoformat() if ours.dated else None} != {when.isoformat()}")
    return differences


def parse(path: Path) -> list[Article]:
    """Parse one feed file the way collect does, as if it had been fetched from the web."""
    return parse_feed(Fetched(f"{BASE}{path.name}", path.read_bytes()), str(path), NOW)


def evaluate(root: Path, verbose: bool) -> dict[str, Any]:
    """Parse every feed under root and compare with the expectations that exist."""
    feeds = sorted(p for p in root.rglob("*") if p.suffix in (".rss", ".atom", ".xml") and p.is_file())
    figures = {
        "feeds": len(feeds), "parsed": 0, "refused_not_feeds": 0, "items": 0, "items_matching": 0,
        "expected_broken": 0, "mojibake": 0,
    }  # fmt: skip
    for path in feeds:
        expected = path.parent.parent / "output" / f"{path.stem}.json"
        rss_parser = "rss-parser" in path.parts
        try:
            articles = parse(path)
        except SourceError as exc:
            # rss-parser gives no output for inputs that are not feeds; refusing them is right.
            key = "refused_not_feeds" if rss_parser and not expected.exists() else "failed"
            figures[key] = figures.get(key, 0) + 1
            if verbose:
                print(f"{key} {path.name}: {exc.reason}", file=sys.stderr)
            continue
        figures["parsed"] += 1
        figures["mojibake"] += sum(1 for a in articles if MOJIBAKE.search(a.title + a.summary))
        if expected.exists():
            _compare(path, articles, _expected_items(expected), figures, verbose)
    return figures


def _expected_items(path: Path) -> list[dict[str, Any]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:  # one expectation file was saved in Latin-1
        text = raw.decode("latin-1")
    items: list[dict[str, Any]] = json.loads(text)["feed"]["items"]
    return items


def _compare(
    path: Path, articles: list[Article], items: list[dict[str, Any]], figures: dict[str, Any], verbose: bool
) -> None:
    linked = [item for item in items if item.get("link")]
    # Items whose expected title holds U+FFFD were mis-decoded by the reference parser itself.
    broken = [i for i, item in enumerate(linked) if "\ufffd" in str(item.get("title", ""))]
    figures["expected_broken"] += len(broken)
    figures["items"] += len(linked) - len(broken)
    for index, (ours, theirs) in enumerate(zip(articles, linked, strict=False)):
        if index in broken:
            continue
        differences = item_matches(ours, theirs)
        if not differences:
            figures["items_matching"] += 1
        elif verbose:
            print(f"{path.name}: {'; '.join(differences)}", file=sys.stderr)
    if verbose and len(articles) != len(linked):
        print(f"{path.name}: {len(articles)} articles, expected {len(linked)}", file=sys.stderr)


def main() -> None:
    """Run the evaluation and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="a folder of real-world feeds with expected parses")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every difference")
    args = parser.parse_args()
    figures = evaluate(args.dir.resolve(), args.verbose)
    figures["match_rate"] = round(figures["items_matching"] / max(figures["items"], 1), 4)
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>16}: {value}")


if __name__ == "__main__":
    main()
