"""Turn feed and page HTML into clean plain text."""

from __future__ import annotations

import html
import re

import lxml.html
import nh3
from lxml.etree import ParserError

_SPACE = re.compile(r"\s+")


def plain_text(fragment: str) -> str:
    """Strip every tag (nh3), decode entities and fold white space."""
    if not fragment:
        return ""
    stripped = nh3.clean(fragment, tags=set(), clean_content_tags={"script", "style"})
    return squash(html.unescape(stripped))


def html_paragraphs(fragment: str) -> tuple[str, ...]:
    """The paragraphs of an HTML fragment (a feed's full content) as plain text."""
    if not fragment.strip():
        return ()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ParserError, ValueError):
        return ()
    blocks = root.xpath(".//p | .//li | .//blockquote[not(.//p)]")
    texts = [squash(block.text_content()) for block in blocks] if blocks else [squash(root.text_content())]
    return tuple(text for text in texts if text)


def squash(text: str) -> str:
    """Fold runs of white space (including non-breaking spaces) into single spaces."""
    return _SPACE.sub(" ", text.replace("\xa0", " ")).strip()
