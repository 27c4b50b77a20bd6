"""Article text from a page: decode it, strip hidden and furniture markup, then extract paragraphs.

Extraction falls back in order: trafilatura on the cleaned page, a plain walk over the <p> elements
of the page's <article> or <main>, then trafilatura's baseline() (which also reads JSON-LD). Callers
fall back further (the feed's content, then the meta description) when all three come back empty.
"""

from __future__ import annotations

import bisect
import codecs
import copy
import functools
import html
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import lxml.html
import trafilatura
from lxml import etree

from digest.collect.bounds import (
    MAX_PARAGRAPHS,
    MAX_RESCUED_BLOCKS,
    MAX_TEXT_ELEMENTS,
    bounded_paragraphs,
    bounded_tree,
    cut_after,
    shown_text,
)
from digest.collect.breaks import set_run_in_headings_apart, split_at_blank_lines
from digest.collect.text import (
    SOCIAL_EMBEDS,
    folded,
    html_paragraphs,
    is_footnote_mark,
    is_set_caption,
    is_set_subheading,
    squash,
)
from digest.sentences import CLOSERS, END_MARKS, LEAD_IN
from digest.words import count_words, estimated_words

_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Browsers read these labels as the wider charset (WHATWG Encoding), and so do we.
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "iso-8859-1": "cp1252", "latin1": "cp1252"}
# The charsets browsers decode (WHATWG Encoding), by Python's codec name. Any other declared label is
# not followed: UTF-7, unicode_escape or punycode would turn the page's plain text into markup no
# browser sees ("+ADw-script+AD4-"), and UTF-16 in a <meta> is read as UTF-8, as browsers read it.
_BROWSER_CHARSETS = frozenset(
    codecs.lookup(label).name
    for label in (
        "utf-8 ascii cp866 koi8-r koi8-u mac-roman mac-cyrillic cp874 tis-620 gbk gb2312 gb18030 big5 "
        "big5hkscs euc-jp iso2022-jp shift-jis cp932 euc-kr cp949 "
        + " ".join(f"cp{n}" for n in range(1250, 1259))
        + " "
        + " ".join(f"iso8859-{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16))
    ).split()
)

# class/id words that name page furniture rather than the author's text. Short words must stand
# alone as a token ("ad", "share") so that "header" or "shared-content" are not caught. The first
# are never the body's, however many of them a page has (names_the_body); the others may be words a
# site puts on its body's paragraphs too ("c-paragraph social-share-ready").
_NEVER_TEXT_WORDS = (
    "caption|cutline|credit|byline|promo|newsletter|related|subscri|signup|sign-up|cookie|consent|gdpr|"
    "tooltip|popup|pull-?quote|breadcrumb|author-bio"
)
_FURNITURE_WORDS = (
    f"{_NEVER_TEXT_WORDS}|sharing|social|advert|sponsor|"
    "sr-only|visually-hidden|screen-reader|visuallyhidden|offscreen|navigation|navbar|dropdown"
)
# "top_nav", "main-menu": a site's menus, whose drop-downs hold teasers of other stories. Drupal's
# "field--label-hidden" hides a field's label ("Body:"), not the field: its body is one.
_FURNITURE_TOKENS = (
    "ad|ads|share|(?<!label-)hidden|hide|print-only|timestamp|kicker|eyebrow|meta|video|player|nav|menu"
)
_FURNITURE = re.compile(
    rf"(?:{_FURNITURE_WORDS})|(?:^|[\s_-])(?:{_FURNITURE_TOKENS})(?:$|[\s_-])|{SOCIAL_EMBEDS}", re.IGNORECASE
)
# Names that no run of a body's paragraphs has, however much text the run holds: six embedded posts
# or a list of related stories may outweigh a short article.
_NEVER_BODY = re.compile(rf"(?i){_NEVER_TEXT_WORDS}|comment|{SOCIAL_EMBEDS}")
# The page's own containers: a name on them ("article--has-ads", "body-video") never says furniture.
_NEVER_NAMED = frozenset(["html", "body", "main", "article"])
_FURNITURE_TAGS = ("figure", "figcaption", "picture", "aside", "nav", "footer", "form", "dialog", "button")
# What data-gu-name="standfirst", data-qa="subheadline" or itemprop="description" say: the summary
# line under a headline, named where the class names are hashed.
_DEK_MARK = re.compile(r"(?i)\b(?:standfirst|dek|sub-?headline|sub-?title|subhead|description|summary)\b")
# The same words in a class or id, and the names other newsrooms give a dek (the French "chapo", the
# Spanish "entradilla", "bajada" and "sumario", the Italian "sommario", the German "Vorspann", a "deck", an
# "excerpt"). They are ambiguous: "summary" also wraps a product's whole text and some sites mark
# their lede as the story's summary, so they only remove a block of a dek's length.
_DEK_CLASS = re.compile(
    r"(?i)standfirst|subtitle|subhead|summary|synopsis|abstract|excerpt|chapo|chapeau|entradilla|bajada"
    r"|sommario|sumario|vorspann"
    r"|linha-fina|(?:^|[\s_-])(?:dek|deck)(?:$|[\s_-])|(?-i:[a-z]Dek)(?![a-z])"  # "ArticleDek_root"
)
_DEK_MAX_WORDS = 60
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# Bootstrap's display:none class, unless a breakpoint's class shows the box on wider screens
# ("d-none d-md-block"): the editors' notes popover a reader opens by a click is not the article.
_HIDDEN_CLASS = re.compile(r"(?:^|\s)d-none(?:$|\s)")
_SHOWN_FROM = re.compile(r"(?:^|\s)d-(?:sm|md|lg|xl|xxl)-(?!none)")
# Elements whose text runs into the next block's text unless a space separates them.
_BLOCK_TAGS = "address blockquote br dd div dl dt h1 h2 h3 h4 h5 h6 hr li lb ol p section td th tr ul"
_BLOCKS = frozenset(_BLOCK_TAGS.split())
# Not <p>: an image inside a paragraph is decoration, and the paragraph is still the text.
_BOXES = frozenset(["div", "span", "a", "section", "td"])
_IMAGE_BOX_WORDS = 40
_CREDIT_LINE_WORDS = 6  # of a <p> in an image's box that is its credit line, not a paragraph
_MAX_BOX_LINES = 2  # such <p>s in one box: a credit, a source
# Phrasing elements: inside a paragraph they are words of its sentences ("<a class="meta-org">Yahoo</a>'s
# sale"), so a furniture-sounding name never removes them there; only being hidden does (or shown only
# on hover: a tooltip's or popup's text is not read in the sentence).
_INLINE_TAGS = "a abbr b cite code em font i mark q s small span strong sub sup time u"
_INLINE = frozenset(_INLINE_TAGS.split())
# (Drupal's "field--label-hidden" hides the field's label, not the field: a credit's name is one.)
_HIDDEN_NAMES = re.compile(
    r"sr-only|visually-?hidden|screen-reader|offscreen|tooltip|popup|popover"
    r"|(?:^|[\s_-])(?<!label-)(?:hidden|hide)(?:$|[\s_-])",
    re.IGNORECASE,
)
# A class that would take most of the page's paragraph text with it is a misreading of the markup
# (a modal that holds the article, a "subscriber-content" wrapper, aria-hidden behind an overlay).
_MAX_SHARE = 0.4
_MAX_ARTICLES = 10  # a page's <article>s and <main>s looked at for the one holding its text
# Characters of text outside any <p> or link that only an article's body holds: a box named as
# furniture ("story-body has-video") that holds this much of a page set in <div>s and <br>s is its text.
_LOOSE_TEXT_CHARS = 400
_NOT_LOOSE = frozenset(["p", "a", "script", "style", "noscript", "template"])
# More characters a word than any language's text has: a longer text is no dek or image box.
_CHARS_PER_WORD = 30
_WORD = re.compile(r"\S+")


def decode_html(raw: bytes | str) -> str:
    """Page bytes as text: a BOM, else the declared charset, else UTF-8, else Windows-1252.

    A page in its declared charset but for a few bytes (a Shift_JIS page with one broken character)
    is read in that charset with those bytes replaced, as browsers read it, not as Windows-1252.
    """
    if isinstance(raw, str):
        return raw
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw.decode(encoding, errors="replace").lstrip("\ufeff")
    declared = _declared_charset(raw)
    # A page that is UTF-8 whatever its <meta> says (a template's "windows-1252" left over a CMS that
    # writes UTF-8), as as_served reads one whatever its server says: text in another charset is
    # almost never valid UTF-8 by chance, and read in the declared one it shows "inglÃªs".
    if declared and declared != "utf-8" and not raw.isascii() and _is_utf8(raw):
        return raw.decode("utf-8")
    for encoding in (_utf16_without_bom(raw), declared, "utf-8"):
        if encoding:
            try:
                return raw.decode(encoding)
            except UnicodeError:
                continue
    return raw.decode(declared or "cp1252", errors="replace")


_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CONTENT_TYPE_CHARSET = re.compile(r"""(?i)charset\s*=\s*["']?\s*([\w.:-]+)""")


def as_served(body: bytes, content_type: str) -> bytes:
    """A page's bytes read in the charset its server named (Content-Type), as browsers read them.

    The server's word comes before the page's own <meta> (WHATWG encoding sniffing): a Shift_JIS or
    Windows-1251 page that names its charset only in its header was read as Windows-1252. The text
    is written back as UTF-8 after a byte-order mark, which decode_html trusts first. A page with a
    byte-order mark of its own and a file that is no page stay as they are, and so does a page that
    is UTF-8 whatever its server says ("charset=iso-8859-1", an old server's default): text in
    another charset is almost never valid UTF-8 by chance.
    """
    match = _CONTENT_TYPE_CHARSET.search(content_type[:_MAX_CONTENT_TYPE])
    charset = _browser_charset(match.group(1)) if match else ""
    if not charset or is_binary(body) or body.startswith(tuple(bom for bom, _ in _BOMS)):
        return body
    utf8 = _is_utf8(body)
    if charset == "utf-8":
        return codecs.BOM_UTF8 + body if utf8 else body  # not UTF-8 after all: its <meta> may say what
    return body if utf8 else codecs.BOM_UTF8 + body.decode(charset, errors="replace").encode("utf-8")


_MAX_CONTENT_TYPE = 1_000  # characters of a Content-Type header looked at: a real one is a line


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeError:
        return False
    return True


def _declared_charset(raw: bytes) -> str:
    """The page's declared charset when browsers decode it, else "" (the caller tries UTF-8)."""
    match = _DECLARED_CHARSET.search(raw[:4096])
    return _browser_charset(match.group(1).decode("ascii", errors="ignore")) if match else ""


def _browser_charset(label: str) -> str:
    """Python's codec for a charset label that browsers decode, else ""."""
    label = label.strip().lower()
    try:
        name = codecs.lookup(_CHARSET_ALIASES.get(label, label)).name
    except LookupError:
        return ""
    return name if name in _BROWSER_CHARSETS else ""


def _utf16_without_bom(raw: bytes) -> str:
    """UTF-16 told by its first bytes, for a page without a BOM: its markup is ASCII, a NUL beside each."""
    head = raw[:512]
    if len(head) < 64:
        return ""
    half = len(head) // 2
    even, odd = head[0::2].count(0) / half, head[1::2].count(0) / half
    if odd > 0.4 and even < 0.05:
        return "utf-16-le"
    return "utf-16-be" if even > 0.4 and odd < 0.05 else ""


# How the files an article link may lead to instead of a page begin: PDF, PNG, JPEG, GIF, WebP/WAV/AVI
# (RIFF), MP3 (ID3 or a bare frame), Ogg, FLAC, ZIP (and Office files), gzip left compressed.
_BINARY_STARTS = (
    b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"RIFF", b"ID3", b"\xff\xfb", b"\xff\xf3", b"OggS",
    b"fLaC", b"PK\x03\x04", b"\x1f\x8b",
)  # fmt: skip


def is_binary(raw: bytes) -> bool:
    """Whether bytes are a document or a medium that is no web page (read as HTML, they give gibberish)."""
    head = raw[:16]
    return head.startswith(_BINARY_STARTS) or head[4:8] == b"ftyp"  # MP4, M4A, AVIF, HEIC


def parse_html(html: bytes | str) -> lxml.html.HtmlElement | None:
    """The page's document tree, or None when it is empty or not HTML.

    Bounded whatever the page holds: its first MAX_ELEMENTS elements are read, each with its first
    MAX_ATTRIBUTES attributes, class and id names up to MAX_NAME_CHARS in all, and characters that no
    reader sees are left out.
    """
    if isinstance(html, bytes) and is_binary(html):
        return None
    text = _XML_DECLARATION.sub("", shown_text(decode_html(html)))
    if not text.strip():
        return None
    try:
        return bounded_tree(text)
    except (etree.LxmlError, ValueError):
        return None


def meta_content(doc: lxml.html.HtmlElement, name: str) -> str:
    """A meta tag's value by property or name; some saved pages keep it in ``value``, not ``content``."""
    return next(meta_values(doc, name), "")


def meta_values(doc: lxml.html.HtmlElement, name: str) -> Iterator[str]:
    """Every value of a meta tag, by property first, then by name, each in the page's order."""
    for attr in ("property", "name"):
        for node in doc.xpath(f"//meta[@{attr}=$name]", name=name):
            content = squash(node.get("content") or node.get("value") or "")
            if content:
                yield content


_MAX_JSON_LD = 200_000  # characters: a page's structured data is small; anything larger is not read


# A page's structured data is asked for its body, image, credit, headline and section: each block is
# parsed once. The objects are read, never changed.
@functools.lru_cache(maxsize=8)
def _parsed_json(text: str) -> Any:
    return json.loads(text)


def json_ld(doc: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    """The JSON-LD objects of the page, @graph members included; broken blocks are skipped."""
    for script in doc.xpath("//script[@type='application/ld+json']"):
        text = script.text or ""
        if len(text) > _MAX_JSON_LD:
            continue
        try:
            data = _parsed_json(text)
        except (ValueError, RecursionError):
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict):
                yield item
                graph = item.get("@graph")
                yield from (g for g in graph if isinstance(g, dict)) if isinstance(graph, list) else ()


# What schema.org calls an article: Article, NewsArticle, ReportageNewsArticle, BlogPosting, …
_ARTICLE_TYPE = re.compile(r"Article|Posting")


def is_article(item: dict[str, Any]) -> bool:
    """Whether a JSON-LD object describes an article (its @type names one)."""
    return bool(_ARTICLE_TYPE.search(str(item.get("@type", ""))))


def declared_body(doc: lxml.html.HtmlElement) -> tuple[str, ...]:
    """The article's text as its JSON-LD declares it (articleBody), a paragraph a line; () when none.

    Read before the page is cleaned, which removes every script: a page built by JavaScript has
    nothing else ("You need to enable JavaScript to run this app.").
    """
    for item in json_ld(doc):
        body = item.get("articleBody")
        if is_article(item) and isinstance(body, str) and body.strip():
            if "<" in body:
                return html_paragraphs(body)
            return tuple(line for line in (squash(html.unescape(part)) for part in body.splitlines()) if line)
    return ()


def strip_furniture(doc: lxml.html.HtmlElement, picture: lxml.html.HtmlElement | None = None) -> None:
    """Remove, in place, what a reader does not see or does not read as the article.

    Each element is judged once, in document order, with what its ancestors say about it (inside a
    paragraph, inside the headline's header) carried down, never walked up to: on a page nested
    hundreds deep, a walk up from every element costs their product. ``picture`` is the element that
    shows the lead image: set under the headline, it parts the dek from the lede (_Parted).
    """
    # A form's fields are never the article: a <textarea> holds an embed code or a comment being
    # written ("<iframe src=…>Your browser does not support frames"), a <select> a drop-down of months.
    page_chars = functools.cache(lambda: len(doc.text_content()))  # measured once, if ever needed
    for node in doc.xpath("//script | //style | //noscript | //template | //svg | //textarea | //select"):
        if node.tag == "noscript" and _holds_the_page(node, page_chars):
            node.drop_tag()  # the parser's misreading, not the page's fallback: its content stays
        else:
            _drop(node)
    # Ruby annotations (furigana over Japanese, with their fallback parentheses) are read above the
    # word, not in its line: "漢(かん)字" is "漢字". They go without leaving a space in the word.
    for node in doc.xpath("//rt | //rp"):
        node.drop_tree()
    # Comments are never shown, yet one before a body's loose text ("<!-- s9ymdb:1366 -->Das Internet
    # …", as a blog engine marks its entries) splits it from the box: the text stays, joined up.
    etree.strip_tags(doc, etree.Comment, etree.ProcessingInstruction)
    page = _Page(doc, picture)
    # Depth first, in document order, never looking inside what was removed: a page's navigation,
    # footer and asides hold most of its elements, and none of them can matter once they are gone.
    stack = [(child, _OUTSIDE) for child in reversed(doc)]
    while stack:
        node, place = stack.pop()
        if not isinstance(node.tag, str):
            continue
        if _removable(node, place, page):
            letter = _drop_cap(node) if place.in_paragraph else ""
            if letter:
                node.tail = letter + (node.tail or "")  # "T" + "he council …"
                node.drop_tree()
            else:
                _drop(node)
        else:
            inner = _inside(node, place) if node.tag in ("p", "header") else place
            stack.extend((child, inner) for child in reversed(node))
    _rejoin_split_paragraphs(doc)


def _rejoin_split_paragraphs(doc: lxml.html.HtmlElement) -> None:
    """Give a paragraph back the rest of its sentence that a box set inside it cut off.

    A parser closes a <p> at the first block inside it, as a browser does: a footnote's button box
    ("Tesla did not sell 276,000 Model 3's in three days;<div class='bigfoot-footnote__container'>…
    </div> that is the number of …") or an ad slot leaves the sentence's rest loose after the box,
    read as no paragraph, or as one of its own. The paragraph ends without a sentence end, the box holds
    nothing to read (its button or ad was removed), and the rest carries on in lower case.
    """
    for paragraph in itertools.islice(doc.iter("p"), _MAX_SPLIT_LOOKED_AT):
        # the elements whose tails are the sentence's rest: the paragraph itself, where the box was
        # removed, and the boxes left empty
        rest = [paragraph] if (paragraph.tail or "").strip() else []
        marks = []  # the footnotes' numbers beside their buttons, left outside the paragraph too
        for node in itertools.islice(paragraph.itersiblings(), _MAX_SPLIT_SIBLINGS):
            mark = _footnote(node)
            if not mark and any(text.strip() for text in node.itertext()):  # stops at the first word
                break
            if (node.tail or "").strip():
                rest.append(node)
            if mark:
                marks.append(node)
        # no sentence starts in lower case; the paragraph's text is read last, for the few cut so
        if not rest or not (rest[0].tail or "").strip()[:1].islower():
            continue
        if not _RESTORABLE.search(paragraph.text_content().strip()):
            text = " ".join((holder.tail or "").strip() for holder in rest)
            for holder in rest:
                holder.tail = None
            for mark in marks:
                mark.drop_tree()
            _append_text(paragraph, text)


def _footnote(node: lxml.html.HtmlElement) -> bool:
    """A footnote's number, or its link in a <sup> ("<sup><a href='#fn1'>1</a></sup>")."""
    # a mark is an element or three: one holding more is read no further (its text could be the page's)
    if node.tag not in ("sup", "a", "span") or next(itertools.islice(node.iter(), 3, None), None) is not None:
        return False
    return is_footnote_mark(node) or any(
        is_footnote_mark(link) and link.text_content() == node.text_content() for link in node.iter("a")
    )


def _append_text(node: lxml.html.HtmlElement, text: str) -> None:
    last = node[-1] if len(node) else None
    if last is None:
        node.text = f"{(node.text or '').rstrip()} {text}"
    else:
        last.tail = f"{(last.tail or '').rstrip()} {text}"


_MAX_SPLIT_LOOKED_AT = 2_000  # paragraphs looked at for a box that split them: an article has far fewer
_MAX_SPLIT_SIBLINGS = 20  # elements after a paragraph looked at: its footnotes' buttons and numbers


def _holds_the_page(noscript: lxml.html.HtmlElement, page_chars: Callable[[], int]) -> bool:
    """Whether a <noscript> holds most of the page's text: an element its markup left open inside it
    ("<noscript><div id=nojava></noscript>", parcoabruzzo.it) kept the parser in it to the page's end,
    where a browser, reading a <noscript> as text, shows the page after it."""
    text = len(noscript.text_content())
    return text > _NOSCRIPT_PAGE_CHARS and text * 2 > page_chars()


_NOSCRIPT_PAGE_CHARS = 2_000  # a fallback's notice or picture is far shorter than an article


def _drop_cap(node: lxml.html.HtmlElement) -> str:
    """The letter of an image of a paragraph's first letter (alt="T" before "he council …"), else "".

    The image may sit in a box of its own (<span class="initial"><img alt="A"></span> man …).
    """
    images = [node] if node.tag == "img" else node.findall(".//img")
    if len(images) != 1 or (node.tag != "img" and node.text_content().strip()):
        return ""
    alt = str(images[0].get("alt", "")).strip()
    if len(alt) != 1 or not alt.isalpha():
        return ""
    while node.tag != "p":  # nothing of the paragraph before it
        parent = node.getparent()
        if parent is None or node.getprevious() is not None or (parent.text or "").strip():
            return ""
        node = parent
    return alt


@dataclass(frozen=True, slots=True)
class _Place:
    """Where an element is: inside a <p>, inside a <header> that holds the headline."""

    in_paragraph: bool = False
    in_header: bool = False


_OUTSIDE = _Place()


def _inside(node: lxml.html.HtmlElement, place: _Place) -> _Place:
    """Where the children of ``node`` are, ``node`` being at ``place``.

    A <header> that holds an <article> or the <main> part is no headline's: a site header left open
    wraps the whole page, its article and all (Good Men Project's, whose lede went as a dek).
    """
    if node.tag == "p" and not place.in_paragraph:
        return _Place(in_paragraph=True, in_header=place.in_header)
    if (
        node.tag == "header"
        and not place.in_header
        and node.find(".//h1") is not None
        and node.find(".//article") is None
        and node.find(".//main") is None
    ):
        return _Place(in_paragraph=place.in_paragraph, in_header=True)
    return place


class _Page:
    """What furniture is judged against: the page's paragraph text, and which elements hold images."""

    def __init__(self, doc: lxml.html.HtmlElement, picture: lxml.html.HtmlElement | None = None) -> None:
        self._chars: dict[lxml.html.HtmlElement, int] = {}
        self._loose: dict[lxml.html.HtmlElement, int] = {}
        self._root = doc
        self._loose_total: int | None = None
        self._body_classes: dict[tuple[lxml.html.HtmlElement, str], bool] = {}
        self.total = sum(len(p.text_content()) for p in doc.iter("p"))
        self._articles = doc.xpath("//article | //main")[:_MAX_ARTICLES]
        # Asked of every box, so found once, each element once (a drop only makes it stale towards
        # "has one", and _is_image_box checks again before it removes anything).
        self.parted = _Parted(doc, picture)
        self.deks = _headline_deks(doc) | self.parted.deks
        self.imaged: set[lxml.html.HtmlElement] = set()
        for img in doc.iter("img"):
            for ancestor in img.iterancestors():
                if ancestor in self.imaged:
                    break  # and so are all of its own ancestors
                self.imaged.add(ancestor)

    def outside_the_article(self, node: lxml.html.HtmlElement) -> bool:
        """Whether ``node`` is outside the page's <article> (or <main>) and that box holds the text."""
        if not self._articles or any(a.tag in ("article", "main") for a in node.iterancestors()):
            return False
        return any(self.holds_the_text(article) for article in self._articles)

    def loose_chars(self, node: lxml.html.HtmlElement) -> int:
        """The characters of text in ``node`` that no <p> or link holds: a body set in <div>s and <br>s.

        Counted as paragraph_chars is, each element once for the page.
        """
        known = self._loose.get(node)
        if known is None:
            known = 0
            if node.tag not in _NOT_LOOSE:
                known = len((node.text or "").strip()) + sum(
                    (self.loose_chars(c) if isinstance(c.tag, str) else 0) + len((c.tail or "").strip())
                    for c in node
                )
            self._loose[node] = known
        return known

    def holds_the_text(self, node: lxml.html.HtmlElement) -> bool:
        """Whether ``node`` holds the page's text: most of its <p>s', or much of a text set without them."""
        if self.paragraph_chars(node) > _MAX_SHARE * self.total:
            return True
        loose = self.loose_chars(node)
        if loose < _LOOSE_TEXT_CHARS:
            return False
        return loose > _MAX_SHARE * self._loose_of_page()

    def names_the_body(self, node: lxml.html.HtmlElement) -> bool:
        """Whether ``node`` and its siblings of the same class hold most of the page's text: the body.

        A site may give every paragraph of its body a class with a furniture word in it ("paragraph
        hide-on-print", "text-block has-video-embed"): each is a small share of the text, and judged
        alone, all of them went and left no article. Together, they are the article.
        """
        parent = node.getparent()
        name = node.get("class") or ""
        if parent is None or not name or _found(_NEVER_BODY, name):
            return False
        key = (parent, name)
        known = self._body_classes.get(key)
        if known is None:
            named = [c for c in parent if c.get("class") == name]
            chars = sum(self._text_chars(c) for c in named) if len(named) > 1 else 0
            # The page's loose text is counted (a walk of the whole page) only when it can matter.
            known = chars > _MAX_SHARE * self.total and chars > _MAX_SHARE * (
                self.total + self._loose_of_page()
            )
            self._body_classes[key] = known
        return known

    def _text_chars(self, node: lxml.html.HtmlElement) -> int:
        return self.paragraph_chars(node) + self.loose_chars(node)

    def _loose_of_page(self) -> int:
        if self._loose_total is None:
            self._loose_total = self.loose_chars(self._root)
        return self._loose_total

    def paragraph_chars(self, node: lxml.html.HtmlElement) -> int:
        """The characters of the <p> elements in ``node``, each element counted once for the page.

        Asked before anything inside ``node`` is removed, so a count made for an ancestor holds.
        """
        known = self._chars.get(node)
        if known is None:
            own = len(node.text_content()) if node.tag == "p" else 0
            known = own + sum(self.paragraph_chars(c) for c in node if isinstance(c.tag, str))
            self._chars[node] = known
        return known


class _Parted:
    """A page's lead picture set under its headline, and the boxes it parts: a reader takes a summary
    in a box of its own between the headline and the picture for the dek (simplyscience's
    "ce_articleIntro", landwirt's "intro"), and the first text after the picture for the article's
    start, whatever its box is named (kulturnews's "article_excerpt", set under the photo).

    Document order is numbered once, so each question is a look-up.
    """

    def __init__(self, doc: lxml.html.HtmlElement, shown: lxml.html.HtmlElement | None) -> None:
        self.deks: frozenset[lxml.html.HtmlElement] = frozenset()
        self._order: dict[lxml.html.HtmlElement, int] = {}
        self._after = self._until = -1
        self._said: set[str] = set()
        if shown is None:
            return
        self._order = {node: place for place, node in enumerate(doc.iter())}
        at = self._order.get(shown, -1)  # gone with a <noscript> it was in: a copy is shown elsewhere
        if at < 0:
            return
        headline = max((self._order[h] for h in doc.iter("h1") if self._order[h] < at), default=-1)
        if headline < 0:
            return  # a picture above the headline (a site's banner, a hero) parts nothing
        above = [p for p in doc.iter("p") if headline < self._order[p] < at]
        full = sorted(self._order[p] for p in above if _full(p))
        self.deks = frozenset(self._intros_between(doc, headline, full, at))
        # what the page said above the picture: a dek said again under it is the dek once more
        self._said = {
            squash(p.text_content())
            for p in above[:_MAX_SAID]
            if at_most_words(p, _DEK_MAX_WORDS, count_words)
        }
        self._after = _last_place(shown, at)
        self._until = next(
            (self._order[n] for n in doc.iter() if self._order[n] > self._after and _opens(n)), -1
        )

    def opens_the_text(self, node: lxml.html.HtmlElement) -> bool:
        """Whether ``node`` comes after the picture and before any heading or full paragraph but its
        own: the article's first text, not a dek (unless it says again what was said above)."""
        if not self._after < self._order.get(node, -1) <= self._until:
            return False
        return not self._said or squash(node.text_content()) not in self._said

    def _intros_between(
        self, doc: lxml.html.HtmlElement, headline: int, full: list[int], picture: int
    ) -> Iterator[lxml.html.HtmlElement]:
        """The boxes named "intro" or "lead" between the headline and the picture, with no full paragraph
        (at places ``full``) after them and before it: the story has not begun (hausinfo.ch's
        "atm-paragraph--lead" above its photo)."""
        for node in itertools.islice(doc.xpath(f"{_INTRO_NAMED} | {_LEAD_NAMED}"), _MAX_INTROS):
            place = self._order.get(node, -1)
            if not headline < place < picture:
                continue
            end = _last_place(node, place)
            names = f"{node.get('class', '')} {node.get('id', '')}"
            if (
                end < picture  # a box around the picture is the article's, not a dek beside it
                and _next_place(full, end) is None
                and (_INTRO.search(names) or _LEAD.search(names))
                and at_most_words(node, _DEK_MAX_WORDS, count_words)
                and _shows_text(node)
            ):
                yield node


def _last_place(node: lxml.html.HtmlElement, place: int) -> int:
    """The document-order place of the last element inside ``node``, which stands at ``place``."""
    return place + sum(1 for _ in node.iterdescendants())


_LEAD_NAMED = (
    "//*[contains(translate(@class, 'LEAD', 'lead'), 'lead')"
    " or contains(translate(@id, 'LEAD', 'lead'), 'lead')]"
)
# "article-lead", "paragraph--lead"; never a "leader", "leading" or "leadership"
_LEAD = re.compile(r"(?i)(?<![a-z])lead(?![a-z])")
_MAX_SAID = 20  # paragraphs between a headline and its picture: a dek, a byline, a date, a few notes


def _full(paragraph: lxml.html.HtmlElement) -> bool:
    """A paragraph of the article's length, not a byline's or a date's."""
    return not at_most_words(paragraph, _RESTORE_MIN_WORDS - 1, estimated_words)


def _opens(node: lxml.html.HtmlElement) -> bool:
    """A heading, or a full paragraph: where the text after a picture has begun."""
    return node.tag in _HEADINGS or (node.tag == "p" and _full(node))


def _removable(node: lxml.html.HtmlElement, place: _Place, page: _Page) -> bool:
    """Furniture for sure: by tag or place, by a name that holds little of the text, or a dek's length."""
    # Read once: the walk asks this of every element, and each look-up on one is a call into lxml.
    attrs: dict[str, str] = dict(node.items()) if len(node.attrib) else {}
    if _is_hidden(attrs) or (node in page.imaged and _is_image_box(node)):
        return True
    # Figures, navigation, footers, forms … but a <form> that wraps the whole page (ASP.NET pages do)
    # holds the article: like a furniture name, it never takes most of the page's text with it.
    if node.tag == "form":
        return not page.holds_the_text(node)
    # ... and an <aside> can be a layout box around the whole article (main > aside > article), and a
    # <nav> left open holds all that follows it (The Root's breadcrumb wraps the article's body).
    if node.tag in ("aside", "nav"):
        return not page.holds_the_text(node)
    # ... and a quotation outside the article that holds the page's text: the site's motto or a
    # testimonial every page shows (la-bas.org's "citationbandeau" in its header)
    if node.tag == "blockquote" and page.outside_the_article(node):
        return True
    if node.tag in _FURNITURE_TAGS:
        return True
    if node in page.deks:
        return not page.parted.opens_the_text(node)
    # A paragraph in the <header> that holds the headline: a dek, byline or date, not the lede; but
    # one longer than any dek is the article's text set in its header, and the extractor's to judge.
    if node.tag == "p" and place.in_header:
        return at_most_words(node, _DEK_MAX_WORDS, count_words)
    if (
        node.tag == "p"
        and not place.in_paragraph
        and (is_set_caption(node, page.imaged.__contains__) or is_set_subheading(node))
    ):
        return True
    if node.tag in ("sup", "a", "span") and place.in_paragraph and is_footnote_mark(node):
        return True
    # An image in a line of text (an emoji, an icon) stands between two words: removed, it leaves a
    # space, where the extractor joined them ("harbour.<img>Officials" read "harbour.Officials").
    if node.tag == "img" and place.in_paragraph:
        return True
    if not attrs:
        return False
    names = f"{attrs.get('class', '')} {attrs.get('id', '')}".strip()
    if node.tag in _INLINE and place.in_paragraph:
        return attrs.get("aria-hidden") == "true" or _found(_HIDDEN_NAMES, names)
    if node.tag in _NEVER_NAMED:
        return False
    named = (_named_furniture(attrs, names) and not page.holds_the_text(node)) or (
        _named_dek(attrs, names)
        and at_most_words(node, _DEK_MAX_WORDS, count_words)
        and not page.parted.opens_the_text(node)
    )
    # ... unless the name is the one the body's paragraphs all have
    return named and not page.names_the_body(node)


# A page repeats a few hundred class names over thousands of elements: each is matched once a pattern.
@functools.lru_cache(maxsize=16384)
def _found(pattern: re.Pattern[str], names: str) -> bool:
    return bool(pattern.search(names))


def _is_hidden(attrs: dict[str, str]) -> bool:
    """Hidden by the hidden attribute, an inline style or Bootstrap's d-none class."""
    if "hidden" in attrs:
        return True
    style = attrs.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    classes = attrs.get("class", "")
    return bool(_found(_HIDDEN_CLASS, classes) and not _found(_SHOWN_FROM, classes))


def in_page_furniture(node: lxml.html.HtmlElement) -> bool:
    """Whether an element stands in the page's furniture: a menu, footer, sidebar or form, by tag or by
    name, within a few boxes of it (a login box's text in the site's menu bar)."""
    for box in itertools.islice(node.iterancestors(), _FURNITURE_LEVELS):
        if box.tag in _NEVER_NAMED:
            return False  # the article, or the page itself
        if box.tag in ("nav", "footer", "aside", "form"):
            return True
        names = f"{box.get('class', '')} {box.get('id', '')}".strip()
        if names and _found(_FURNITURE, names):
            return True
    return False


_FURNITURE_LEVELS = 12  # boxes looked up through: a menu's text sits a few boxes deep in it


def _named_furniture(attrs: dict[str, str], names: str) -> bool:
    """Furniture by class, id or aria-hidden: marks some sites also put on the article."""
    if attrs.get("aria-hidden") == "true":
        return True
    return bool(names) and _found(_FURNITURE, names)


def _headline_deks(doc: lxml.html.HtmlElement) -> frozenset[lxml.html.HtmlElement]:
    """The paragraph set right under the headline that says the page's description word for word,
    the body's text in a box of its own: the dek ("<h1>…</h1><p class='intro'>…</p><div>body</div>").

    A lede that the site also gives as its description is in the body's box, beside the others
    (a story whose paragraphs all follow the <h1> keeps its first).
    """
    # entities unescaped once more: a publishing system escapes its description twice ("&amp;ldquo;")
    descriptions = {squash(html.unescape(d)) for d in _descriptions(doc) if d.strip()}
    found = set(_intro_deks(doc, descriptions)) if descriptions else set()
    for headline in _headlines(doc) if descriptions else ():
        shown = (s for s in headline.itersiblings() if _shows_text(s))
        after = next(shown, None)
        # its length first, read only that far: the box after a headline may hold the whole page
        if (
            after is None
            or after.tag not in ("p", "div")
            or not at_most_words(after, _DEK_MAX_WORDS, count_words)
        ):
            continue
        said = squash(after.text_content())
        if said not in descriptions or _DATELINED.match(said) or _a_lead(said):
            continue  # ... the story's own first paragraph, which the site gives as its description
        siblings = itertools.islice(headline.itersiblings("p"), _MAX_SIBLINGS)
        # ... set apart from the body's paragraphs, or standing before the byline and date that open it
        if not any(p is not after and _shows_text(p) for p in siblings) or _signed(next(shown, None)):
            found.add(after)
    return frozenset(found)


def _headlines(doc: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """The page's first <h1>s, where its headline is; on a page with none, its first <h2>s."""
    h1s = list(itertools.islice(doc.iter("h1"), _MAX_HEADLINES))
    return iter(h1s) if h1s else itertools.islice(doc.iter("h2"), _MAX_HEADLINES)


def _signed(node: lxml.html.HtmlElement | None) -> bool:
    """Whether an element is the line of an article's date and author, not a paragraph of its text:
    a few words, a date or a byline among them ("23.01.2019 By Urs Gehriger and Florian Schwab")."""
    if node is None or node.tag == "p" or not at_most_words(node, _SIGNED_WORDS, count_words):
        return False
    if node.find(".//time") is not None:
        return True
    return bool(_DATE_OR_BYLINE.search(squash(" ".join(node.itertext()))))  # its lines apart


_SIGNED_WORDS = 20  # a date, an author or two, a share bar's labels
_DATE_OR_BYLINE = re.compile(
    r"\b\d{1,2}[./]\s?\d{1,2}[./]\s?(?:19|20)?\d\d\b|\b(?:19|20)\d\d-\d\d-\d\d\b"
    r"|(?:^|\s)(?:[Bb]y|[Vv]on|[Pp]ar|[Pp]or|[Dd]i|[Dd]oor)\s+[A-Z\u00c0-\u00de]"
)


def _intro_deks(doc: lxml.html.HtmlElement, descriptions: set[str]) -> Iterator[lxml.html.HtmlElement]:
    """The boxes named "intro" that say the page's description word for word, set apart from the body's
    paragraphs (no paragraph beside them): Polygon's "<p class='m-entry__intro intro'>", then the body
    in a box of its own.

    A lede in an intro box has the body's paragraphs beside it (Herald Sun's "story-intro", then the
    story's <p>s), and one that is not the description is the article's (_restorable), unless the
    description is of the paragraph after it (_describes_what_follows).
    """
    for node in itertools.islice(doc.xpath(_INTRO_NAMED), _MAX_INTROS):
        names = f"{node.get('class', '')} {node.get('id', '')}"
        if not _INTRO.search(names) or not at_most_words(node, _DEK_MAX_WORDS, count_words):
            continue
        text = squash(node.text_content())
        if _DATELINED.match(text):
            continue  # the story's first paragraph, which the site gives as its description too
        if text not in descriptions:
            if _describes_what_follows(node, text, descriptions):
                yield node
            continue
        beside = itertools.chain(
            itertools.islice(node.itersiblings("p"), _MAX_SIBLINGS),
            itertools.islice(node.itersiblings("p", preceding=True), _MAX_SIBLINGS),
        )
        if not any(_shows_text(p) for p in beside):
            yield node


def _describes_what_follows(node: lxml.html.HtmlElement, text: str, descriptions: set[str]) -> bool:
    """Whether the page's description is the start of a paragraph after an intro box, not the box's:
    the site's own summary opens with its body's first paragraph, so the box above it is the standfirst
    (a Drupal page's "intro" field, "Sich kurz zu fassen, ist …", then the body's "An milden …").
    """
    starts = [_fold_start(d) for d in descriptions]
    starts = [s for s in starts if len(s) >= _DESCRIBED_CHARS and not _fold_start(text).startswith(s)]
    if not starts:
        return False
    for paragraph in itertools.islice(node.xpath("following::p"), _MAX_AHEAD_OF_DESCRIBED):
        shown = _fold_start(paragraph.text_content())
        if shown:  # the first paragraph after the box: a lede box's own description is of the lede
            return any(shown.startswith(s) for s in starts)
    return False


def _fold_start(text: str) -> str:
    """A text's first characters, letters and digits only, a cut description's ellipsis left out."""
    return folded(squash(text).removesuffix("\u2026").removesuffix("..."))[:_DESCRIBED_CHARS]


_DESCRIBED_CHARS = 60  # of a description matched with a paragraph's start: a sentence's worth
_MAX_AHEAD_OF_DESCRIBED = 5  # empty paragraphs after an intro box passed over to the first with text


_INTRO_NAMED = (
    "//*[contains(translate(@class, 'INTRO', 'intro'), 'intro')"
    " or contains(translate(@id, 'INTRO', 'intro'), 'intro')]"
)
# "intro", "story-intro", "ce_articleIntro"; never "introduction" (the BBC's lede) or an "intromercial"
_INTRO = re.compile(r"(?i)intro(?![a-z])")
_MAX_INTROS = 20  # boxes named so looked at: a page has one, a listing a few


_DESCRIPTIONS = "//head/meta[@name='description' or @property='og:description']"


def _descriptions(doc: lxml.html.HtmlElement) -> Iterator[str]:
    """The page's description and og:description, read as meta_content reads them (a saved page keeps
    them in ``value``: a page whose description went unread had its dek taken for its lede)."""
    for node in doc.xpath(_DESCRIPTIONS):
        yield str(node.get("content") or node.get("value") or "")


_MAX_HEADLINES = 4  # a page's headline is among its first <h1>s; the others are cards' and widgets'
_MAX_SIBLINGS = 50  # paragraphs after it looked at: a body of <p>s beside the headline has one early


def _shows_text(node: lxml.html.HtmlElement) -> bool:
    return isinstance(node.tag, str) and any(t.strip() for t in node.itertext())


def _named_dek(attrs: dict[str, str], names: str) -> bool:
    """Named as a dek, standfirst or summary by class, id, a data- attribute or itemprop."""
    if names and _found(_DEK_CLASS, names):
        return True
    # data- attributes and itemprop: where sites with hashed class names say what a block is.
    data = " ".join(v for k, v in attrs.items() if k.startswith("data-") or k == "itemprop")
    # ... but a box the page says is the article's body too is its text: Blogger marks every post's
    # body itemprop="description articleBody"
    return bool(data) and _found(_DEK_MARK, data) and "articleBody" not in data


def _is_image_box(node: lxml.html.HtmlElement) -> bool:
    """An image with a line or two beside it and no paragraph of its own: a figure without the tag.

    A credit set in a <p> of its own under the caption ("<span class=cred><p>Chip Somodevilla/Getty
    Images</p></span>") is a line, not a paragraph.
    """
    if node.tag not in _BOXES or node.find(".//img") is None:
        return False
    paragraphs = list(itertools.islice(node.iter("p"), _MAX_BOX_LINES + 1))
    if len(paragraphs) > _MAX_BOX_LINES or any(
        not at_most_words(p, _CREDIT_LINE_WORDS, count_words) for p in paragraphs
    ):
        return False
    return at_most_words(node, _IMAGE_BOX_WORDS - 1, estimated_words)


def at_most_words(node: lxml.html.HtmlElement, words: int, count: Callable[[str], int]) -> bool:
    """Whether an element's text has at most this many words, reading no more of it than that takes.

    A box or dek nested in hundreds of others is asked about once for each of them, so its text is
    read word by word up to the limit, never whole. A word longer than _CHARS_PER_WORD characters a
    word of the limit makes any text long.
    """
    found: list[str] = []  # the words, a word split between two elements' texts joined again
    size = 0
    glued = False  # whether the text so far ends inside a word
    for chunk in node.itertext():
        for match in _WORD.finditer(chunk):
            if glued and match.start() == 0:
                found[-1] += match.group()
            else:
                found.append(match.group())
            size += match.end() - match.start()
            if len(found) > words or size > words * _CHARS_PER_WORD:
                return False
        glued = (glued and not chunk) or (bool(chunk) and not chunk[-1].isspace())
    return count(" ".join(found)) <= words


def _drop(node: lxml.html.HtmlElement) -> None:
    """Remove an element but keep the text that follows it, with a space where it was, unless that
    text goes on with a mark that follows a word ("couchant<span>(1)</span>." is "couchant.")."""
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail or ""
    node.tail = tail if tail[:1] in _CLOSING_MARKS else f" {tail}"
    node.drop_tree()


_CLOSING_MARKS = frozenset(".,;:!?)]\u2019\u201d\u3001\u3002")


def body_paragraphs(
    doc: lxml.html.HtmlElement, url: str, declared: tuple[str, ...] = (), summary: str = ""
) -> tuple[str, ...]:
    """The article's paragraphs from a cleaned page, from the first extractor that finds any.

    The extractors read the page's first MAX_TEXT_ELEMENTS elements only (the rest are removed).
    ``declared`` is the text the page's structured data gives (declared_body): taken when the page
    itself shows less than a teaser, as one that JavaScript builds does.
    """
    nodes = cut_after(doc, MAX_TEXT_ELEMENTS)
    split_at_blank_lines(doc)
    set_run_in_headings_apart(doc)
    # Blocks are counted (ten times dearer than nodes) only on a page with more nodes than the bound.
    fast = nodes > MAX_RESCUED_BLOCKS and _JUSTEXT_BLOCKS(doc) > MAX_RESCUED_BLOCKS
    found = _extracted(doc, url, summary, recall=False, fast=fast)
    if _words(found) < _RECALL_BELOW_WORDS:
        found = _extracted(doc, url, summary, recall=True, fast=fast) or found
    if _words(found) < _RECALL_BELOW_WORDS and _words(declared) > _words(found):
        found = declared
    if _an_articles_whole_text(found, doc):
        found = ()  # trafilatura's own last resort, its baseline: read as below, a block at a time
    # baseline() comes last: it gives a whole <article> as one block, but reads JSON-LD articleBody.
    return bounded_paragraphs(found or walk_paragraphs(doc) or _baseline_paragraphs(doc))


def _an_articles_whole_text(found: tuple[str, ...], doc: lxml.html.HtmlElement) -> bool:
    """Whether trafilatura gave the whole text of the page's <article> as its one paragraph: its
    baseline, where it finds too little text (Yahoo! Japan's topic page glued its headline, date,
    source, summary, "…続きを読む" and the box after it into one "paragraph")."""
    if len(found) != 1:
        return False
    said = folded(found[0])
    return any(folded(node.text_content()) == said for node in itertools.islice(doc.iter("article"), 3))


def _words(paragraphs: tuple[str, ...]) -> int:
    return sum(count_words(p) for p in paragraphs)


# The blocks justext reads as paragraphs of their own (its ParagraphMaker's), counted in one pass.
_JUSTEXT_BLOCKS = etree.XPath(
    "count(//*[self::p or self::div or self::li or self::td or self::th or self::tr or self::br"
    " or self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6 or self::blockquote"
    " or self::pre or self::dd or self::dt or self::option or self::table or self::ul or self::ol"
    " or self::form or self::center or self::caption or self::textarea])"
)


def _extracted(
    doc: lxml.html.HtmlElement, url: str, summary: str, *, recall: bool, fast: bool = False
) -> tuple[str, ...]:
    """trafilatura's paragraphs of the cleaned page, gaps filled.

    ``recall`` asks for its favor_recall mode; ``fast`` skips its fallback extractors, whose cost grows
    with the square of a page's blocks (MAX_RESCUED_BLOCKS).
    """
    document = trafilatura.bare_extraction(
        copy.deepcopy(doc),
        url=url,
        include_comments=False,
        include_tables=False,
        favor_recall=recall,
        fast=fast,
    )
    body = getattr(document, "body", None)
    if body is None:
        return ()
    found = _paragraph_texts(itertools.islice(_introduced_lists(body), MAX_PARAGRAPHS))
    if not found:  # a body that is all lists (release notes, a list article): its items are its paragraphs
        return _paragraph_texts(itertools.islice(body.xpath(".//item[not(ancestor::item)]"), MAX_PARAGRAPHS))
    return _with_gaps_filled(found, doc, summary)


def _introduced_lists(body: etree._Element) -> Iterator[etree._Element]:
    """The paragraphs of trafilatura's body, and the items of a list that a paragraph introduces.

    "Here is what we know:" is followed by its list, not by the paragraph after the list; left out,
    the list would leave the colon to introduce a paragraph it was never about.
    """
    introduced = False
    for node in body.iter("p", "list"):
        if node.tag == "p":
            introduced = LEAD_IN.search("".join(node.itertext()).rstrip()) is not None
            yield node
        elif introduced and node.getparent() is body:
            yield from node.xpath("./item")
            introduced = False


def _with_gaps_filled(found: tuple[str, ...], doc: lxml.html.HtmlElement, summary: str) -> tuple[str, ...]:
    """Put back the <p> siblings that trafilatura skipped between two paragraphs it kept.

    It drops a paragraph now and then (one that opens with a link, say); between two body paragraphs
    of the same parent there is only body text, or furniture that the ledes stage still recognises.
    A text found twice ("I would prefer not to.") is the next <p> that reads so: walks only go
    forward, so the gaps are each walked once and no paragraph comes back a second time.
    """
    nodes = list(doc.iter("p"))
    places: dict[str, list[int]] = {}
    for index, node in enumerate(nodes):
        places.setdefault(block_text(node), []).append(index)
    headings = frozenset(block_text(h) for h in itertools.islice(doc.iter("h1", "h2"), _MAX_HEADINGS))
    found = _in_page_order(_with_their_starts(found, places, headings), places)
    first = places.get(found[0]) if found else None
    filled: list[str] = (
        _skipped_before(nodes[first[0]], summary) if first else _loose_lede(doc, found, summary)
    )
    lead = _described_lead(nodes[: first[0]], summary) if first else ""
    if lead and lead not in filled:
        filled.insert(0, lead)
    previous, last = None, -1
    for text in found:
        place = _next_place(places.get(text, []), last)
        node = nodes[place] if place is not None else None
        if node is not None and previous is not None and node.getparent() is previous.getparent():
            filled += _paragraph_texts(_between(previous, node))
        filled.append(text)
        previous, last = node, last if place is None else place
    return tuple(filled)


def _described_lead(before: list[lxml.html.HtmlElement], summary: str) -> str:
    """The lead paragraph set apart above the body that the page's description gives (or opens with):
    the story's opening, not a dek, when it runs three sentences or more (ORF's "story-lead-text" under
    its headline, Super Express's "lead" above a box of related stories; a standfirst is one sentence
    or two). trafilatura reads the body's box alone, which starts at the second paragraph."""
    said = folded(summary.removesuffix("\u2026").removesuffix("..."))
    if len(said) < _DESCRIBED_CHARS:
        return ""
    for node in itertools.islice(reversed(before), _MAX_BEFORE_BODY):
        text = block_text(node)
        if folded(text).startswith(said):
            return text if _a_lead(text) else ""
    return ""


def _a_lead(text: str) -> bool:
    """Whether a paragraph reads as a story's opening rather than a dek: three full sentences or more,
    of some length."""
    sentences = _SENTENCE_END.findall(text)
    return len(sentences) >= _LEAD_SENTENCES and estimated_words(text) >= _LEAD_MIN_WORDS


_SENTENCE_END = re.compile(f"[^\\W\\d_]{{2}}[{END_MARKS}][{CLOSERS}]*(?:\\s|$)")
_LEAD_SENTENCES = 3
_LEAD_MIN_WORDS = 40
_MAX_BEFORE_BODY = 200  # <p>s before the body's first looked back through for the lead


def _in_page_order(found: tuple[str, ...], places: dict[str, list[int]]) -> tuple[str, ...]:
    """The paragraphs from the first that the page shows before the next one.

    trafilatura reads first the box its vocabulary names (a class "post_text"), and a related story's
    card may be named so: its excerpt came out before the article's text, which the page shows above
    it (auto-presse.de's "Weitere Meldungen"). An article's text reads in the page's order.
    """
    start = 0
    while start + 1 < len(found):
        here = places.get(found[start])
        # ... the next paragraph the page has as a <p>: a label trafilatura read from a <span> between
        # them has no place (blick.de's feedback line came first, then its place name, then the story)
        ahead = itertools.islice(found, start + 1, start + 1 + _MAX_UNPLACED)
        following = next((places[text] for text in ahead if text in places), None)
        # (a text the page repeats is found at its first place both times: the page's order holds)
        if here is None or following is None or here[0] <= following[0]:
            break
        start += 1
    return found[start:]


_MAX_UNPLACED = 4  # paragraphs without a <p> of their own passed over to the next that has one


def _loose_lede(doc: lxml.html.HtmlElement, found: tuple[str, ...], summary: str) -> list[str]:
    """The box's own opening text, when the first paragraph trafilatura kept is loose text of that box.

    A body written without <p> ("<section>The lede.<br><br>The next …</section>") opens with text
    before any element in its box, which trafilatura does not read: the lede, when it is a full
    paragraph and not the page's description (its dek).
    """
    start = found[0][:_RESTART_MIN_CHARS] if found else ""
    if len(start) < _RESTART_MIN_CHARS:
        return []
    texts = doc.xpath("//text()[starts-with(normalize-space(.), $start)]", start=start)
    box = texts[0].getparent() if texts else None
    if box is None or not texts[0].is_tail:
        return []  # the paragraph is an element's own text, or not found: no box of loose text
    box = box.getparent()
    opening = _opening_run(box) if box is not None else ""
    return [opening] if _restorable(opening, summary) and opening != found[0] else []


def _opening_run(box: lxml.html.HtmlElement) -> str:
    """A box's text before its first line break or block: its own, and its leading inline elements'
    (a picture set in the text, a link), each with the text after it."""
    parts = [box.text or ""]
    for child in itertools.islice(box, _MAX_OPENING):
        if not isinstance(child.tag, str) or child.tag in _BLOCKS:
            break
        parts += [child.text_content() if child.tag in _INLINE else "", child.tail or ""]
    return squash("".join(parts))


_MAX_OPENING = 50  # elements of a paragraph's opening run: its links and emphases


def _with_their_starts(
    found: tuple[str, ...], places: dict[str, list[int]], headings: frozenset[str]
) -> tuple[str, ...]:
    """The first paragraphs with their start as the page has it, no more and no less.

    trafilatura sometimes drops a paragraph's opening link ("<a>Twitter</a> erupted Monday …" read
    "erupted Monday …"): a <p> of the page that ends with the paragraph, a few words longer, is the
    paragraph. On a page of one short paragraph it may read the headline into it ("Islanders react
    The harbour …"): a <p> that the paragraph ends with, after one of the page's headings, is it.
    """
    restored = list(found)
    for index, text in enumerate(found[:_RESTARTED]):
        if text in places or len(text) < _RESTART_MIN_CHARS:
            continue
        ending = f" {text}"
        whole = next((p for p in places if p.endswith(ending) and len(p) - len(text) <= _RESTART_CHARS), "")
        # the headline read into it is looked for only when no longer <p> was found
        restored[index] = (
            whole
            or next((p for p in places if text.endswith(f" {p}") and text[: -len(p) - 1] in headings), "")
            or _without_headline(text, headings)
        )
    return tuple(restored)


def _without_headline(text: str, headings: frozenset[str]) -> str:
    """A paragraph that no <p> of the page reads, without the heading it opens with: on a page of a
    few short blocks trafilatura may give the whole article as one, headline first ("Harbour to close
    for winter The council voted …"). A sentence follows the heading; the heading's words are not the
    start of one ("Background checks were …" keeps its first word). The longest heading that fits is
    the one: a set has no order, and "Harbour" may open "Harbour Closes For Winter" as well."""
    for heading in sorted(headings, key=len, reverse=True):
        rest = text[len(heading) + 1 :] if text.startswith(f"{heading} ") else ""
        if rest[:1].isupper():
            return rest
    return text


_MAX_HEADINGS = 8  # the page's first headings: its headline is among them
_RESTARTED = 3  # paragraphs: those a teaser opens with
_RESTART_CHARS = 60  # a link or two of the paragraph's opening words
_RESTART_MIN_CHARS = 40  # a line shorter than this ends many paragraphs ("Read more.")


def _next_place(places: list[int], after: int) -> int | None:
    """The first of a text's places (in document order) after ``after``, if any."""
    found = bisect.bisect_right(places, after)
    return places[found] if found < len(places) else None


def _skipped_before(first: lxml.html.HtmlElement | None, summary: str) -> list[str]:
    """Body paragraphs right before the first one trafilatura kept, as the reader meets them.

    It sometimes starts the article one paragraph late: a lede that opens with a link or a bold run,
    or one set in a box of its own ahead of the body's ("article-intro" before "article-text"),
    when trafilatura settles on the body's box. Only the run of full paragraphs directly before it
    comes back, up to the headline and never out of the article: each must be a sentence of some
    length, so that a label, a date line or a heading above the body ends the run.
    """
    if first is None:
        return []
    run: list[str] = []
    loose = False
    for sibling in first.itersiblings(preceding=True):
        if loose := _in_opening_run(sibling):
            break  # the box's own text, written loose before its first block: read below
        if not _gather_run(sibling, run, summary):
            return run[::-1]
    box = first.getparent()
    # ... back to the box's start, and its own text before its first block: the lede written loose
    # ("<div class=post-content>The lede …<p></p><div class=readmore>…</div><p>The next …", Aleteia)
    opening = _opening_run(box) if box is not None and box.tag not in _SCOPES else ""
    if opening and _restorable(opening, summary):
        return [opening, *run[::-1]]
    if loose:
        return run[::-1]
    if box is None or box.tag in _SCOPES or box.find(".//h1") is not None:
        return run[::-1]  # the box holds the headline too: what comes before the body in it is no body
    ahead: list[str] = []
    for sibling in box.itersiblings(preceding=True):
        if not _gather_run(sibling, ahead, summary) or len(ahead) > _MAX_AHEAD:
            break
    # More full paragraphs than a lede's box holds are another block of text (a summary, a promo).
    return (run + ahead)[::-1] if len(ahead) <= _MAX_AHEAD else run[::-1]


_MAX_AHEAD = 3  # paragraphs a lede's box ahead of the body's holds: one or two, three at most
# Where a walk back from the body stops: the article, the page's main part, the page.
_SCOPES = frozenset(["article", "main", "body", "html"])
_HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6", "header"])
# Boxes an article's top may hold that are about it, not of it: its author's, a photo's, a note.
_NOT_BODY = re.compile(
    r"(?i)author|byline|contributor|(?:^|[\s_-])bio(?:$|[\s_-])|profile|caption|credit|disclos|disclaimer"
    r"|note|promo|related|newsletter"
)


def _in_opening_run(node: lxml.html.HtmlElement) -> bool:
    """Whether an inline element is part of its box's opening run: no block stands before it there."""
    if node.tag not in _INLINE:
        return False
    before = itertools.islice(node.itersiblings(preceding=True), _MAX_OPENING)
    return all(isinstance(b.tag, str) and b.tag not in _BLOCKS for b in before)


def _gather_run(node: lxml.html.HtmlElement, run: list[str], summary: str) -> bool:
    """Add the full paragraphs of ``node`` (last first) to ``run``; False where the run ends in it."""
    if not isinstance(node.tag, str):
        return True
    if _found(_NOT_BODY, f"{node.get('class', '')} {node.get('id', '')}"):
        return False
    if node.tag == "p" or (node.tag in ("div", "section") and _is_text_box(node)):
        text = block_text(node)
        if not text and node.find(".//img") is None:
            return True  # an empty paragraph, a space the page leaves: the reader sees nothing there
        if not _restorable(text, summary):
            return False
        run.append(text)
        return True
    if node.tag in _HEADINGS or node.tag in _SCOPES:
        return False
    if not _shows_text(node):  # read only as far as its first words
        return True  # an emptied box (a photo's, an advertisement's): the reader sees nothing there
    if node.text and node.text.strip():
        return False  # text of its own, outside any paragraph
    for child in reversed(node):
        if (child.tail and child.tail.strip()) or not _gather_run(child, run, summary):
            return False
    return True


def _restorable(text: str, summary: str) -> bool:
    """Whether a text trafilatura skipped is a full paragraph to put back: a sentence of some length,
    and not the page's description word for word (its dek), unless longer than any dek, since sites
    give their lede as the description too."""
    length = estimated_words(text)
    dek = squash(text) == summary and length <= _DEK_MAX_WORDS and not _DATELINED.match(text.lstrip())
    return bool(_RESTORABLE.search(text)) and length >= _RESTORE_MIN_WORDS and not dek


def _is_text_box(node: lxml.html.HtmlElement) -> bool:
    """A box that is a paragraph in all but name: its own text, and nothing but phrasing inside."""
    return bool(node.text and node.text.strip()) and all(
        child.tag in _INLINE for child in node if isinstance(child.tag, str)
    )


# trafilatura's balanced mode picks the article's own block more surely (its recall mode can settle on
# a promo box beside it); recall is asked for only when the balanced mode finds less than a teaser.
_RECALL_BELOW_WORDS = 50
_RESTORABLE = re.compile(f"[{END_MARKS}][{CLOSERS}]*$")
# A story's first paragraph opens with its dateline, a dek never does: the place and the agency in
# brackets ("Bogotá (dpa) - Gebrochene Wirbelsäule …", "SPRINGFIELD, Ill. (AP) — "), or the place in
# capitals ("WASHINGTON — "). The site may give that paragraph as its description too (tour-magazin.de).
_DATELINED = re.compile(
    r"(?:[A-ZÀ-Þ][\w.'\u2019/-]*,?\s+){1,4}\([^()]{1,30}\)\s*[\u2014\u2013-]{1,2}\s"
    r"|[A-ZÀ-Þ]{2}[A-ZÀ-Þ.'\u2019 -]{1,30},?(?:\s+[A-Z][\w.]{1,12})?\s+[\u2014\u2013-]{1,2}\s"
)
_RESTORE_MIN_WORDS = 15


def _between(first: lxml.html.HtmlElement, last: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    between: list[lxml.html.HtmlElement] = []
    for sibling in first.itersiblings():
        if sibling is last:
            return between
        if sibling.tag == "p":
            between.append(sibling)
    return []


def walk_paragraphs(doc: lxml.html.HtmlElement) -> tuple[str, ...]:
    """The <p> elements of the page's <article> or <main>, when trafilatura finds nothing."""
    scope = doc.xpath("//article") or doc.xpath("//main")
    if not scope:
        return ()
    return _paragraph_texts(scope[0].xpath(".//p[not(ancestor::p)]"))  # in C: a page may nest deep


def _baseline_paragraphs(doc: lxml.html.HtmlElement) -> tuple[str, ...]:
    """trafilatura's baseline: the text of the page's article (or its JSON-LD articleBody), a block a line.

    Read as one paragraph, it glued the headline to the lede ("Ferries return The ferry left …").
    """
    body = trafilatura.baseline(copy.deepcopy(doc))[0]
    lines = (squash(m.group()) for p in body.iter("p") for m in _LINE.finditer("".join(p.itertext())))
    return tuple(itertools.islice((line for line in lines if line), MAX_PARAGRAPHS))


_LINE = re.compile("[^\n]+")


def _paragraph_texts(nodes: Iterable[lxml.html.HtmlElement]) -> tuple[str, ...]:
    texts = (block_text(node) for node in nodes)
    return tuple(text for text in texts if text)


def block_text(node: lxml.html.HtmlElement) -> str:
    """An element's text with a space wherever a block or line break separated two runs of text."""
    parts: list[str] = []
    _gather(node, parts)
    return squash("".join(parts))


def shown_block_text(node: lxml.html.HtmlElement) -> str:
    """A heading's or caption's text as a reader sees it: a space at each line break, hidden text left out.

    "Harbour to close<br>for winter" reads "Harbour to close for winter", never "closefor"; a
    screen reader's "Breaking: " (class sr-only) and a display:none element are not shown. A label
    set apart by its style before a capital ("<span class=badge>Live</span>Ferries return") keeps
    its space: no headline or caption runs one word into a capitalised next across a tag, nor a
    sentence into the next ("… plagued with errors.<span class=ml-2>Google</span>", a credit set
    apart by its margin).
    """
    if any(isinstance(child.tag, str) and _unseen(child) for child in node.iterdescendants()):
        node = copy.deepcopy(node)  # the page itself keeps its hidden text (strip_furniture judges it later)
        for child in [c for c in node.iterdescendants() if isinstance(c.tag, str) and _unseen(c)]:
            if child.getparent() is not None:
                _drop(child)
    parts: list[str] = []
    _gather(node, parts)
    # Each part begins or ends at a tag: a letter then a capital across one is two words.
    joined: list[str] = []
    for part in filter(None, parts):
        glued = joined and _LETTER_END.search(joined[-1]) and _CAPITAL_START.match(part)
        joined.append(f" {part}" if glued else part)
    return squash("".join(joined))


_LETTER_END = re.compile(r"[^\W\d_]$|(?<=\w)[.!?]$")
_CAPITAL_START = re.compile(r"[A-Z\u00c0-\u00de\u0391-\u03a9\u0410-\u042f]")


def _unseen(node: lxml.html.HtmlElement) -> bool:
    """Hidden from the eye: the hidden attribute, an inline style, a visually-hidden class, a permalink."""
    attrs: dict[str, str] = dict(node.items()) if len(node.attrib) else {}
    names = f"{attrs.get('class', '')} {attrs.get('id', '')}".strip()
    return _is_hidden(attrs) or (bool(names) and _found(_HIDDEN_NAMES, names)) or _permalink(node, attrs)


def _permalink(node: lxml.html.HtmlElement, attrs: dict[str, str]) -> bool:
    """A heading's link to itself, a sign shown on hover ("Evolve: Shared Mutable History¶": Sphinx's
    "¶", a "#" or "§"): a link to a place on the page whose text is a sign or two and no word."""
    if node.tag != "a" or not attrs.get("href", "").startswith("#"):
        return False
    sign = node.text_content().strip()
    return 0 < len(sign) <= _PERMALINK_SIGNS and not _LETTER_OR_DIGIT.search(sign)


_PERMALINK_SIGNS = 2  # characters: "¶", "#", "§", "🔗" and an emoji's variation selector
_LETTER_OR_DIGIT = re.compile(r"\w")


# Elements whose text no reader sees: an icon's <svg> has a <title> for screen readers ("arrow").
_NEVER_SHOWN = frozenset(["svg", "script", "style", "template"])


def _gather(node: lxml.html.HtmlElement, parts: list[str]) -> None:
    if not isinstance(node.tag, str) or node.tag in _NEVER_SHOWN:  # only its tail is shown
        return
    if node.tag in _BLOCKS:
        parts.append(" ")
    parts.append(node.text or "")
    for child in node:
        _gather(child, parts)
        parts.append(" " if child.tag in _BLOCKS else "")
        parts.append(child.tail or "")
