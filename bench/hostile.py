"""Evaluation: real pages and feeds made hostile, read as digest reads them; nothing may raise or stall.

    python bench/hostile.py --pages PAGES_DIR --feeds FEEDS_DIR [--rounds 300] [--seed 1] [--json] [-v]

Each round takes one real page (every *.html under PAGES_DIR, searched recursively) or one real feed
(every file under FEEDS_DIR that is not JSON output or a licence) and damages it one way, chosen at
random from a fixed seed, so that a run can be repeated:

* pages: cut short at a random byte; 50 random bytes overwritten; a character reference that names
  no character (``&#xD800;``, ``&#0;``), a NUL, a lone surrogate's bytes or an unclosed ``<script>``,
  ``<plaintext>``, ``<table>`` or comment put in anywhere; the body nested 300 to 30,000 boxes deep;
  an ``<img>`` 5,000 digits wide; JSON-LD nested 5,000 deep, or of every wrong type; meta tags naming
  ``javascript:`` images, a 100 KB escaped title and a canonical link at a malformed IPv6 host; 50,000
  unclosed paragraphs; a 20,000-candidate srcset; a paragraph of one 2 MB word; the page in UTF-16.
* feeds: cut short; 30 random bytes overwritten; a character reference that names no character, a
  surrogate's bytes, a stray CDATA end, an entity bomb, ``javascript:`` and ``file:`` media, a link
  at a malformed IPv6 host, an impossible date, a 5,000-digit width, 3,000 unclosed boxes or a 200 KB
  title put in at random, or right after an item's start.

Each damaged document goes through what `digest teaser PAGE` and `digest feed PATH` do (extract_page,
article_from_page and teaser; read_entries and teaser for each item). A SourceError (the feed is
refused with its reason) is an answer; any other exception is a failure.

Budgets (printed, with --json one JSON object as the last line): no exception; every damaged page
read within 3 s and every damaged feed within 1 s (CPU on this machine, single process).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from digest.collect.feeds import read_entries
from digest.collect.fetch import Fetched
from digest.collect.pages import article_from_page, extract_page
from digest.config import TeaserConfig
from digest.errors import SourceError
from digest.ledes import teaser

SETTINGS = TeaserConfig()
NOW = datetime(2026, 12, 1, tzinfo=UTC)
URL = "https://news.example/world/story.html"
PAGE_BUDGET_S = 3.0
FEED_BUDGET_S = 1.0

Damage = Callable[[random.Random, bytes], bytes]

_PAGE_INSERTS = (
    b"&#xD800;", b"&#0;", b"&#x110000;", b"&#99999999999;", b"\x00", b"\xed\xa0\x80", b"<![CDATA[",
    b"<!--", b"<script>", b"<title>", b"<plaintext>", b"<xmp>", b"<textarea>", b"<table>", b"</html>",
)  # fmt: skip
_FEED_INSERTS = (
    b"&#xD800;", b"&#0;", b"\xed\xa0\x80", b"\x00", b"<![CDATA[", b"]]>",
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>', b"&b;",
    b'<media:content url="javascript:alert(1)" width="99999999999999999999"/>',
    b'<media:content url="https://[::1/a.jpg" medium="image"/>',
    b'<enclosure url="file:///etc/passwd" type="image/png" length="-1"/>',
    b'<atom:link rel="self" href="//[::1"/>', b"<link>//[::1</link>",
    b"<pubDate>Mon, 99 Foo 99999 99:99:99</pubDate>",
    b"<description>&lt;img src=x width=" + b"9" * 5000 + b"&gt;</description>",
    b"<content:encoded><![CDATA[" + b"<div>" * 3000 + b"text</content:encoded>",
    b"<title>" + b"A" * 200_000 + b"</title>",
)  # fmt: skip


def _cut(rng: random.Random, raw: bytes) -> bytes:
    return raw[: rng.randrange(len(raw))]


def _scribbled(count: int) -> Damage:
    def damage(rng: random.Random, raw: bytes) -> bytes:
        changed = bytearray(raw)
        for _ in range(count):
            changed[rng.randrange(len(changed))] = rng.randrange(256)
        return bytes(changed)

    return damage


def _inserted(choices: tuple[bytes, ...], *, in_item: bool = False) -> Damage:
    def damage(rng: random.Random, raw: bytes) -> bytes:
        at = rng.randrange(len(raw))
        if in_item and b"<item" in raw:
            at = raw.find(b">", raw.find(b"<item")) + 1
        return raw[:at] + rng.choice(choices) + raw[at:]

    return damage


def _in_body(rng: random.Random, raw: bytes) -> bytes:
    start = raw.find(b"<body")
    at = raw.find(b">", start) + 1 if start >= 0 else 0
    return raw[:at] + b"<div>" * rng.choice([300, 3_000, 30_000]) + raw[at:]


def _replaced(old: bytes, new: bytes, count: int = 1) -> Damage:
    def damage(rng: random.Random, raw: bytes) -> bytes:
        return raw.replace(old, new, count) if old in raw else new + raw

    return damage


def _utf16(rng: random.Random, raw: bytes) -> bytes:
    return raw.decode("utf-8", "replace").encode("utf-16")


_ODD_JSON_LD = (
    b'<script type="application/ld+json">{"@type":"NewsArticle","headline":{"a":1},'
    b'"image":[[{"url":[1,2]}]],"articleSection":[null,5],"author":{"name":["x"]},'
    b'"datePublished":"99999-99-99T99","articleBody":7}</script>'
)
_ODD_META = (
    b'<meta property="og:image" content="javascript:alert(1)"><meta property="og:title" content="'
    + b"&amp;" * 20_000
    + b'"><link rel="canonical" href="http://[::1">'
)
_SRCSET = b'<img src="a.jpg" srcset="' + b", ".join(b"x%d.jpg %dw" % (i, i) for i in range(20_000)) + b'">'
PAGE_DAMAGE: dict[str, Damage] = {
    "cut short": _cut,
    "bytes overwritten": _scribbled(50),
    "markup put in": _inserted(_PAGE_INSERTS),
    "nested deep": _in_body,
    "image 5,000 digits wide": _replaced(
        b"<img ", b'<img width="' + b"9" * 5000 + b'" height="\xc2\xb2" ', 3
    ),
    "JSON-LD nested deep": _replaced(
        b"</head>", b'<script type="application/ld+json">' + b"[" * 5000 + b"]" * 5000 + b"</script></head>"
    ),
    "JSON-LD of wrong types": _replaced(b"</head>", _ODD_JSON_LD + b"</head>"),
    "meta tags": _replaced(b"<head>", b"<head>" + _ODD_META),
    "50,000 paragraphs": _replaced(b"</body>", b"<p>word " * 50_000 + b"</body>"),
    "srcset of 20,000": _replaced(b"</body>", _SRCSET + b"</body>"),
    "one 2 MB word": _replaced(b"</body>", b"<p>" + b"a" * 2_000_000 + b"</p></body>"),
    "UTF-16": _utf16,
}
FEED_DAMAGE: dict[str, Damage] = {
    "cut short": _cut,
    "bytes overwritten": _scribbled(30),
    "markup put in": _inserted(_FEED_INSERTS),
    "markup put in an item": _inserted(_FEED_INSERTS, in_item=True),
}


@dataclass
class Tally:
    """What one kind of document did under damage."""

    rounds: int = 0
    refused: int = 0  # a feed refused with its reason: an answer, not a failure
    failures: list[str] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "")


def read_page(raw: bytes) -> None:
    """What `digest teaser PAGE` does with a page."""
    teaser(article_from_page(extract_page(raw, URL), URL), SETTINGS)


def read_feed(raw: bytes, name: str) -> None:
    """What `digest feed PATH` does with a feed, and each item's feed-only teaser."""
    for article in read_entries(Fetched(name, raw), name, NOW).articles:
        teaser(article, SETTINGS)


def run(files: list[Path], damage: dict[str, Damage], read: Callable[[bytes, str], None], rounds: int,
        rng: random.Random) -> Tally:  # fmt: skip
    """Damage ``rounds`` documents drawn from ``files`` and read each, timing it."""
    tally = Tally()
    for _ in range(rounds):
        path = rng.choice(files)
        how = rng.choice(sorted(damage))
        raw = path.read_bytes()
        damaged = damage[how](rng, raw) if raw else raw
        started = time.process_time()
        try:
            read(damaged, str(path))
        except SourceError:
            tally.refused += 1
        except Exception as exc:  # what this benchmark looks for
            tally.failures.append(f"{path.name} ({how}): {type(exc).__name__}: {str(exc)[:160]}")
        seconds = time.process_time() - started
        tally.rounds += 1
        if seconds > tally.slowest[0]:
            tally.slowest = (seconds, f"{path.name} ({how})")
    return tally


def page_files(folder: Path) -> list[Path]:
    """Every captured page under the folder."""
    return sorted(p for p in folder.rglob("*.html") if p.name != "expected.html")


def feed_files(folder: Path) -> list[Path]:
    """Every file under the folder that may be a feed (not a parser's JSON output, not a licence)."""
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and "output" not in p.parts and p.name != "LICENSE" and p.stat().st_size < 3_000_000
    )  # fmt: skip


def main() -> None:
    """Damage real pages and feeds and print what digest did with them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, required=True, help="a folder of captured pages (*.html)")
    parser.add_argument("--feeds", type=Path, required=True, help="a folder of real-world feeds")
    parser.add_argument("--rounds", type=int, default=300, help="damaged documents of each kind")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every failure")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    pages = run(page_files(args.pages), PAGE_DAMAGE, lambda raw, _: read_page(raw), args.rounds, rng)
    feeds = run(feed_files(args.feeds), FEED_DAMAGE, read_feed, args.rounds, rng)
    budgets = {
        "no_page_exception": not pages.failures,
        "no_feed_exception": not feeds.failures,
        f"slowest_page<={PAGE_BUDGET_S:g}s": pages.slowest[0] <= PAGE_BUDGET_S,
        f"slowest_feed<={FEED_BUDGET_S:g}s": feeds.slowest[0] <= FEED_BUDGET_S,
    }
    figures = {
        kind: {
            "rounds": tally.rounds,
            "refused": tally.refused,
            "exceptions": len(tally.failures),
            "slowest_s": round(tally.slowest[0], 2),
            "slowest": tally.slowest[1],
        }
        for kind, tally in (("pages", pages), ("feeds", feeds))
    }
    for kind, tally in (("pages", pages), ("feeds", feeds)):
        shown = figures[kind]
        counts = f"{shown['rounds']} damaged, {shown['refused']} refused with a reason"
        slowest = f"slowest {shown['slowest_s']} s ({shown['slowest']})"
        print(f"{kind}: {counts}, {shown['exceptions']} exceptions; {slowest}")
        for failure in tally.failures if args.verbose else tally.failures[:5]:
            print(f"    {failure}", file=sys.stderr)
    print("budgets: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in budgets.items()))
    if args.json:
        print(json.dumps({**figures, "seed": args.seed, "budgets_met": budgets}))


if __name__ == "__main__":
    main()
