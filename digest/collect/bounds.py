"""What reading a page may cost, whatever the page holds: its characters, its tree, its text.

A page is hostile input. Its text loses the characters no reader sees; its tree is libxml2's, cut to
the first MAX_ELEMENTS elements, each with at most MAX_ATTRIBUTES attributes and a share of
MAX_NAME_CHARS of class and id names; the text extractors read the first MAX_TEXT_ELEMENTS of it,
and give at most MAX_PARAGRAPHS paragraphs of bounded length. Each bound is several times what the
real pages need (bench/teasers.py reads them), so that only a page built to be costly is cut.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from typing import Any

import lxml.html
from lxml import etree

# Characters no page shows and no email can carry: C0 and C1 controls (a terminal's escapes among
# them), lone surrogates and U+FFFE/U+FFFF, any of which stops the MJML compile of the whole issue;
# and the directional overrides and isolates, which turn around the text after them (a subject line's).
# Vertical tab and form feed are white space in HTML: they become spaces.
_UNSHOWN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
# The longest real pages have about 13,000 elements. Past this many, the rest of a page is not read:
# extraction costs tens of microseconds an element, and a 5 MB page can hold 500,000 of them.
MAX_ELEMENTS = 30_000
# What the text extractors read of a page cleaned of its furniture: the real pages keep 7,000 elements
# at most. trafilatura costs up to 50 microseconds an element, and a page it finds nothing in is read
# three times over (its recall mode, then its baseline).
MAX_TEXT_ELEMENTS = 10_000
# Blocks (paragraphs, boxes, list items, cells, line breaks) past which trafilatura is not asked to
# fall back on justext and readability. justext weighs each short block against its neighbours in time
# quadratic in their number: 8,000 short paragraphs take 6 s, 10,000 take 20 s. The real pages hold
# 5,300 at most (a discussion thread) and 940 but for those; 3,000 cost a second at worst.
MAX_RESCUED_BLOCKS = 3_000
# Real elements have a few dozen attributes at most. libxml2 builds an element's attributes in time
# quadratic in their number (100,000 take 15 s), so an element keeps only its first ones.
MAX_ATTRIBUTES = 256
# Class names and ids are matched against many patterns, here and in trafilatura, at a microsecond a
# character: past this many characters of them (twice the most a real page has), elements keep none.
MAX_NAME_CHARS = 1_000_000
# How much text a page gives, far past any real article (the longest real ones: 750 paragraphs, one
# of 38,000 characters, 210,000 in all) and past what a teaser reads: the rest is cut, at a space.
MAX_PARAGRAPHS = 1_000
MAX_PARAGRAPH_CHARS = 50_000
MAX_TEXT_CHARS = 500_000
# The nodes doc.iter() yields: elements, comments and processing instructions.
_NODES = etree.XPath(
    "count(descendant-or-self::*|descendant::comment()|descendant::processing-instruction())"
)
# libxml2's own limit: deeper elements are not nested further (their text stays in the deepest one).
_MAX_DEPTH = 255


def shown_text(text: str) -> str:
    """Text without the characters a page never shows (controls, direction overrides, lone surrogates)."""
    return _UNSHOWN.sub(_unshown, text)


def _unshown(match: re.Match[str]) -> str:
    return " " if match.group() in "\x0b\x0c" else ""


def bounded_tree(text: str) -> lxml.html.HtmlElement | None:
    """libxml2's tree of a page's text, within the bounds above (built element by element past them)."""
    measured = etree.fromstring(text, etree.HTMLParser(target=_Measure()))
    if measured.attributes <= MAX_ATTRIBUTES and measured.names <= MAX_NAME_CHARS:
        root = lxml.html.document_fromstring(text)
    else:
        root = etree.fromstring(text, etree.HTMLParser(target=_BoundedTree()))
    if not isinstance(root, lxml.html.HtmlElement):
        return None
    cut_after(root, MAX_ELEMENTS)
    return root


class _Measure:
    """A parser target that only measures: the most attributes of an element, the class and id text."""

    def __init__(self) -> None:
        self.attributes = self.names = 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if len(attrib) > self.attributes:
            self.attributes = len(attrib)
        if attrib:  # called for every element of every page: kept short
            self.names += len(attrib.get("class", "")) + len(attrib.get("id", ""))

    def close(self) -> _Measure:
        return self


class _BoundedTree:
    """A parser target that builds the page's tree with its elements' attributes and nesting bounded.

    Each element keeps its first MAX_ATTRIBUTES attributes, and its class and id until MAX_NAME_CHARS
    of them were read; nesting stops at libxml2's own depth (the walks over the tree recurse), and
    a deeper element's text goes to the deepest one.
    """

    def __init__(self) -> None:
        self._tree = etree.TreeBuilder(parser=lxml.html.HTMLParser())
        self._depth = 0
        self._names = MAX_NAME_CHARS

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self._depth += 1
        if self._depth > _MAX_DEPTH:
            return
        kept = dict(itertools.islice(attrib.items(), MAX_ATTRIBUTES))
        self._names -= len(kept.get("class", "")) + len(kept.get("id", ""))
        if self._names < 0:
            kept.pop("class", None)
            kept.pop("id", None)
        self._tree.start(tag, kept)

    def end(self, tag: str) -> None:
        if self._depth <= _MAX_DEPTH:
            self._tree.end(tag)
        self._depth -= 1

    def data(self, text: str) -> None:
        self._tree.data(text)

    def comment(self, text: str) -> None:
        self._tree.comment(text)

    def pi(self, target: str, data: str | None = None) -> None:
        self._tree.pi(target, data)

    def close(self) -> Any:
        return self._tree.close()


def cut_after(doc: lxml.html.HtmlElement, most: int) -> int:
    """Remove, in place, every node after the first ``most`` in document order; the nodes left."""
    nodes = int(_NODES(doc))  # counted without making a Python object of each
    if nodes <= most:
        return nodes
    first_cut = next(itertools.islice(doc.iter(), most, None))
    node, parent = first_cut, first_cut.getparent()
    del parent[parent.index(node) :]
    while parent.getparent() is not None:
        node, parent = parent, parent.getparent()
        del parent[parent.index(node) + 1 :]
    return most


def bounded_paragraphs(paragraphs: Iterable[str]) -> tuple[str, ...]:
    """The first paragraphs, cut to MAX_PARAGRAPHS, MAX_PARAGRAPH_CHARS each and MAX_TEXT_CHARS in all."""
    kept: list[str] = []
    room = MAX_TEXT_CHARS
    for text in itertools.islice(paragraphs, MAX_PARAGRAPHS):
        cut = cut_at_space(text, min(MAX_PARAGRAPH_CHARS, room))
        if cut:
            kept.append(cut)
        if len(text) > room:  # the last paragraph there is room for
            break
        room -= len(cut)
    return tuple(kept)


def cut_at_space(text: str, limit: int) -> str:
    """``text`` when it has at most ``limit`` characters, else its start up to a space (or the limit)."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit + 1)
    return text[: cut if cut > limit // 2 else limit].rstrip()


# Characters a line of a page's or a feed's text may have, several times the longest real ones (a
# title of 144, an alt text of 336, a description of 1,188): a longer one is cut at a space, with an
# ellipsis.
MAX_TITLE = 1_000
MAX_NAME = 500  # an author, section, site name or image credit
MAX_CAPTION = 2_000  # an image's alt text or caption
MAX_DESCRIPTION = 5_000


def clipped(text: str, limit: int) -> str:
    """A line of a page's or feed's text, cut at a space with an ellipsis when longer than ``limit``."""
    return text if len(text) <= limit else cut_at_space(text, limit - 1) + "\u2026"
