"""Pages that stand in for an article: a site's error page or a bot check, served where the article was.

A site answers 200 with its "Page not found" template for a story it moved, and a firewall answers a
fetcher it does not trust with a check ("Just a moment...", "Access Denied", "Pardon Our
Interruption"). Read as the article, such a page would put "The page you were looking for may have
been moved" in the issue, where the feed's own text says what the story is. A page stands in for the
article when its headline or first paragraph says it is one of these, and its headline has none of
the feed item's title's words: an article may be called "Ferry service not found on new timetable",
and then it is about what its item says.
"""

from __future__ import annotations

import re

from digest.collect.pages import PageInfo

# How error pages and bot checks name themselves, in English, French, Spanish, German, Italian,
# Portuguese and Dutch: the page's kind, a status, a check.
_STAND_IN = re.compile(
    r"(?i)\b(?:page|article|story|content|site)s?\b.{0,40}?\b(?:not|no longer|couldn.?t be|could not be"
    r"|can.?t be|cannot be)\s+(?:be\s+)?(?:found|available|exist)"
    r"|\b(?:404|410|403|500|502|503)\b.{0,20}\b(?:error|not found|forbidden|gone|unavailable)"
    r"|\b(?:error|erreur|fehler)\s*(?:404|410|403|500|502|503)\b"
    r"|^\s*(?:404|not found|page not found|file not found|forbidden|access denied|gone|oops!?"
    r"|server error|service unavailable|bad gateway|error)\s*[.!]?\s*(?:[|:\u2013\u2014-].*)?$"
    r"|\bwe (?:couldn.?t|could not|can.?t|cannot) find (?:that|the|this|what)\b"
    r"|\b(?:this|the) page (?:you (?:were|are) looking for|you requested|does ?n.?o?t exist)"
    r"|\baccess (?:to this page has been )?denied\b|\byou don.?t have permission to access\b"
    r"|\bjust a moment\s*(?:\.\.\.|\u2026)|\battention required\b|\bpardon our interruption\b"
    r"|\byou (?:have been|are|were) blocked\b"
    r"|\bchecking (?:your browser|if the site connection is secure)\b"
    r"|\b(?:verify|confirm) (?:that )?you(?:.re| are) (?:a )?human\b|\bare you a robot\b"
    r"|\bplease enable (?:javascript|js|cookies)\b.{0,40}\b(?:continue|proceed|access)\b"
    r"|\brequest unsuccessful\b.{0,40}\bincident\b"
    r"|\bpage (?:introuvable|non trouv\u00e9e)\b|\bp\u00e1gina no encontrada\b|\bseite nicht gefunden\b"
    r"|\bpagina non trovata\b|\bp\u00e1gina n\u00e3o encontrada\b|\bpagina niet gevonden\b"
    r"|\bzugriff verweigert\b|\bacc\u00e8s refus\u00e9\b|\bacceso denegado\b"
)
_LINE_WORDS = 40
_SAID_CHARS = 80  # of what the page says of itself, as a problem or a warning tells it
_WORD = re.compile(r"\w{4,}")  # words that say what a headline is about ("the", "was" do not)


def stand_in(page: PageInfo, item_title: str) -> str:
    """What the page says it is when it stands in for the article (its headline, or first line, cut to
    _SAID_CHARS), else ""."""
    # An error page's or a check's own line is short: a first paragraph of an article is longer.
    first = [p for p in page.paragraphs[:1] if len(p.split()) <= _LINE_WORDS]
    said = next((text for text in (page.title, *first) if _STAND_IN.search(text)), "")
    if not said:
        return ""
    return "" if _shares_a_word(page.title, item_title) else said[:_SAID_CHARS]


def _shares_a_word(headline: str, title: str) -> bool:
    return bool(set(_WORD.findall(headline.casefold())) & set(_WORD.findall(title.casefold())))
