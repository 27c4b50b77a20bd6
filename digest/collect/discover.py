"""A web page where a feed was expected: the feeds it names in its <head>, for the user to choose from.

A site's home page names its feeds with <link rel="alternate" type="application/rss+xml" href=…>
(feed autodiscovery). digest only says which they are: the page chooses nothing that is fetched, and
the user puts the address they want in schedule.toml.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from digest.collect.canonical import MAX_URL, escaped_url, is_web_url
from digest.collect.text import squash
from digest.errors import SourceError

# The types a feed is announced with (JSON Feed's own, and the plain JSON some sites give it).
FEED_TYPES = frozenset(
    [
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/json",
    ]
)
MAX_NAMED = 3  # feeds listed at most: a site with a feed per tag names dozens
# What a web page starts with, and a feed never does (looked for in its first bytes only).
_WEB_PAGE = re.compile(rb"(?i)<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]")
_SNIFF_BYTES = 4_096


def is_web_page(body: bytes) -> bool:
    """Whether a document opens as an HTML page (a doctype, <html>, <head> or <body> in its first bytes)."""
    return bool(_WEB_PAGE.search(body[:_SNIFF_BYTES]))


def named_feeds(body: bytes, page_url: str) -> tuple[str, ...]:
    """The feeds a page names in <link rel="alternate">, first ones first, as web addresses.

    A page read from a file has no address to resolve a relative link against: its link is given
    as written ("/feed.xml"), which the user reads against the site's own address.
    """
    from digest.collect.extract import parse_html  # the HTML reader: only needed when a feed is a page

    doc = parse_html(body)
    if doc is None:
        return ()
    base = page_url if is_web_url(page_url) else ""  # a file's own address resolves nothing on the web
    found: list[str] = []
    for link in doc.iter("link"):
        rel = str(link.get("rel") or "").lower().split()
        kind = squash(str(link.get("type") or "")).lower()
        if "alternate" not in rel or kind not in FEED_TYPES:
            continue
        try:
            address = escaped_url(urljoin(base, str(link.get("href") or "").strip()))
            relative = not base and not urlsplit(address).scheme and address.startswith("/")
        except ValueError:  # a malformed IPv6 host ("//[::1"), which urlsplit finds even unjoined
            continue
        if (is_web_url(address) or relative) and len(address) <= MAX_URL and address not in found:
            found.append(address)
            if len(found) == MAX_NAMED:
                break
    return tuple(found)


def not_a_feed(source: str, body: bytes, page_url: str) -> SourceError:
    """The error for a web page read as a feed: which feeds it names, or where else to look."""
    feeds = named_feeds(body, page_url)
    if feeds:
        return SourceError(
            source,
            f"is a web page, not a feed; the page names its feed: {', '.join(feeds)}",
            "put the feed's address in the source's url (`digest feed ADDRESS` shows what it holds)",
        )
    return SourceError(
        source,
        "is a web page, not a feed, and names no feed in its <head>",
        "look for the site's RSS or Atom link (often /feed or /rss.xml),"
        ' or read its sitemap with type = "sitemap"',
    )
