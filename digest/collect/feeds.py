"""Parse one RSS, Atom or JSON Feed document into articles (feedparser does the formats)."""

from __future__ import annotations

import calendar
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree

from digest.collect.bounds import MAX_CAPTION, MAX_NAME, MAX_TITLE, clipped
from digest.collect.canonical import canonical_url
from digest.collect.discover import is_web_page, not_a_feed
from digest.collect.feed_media import Media, entry_content_typed, is_web, lead_image, media_details
from digest.collect.fetch import Fetched
from digest.collect.jsonfeed import read_json_feed
from digest.collect.text import html_paragraphs, named_section, plain_text, text_paragraphs
from digest.errors import SourceError
from digest.models import Article, Skipped


@dataclass(frozen=True, slots=True)
class FeedReport:
    """A feed's articles, and the entries left out with why (no link, or no web address)."""

    articles: tuple[Article, ...]
    skipped: tuple[Skipped, ...] = ()


@dataclass(frozen=True, slots=True)
class _Feed:
    entries: list[Any]
    base: str  # what relative entry links resolve against ("" when nothing absolute is known)
    media: list[Media]
    skipped: tuple[Skipped, ...] = ()  # entries that could not even be read as entries


def parse_feed(fetched: Fetched, source: str, now: datetime) -> list[Article]:
    """Return the feed's entries as articles; raise SourceError when it is not a feed at all."""
    return list(read_entries(fetched, source, now).articles)


def read_entries(fetched: Fetched, source: str, now: datetime) -> FeedReport:
    """The feed's entries as articles, and every entry left out with its reason."""
    feed = _json_feed(fetched, source) if fetched.body.lstrip()[:1] == b"{" else _xml_feed(fetched, source)
    articles: list[Article] = []
    skipped: list[Skipped] = list(feed.skipped)
    for entry, media in zip(feed.entries, feed.media, strict=True):
        try:
            found = _article(entry, feed.base, media, source, now)
        except Exception as exc:  # the last line of defence: an odd entry costs itself, not its feed
            link = entry.get("link") if isinstance(entry, dict) else ""
            found = Skipped(str(link or ""), "", f"the entry cannot be read ({type(exc).__name__}: {exc})")
        if isinstance(found, Article):
            articles.append(found)
        else:
            skipped.append(found)
    return FeedReport(tuple(articles), tuple(skipped))


def _xml_feed(fetched: Fetched, source: str) -> _Feed:
    # No content-location: feedparser would resolve entry links against where the file was read
    # (a local path, or a mirror), where a feed reader uses the feed's own address.
    headers = {"content-type": fetched.content_type or "application/xml"}
    body = _named_characters(fetched.body)
    try:
        parsed = feedparser.parse(body, response_headers=headers)
    except Exception:  # its lenient parser's own bugs (a stray </width> is a TypeError): repair, retry
        parsed = _parsed_repaired(body, headers, source)
    if not parsed.get("version"):
        if is_web_page(fetched.body):  # a site's address given for its feed: say which feed it names
            raise not_a_feed(source, fetched.body, fetched.url)
        reason = parsed.get("bozo_exception") or "no RSS, Atom or JSON Feed root element"
        raise SourceError(source, f"is not an RSS, Atom or JSON feed ({reason})")
    if parsed.bozo and _is_xml_error(parsed.bozo_exception):
        # feedparser's lenient parser recovers what it can; say so when that is nothing usable.
        usable = [e for e in parsed.entries if e.get("link")]
        if not usable:
            raise SourceError(source, f"is malformed XML ({parsed.bozo_exception})")
    selves = [x.get("href") for x in parsed.feed.get("links", []) if x.get("rel") == "self"]
    own = [parsed.feed.get("link"), *selves]
    entries = list(parsed.entries)
    return _Feed(entries, _base(own, fetched.url), media_details(body, len(entries)))


def _parsed_repaired(body: bytes, headers: dict[str, str], source: str) -> Any:
    """The feed parsed once libxml2's recovering parser has made it well-formed XML, as it reads it.

    Its entities are not expanded and nothing is fetched: only the elements the document holds are kept.
    """
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, remove_pis=True)
    try:
        root = etree.fromstring(body, parser)
        if root is None:
            raise ValueError("no element could be recovered")
        return feedparser.parse(etree.tostring(root, encoding="utf-8"), response_headers=headers)
    except Exception as exc:
        raise SourceError(
            source,
            f"cannot be read, even leniently ({type(exc).__name__}: {exc}); "
            "check it with a feed validator such as https://validator.w3.org/feed/",
        ) from exc


# A numeric character reference: "&#8212;", "&#x2014;".
_CHARACTER_REFERENCE = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,16})|([0-9]{1,16}));")
_NO_CHARACTER = b"&#xFFFD;"  # what a browser shows for a reference that names no character


def _named_characters(body: bytes) -> bytes:
    """The feed with every character reference that names no character made U+FFFD, as browsers do.

    A surrogate ("&#xD800;"), zero or a number past U+10FFFF is no character: the XML parser refuses
    the feed, and the lenient parser feedparser falls back on raises on it, which lost the whole feed.
    """
    return _CHARACTER_REFERENCE.sub(_named_character, body) if b"&#" in body else body


def _named_character(match: re.Match[bytes]) -> bytes:
    hexadecimal, decimal = match.groups()
    code = int(hexadecimal, 16) if hexadecimal else int(decimal)
    return _NO_CHARACTER if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF else match.group()


def _is_xml_error(error: object) -> bool:
    """A real well-formedness error, not a mere encoding or content-type remark."""
    return type(error).__name__ in ("SAXParseException", "SAXException", "NonXMLContentType") or (
        "not well-formed" in str(error)
    )


def _base(own_links: Sequence[Any], fetched_url: str) -> str:
    """The feed's own absolute address (alternate, else self), as feed readers resolve entry links."""
    located = fetched_url if is_web(fetched_url) else ""
    for link in own_links:
        try:
            absolute = urljoin(located, str(link).strip()) if link else ""
        except ValueError:  # a malformed IPv6 host ("//[::1"): the next link may do
            continue
        if is_web(absolute):
            return absolute
    return located


def _json_feed(fetched: Fetched, source: str) -> _Feed:
    feed = read_json_feed(fetched.body, source)
    media = [Media()] * len(feed.entries)
    return _Feed(feed.entries, _base(feed.own, fetched.url), media, tuple(feed.skipped))


def _paragraphs(value: str, kind: str) -> tuple[str, ...]:
    """An entry's text as paragraphs: Atom's type="text" is plain text, whose "<b>" is what it says."""
    return text_paragraphs(value) if kind == "text/plain" else html_paragraphs(value)


def _type(detail: object) -> str:
    return str(detail.get("type") or "") if isinstance(detail, dict) else ""


def _article(entry: Any, base: str, media: Media, source: str, now: datetime) -> Article | Skipped:
    title = clipped(plain_text(entry.get("title", "")), MAX_TITLE)  # plain_text folds white space
    link = str(entry.get("link") or "").strip()
    if not link:
        return Skipped("", title, "the entry has no link")
    try:
        url = canonical_url(urljoin(base, link))
    except ValueError as exc:  # a malformed port or host
        return Skipped(link, title, f"the link is malformed ({exc})")
    if not is_web(url):
        return Skipped(link, title, _unresolved(link, base))
    published = _published(entry)
    image = lead_image(entry, url, media)
    categories = _tags(entry)
    return Article(
        url=url,
        title=title or url,
        published=published or now,
        dated=published is not None,
        source=source,
        guid=str(entry.get("id", "")),
        section=_section(categories),
        categories=categories,
        author=clipped(plain_text(str(entry.get("author") or "")), MAX_NAME),
        # Paragraphs stay apart by a blank line: the teaser falls back on them one by one.
        summary="\n\n".join(_paragraphs(str(entry.get("summary", "")), _type(entry.get("summary_detail")))),
        paragraphs=_paragraphs(*entry_content_typed(entry, media)),
        image_url=image.url if image else "",
        image_alt=clipped(image.alt, MAX_CAPTION) if image else "",
        image_credit=clipped(image.credit, MAX_NAME) if image else "",
    )


def _unresolved(link: str, base: str) -> str:
    scheme = urlsplit(link).scheme
    if scheme and scheme not in ("http", "https"):
        return f"the link '{link}' is not a web address ({scheme}:)"
    if not base:
        return f"the link '{link}' is relative and the feed names no absolute address of its own"
    return f"the link '{link}' does not resolve to a web address"


def _tags(entry: Any) -> tuple[str, ...]:
    # As text, whatever the parser left: its lenient mode keeps "Society &amp; Culture" escaped.
    tags = itertools.islice(entry.get("tags") or [], _MAX_TAGS)
    terms = (clipped(plain_text(str(tag.get("term") or tag.get("label") or "")), MAX_NAME) for tag in tags)
    return tuple(term for term in terms if term)


_MAX_TAGS = 100  # categories read of one entry: a podcast's keywords run to dozens, never to thousands


def _published(entry: Any) -> datetime | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if not stamp:
        return None
    return datetime.fromtimestamp(calendar.timegm(stamp), tz=UTC)


def _section(categories: Sequence[str]) -> str:
    """The section an entry's first category names (see named_section)."""
    return named_section(categories[0]) if categories else ""


# ----------------------------------------------------------------------------------------- images
