"""Evaluation: the teasers digest writes for feed-only items, on real feeds.

    python bench/feed_teasers.py FEEDS_DIR [--json] [-v]

Every file under FEEDS_DIR that digest reads as a feed counts (others are listed as not feeds). Each
file is read as `digest feed PATH` reads it (read_entries with the file's path, so relative links
resolve against the feed's own address), and each item's teaser is written as digest writes it for a
source with ``pages = false``: ledes.teaser(article, TeaserConfig()). The source HTML of each item
(its content and its summary, as feedparser hands them over) and the images it offers are read again
here, independently of digest's own code. Items are paired with digest's articles by their guid (or
by their order when the feed has no unique guids); an item that cannot be paired is counted apart.

Figures, per feed file and in total:

* glued    - items whose teaser joins two words across a block boundary of the source: for each pair
  of adjacent blocks (<p>, <div>, <li>, headings, ... and <br>) whose texts touch without white space,
  the last word before and the first word after; glued when the teaser holds them as one word with a
  lower-case letter followed by an upper-case one ("contemptDonald"). `glued_text` counts the same in
  all of the item's parsed text (paragraphs and summary), not just the teaser.
* tails    - items whose teaser holds a feed tail by this script's TAILS list ("Continue reading…",
  "Read more", "The post … appeared first on …", "Related:", "[…]", "originally appeared on", ...);
  `tails_text` counts them where a tail sits in all of the item's parsed text: the last paragraph of
  its content and of its summary (a "[…]" inside a quotation is the author's).
* largest  - of the items that offer at least one image of known width (media:content, media:thumbnail,
  image enclosures, the first <img> of the content; the width declared in the feed, else read from the
  URL: ?w=, -WxH.jpg, /w_N/, Npx-, _N.jpg, /N/, Blogger's /sN/; 1x1 pixels and feedburner's
  share buttons are not images of the item), the fraction where digest's image has the largest
  width offered (the content's <img> read from the feed's own markup, with its srcset and data-src,
  which feedparser's sanitizer drops); `image_missed` counts items that offer an image and got none.
  Images known to be narrower than 100 px (avatars, icons, 72 px thumbnails) are not counted as
  offered: digest shows none of them.
* no_teaser - items with text that got no teaser (nothing in them reads as a sentence or a
  standfirst: version numbers, chat logs); reported, no target.

Targets: 0 glued, 0 tails, largest = 1.0.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import feedparser
import lxml.html
from lxml import etree

from digest.collect.feeds import read_entries
from digest.collect.fetch import Fetched
from digest.config import TeaserConfig
from digest.errors import SourceError
from digest.ledes import teaser
from digest.models import Article

NOW = datetime(2030, 1, 1, tzinfo=UTC)
SETTINGS = TeaserConfig()
BLOCK_NAMES = (
    "p div li ul ol blockquote h1 h2 h3 h4 h5 h6 br table tr td th section article header footer figure "
    "figcaption pre dd dt hr"
)
BLOCKS = frozenset(BLOCK_NAMES.split())
TAILS = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"(?:continue reading|read more|keep reading|read the full (?:story|article))\W*$",
        r"^(?:continue reading|read more|keep reading|click here)\b",
        r"\bappeared first on\b",
        r"^related\s*:",
        r"\[\s*(?:…|\.\.\.)\s*\]\s*$",
        r"^(?:this|the) (?:article|post|story)\b[^.]{0,40}\boriginally (?:appeared|published)\b",
        r"\bon medium, where people are continuing the conversation\b",
        r"\[link\]\s*\[\d+ comments?\]$",
        r"\bfeedflare\b",
    )
]
ICON_WIDTH = 100
WIDTH_HINTS = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"[?&](?:w|width|s|size)=(\d+)",
        r"-(\d+)x\d+\.[a-z]+$",
        r"/w_(\d+)[,/]",
        r"/(\d+)px-",
        r"_(\d{3,4})\.[a-z]+$",
        r"/(\d{3,4})/[a-z]",
        r"/s(\d+)(?:-c)?/",
    )
]


@dataclass
class Tally:
    """The figures of one feed file (or of all of them)."""

    items: int = 0
    skipped: int = 0
    unpaired: int = 0
    glued: int = 0
    glued_text: int = 0
    tails: int = 0
    tails_text: int = 0
    with_sizes: int = 0
    largest: int = 0
    image_missed: int = 0
    no_teaser: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name in ("items", "skipped", "unpaired", "glued", "glued_text", "tails", "tails_text"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.with_sizes += other.with_sizes
        self.largest += other.largest
        self.image_missed += other.image_missed
        self.no_teaser += other.no_teaser
        self.examples += other.examples


# --- the source, read independently ---------------------------------------------------------------


def boundary_joins(fragment: str) -> set[tuple[str, str]]:
    """(last word, first word) of every two texts that touch across a block boundary."""
    if not fragment or "<" not in fragment:
        return set()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return set()
    stream: list[str | None] = []  # text, and None for each block boundary
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            stream += [None] if tag in BLOCKS else []
            stream.append(element.text or "")
        else:
            stream += [None] if tag in BLOCKS else []
            stream.append(element.tail or "" if element is not root else "")
    joins = set()
    for index, piece in enumerate(stream):
        if piece is not None:
            continue
        before = "".join(p for p in stream[:index] if p is not None)
        after = "".join(p for p in stream[index + 1 :][:40] if p is not None)
        left, right = re.search(r"(\w+)$", before), re.match(r"(\w+)", after)
        if left and right:
            joins.add((left.group(1), right.group(1)))
    return joins


def glued(text: str, joins: set[tuple[str, str]]) -> bool:
    """The text holds two words of a block boundary as one, lower-case then upper-case."""
    return any(
        a[-1].islower() and b[0].isupper() and re.search(rf"\b{re.escape(a + b)}\b", text) for a, b in joins
    )


def has_tail(paragraphs: tuple[str, ...] | list[str]) -> bool:
    """Some paragraph holds a feed tail by this script's list."""
    return any(pattern.search(p) for p in paragraphs for pattern in TAILS)


def width_of(url: str, declared: object) -> int:
    """The declared width, else the width the URL names; 0 when neither says."""
    match = re.match(r"\s*(\d+)", str(declared or ""))
    if match:
        return int(match.group(1))
    for pattern in WIDTH_HINTS:
        hint = pattern.search(url)
        if hint:
            return int(hint.group(1))
    return 0


def offered_images(entry: Any, page_url: str) -> dict[str, int]:
    """Every image URL the entry offers, with its width (0 when unknown)."""
    found: dict[str, int] = {}
    for media in (entry.get("media_content") or []) + (entry.get("media_thumbnail") or []):
        is_image = str(media.get("type") or "image/").startswith("image/")
        if media.get("url") and media.get("medium", "image") == "image" and is_image:
            url = urljoin(page_url, media["url"])
            found[url] = max(found.get(url, 0), width_of(url, media.get("width")))
    for link in entry.get("links") or []:
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/"):
            url = urljoin(page_url, link.get("href", ""))
            found[url] = max(found.get(url, 0), width_of(url, None))
    for value in [c.get("value", "") for c in entry.get("content") or []] + [entry.get("summary", "")]:
        img = next(iter(_images(value)), None)
        if img is not None:
            src = next(
                (v for v in (img.get("data-src"), img.get("src")) if v and not v.startswith("data:")), ""
            )
            if src:
                url = urljoin(page_url, src)
                found.setdefault(url, width_of(url, img.get("width")))
            for candidate, width in re.findall(
                r"(\S+)\s+(\d{1,5})w\b", img.get("srcset") or img.get("data-srcset") or ""
            ):
                url = urljoin(page_url, candidate)
                found[url] = max(found.get(url, 0), int(width))
            break
    return {url: width for url, width in found.items() if url.startswith(("http://", "https://"))}


def _images(fragment: str) -> Iterator[Any]:
    if "<img" not in fragment:
        return
    for img in lxml.html.fragment_fromstring(fragment, create_parent="div").iter("img"):
        # 1x1 trackers and feedburner's share buttons (/~ff/) are not the item's images.
        pixel = str(img.get("width")) in ("0", "1") or re.search(r"/~(?:r|ff)/", img.get("src", ""))
        if (img.get("src") or img.get("data-src") or img.get("srcset")) and not pixel:
            yield img


# --- one feed ------------------------------------------------------------------------------------


def evaluate_feed(path: Path, verbose: bool) -> Tally | None:
    """The figures of one file, or None when digest does not read it as a feed."""
    body = path.read_bytes()
    try:
        report = read_entries(Fetched(str(path), body), str(path), NOW)
    except SourceError:
        return None
    tally = Tally(items=len(report.articles), skipped=len(report.skipped))
    entries = feedparser.parse(body).entries
    # The images offered are read from the markup as the feed wrote it: feedparser's sanitizer drops
    # srcset and data-src, where WordPress feeds give their larger and lazy-loaded images.
    unsanitized = dict(
        zip(map(id, entries), feedparser.parse(body, sanitize_html=False).entries, strict=False)
    )
    for entry, article in paired(entries, list(report.articles), tally):
        score_item(entry, unsanitized.get(id(entry), entry), article, tally, verbose)
    return tally


def paired(entries: list[Any], articles: list[Article], tally: Tally) -> Iterator[tuple[Any, Article]]:
    """Each article with the feed entry it came from: by guid, else by order of the linked entries."""
    guids = [str(e.get("id", "")) for e in entries]
    if all(guids) and len(set(guids)) == len(guids):
        by_guid = {g: e for g, e in zip(guids, entries, strict=True)}
        for article in articles:
            if article.guid in by_guid:
                yield by_guid[article.guid], article
            else:
                tally.unpaired += 1
        return
    linked = [e for e in entries if e.get("link")]  # digest skips an entry without a link
    if len(linked) == len(articles):
        yield from zip(linked, articles, strict=True)
    else:
        tally.unpaired += len(articles)


def score_item(entry: Any, raw: Any, article: Article, tally: Tally, verbose: bool) -> None:
    """Add one item's glue, tails and image choice to the tally (``raw``: the entry unsanitized)."""
    written = teaser(article, SETTINGS).paragraphs
    summary = article.summary.split("\n\n") if article.summary else []
    parsed = [*article.paragraphs, *summary]
    sources = [c.get("value", "") for c in entry.get("content") or []] + [entry.get("summary", "")]
    joins = set().union(*(boundary_joins(s) for s in sources))
    checks = {
        "glued": glued(" ".join(written), joins),
        "glued_text": glued(" ".join(parsed), joins),
        "tails": has_tail(written),
        "tails_text": has_tail([texts[-1] for texts in (article.paragraphs, summary) if texts]),
    }
    for name, failed in checks.items():
        if failed:
            setattr(tally, name, getattr(tally, name) + 1)
            shown = written if name in ("glued", "tails") else parsed
            worst = [p for p in shown if has_tail([p]) or glued(p, joins)] or list(shown)
            tally.examples.append(f"{name}: {article.url}: {worst[0][-160:]!r}")
    if not written and any(p.strip() for p in parsed):
        tally.no_teaser += 1
        if verbose:
            tally.examples.append(f"no teaser: {article.url}: {parsed[0][:160]!r}")
    # An image narrower than ICON_WIDTH is an avatar or an icon: offered, but no picture of the item.
    offered = {
        url: width for url, width in offered_images(raw, article.url).items() if not 0 < width < ICON_WIDTH
    }
    if offered and not article.image_url:
        tally.image_missed += 1
        tally.examples.append(f"image missed: {article.url}: {sorted(offered)[:2]}")
    if any(offered.values()):
        tally.with_sizes += 1
        chosen = offered.get(article.image_url) or width_of(article.image_url, None)
        if chosen >= max(offered.values()):
            tally.largest += 1
        elif verbose:
            tally.examples.append(f"image: {article.url}: {chosen} < {max(offered.values())}")


# --- the report ----------------------------------------------------------------------------------


def evaluate(root: Path, verbose: bool) -> tuple[dict[str, Tally], list[str]]:
    """Every feed file under root, and the files that are not feeds."""
    per_file: dict[str, Tally] = {}
    not_feeds = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        tally = evaluate_feed(path, verbose)
        name = str(path.relative_to(root))
        if tally is None:
            not_feeds.append(name)
        else:
            per_file[name] = tally
    return per_file, not_feeds


def figures(per_file: dict[str, Tally], not_feeds: list[str]) -> dict[str, Any]:
    """The totals, the per-file item counts and whether each target is met."""
    total = Tally()
    for tally in per_file.values():
        total.add(tally)
    largest = round(total.largest / total.with_sizes, 4) if total.with_sizes else None
    return {
        "feeds": len(per_file),
        "not_feeds": len(not_feeds),
        **{k: v for k, v in vars(total).items() if k != "examples"},
        "largest_rate": largest,
        "items_per_feed": {name: tally.items for name, tally in per_file.items()},
        "targets": {
            "glued=0": total.glued == 0,
            "tails=0": total.tails == 0,
            "largest=1.0": largest in (None, 1.0),
        },
    }


def main() -> None:
    """Evaluate every feed under FEEDS_DIR and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="a folder of real-world feeds (searched recursively)")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    parser.add_argument("-v", "--verbose", action="store_true", help="show every failing item")
    args = parser.parse_args()
    per_file, not_feeds = evaluate(args.dir.resolve(), args.verbose)
    columns = ("items", "skipped", "unpaired", "glued", "glued_text", "tails", "tails_text")
    print(f"{'feed':<58} " + " ".join(f"{c:>10}" for c in columns) + f" {'largest':>9}")
    for name, tally in per_file.items():
        rate = f"{tally.largest}/{tally.with_sizes}" if tally.with_sizes else "-"
        print(f"{name[-58:]:<58} " + " ".join(f"{getattr(tally, c):>10}" for c in columns) + f" {rate:>9}")
        if args.verbose:
            for example in tally.examples:
                print(f"    {example}", file=sys.stderr)
    result = figures(per_file, not_feeds)
    print(f"not feeds: {', '.join(not_feeds) or '-'}")
    summary = {k: v for k, v in result.items() if k not in ("items_per_feed", "targets")}
    print(" ".join(f"{k}={v}" for k, v in summary.items()))
    print("targets: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in result["targets"].items()))
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
