"""Parse one RSS, Atom or JSON Feed document into articles (feedparser does the formats)."""

from __future__ import annotations

import calendar
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from digest.collect.canonical import canonical_url
from digest.collect.fetch import Fetched
from digest.collect.text import html_paragraphs, plain_text, squash
from digest.errors import SourceError
from digest.models import Article


def parse_feed(fetched: Fetched, source: str, now: datetime) -> list[Article]:
    """Return the feed's entries as articles; raise SourceError when it is not a feed at all."""
    if fetched.body.lstrip()[:1] == b"{":
        entries, base = _json_feed(fetched, source)
    else:
        entries, base = _xml_feed(fetched, source)
    articles = []
    for entry in entries:
        article = _article(entry, base, source, now)
        if article is not None:
            articles.append(article)
    return articles


def _xml_feed(fetched: Fetched, source: str) -> tuple[list[Any], str]:
    headers = {
        "content-location": fetched.url,
        "content-type": fetched.content_type or "application/xml",
    }
    parsed = feedparser.parse(fetched.body, response_headers=headers)
    if not parsed.get("version"):
        reason = parsed.get("bozo_exception") or "no RSS, Atom or JSON Feed root element"
        raise SourceError(source, f"is not an RSS, Atom or JSON feed ({reason})")
    if parsed.bozo and _is_xml_error(parsed.bozo_exception):
        # feedparser's lenient parser recovers what it can; say so when that is nothing usable.
        usable = [e for e in parsed.entries if e.get("link")]
        if not usable:
            raise SourceError(source, f"is malformed XML ({parsed.bozo_exception})")
    base = parsed.feed.get("link") or fetched.url
    return list(parsed.entries), str(base)


def _is_xml_error(error: object) -> bool:
    """A real well-formedness error, not a mere encoding or content-type remark."""
    return type(error).__name__ in ("SAXParseException", "SAXException", "NonXMLContentType") or (
        "not well-formed" in str(error)
    )


def _json_feed(fetched: Fetched, source: str) -> tuple[list[Any], str]:
    try:
        data = json.loads(fetched.body)
        items = data["items"]
        entries = [_json_item(item) for item in items if isinstance(item, dict)]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SourceError(source, f"is not a JSON Feed ({type(exc).__name__}: {exc})") from None
    return entries, str(data.get("home_page_url") or fetched.url)


def _json_item(item: dict[str, Any]) -> dict[str, Any]:
    """Map a JSON Feed item onto the keys feedparser gives, so one path handles both."""
    published = item.get("date_published") or item.get("date_modified")
    parsed = None
    if published:
        try:
            parsed = datetime.fromisoformat(published).astimezone(UTC).timetuple()
        except ValueError:
            parsed = None
    authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
    return {
        "link": item.get("url") or item.get("external_url") or "",
        "id": str(item.get("id", "")),
        "title": item.get("title", ""),
        "published_parsed": parsed,
        "summary": item.get("summary") or item.get("content_html") or item.get("content_text", ""),
        "tags": [{"term": str(tag)} for tag in item.get("tags") or []],
        "author": (authors[0].get("name", "") if authors else ""),
        "image": item.get("image") or item.get("banner_image") or "",
    }


def _article(entry: Any, base: str, source: str, now: datetime) -> Article | None:
    link = entry.get("link") or ""
    if not link:
        return None
    url = canonical_url(urljoin(base, link))
    if urlsplit(url).scheme not in ("http", "https"):
        return None  # a tag: id standing in for a link, or a path with no web address behind it
    published = _published(entry)
    return Article(
        url=url,
        title=squash(plain_text(entry.get("title", ""))) or url,
        published=published or now,
        dated=published is not None,
        source=source,
        guid=str(entry.get("id", "")),
        section=_first_tag(entry),
        categories=_tags(entry),
        author=squash(entry.get("author", "")),
        summary=plain_text(entry.get("summary", "")),
        paragraphs=html_paragraphs(_content(entry)),
        image_url=_image(entry, url),
    )


def _content(entry: Any) -> str:
    """The entry's full content (content:encoded, Atom content) when the feed carries it."""
    for content in entry.get("content") or []:
        value = content.get("value") if isinstance(content, dict) else None
        if value:
            return str(value)
    return ""


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


def _image(entry: Any, page_url: str) -> str:
    if entry.get("image") and isinstance(entry["image"], str):
        return urljoin(page_url, entry["image"])
    for media in (entry.get("media_content") or []) + (entry.get("media_thumbnail") or []):
        if media.get("url") and media.get("medium", "image") == "image":
            return urljoin(page_url, str(media["url"]))
    for link in entry.get("links") or []:
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/"):
            return urljoin(page_url, str(link["href"]))
    return ""
