"""The real-world page sets that bench/teasers.py evaluates on, with their gold values.

Two independent sets, each read from a folder given on the command line:

* mozilla-readability's ``test/test-pages`` (``NAME/source.html`` + ``expected.html`` +
  ``expected-metadata.json``): the gold lede is the first body-text paragraph of Readability's
  article (rules in ``mozilla_gold_lede``), the gold title is the metadata's title. No lead-image gold.
* postlight-parser (``fixtures/<site>.html`` + ``src/extractors/custom/<site>/index.test.js``): each
  test names its fixture and URL and asserts the page's title, author, lead image and the first 13
  words of the article body (``first13``), all written by the people who wrote the site's extractor.
  The set is split once, by site, into a development half and a check half (``teaser_split.CHECK``).

A third set may be given, for development only: a folder of ``NAME.html`` pages, each with ``NAME.txt``,
the article's text as another extractor's tests expect it (newspaper4k's ``tests/data/html`` and
``tests/data/text``; see ``newspaper_pages``). Its gold is that library's expected text, checked by its
authors, not written by hand: the lede gold is its first 13 words, cut like postlight's.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
from teaser_split import CHECK

REAL_SITE_BYTES = 10_000
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
QUOTES = str.maketrans("\u201c\u201d\u201e\u00ab\u00bb\u2018\u2019\u201a\u2013\u2014", '"""""\'\'\'--')
HAS_SENTENCE_END = re.compile("[.!?\u2026\u3002\uff01\uff1f\u06d4\u061f\u0964\u0965\u0589\u1362\u104b\u17d4]")
DATELINE = re.compile("^[A-Z\u00c0-\u00dd][A-Z\u00c0-\u00dd .,'-]+(?:\\([^)]*\\))?\\s*[\u2014\u2013-]$")


@dataclass(frozen=True)
class GoldPage:
    """One captured page and what its set says is right about it."""

    set: str  # "mozilla" or "postlight"
    half: str  # "all" for mozilla; "dev" or "check" for postlight
    name: str
    url: str
    raw: bytes
    real: bool
    lede: str = ""  # the gold lede paragraph (mozilla) or the first 13 words of the body (postlight)
    title: str = ""
    image: str | None = None  # None: no gold; "": the gold says there is no lead image
    credit: str = ""  # the lead image's credit a reader marked (reviewed pages); "" for none or no gold
    body_words: int = 0
    notes: tuple[str, ...] = field(default=())


def squash(text: str) -> str:
    """Fold white space, curly quotes and dashes, so that typography does not count as a miss.

    A character reference left in the text ("&#151;", "&percnt;": a page that escaped it twice) reads
    as its character, in the gold as in the teasers.
    """
    text = html.unescape(text).replace("\xa0", " ").replace("\u200b", "").translate(QUOTES)
    return re.sub(r"\s+", " ", text).strip()


def words(text: str) -> int:
    """Words in a text; each CJK character counts as one."""
    return len(CJK.sub(" ", text).split()) + len(CJK.findall(text))


def parse(raw: bytes) -> lxml.html.HtmlElement:
    """Parse a page as a reader sees it: UTF-8, else Windows-1252; a <br> reads as a space."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    text = re.sub(r"<br\s*/?>", " <br>", re.sub(r"^\s*<\?xml[^>]*>", "", text.lstrip("\ufeff")))
    return lxml.html.document_fromstring(text)


# --- mozilla-readability --------------------------------------------------------------------------

MOZILLA_URL = "http://fakehost/test/page.html"
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
        r"\b(?:subscribe|sign up|signup|in your inbox)\b",
        # A short line naming a newsletter is a prompt; prose that mentions one in passing is not.
        r"^(?=.{0,160}$).*\bnewsletters?\b",
        r"^share\b|\bshare (?:this|on)\b|^(?:tweet|email|print)$",
        # a cookie notice, not a recipe's or a shop's cookies ("freshly baked cookies for 50 percent off")
        r"\bcookies?\b.{0,80}"
        r"\b(?:use[sd]?|accept|consent|polic(?:y|ies)|browser|settings|site|services|experience)\b"
        r"|\b(?:use[sd]?|accept|consent to|allow)\b.{0,40}\bcookies?\b",
        r"^(?:related|read more|see also|more from|more on|recommended|also read)\b",
        r"^(?:by|posted by|written by|por|par|von)\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}\s*$",
        r"^[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){1,3},\s+(?:AP|Reuters|AFP)\b",
        r"^(?:updated|published|last updated|posted)\b",
        r"^\d{1,2}:\d{2}\s*(?:am|pm)\b",
        r"\b\d+\s*(?:-|\s)?min(?:ute)?s? read\b",
        r"^(?:continue|keep) reading\b|\bclick here\b",
        r"all rights reserved|for your personal, non-commercial use|terms of (?:use|service)",
        # A player's label, not prose that says "as you'll see if you watch the video".
        r"^(?=.{0,120}$).*\b(?:listen to this article|watch the video|play video)\b",
        r"\bcomments?\b.{0,80}\b(?:moderat|approv)",
    )
]
# Drupal's body field ("field-type-text-with-summary") is no summary.
FURNITURE_SOURCE = (
    "//header | //figure | //figcaption | //aside | //*[re:test(concat(@class, ' ', @id), "
    "'caption|credit|byline|\\bdek\\b|standfirst|(?<!with-)summary|subtitle|subhead|photo|slideshow"
    "|gallery', 'i')]"
)
FURNITURE_EXPECTED = {"figure", "figcaption", "aside", "nav", "footer"}
_RE = {"re": "http://exslt.org/regular-expressions"}


def boilerplate(text: str) -> bool:
    """Whether a paragraph matches the evaluation's own furniture list."""
    return any(pattern.search(text) for pattern in BOILERPLATE)


def mozilla_pages(folder: Path, set_name: str = "mozilla") -> Iterator[GoldPage]:
    """Every page folder of mozilla-readability's test pages, or (``set_name`` "omnivore") of a set in
    the same layout whose pages each give their address in ``url.txt`` (omnivore's fork of
    Readability keeps its own pages so). Such a set is for tuning: the loader refuses a site of the
    postlight check half.
    """
    for page in sorted(folder.iterdir()):
        if not (page / "expected.html").is_file() or not (page / "source.html").is_file():
            continue
        raw = (page / "source.html").read_bytes()
        expected = parse((page / "expected.html").read_bytes())
        meta_file = page / "expected-metadata.json"
        meta = json.loads(meta_file.read_text()) if meta_file.is_file() else {}
        url_file = page / "url.txt"
        url = url_file.read_text(encoding="utf-8").strip() if url_file.is_file() else MOZILLA_URL
        _refuse_check_site(page, url)
        yield GoldPage(
            set=set_name,
            half="all" if set_name == "mozilla" else "dev",
            name=page.name,
            url=url,
            raw=raw,
            real=len(raw) >= REAL_SITE_BYTES,
            lede=mozilla_gold_lede(expected, parse(raw)),
            title=squash(meta.get("title") or ""),
            body_words=words(squash(expected.text_content())),
        )


def mozilla_gold_lede(expected: lxml.html.HtmlElement, source: lxml.html.HtmlElement) -> str:
    """The first body-text paragraph of Readability's article.

    Paragraphs are the non-empty <p> elements in order. One is skipped when it sits inside figure,
    figcaption, aside, nav or footer in expected.html, or when the same text sits in source.html in
    a header, figure, figcaption, aside or an element whose class or id names a caption, credit,
    byline, dek, standfirst, summary, subtitle, subhead, photo, slideshow or gallery (Readability
    keeps some deks and captions as plain paragraphs); a caption or credit left at the start of a
    paragraph is cut off. It is also skipped when it matches BOILERPLATE, has no letters, is all
    capitals, has fewer than 12 words (25 characters in CJK text), or has no sentence end at all. A
    dateline on its own line ("WASHINGTON —") is joined to the paragraph after.
    """
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


def _without_leading(text: str, furniture: list[str]) -> str:
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


# --- postlight-parser -----------------------------------------------------------------------------

_FIXTURE = re.compile(r"readFileSync\(\s*['\"]\./fixtures/([^'\"]+)['\"]")
_URL = re.compile(r"\burl\s*=\s*(['\"`])((?:\\.|(?!\1).)*)\1", re.DOTALL)
_ASSERT = re.compile(
    r"assert\.(?:strictE|e)qual\(\s*(title|lead_image_url|first13|author|dek)\s*,\s*"
    r"(?:(['\"`])((?:\\.|(?!\2).)*)\2|(null))",
    re.DOTALL,
)
_ESCAPE = re.compile(r"\\(u\{?[0-9a-fA-F]{4}\}?|x[0-9a-fA-F]{2}|.)", re.DOTALL)


def _unescape(literal: str) -> str:
    """A JavaScript string literal's value (the escapes these tests use)."""

    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "ux" and len(code) > 1:
            return chr(int(code.strip("u{}x"), 16))
        return {"n": "\n", "t": "\t"}.get(code, code)

    return _ESCAPE.sub(one, literal)


def postlight_pages(root: Path, set_name: str = "postlight") -> Iterator[GoldPage]:
    """Every fixture that a site's index.test.js names, with the values it asserts.

    With ``set_name`` "postlight_more", a folder in the same layout that holds other sites' tests and
    fixtures (those postlight-parser's history has beyond the shared copy): a set for tuning, whose
    loader refuses a site of the check half.
    """
    for test in sorted((root / "src/extractors/custom").glob("*/index.test.js")):
        site = test.parent.name
        if set_name != "postlight":
            _refuse_check_site(test, f"https://{site}/")
        source = test.read_text(encoding="utf-8")
        starts = [m.start() for m in _FIXTURE.finditer(source)] + [len(source)]
        spans = itertools.pairwise(starts)
        for (start, end), match in zip(spans, _FIXTURE.finditer(source), strict=False):
            previous = source[:start]
            urls = list(_URL.finditer(previous))
            values = {
                m.group(1): (None if m.group(4) else _unescape(m.group(3)))
                for m in _ASSERT.finditer(source[start:end])
            }
            fixture = root / "fixtures" / match.group(1)
            if not fixture.is_file():
                continue
            url = _unescape(urls[-1].group(2)).strip() if urls else ""
            yield _postlight_page(site, fixture, url, values, set_name)


def _postlight_page(
    site: str, fixture: Path, url: str, values: dict[str, str | None], set_name: str
) -> GoldPage:
    raw = fixture.read_bytes()
    lede, note = postlight_gold_lede(squash(values.get("first13") or ""), parse(raw))
    notes = [note] if note else []
    image = values.get("lead_image_url", "")  # a missing assert is "no gold"
    return GoldPage(
        set=set_name,
        half="check" if site in CHECK and set_name == "postlight" else "dev",
        name=fixture.name.removesuffix(".html"),
        url=url or f"https://{site}/",
        raw=raw,
        real=True,
        lede=lede,
        title=squash(values.get("title") or ""),
        image=None if "lead_image_url" not in values else (image or ""),
        body_words=10_000,
        notes=tuple(notes),
    )


_HEADINGS = "//h1 | //h2 | //h3 | //h4 | //time | //dt | //th"
_LABEL_WORDS = 4


def _labels(source: lxml.html.HtmlElement) -> list[str]:
    """Short label lines: a block of the page's body with at most four words and no sentence end.

    A kicker ("Politik"), a product code, a date line or a "TOPICS" label opens some bodies; a
    lede never is one. A label is cut only where what follows it starts a block of the page (a share
    button reading "Twitter" does not cut "Twitter erupted Monday…").
    Blocks are div, p, li and dd elements with no block inside them and not inside a paragraph
    (a link or a name inside the lede is not a label).
    """
    found = []
    for node in source.xpath("//body//*[self::div or self::p or self::li or self::dd][not(ancestor::p)]"):
        if node.xpath(".//div | .//p | .//li | .//ul"):
            continue
        text = squash(node.text_content())
        if (
            text
            and len(text.split()) <= _LABEL_WORDS
            and len(text) <= 40
            and not HAS_SENTENCE_END.search(text)
        ):
            found.append(folded(text))
    return [f for f in found if f]


def _block_starts(source: lxml.html.HtmlElement) -> list[str]:
    """The first folded characters of every paragraph-like block: where a label cut may land."""
    nodes = source.xpath("//body//*[self::p or self::li or self::td or self::dd or self::div[not(.//div)]]")
    return [folded(" ".join(n.itertext())[:200])[:24] for n in nodes]


_PLACEHOLDER = "Add the first 13 words of the article here"
_MIN_GOLD_CHARS = 16  # folded characters left for a lede gold: about three words, or eight CJK characters
_MIN_BLOCK_CHARS = 3  # folded characters of a block cut off first13 wherever it ends


def folded(text: str) -> str:
    """Text without case, spaces or punctuation: how the lede start is compared."""
    return re.sub(r"[\W_]+", "", squash(text).casefold())


def postlight_gold_lede(first13: str, source: lxml.html.HtmlElement) -> tuple[str, str]:
    """The part of postlight's first13 that is the article's lede, and a note when none is.

    first13 is the start of postlight's extracted *content*, which keeps what opens the body: the
    lead photo's caption and credit, a dek, a byline line, a subhead. Whatever text at its start also
    stands in the source page as a furniture block (FURNITURE_SOURCE, the same blocks as for mozilla)
    or as a heading is cut off, repeatedly; the rest is the gold, compared folded. A gold that is all
    furniture, or too short once cut, is reported and not scored.
    """
    if not first13:
        return "", "no first13 in the test: not scored for the lede"
    if first13.startswith(_PLACEHOLDER):  # the extractor generator's text, never filled in (hbr.org's)
        return "", "first13 is the generator's placeholder: not scored for the lede"
    marked = source.xpath(f"{FURNITURE_SOURCE} | {_HEADINGS}", namespaces=_RE)
    blocks = [f for f in (folded(n.text_content()) for n in marked) if f]
    labels, starts = _labels(source), _block_starts(source)
    gold = folded(first13)
    # Where first13's words end, in folded characters: a block of a letter or two (a review's grade
    # "B-") is cut only there, never off the front of the lede's first word ("By now" is no "b" + "ynow").
    ends = {len(folded(" ".join(first13.split()[:count]))) for count in range(len(first13.split()) + 1)}
    whole = len(folded(first13))
    cut = True
    while cut and gold:
        cut = False
        for block in blocks:
            if block.startswith(gold):
                return "", "first13 is a caption, dek, byline or heading: not scored for the lede"
            short = len(block) < _MIN_BLOCK_CHARS
            if gold.startswith(block) and (not short or whole - len(gold) + len(block) in ends):
                gold, cut = gold[len(block) :], True
        for label in labels:
            rest = gold[len(label) :]
            if gold.startswith(label) and rest and any(start.startswith(rest[:24]) for start in starts):
                gold, cut = rest, True
    if len(gold) < _MIN_GOLD_CHARS:
        return "", "first13 is mostly furniture: not scored for the lede"
    words = first13.split()
    while words and len(folded(" ".join(words))) > len(gold):
        words.pop(0)  # the original words of what is left, for reading, when the cut fell between words
    return (" ".join(words) if folded(" ".join(words)) == gold else gold), ""


# --- a third development set: pages with another extractor's expected text -------------------------


def newspaper_pages(folder: Path, set_name: str = "newspaper") -> Iterator[GoldPage]:
    """Every ``NAME.html`` of a folder with its ``NAME.txt``: the article text another library expects,
    or (``set_name`` "reviewed") the article's first paragraph as a reader of the page marked it.

    The page's own og:url or canonical link is its URL, unless a ``NAME.json`` beside it gives one;
    that file may also give the gold ``title`` and lead ``image`` ("" for none of the article's own).
    Its sites must not be in the postlight check half (the loader refuses one that is): the set is for
    tuning.
    """
    for page in sorted(folder.glob("*.html")):
        text_file = page.with_suffix(".txt")
        if not text_file.is_file():
            continue
        raw = page.read_bytes()
        source = parse(raw)
        said = _said(page.with_suffix(".json"))
        url = said.get("url") or _page_url(source) or f"https://{page.stem.rstrip('0123456789')}/"
        _refuse_check_site(page, url)
        first = next((p for p in text_file.read_text(encoding="utf-8").split("\n") if p.strip()), "")
        first13 = squash(" ".join(first.split()[:13]))
        # A reader marked the first paragraph alone: nothing of the page's furniture is in it to cut (a
        # heading's words that open it are the paragraph's own, as "Python 3.6.0 is now available!" is).
        lede, note = (first13, "") if set_name == "reviewed" else postlight_gold_lede(first13, source)
        yield GoldPage(
            set=set_name,
            half="dev",
            name=page.stem,
            url=url,
            raw=raw,
            real=True,
            lede=lede,
            title=squash(said.get("title", "")),
            image=said.get("image"),
            credit=squash(said.get("credit", "")),
            body_words=10_000,
            notes=(note,) if note else (),
        )


def _refuse_check_site(page: Path, url: str) -> None:
    site = url.split("/")[2].lower() if "://" in url else ""
    if site and (site in CHECK or site.removeprefix("www.") in CHECK or f"www.{site}" in CHECK):
        raise SystemExit(f"{page}: {site} is a site of the postlight check half; leave it out")


def _said(path: Path) -> dict[str, str]:
    """A page's ``NAME.json``: what its reader marked as its URL, title, lead image and the image's
    credit (strings only)."""
    if not path.is_file():
        return {}
    found = json.loads(path.read_text(encoding="utf-8"))
    said = ("url", "title", "image", "credit")
    return {k: v.strip() for k, v in found.items() if k in said and isinstance(v, str)}


def _page_url(source: lxml.html.HtmlElement) -> str:
    for found in source.xpath("//meta[@property='og:url']/@content | //link[@rel='canonical']/@href"):
        if str(found).startswith("http"):
            return str(found).strip()
    return ""
