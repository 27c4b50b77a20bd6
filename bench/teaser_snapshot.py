"""Evaluation: every teaser digest writes for the real pages and feeds, saved, and two saves compared.

    python bench/teaser_snapshot.py save OUT --mozilla DIR --postlight DIR [--newspaper DIR]
                                       [--reviewed DIR] [--omnivore DIR] [--postlight-more DIR]
                                       [--feeds DIR]
    python bench/teaser_snapshot.py diff BEFORE AFTER [--json]

A rule is tried by saving the teasers before and after it: ``diff`` lists each changed teaser of the
development half, the Mozilla set and the feeds (what the rule did, to read), and counts the check
half's changes and their effect on its lede start only (looking at them would be tuning on them).
The saves are pickles of {(kind, half, name): (paragraphs, gold lede)}; keep them out of the repository.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from feed_teasers import NOW, SETTINGS, read_entries
from teaser_sets import mozilla_pages, newspaper_pages, postlight_pages
from teasers import digest_teaser, lede_start

from digest.collect.fetch import Fetched
from digest.errors import SourceError
from digest.ledes import teaser

Key = tuple[str, str, str]
Saved = dict[Key, tuple[tuple[str, ...], str]]


def save(args: argparse.Namespace) -> None:
    """Write every page's and feed item's teaser to args.out (Mozilla's small edge cases as "edge")."""
    found: Saved = {}
    pages = [
        *(mozilla_pages(args.mozilla) if args.mozilla else ()),
        *(postlight_pages(args.postlight) if args.postlight else ()),
        *(newspaper_pages(args.newspaper) if args.newspaper else ()),
        *(newspaper_pages(args.reviewed, "reviewed") if args.reviewed else ()),
        *(mozilla_pages(args.omnivore, "omnivore") if args.omnivore else ()),
        *(page for more in args.postlight_more for page in postlight_pages(more, "postlight_more")),
    ]
    for page in pages:
        named = ("newspaper", "reviewed", "omnivore", "postlight_more")
        half = page.set if page.set in named else page.half if page.real else "edge"
        found[("page", half, page.name)] = (digest_teaser(page)[0].paragraphs, page.lede)
    for path in sorted(args.feeds.rglob("*")) if args.feeds else ():
        if not path.is_file():
            continue
        try:
            report = read_entries(Fetched(str(path), path.read_bytes()), str(path), NOW)
        except SourceError:
            continue
        for index, article in enumerate(report.articles):
            found[("feed", "feed", f"{path.relative_to(args.feeds)}#{index}")] = (
                teaser(article, SETTINGS).paragraphs,
                "",
            )
    with args.out.open("wb") as out:
        pickle.dump(found, out)
    print(f"{len(found)} teasers saved to {args.out}")


def diff(args: argparse.Namespace) -> None:
    """Compare two saves: changed teasers listed (the check half counted only), lede effects counted."""
    with args.before.open("rb") as f:
        before: Saved = pickle.load(f)
    with args.after.open("rb") as f:
        after: Saved = pickle.load(f)
    effects: Counter[str] = Counter()
    shown: list[dict[str, Any]] = []
    for key, (was, gold) in before.items():
        now = after.get(key, ((), gold))[0]
        if now == was:
            continue
        kind, half, name = key
        effect = "changed"
        if gold:
            effect = {(True, False): "lede lost", (False, True): "lede gained"}.get(
                (lede_start(was, gold), lede_start(now, gold)), "changed"
            )
        effects[f"{half}: {effect}"] += 1
        if half != "check":
            shown.append({"name": f"{kind}/{half}/{name}", "effect": effect, "was": was, "now": now})
    if args.json:
        print(json.dumps({"changes": dict(effects), "teasers": shown}, ensure_ascii=False))
        return
    for item in shown:
        print(f"{item['name']}: {item['effect']}")
        print(f"    was: {' | '.join(item['was'])[:300]!r}")
        print(f"    now: {' | '.join(item['now'])[:300]!r}")
    print(dict(effects) or "no teaser changed", file=sys.stderr)


def main() -> None:
    """Save the teasers, or compare two saves."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    saving = commands.add_parser("save", help="write every teaser to OUT")
    saving.add_argument("out", type=Path)
    saving.add_argument("--mozilla", type=Path, help="mozilla-readability's test/test-pages folder")
    saving.add_argument("--postlight", type=Path, help="the postlight-parser folder")
    saving.add_argument("--newspaper", type=Path, help="a folder of NAME.html + NAME.txt pages")
    saving.add_argument("--reviewed", type=Path, help="a folder of NAME.html + .txt + .json pages")
    saving.add_argument("--omnivore", type=Path, help="pages in mozilla's layout with their url.txt")
    saving.add_argument(
        "--postlight-more", type=Path, action="append", default=[], help="other sites in postlight's layout"
    )
    saving.add_argument("--feeds", type=Path, help="a folder of real feeds (every file that reads as one)")
    comparing = commands.add_parser("diff", help="compare two saves")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    comparing.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    save(args) if args.command == "save" else diff(args)


if __name__ == "__main__":
    main()
