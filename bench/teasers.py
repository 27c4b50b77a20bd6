"""Evaluation: digest's "keep reading" teasers on independent sets of real news pages.

    python bench/teasers.py [--mozilla DIR] [--postlight DIR] [--newspaper DIR] [--reviewed DIR]
                            [--omnivore DIR] [--postlight-more DIR] [--json] [-v]
                            [--only NAME] [--markup served|no-names|plain-boxes] [--kinds]

DIR for --mozilla is mozilla-readability's ``test/test-pages`` folder; for --postlight, the
postlight-parser checkout (``fixtures/`` and ``src/extractors/custom/``). How each set's gold is read
is in teaser_sets.py. postlight is split once, by site, into ``dev`` (tuned on) and ``check`` (never
tuned on; the fixed list is teaser_split.py); mozilla counts as tuned on. Pages are *real* when they
are captures of real sites (all of postlight; mozilla's pages of 10 KB or more, see teaser_sets).
--newspaper adds a third set, tuned on like mozilla: a folder of ``NAME.html`` pages, each with the
article's text as newspaper4k's tests expect it in ``NAME.txt`` (group ``newspaper_dev``; no site of
the postlight check half may be in it). --reviewed adds a fourth, also tuned on: pages whose reader
wrote down, before any extractor ran, the article's first paragraph (``NAME.txt``) and its URL,
headline, lead image and its credit (``NAME.json``: ``url``, ``title``, ``image``, ``credit``); group
``reviewed_dev``. --omnivore adds a fifth, tuned on too: pages in mozilla's layout (source.html,
expected.html, expected-metadata.json) that also give their address in ``url.txt``, as omnivore's
fork of Readability keeps its own test pages; the gold is read as mozilla's; group ``omnivore_dev``.
--postlight-more adds a sixth, tuned on too: other sites' tests and fixtures in postlight-parser's
layout (the sites its history holds beyond the shared copy), read as postlight's; group
``postlight_more_dev``. The loaders of the development sets refuse a site of the postlight check half.

Four extractors write a teaser for every page, side by side in one run:

* digest      - exactly what `digest teaser PAGE` writes (extract_page, article_from_page, teaser);
* trafilatura - trafilatura's own first paragraphs (bare_extraction on the raw page, its defaults
  but without comments and tables), cut to the same word budget by the same rule;
* first_p     - the page's first non-empty <p>, one paragraph;
* meta        - og:description, else the description meta tag.

Figures, as fractions of the pages of a group that have the gold in question:

* lede_start  - the teaser starts with the article's true lede: with punctuation and spaces folded
  away, its text begins with the first 13 words of the gold (postlight's first13; mozilla's gold
  lede paragraph, see teaser_sets.mozilla_gold_lede), or, when the gold is longer than the whole
  teaser (13 space-separated runs of Japanese can be), the teaser of 40 or more characters is the
  start of the gold;
* lede_para   - (mozilla) difflib ratio >= 0.90 between the first paragraph and the gold paragraph
  (a cut paragraph is compared with the gold's prefix);
* title       - the title equals the gold title, case and typography folded;
* image       - the lead image is the gold's: same URL once canonical, or the same file name;
* credit      - a credit was found, of the pages whose lead figure carries one (see has_credit);
* credit_gold - (reviewed) the credit is the one the page's reader marked, give or take a label the
  reader kept ("Photo by", "Courtesy of", "©"), of the pages whose reader marked one;
* boilerplate - some paragraph matches teaser_sets.BOILERPLATE (lower is better);
* sentence_end - of the teasers written, those whose every paragraph ends with . ! ? … (CJK
  full-width too), perhaps with closers, or, in Thai and Lao (which mark no sentence end), a letter;
* empty       - no teaser at all: nothing on the page (nor in its description) reads as a full
  sentence (a non-article page, or one without sentence punctuation); counted apart, as a lede miss
  where there is a lede gold;
* in_budget   - min_words <= words <= max_words, or one paragraph cut at a sentence end, or all
  of a short article.

With --markup, every page is first rewritten the way other sites write the same article, to show how
much each extractor leans on what one site's markup happens to say: ``no-names`` takes away every
class, id, itemprop and role (as hashed class names leave a page: "css-1q0x1qg"), ``plain-boxes``
turns <article>, <main>, <header>, <footer>, <nav>, <aside> and <section> into <div>s (as older sites
are built). The pages are parsed and written back in both, and in ``served`` they are read as served.

Targets (checked and printed): on the postlight check half, lede_start >= 0.92 and >= trafilatura +
0.03, title >= 0.95, image >= 0.90; mozilla real lede_para >= 0.93; digest never below trafilatura
on lede_start in any group; no boilerplate and all sentence ends for digest everywhere. Extraction
time per page (extract_page, in-process): median <= 60 ms.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import lxml.html
import trafilatura
from teaser_sets import (
    GoldPage,
    boilerplate,
    mozilla_pages,
    newspaper_pages,
    parse,
    postlight_pages,
    squash,
    words,
)

from digest.collect.canonical import canonical_url
from digest.collect.extract import parse_html
from digest.collect.pages import article_from_page, extract_page
from digest.config import TeaserConfig
from digest.ledes import pick_lede, teaser

SETTINGS = TeaserConfig()
MATCH_RATIO = 0.90
ELLIPSIS = "…"
# Sentence ends in any script (Latin, CJK full-width, Urdu, Arabic, Devanagari, Armenian, Ethiopic, ...).
ENDS = (
    ".!?\u2026\u3002\uff01\uff1f"
    "\u06d4\u061f\u0964\u0965\u0589\u055e\u055c\u1362\u1367\u1368\u104b\u17d4\u17d5"
)
# What closes a quote after its end mark: English's, and German's („…“ and »…« close with the marks
# English and French open with).
CLOSERS = "\"'\u201d\u2019\u201c\u2018\u00bb\u00ab)\\]\u300d\u300f\uff09"
# Thai and Lao mark no sentence end: a sentence ends with a space, a paragraph with its last letter.
UNMARKED_ENDS = "\u0e01-\u0e4f\u0e80-\u0edf"
# French sets its closing guillemet apart by a space ("… merde ! »").
SENTENCE_END = re.compile(
    f"(?:[{ENDS}](?:[{CLOSERS}]|\\s(?=[\u00bb\u203a]))*|\\s\u2026|[{UNMARKED_ENDS}][{CLOSERS}]*)$"
)
EXTRACTORS = ("digest", "trafilatura", "first_p", "meta")
CREDIT_MARK = re.compile(
    r"(?i)\b(?:photo(?:graph)?|image|picture|credit)s?\s*(?::|by\b)|getty images|ap photo|"
    r"\breuters\b|\bafp\b|shutterstock|©"
)


@dataclass(frozen=True)
class Teaser:
    """What one extractor wrote for one page."""

    paragraphs: tuple[str, ...]
    truncated: bool = False
    title: str = ""
    image: str = ""
    credit: str = ""


@dataclass(frozen=True)
class Scored:
    """A page with every extractor's teaser and whether its lead figure carries a credit."""

    page: GoldPage
    teasers: dict[str, Teaser]
    has_credit: bool
    seconds: float


# --- the markup ----------------------------------------------------------------------------------

_NAMES = ("class", "id", "itemprop", "role")
_BOXES = ("article", "main", "header", "footer", "nav", "aside", "section")


def rewritten(page: GoldPage, markup: str) -> GoldPage:
    """The page with its markup rewritten (see the module docstring); as served for "served"."""
    if markup == "served":
        return page
    doc = parse_html(page.raw)
    if doc is None:
        return page
    for node in doc.iter():
        if not isinstance(node.tag, str):
            continue
        if markup == "no-names":
            for name in _NAMES:
                node.attrib.pop(name, None)
        elif node.tag in _BOXES:
            node.tag = "div"
    for meta in doc.xpath("//meta[@charset or @http-equiv]"):
        meta.drop_tree()
    head = doc.find("head")
    if head is not None:
        charset = lxml.html.Element("meta")
        charset.set("charset", "utf-8")
        head.insert(0, charset)
    return replace(page, raw=lxml.html.tostring(doc, encoding="utf-8"))


# --- the extractors -------------------------------------------------------------------------------


def digest_teaser(page: GoldPage) -> tuple[Teaser, float]:
    """digest's teaser, through the same calls as `digest teaser PAGE`, and its extraction time."""
    started = time.perf_counter()
    info = extract_page(page.raw, page.url)
    seconds = time.perf_counter() - started
    result = teaser(article_from_page(info, page.url), SETTINGS)
    found = Teaser(result.paragraphs, result.truncated, result.title, result.image_url, result.image_credit)
    return found, seconds


def trafilatura_teaser(page: GoldPage) -> Teaser:
    """trafilatura's first paragraphs, title and image, cut to the same budget."""
    doc = parse_html(page.raw)
    if doc is None:
        return Teaser(())
    found = trafilatura.bare_extraction(
        copy.deepcopy(doc), url=page.url, include_comments=False, include_tables=False, with_metadata=True
    )
    body = getattr(found, "body", None)
    texts = (
        tuple(t for t in (squash("".join(p.itertext())) for p in body.iter("p")) if t)
        if body is not None
        else ()
    )
    paragraphs, cut = pick_lede(texts, SETTINGS.min_words, SETTINGS.max_words)
    return Teaser(
        paragraphs, cut, str(getattr(found, "title", "") or ""), str(getattr(found, "image", "") or "")
    )


def first_p(source: lxml.html.HtmlElement) -> Teaser:
    """Baseline: the page's first non-empty <p>; its <title> and first <img>."""
    title = squash(source.findtext(".//title") or "")
    images = [img.get("src", "") for img in source.iter("img") if img.get("src")]
    for node in source.iter("p"):
        text = squash(node.text_content())
        if text:
            return Teaser((text,), title=title, image=images[0] if images else "")
    return Teaser((), title=title)


def meta_teaser(source: lxml.html.HtmlElement) -> Teaser:
    """Baseline: og:description (else description), og:title and og:image."""
    return Teaser(
        (text,) if (text := _meta(source, "og:description") or _meta(source, "description")) else (),
        title=_meta(source, "og:title"),
        image=_meta(source, "og:image"),
    )


def _meta(source: lxml.html.HtmlElement, name: str) -> str:
    for query in (f"//meta[@property='{name}']", f"//meta[@name='{name}']"):
        for node in source.xpath(query):
            text = squash(node.get("content") or node.get("value") or "")  # postlight saved it as value
            if text:
                return text
    return ""


def has_credit(source: lxml.html.HtmlElement) -> bool:
    """The page's lead figure carries a credit: marked as one, or reading as one in its caption.

    The lead figure is the first <figure> (in <article> when there is one). A credit is an element
    whose class, id or itemprop names a credit or copyright holder, or caption text that CREDIT_MARK
    finds. Independent of digest's own rules, and only the first figure: a credit three photos down
    is not the lead image's.
    """
    figures = source.xpath("//article//figure") or source.xpath("//figure")
    if not figures:
        return False
    figure = figures[0]
    marked = figure.xpath(
        ".//*[contains(translate(@class, 'CREDIT', 'credit'), 'credit') or contains(@itemprop, 'copyright')"
        " or contains(@itemprop, 'creditText')]"
    )
    if any(squash(node.text_content()) for node in marked):
        return True
    captions = figure.xpath(".//figcaption")
    return any(CREDIT_MARK.search(squash(c.text_content())) for c in captions)


def score_page(page: GoldPage) -> Scored:
    """Every extractor's teaser for one page."""
    source = parse(page.raw)
    digest, seconds = digest_teaser(page)
    teasers = {
        "digest": digest,
        "trafilatura": trafilatura_teaser(page),
        "first_p": first_p(source),
        "meta": meta_teaser(source),
    }
    return Scored(page, teasers, has_credit(source), seconds)


# --- the checks -----------------------------------------------------------------------------------


def _folded(text: str) -> str:
    return re.sub(r"[\W_]+", "", squash(text).casefold())


def lede_start(paragraphs: tuple[str, ...], gold: str) -> bool:
    """The teaser begins with the gold's first 13 words, spaces and punctuation folded away."""
    if not paragraphs or not gold:
        return False
    head = _folded(" ".join(gold.split()[:13]))
    ours = _folded(" ".join(p.removesuffix(ELLIPSIS) for p in paragraphs))
    # In Chinese and Japanese 13 space-separated "words" can outrun a whole teaser: then the teaser,
    # if long enough to tell, must be the start of the gold instead.
    return ours.startswith(head) or (len(ours) >= 40 and head.startswith(ours))


def lede_para(paragraphs: tuple[str, ...], gold: str) -> bool:
    """The teaser's first paragraph is the gold paragraph (a cut one is a prefix of it)."""
    if not paragraphs or not gold:
        return False
    ours, gold = squash(paragraphs[0]), squash(gold)
    if ours.endswith(ELLIPSIS) and not gold.endswith(ELLIPSIS):
        ours = ours.removesuffix(ELLIPSIS).rstrip()
        gold = gold[: len(ours)]
    return SequenceMatcher(None, ours, gold, autojunk=False).ratio() >= MATCH_RATIO


def same_title(ours: str, gold: str) -> bool:
    """Equal once case, white space and typography are folded."""
    return bool(gold) and squash(ours).casefold() == squash(gold).casefold()


def same_image(ours: str, gold: str) -> bool:
    """The same image: equal canonical URLs (scheme aside), or the same file name, give or take the
    size a publishing system adds to a picture's copies ("ferry-1024x683.jpg", "ferry_700x1050.jpg")."""
    if not gold:
        return not ours
    if not ours:
        return False
    if canonical_url(ours).split("://", 1)[-1] == canonical_url(gold).split("://", 1)[-1]:
        return True
    name = _SIZE_IN_NAME.sub("", unquote(urlsplit(ours).path.rsplit("/", 1)[-1]))
    return bool(name) and name == _SIZE_IN_NAME.sub("", unquote(urlsplit(gold).path.rsplit("/", 1)[-1]))


_SIZE_IN_NAME = re.compile(r"[-_]\d{2,4}x\d{2,4}(?=\.\w+$)")


def same_credit(ours: str, gold: str) -> bool:
    """The credit the reader marked, folded, perhaps after a label it kept ("Photo by Jo Doe")."""
    return bool(_folded(ours)) and _folded(gold).endswith(_folded(ours))


def in_budget(result: Teaser, body_words: int) -> bool:
    """Within the word budget, or a single paragraph cut at a sentence end."""
    paragraphs = result.paragraphs
    count = sum(words(p.removesuffix(ELLIPSIS)) for p in paragraphs)
    if result.truncated or (len(paragraphs) == 1 and paragraphs[0].endswith(ELLIPSIS)):
        return len(paragraphs) == 1 and bool(SENTENCE_END.search(paragraphs[0]))
    low = min(SETTINGS.min_words, body_words)
    return bool(paragraphs) and low <= count <= SETTINGS.max_words


def ends_well(paragraphs: tuple[str, ...]) -> bool:
    """Every paragraph ends at a sentence end."""
    return bool(paragraphs) and all(SENTENCE_END.search(p) for p in paragraphs)


def _checks(extractor: str) -> dict[str, tuple[Callable[[Scored], bool], Callable[[Scored], bool]]]:
    """Each figure: (which pages count, whether the extractor got it right on one)."""

    def t(s: Scored) -> Teaser:
        return s.teasers[extractor]

    def every(s: Scored) -> bool:
        return True

    return {
        "lede_start": (lambda s: bool(s.page.lede), lambda s: lede_start(t(s).paragraphs, s.page.lede)),
        "lede_para": (
            lambda s: s.page.set in ("mozilla", "omnivore") and bool(s.page.lede),
            lambda s: lede_para(t(s).paragraphs, s.page.lede),
        ),
        "title": (lambda s: bool(s.page.title), lambda s: same_title(t(s).title, s.page.title)),
        "image": (lambda s: s.page.image is not None, lambda s: same_image(t(s).image, s.page.image or "")),
        "credit": (lambda s: s.has_credit, lambda s: bool(t(s).credit)),
        "credit_gold": (lambda s: bool(s.page.credit), lambda s: same_credit(t(s).credit, s.page.credit)),
        "boilerplate": (every, lambda s: any(boilerplate(p) for p in t(s).paragraphs)),
        "sentence_end": (lambda s: bool(t(s).paragraphs), lambda s: ends_well(t(s).paragraphs)),
        "empty": (every, lambda s: not t(s).paragraphs),
        "in_budget": (every, lambda s: in_budget(t(s), s.page.body_words)),
    }


def score(pages: list[Scored], extractor: str) -> dict[str, Any]:
    """Every figure for one extractor over a group of pages, with the number of pages it counts."""
    figures: dict[str, Any] = {"pages": len(pages)}
    for name, (counts, right) in _checks(extractor).items():
        counted = [s for s in pages if counts(s)]
        figures[name] = round(sum(1 for s in counted if right(s)) / len(counted), 4) if counted else None
        figures[f"{name}_n"] = len(counted)
    return figures


# --- the report -----------------------------------------------------------------------------------


def groups(scored: list[Scored]) -> dict[str, list[Scored]]:
    """The groups reported: mozilla real and edge pages, postlight dev and check halves."""
    named = {
        "mozilla_real": [s for s in scored if s.page.set == "mozilla" and s.page.real],
        "mozilla_edge": [s for s in scored if s.page.set == "mozilla" and not s.page.real],
        "postlight_dev": [s for s in scored if s.page.set == "postlight" and s.page.half == "dev"],
        "postlight_check": [s for s in scored if s.page.half == "check"],
        "newspaper_dev": [s for s in scored if s.page.set == "newspaper"],
        "reviewed_dev": [s for s in scored if s.page.set == "reviewed"],
        "omnivore_dev": [s for s in scored if s.page.set == "omnivore"],
        "postlight_more_dev": [s for s in scored if s.page.set == "postlight_more"],
    }
    return {name: members for name, members in named.items() if members}


def targets(figures: dict[str, dict[str, dict[str, Any]]], timing: dict[str, float]) -> dict[str, bool]:
    """Whether each target of the module docstring is met."""
    met: dict[str, bool] = {}
    check = figures.get("postlight_check")
    if check:
        ours, theirs = check["digest"], check["trafilatura"]
        met["postlight_check_lede_start>=0.92"] = (ours["lede_start"] or 0) >= 0.92
        met["postlight_check_lede_start>=trafilatura+0.03"] = (ours["lede_start"] or 0) >= (
            theirs["lede_start"] or 0
        ) + 0.03
        met["postlight_check_title>=0.95"] = (ours["title"] or 0) >= 0.95
        met["postlight_check_image>=0.90"] = (ours["image"] or 0) >= 0.90
    if "mozilla_real" in figures:
        met["mozilla_real_lede_para>=0.93"] = (figures["mozilla_real"]["digest"]["lede_para"] or 0) >= 0.93
    for group, by in figures.items():
        if group == "mozilla_edge":
            continue
        met[f"{group}_lede_start>=trafilatura"] = (by["digest"]["lede_start"] or 0) >= (
            by["trafilatura"]["lede_start"] or 0
        )
        met[f"{group}_no_boilerplate"] = by["digest"]["boilerplate"] == 0
        met[f"{group}_all_sentence_ends"] = by["digest"]["sentence_end"] == 1
    if timing:
        met["extract_median<=60ms"] = timing["median_ms"] <= 60
    return met


def _timing(scored: list[Scored]) -> dict[str, float]:
    real = sorted(s.seconds * 1000 for s in scored if s.page.real)
    if not real:
        return {}
    p95 = real[min(len(real) - 1, round(0.95 * (len(real) - 1)))]
    return {"pages": len(real), "median_ms": round(statistics.median(real), 1), "p95_ms": round(p95, 1)}


def misses(scored: list[Scored], check_half: bool) -> None:
    """On stderr: each real page where digest misses the lede, the title or the image.

    The check half is left out unless asked for: looking at its misses is tuning on it.
    """
    for s in scored:
        if not s.page.real or (s.page.half == "check") != check_half:
            continue
        t = s.teasers["digest"]
        problems = [
            "lede" if s.page.lede and not lede_start(t.paragraphs, s.page.lede) else "",
            "title" if s.page.title and not same_title(t.title, s.page.title) else "",
            "image" if s.page.image is not None and not same_image(t.image, s.page.image) else "",
            "boilerplate" if any(boilerplate(p) for p in t.paragraphs) else "",
            "ending" if not ends_well(t.paragraphs) else "",
        ]
        if any(problems):
            print(
                f"{s.page.set}/{s.page.half}/{s.page.name}: {' '.join(p for p in problems if p)}",
                file=sys.stderr,
            )
            if "lede" in problems or "boilerplate" in problems or "ending" in problems:
                print(f"    teaser: {' | '.join(t.paragraphs)[:140]!r}", file=sys.stderr)
                print(f"    gold:   {s.page.lede[:140]!r}", file=sys.stderr)
            if "title" in problems:
                print(f"    title: {t.title[:100]!r} / gold {s.page.title[:100]!r}", file=sys.stderr)
            if "image" in problems:
                print(f"    image: {t.image[:120]!r} / gold {s.page.image!r}", file=sys.stderr)


_OVERLAP = 12  # folded characters the gold's end and the teaser's start share, at least, to be one text
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def lede_kind(t: Teaser, gold: str) -> str:
    """What kind of lede miss a teaser is, told from the folded texts alone (no page is shown)."""
    if not t.paragraphs:
        return "no teaser (nothing read as a full sentence)"
    head = _folded(" ".join(gold.split()[:13]))
    ours = _folded(" ".join(p.removesuffix(ELLIPSIS) for p in t.paragraphs))
    first = _folded(t.paragraphs[0].removesuffix(ELLIPSIS))
    script = " (Chinese/Japanese)" if _CJK.search(gold) else ""
    if head and head[:40] in ours[1:]:
        where = "first paragraph" if head[:40] in first[1:] else "a later paragraph"
        return f"lede in {where}, after lines the gold leaves out{script}"
    whole = _folded(gold)
    # Ours is in the gold after its start, or the gold's 13 words end where ours begins.
    later = first[:30] and first[:30] in whole[1:]
    if later or any(first.startswith(whole[k:]) for k in range(1, len(whole) - _OVERLAP)):
        return f"gold starts with lines before the body's first paragraph{script}"
    return f"a different paragraph from the gold's{script}"


def title_kind(ours: str, gold: str) -> str:
    """What kind of title miss: more words than the gold, fewer, or another wording."""
    a, b = _folded(ours), _folded(gold)
    if not a:
        return "no title"
    if b in a:
        return "ours adds words to the gold's (a site, section or kicker)"
    if a in b:
        return "the gold adds words to ours"
    if SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.8:
        return "a close wording (another of the page's titles)"
    return "another headline altogether"


def miss_kinds(scored: list[Scored]) -> dict[str, dict[str, int]]:
    """Per set and half (postlight's two, the newspaper and reviewed sets), digest's lede, title and
    image misses counted by kind."""
    kinds: dict[str, dict[str, int]] = {}
    for s in scored:
        if s.page.set == "mozilla":
            continue
        t = s.teasers["digest"]
        found = []
        if s.page.lede and not lede_start(t.paragraphs, s.page.lede):
            found.append("lede: " + lede_kind(t, s.page.lede))
        if s.page.title and not same_title(t.title, s.page.title):
            found.append("title: " + title_kind(t.title, s.page.title))
        if s.page.image is not None and not same_image(t.image, s.page.image):
            found.append("image: " + ("none found" if not t.image else "another image"))
        counts = kinds.setdefault(f"{s.page.set} {s.page.half}", {})
        for kind in found:
            counts[kind] = counts.get(kind, 0) + 1
    return {half: dict(sorted(counts.items())) for half, counts in kinds.items()}


def print_table(figures: dict[str, dict[str, dict[str, Any]]]) -> None:
    """One row per group and extractor."""
    columns = (
        "lede_start",
        "lede_para",
        "title",
        "image",
        "credit",
        "credit_gold",
        "boilerplate",
        "sentence_end",
        "empty",
        "in_budget",
    )
    print(f"{'group':<16} {'extractor':<11} {'pages':>5} " + " ".join(f"{c[:11]:>11}" for c in columns))
    for group, by in figures.items():
        for name, f in by.items():
            cells = [
                "-"
                if f[c] is None
                else f"{f[c]:.1%} ({f[f'{c}_n']})"
                if c in ("lede_start", "title", "image", "credit")
                else f"{f[c]:.1%}"
                for c in columns
            ]
            print(f"{group:<16} {name:<11} {f['pages']:>5} " + " ".join(f"{c:>11}" for c in cells))


def main() -> None:
    """Score every page of the sets given and print the figures side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mozilla", type=Path, help="mozilla-readability's test/test-pages folder")
    parser.add_argument("--postlight", type=Path, help="the postlight-parser folder (fixtures/, src/)")
    parser.add_argument(
        "--newspaper", type=Path, help="a folder of NAME.html + NAME.txt pages (development only)"
    )
    parser.add_argument(
        "--reviewed", type=Path, help="a folder of NAME.html + NAME.txt + NAME.json pages (development)"
    )
    parser.add_argument(
        "--omnivore", type=Path, help="pages in mozilla's layout, each with its url.txt (development)"
    )
    parser.add_argument(
        "--postlight-more",
        type=Path,
        action="append",
        default=[],
        help="other sites in postlight-parser's layout (development; may be given more than once)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the real pages digest misses")
    parser.add_argument(
        "--check-misses",
        action="store_true",
        help="with -v, list the check half's misses instead (not for tuning)",
    )
    parser.add_argument(
        "--kinds", action="store_true", help="count each half's misses by kind (no page named)"
    )
    parser.add_argument("--only", default="", help="score only pages whose name contains this")
    parser.add_argument(
        "--markup",
        choices=("served", "no-names", "plain-boxes"),
        default="served",
        help="read each page as served, or rewritten without class names or semantic boxes",
    )
    args = parser.parse_args()
    sets = (args.mozilla, args.postlight, args.newspaper, args.reviewed, args.omnivore, args.postlight_more)
    if not any(sets):
        parser.error("give --mozilla, --postlight, --newspaper, --reviewed, --omnivore or --postlight-more")
    started = time.perf_counter()
    pages = [
        *(mozilla_pages(args.mozilla) if args.mozilla else ()),
        *(postlight_pages(args.postlight) if args.postlight else ()),
        *(newspaper_pages(args.newspaper) if args.newspaper else ()),
        *(newspaper_pages(args.reviewed, "reviewed") if args.reviewed else ()),
        *(mozilla_pages(args.omnivore, "omnivore") if args.omnivore else ()),
        *(page for more in args.postlight_more for page in postlight_pages(more, "postlight_more")),
    ]
    scored = [score_page(rewritten(p, args.markup)) for p in pages if args.only in p.name]
    figures = {group: {e: score(members, e) for e in EXTRACTORS} for group, members in groups(scored).items()}
    timing = _timing(scored)
    met = targets(figures, timing)
    if args.verbose:
        misses(scored, args.check_misses)
    if args.kinds:
        for half, counts in miss_kinds(scored).items():
            print(f"{half} misses by kind:", file=sys.stderr)
            for kind, count in counts.items():
                print(f"  {count:>3}  {kind}", file=sys.stderr)
    unscored = [f"{s.page.name}: {note}" for s in scored for note in s.page.notes]
    if args.json:
        print(json.dumps({"groups": figures, "extract_ms": timing, "targets": met, "unscored": unscored}))
        return
    print_table(figures)
    print(f"extraction per real page: {timing}")
    for name, ok in met.items():
        print(f"  {'met ' if ok else 'MISS'} {name}")
    print(
        f"({len(scored)} pages in {time.perf_counter() - started:.1f} s; {len(unscored)} without a lede gold)"
    )


if __name__ == "__main__":
    main()
