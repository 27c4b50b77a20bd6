"""Evaluation: digest's "keep reading" teasers on Readability's real-world test pages.

    python bench/teasers.py PAGES_DIR [--json] [-v]     (folders NAME/source.html + NAME/expected.html)

Each page folder holds source.html (the captured page), expected.html (Readability's article) and
expected-metadata.json. The teaser is written exactly as `digest teaser` writes it: extract_page,
article_from_page, summarize.teaser with TeaserConfig(). Two baselines run beside it on the same
pages: the page's first non-empty <p> (lxml) and its meta description (og:description, else
description), each taken as a one-paragraph teaser.

Page groups. A page is *real-site* when its source.html is at least 10,000 bytes: a saved real page
carries its site's head, scripts and navigation, while the synthetic edge cases (001-005 excepted by
content, see below) are hand-written snippets under 4 KB; the sizes have a clear gap between 3.8 KB and
10 KB. By this rule 001 (a personal blog post) and 002 (Mozilla Hacks) count as real sites, as their
content is, and so do captures named for the feature they test (keep-images, clean-links, ...).

Gold lede: the first paragraph of expected.html that is body text, where

* paragraphs are the non-empty <p> elements, in order (a page without any has no gold);
* a paragraph is skipped when it sits inside <figure>, <figcaption>, <aside>, <nav> or <footer> in
  expected.html, or when the same text sits in source.html inside <header>, <figure>, <figcaption>,
  <aside> or an element whose class or id names a caption, credit, byline, dek, standfirst,
  summary, subtitle, subhead, photo, slideshow or gallery (Readability keeps some deks and
  captions as plain paragraphs); a caption or credit left at the start of a paragraph is cut off;
* it is skipped when it matches this script's BOILERPLATE list, has no letters, is all capitals,
  has fewer than 12 words (fewer than 25 characters in Chinese or Japanese text), or holds no
  sentence-ending punctuation at all;
* a dateline on its own line ("WASHINGTON —", "LONDON (Reuters) -") is joined to the paragraph after.

A teaser's first paragraph matches the gold when, after folding white space, curly quotes and
dashes, difflib's SequenceMatcher ratio is at least 0.90; a paragraph cut with "…" matches when its
text is a prefix of the gold paragraph (the ratio is taken on the gold's first len(teaser) chars).
Figures, as fractions of the pages in a group (lede match: of the pages that have a gold):

* lede_match   - the teaser's first paragraph is the gold lede;
* boilerplate  - some teaser paragraph matches BOILERPLATE (a list written for this script, not
  digest's own patterns); lower is better;
* sentence_end - every teaser paragraph ends with . ! ? … (or their full-width forms in CJK text),
  possibly followed by closing quotes or brackets, or with the " …" of a cut;
* in_budget    - min_words <= words <= max_words, or a single paragraph cut at a sentence end, or all
  of an article whose whole text (expected.html) is shorter than min_words. A CJK character counts as
  one word, as word processors count them.

Targets on real-site pages: lede match >= 0.92, no boilerplate, every paragraph at a sentence end,
>= 0.95 within budget.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import lxml.html

from digest.collect.pages import article_from_page, extract_page
from digest.config import TeaserConfig
from digest.summarize import teaser

URL = "http://fakehost/test/page.html"
SETTINGS = TeaserConfig()
REAL_SITE_BYTES = 10_000
MATCH_RATIO = 0.90
ELLIPSIS = "…"

# Written for this evaluation, independent of digest's own lists: what a reader would call furniture.
BOILERPLATE = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"^(?:top )?(?:photo|image|picture|illustration|video)s?\s*(?:credit)?\s*(?:[:/|]|by\b)",
        r"^credits?\b",
        r"\b(?:getty images|ap photo|shutterstock|afp/|/afp\b|source: supplied|photo credit)",
        r"^\(?(?:photo|image|bild|foto|crédit)s?\s*:",
        r"©",
        r"^(?:advertisement|sponsored|supported by|anzeige|publicité)\b",
        r"\b(?:subscribe|sign up|signup|newsletter|in your inbox)\b",
        r"^share\b|\bshare (?:this|on)\b|^(?:tweet|email|print)$",
        r"\bcookies?\b",
        r"^(?:related|read more|see also|more from|more on|recommended|also read)\b",
        r"^(?:by|posted by|written by|por|par|von)\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}\s*$",
        r"^[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){1,3},\s+(?:AP|Reuters|AFP)\b",
        r"^(?:updated|published|last updated|posted)\b",
        r"^\d{1,2}:\d{2}\s*(?:am|pm)\b",
        r"\b\d+\s*(?:-|\s)?min(?:ute)?s? read\b",
        r"^(?:continue|keep) reading\b|\bclick here\b",
        r"all rights reserved|for your personal, non-commercial use|terms of (?:use|service)",
        r"\b(?:listen to this article|watch the video|play video)\b",
    )
]
FURNITURE_SOURCE = (
    "//header | //figure | //figcaption | //aside | //*[re:test(concat(@class, ' ', @id), "
    "'caption|credit|byline|\\bdek\\b|standfirst|summary|subtitle|subhead|photo|slideshow|gallery', 'i')]"
)
FURNITURE_EXPECTED = {"figure", "figcaption", "aside", "nav", "footer"}
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
ENDS = ".!?\u2026\u3002\uff01\uff1f"  # with the ideographic full stop and full-width ! and ?
CLOSERS = "\"'\u201d\u2019\u00bb)\\]\u300d\u300f\uff09"
SENTENCE_END = re.compile(f"(?:[{ENDS}][{CLOSERS}]*|\\s\u2026)$")
HAS_SENTENCE_END = re.compile(f"[{ENDS}]")
DATELINE = re.compile("^[A-Z\u00c0-\u00dd][A-Z\u00c0-\u00dd .,'-]+(?:\\([^)]*\\))?\\s*[\u2014\u2013-]$")
QUOTES = str.maketrans("\u201c\u201d\u201e\u00ab\u00bb\u2018\u2019\u201a\u2013\u2014", '"""""\'\'\'--')


@dataclass(frozen=True)
class Page:
    """One test page as the evaluation sees it."""

    name: str
    real: bool
    gold: str
    body_words: int
    teasers: dict[str, tuple[tuple[str, ...], bool]]


def squash(text: str) -> str:
    """Fold white space, curly quotes and dashes, so that typography does not count as a miss."""
    text = text.replace("\xa0", " ").translate(QUOTES)
    return re.sub(r"\s+", " ", text).strip()


def words(text: str) -> int:
    """Words in a text; each CJK character counts as one."""
    return len(CJK.sub(" ", text).split()) + len(CJK.findall(text))


def parse(raw: bytes) -> lxml.html.HtmlElement:
    """Parse a page, decoding it as UTF-8 (every test page is), else as Windows-1252.

    A line break reads as a space, as a reader sees it, so <br> becomes one.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    text = re.sub(r"<br\s*/?>", " <br>", re.sub(r"^\s*<\?xml[^>]*>", "", text.lstrip("\ufeff")))
    return lxml.html.document_fromstring(text)


def boilerplate(text: str) -> bool:
    """Whether a paragraph matches the evaluation's own furniture list."""
    return any(pattern.search(text) for pattern in BOILERPLATE)


def gold_lede(expected: lxml.html.HtmlElement, source: lxml.html.HtmlElement) -> str:
    """The first body-text paragraph of Readability's article (rules in the module docstring)."""
    furniture = [squash(node.text_content()) for node in source.xpath(FURNITURE_SOURCE, namespaces=_RE)]
    pending = ""
    for node in expected.iter("p"):
        text = _without_leading(squash(node.text_content()), furniture)
        if DATELINE.match(text):
            pending = text
            continue
        if text and _body_text(node, text, furniture):
            return f"{pending} {text}".strip()
        pending = ""
    return ""


_RE = {"re": "http://exslt.org/regular-expressions"}


def _without_leading(text: str, furniture: list[str]) -> str:
    """A paragraph without the caption or credit that Readability left at its start."""
    for block in furniture:
        if block and len(block) < len(text) // 2 and text.startswith(block):
            return text[len(block) :].strip()
    return text


def _body_text(node: lxml.html.HtmlElement, text: str, furniture: list[str]) -> bool:
    if any(a.tag in FURNITURE_EXPECTED for a in node.iterancestors()):
        return False
    letters = [c for c in text if c.isalpha()]
    if not letters or all(c.isupper() for c in letters) or boilerplate(text):
        return False
    short = len(text) < 25 if CJK.search(text) else len(text.split()) < 12
    if short or not HAS_SENTENCE_END.search(text):
        return False
    return not any(text in block and len(block) < 2 * len(text) + 200 for block in furniture)


def first_p(source: lxml.html.HtmlElement) -> tuple[tuple[str, ...], bool]:
    """Baseline: the page's first non-empty <p>."""
    for node in source.iter("p"):
        text = squash(node.text_content())
        if text:
            return (text,), False
    return (), False


def meta_description(source: lxml.html.HtmlElement) -> tuple[tuple[str, ...], bool]:
    """Baseline: og:description, else the description meta tag."""
    for query in ("//meta[@property='og:description']", "//meta[@name='description']"):
        for node in source.xpath(query):
            text = squash(node.get("content", ""))
            if text:
                return (text,), False
    return (), False


def digest_teaser(raw: bytes) -> tuple[tuple[str, ...], bool]:
    """digest's teaser, through the same calls as `digest teaser PAGE`."""
    result = teaser(article_from_page(extract_page(raw, URL), URL), SETTINGS)
    return result.paragraphs, result.truncated


def load(folder: Path) -> Page:
    """Read one test page and write its three teasers."""
    raw = (folder / "source.html").read_bytes()
    source = parse(raw)
    expected = parse((folder / "expected.html").read_bytes())
    return Page(
        name=folder.name,
        real=len(raw) >= REAL_SITE_BYTES,
        gold=gold_lede(expected, source),
        body_words=words(squash(expected.text_content())),
        teasers={"digest": digest_teaser(raw), "first_p": first_p(source), "meta": meta_description(source)},
    )


def lede_matches(paragraphs: tuple[str, ...], gold: str) -> bool:
    """The teaser's first paragraph is the gold lede (a cut one is a prefix of it)."""
    if not paragraphs or not gold:
        return False
    ours, gold = squash(paragraphs[0]), squash(gold)
    if ours.endswith(ELLIPSIS) and not gold.endswith(ELLIPSIS):
        ours = ours.removesuffix(ELLIPSIS).rstrip()
        gold = gold[: len(ours)]
    return SequenceMatcher(None, ours, gold, autojunk=False).ratio() >= MATCH_RATIO


def in_budget(paragraphs: tuple[str, ...], truncated: bool, body_words: int) -> bool:
    """Within the word budget, or a single paragraph cut at a sentence end."""
    count = sum(words(p.removesuffix(ELLIPSIS)) for p in paragraphs)
    if truncated or (len(paragraphs) == 1 and paragraphs[0].endswith(ELLIPSIS)):
        return len(paragraphs) == 1 and bool(SENTENCE_END.search(paragraphs[0]))
    low = min(SETTINGS.min_words, body_words)
    return bool(paragraphs) and low <= count <= SETTINGS.max_words


def score(pages: list[Page], extractor: str) -> dict[str, Any]:
    """The four figures for one extractor over a group of pages."""
    with_gold = [p for p in pages if p.gold]
    figures: dict[str, Any] = {"pages": len(pages), "with_gold": len(with_gold)}
    checks: dict[str, Callable[[Page], bool]] = {
        "boilerplate": lambda p: any(boilerplate(t) for t in p.teasers[extractor][0]),
        "sentence_end": lambda p: _ends_well(p.teasers[extractor][0]),
        "in_budget": lambda p: in_budget(*p.teasers[extractor], p.body_words),
    }
    figures["lede_match"] = _fraction(with_gold, lambda p: lede_matches(p.teasers[extractor][0], p.gold))
    for name, check in checks.items():
        figures[name] = _fraction(pages, check)
    return figures


def _ends_well(paragraphs: tuple[str, ...]) -> bool:
    return bool(paragraphs) and all(SENTENCE_END.search(p) for p in paragraphs)


def _fraction(pages: list[Page], check: Callable[[Page], bool]) -> float:
    return round(sum(1 for p in pages if check(p)) / max(len(pages), 1), 4)


def report(pages: list[Page], verbose: bool) -> dict[str, Any]:
    """Figures per group and extractor; with verbose, the real-site misses on stderr."""
    groups = {"real": [p for p in pages if p.real], "edge": [p for p in pages if not p.real]}
    if verbose:
        _misses(groups["real"])
    return {
        group: {e: score(members, e) for e in ("digest", "first_p", "meta")}
        for group, members in groups.items()
    }


def _misses(pages: Iterable[Page]) -> None:
    for page in pages:
        paragraphs = page.teasers["digest"][0]
        problems = [
            "lede" if page.gold and not lede_matches(paragraphs, page.gold) else "",
            "boilerplate" if any(boilerplate(t) for t in paragraphs) else "",
            "ending" if not _ends_well(paragraphs) else "",
            "budget" if not in_budget(*page.teasers["digest"], page.body_words) else "",
        ]
        if any(problems):
            print(f"{page.name}: {' '.join(p for p in problems if p)}", file=sys.stderr)
            print(f"    teaser: {' | '.join(paragraphs)[:100]!r}", file=sys.stderr)
            print(f"    gold:   {page.gold[:100]!r}", file=sys.stderr)


def main() -> None:
    """Evaluate every page folder under DIR and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="mozilla-readability's test/test-pages folder")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the real-site pages that miss")
    args = parser.parse_args()
    started = time.perf_counter()
    pages = [load(folder) for folder in sorted(args.dir.iterdir()) if (folder / "expected.html").is_file()]
    figures = report(pages, args.verbose)
    if args.json:
        print(json.dumps(figures))
        return
    heading = ("group", "extractor", "pages", "gold", "lede", "leaks", "ends", "budget")
    print("{:<6} {:<9} {:>5} {:>5} {:>6} {:>6} {:>6} {:>6}".format(*heading))
    for group, extractors in figures.items():
        for name, f in extractors.items():
            print(
                f"{group:<6} {name:<9} {f['pages']:>5} {f['with_gold']:>5} {f['lede_match']:>6.1%} "
                f"{f['boilerplate']:>6.1%} {f['sentence_end']:>6.1%} {f['in_budget']:>6.1%}"
            )
    print(f"({len(pages)} pages in {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
