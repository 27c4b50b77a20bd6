"""Parse one RSS, Atom or JSON Feed document into articles (feedparser does the formats)."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from digest.collect.canonical import canonical_url
from digest.collect.discover import is_web_page, not_a_feed
from digest.collect.feed_media import Media, entry_content_typed, is_web, lead_image, media_details
from digest.collect.fetch import Fetched
from digest.collect.jsonfeed import read_json_feed
from digest.collect.text import html_paragraphs, plain_text, squash, text_paragraphs
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
    parsed = feedparser.parse(
        fetched.body, response_headers={"content-type": fetched.content_type or "application/xml"}
    )
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
    return _Feed(entries, _base(own, fetched.url), media_details(fetched.body, len(entries)))


def _is_xml_error(error: object) -> bool:
    """A real well-formedness error, not a mere encoding or content-type remark."""
    return type(error).__name__ in ("SAXParseException", "SAXException", "NonXMLContentType") or (
        "not well-formed" in str(error)
    )


def _base(own_links: Sequence[Any], fetched_url: str) -> str:
    """The feed's own absolute address (alternate, else self), as feed readers resolve entry links."""
    located = fetched_url if is_web(fetched_url) else ""
    for link in own_links:
        absolute = urljoin(located, str(link).strip()) if link else ""
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
    title = squash(plain_text(entry.get("title", "")))
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
    return Article(
        url=url,
        title=title or url,
        published=published or now,
        dated=published is not None,
        source=source,
        guid=str(entry.get("id", "")),
        section=_first_tag(entry),
        categories=_tags(entry),
        author=squash(entry.get("author", "")),
        # Paragraphs stay apart by a blank line: the teaser falls back on them one by one.
        summary="\n\n".join(_paragraphs(str(entry.get("summary", "")), _type(entry.get("summary_detail")))),
        paragraphs=_paragraphs(*entry_content_typed(entry, media)),
        image_url=image.url if image else "",
        image_alt=image.alt if image else "",
        image_credit=image.credit if image else "",
    )


def _unresolved(link: str, base: str) -> str:
    scheme = urlsplit(link).scheme
    if scheme and scheme not in ("http", "https"):
        return f"the link '{link}' is not a web address ({scheme}:)"
    if not base:
        return f"the link '{link}' is relative and the feed names no absolute address of its own"
    return f"the link '{link}' does not resolve to a web address"


def _tags(entry: Any) -> tuple[str, ...]:
    terms = ((tag.get("term") or tag.get("label") or "").strip() for tag in entry.get("tags") or [])
    return tuple(term for term in terms if term)


def _published(entry: Any) -> datetime | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if not stamp:
        return None
    return datetime.fromtimestamp(calendar.timegm(stamp), tz=UTC)


def _first_tag(entry: Any) -> str:
    tags = _tags(entry)
    return tags[0] if tags else ""


# ----------------------------------------------------------------------------------------- images
