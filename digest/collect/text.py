"""Turn feed and page HTML into clean plain text."""

from __future__ import annotations

import html
import re

import nh3

_SPACE = re.compile(r"\s+")


def plain_text(fragment: str) -> str:
    """Strip every tag (nh3), decode entities and fold white space."""
    if not fragment:
        return ""
    stripped = nh3.clean(fragment, tags=set(), clean_content_tags={"script", "style"})
    return squash(html.unescape(stripped))


def squash(text: str) -> str:
    """Fold runs of white space (including non-breaking spaces) into single spaces."""
    return _SPACE.sub(" ", text.replace("\xa0", " ")).strip()
