"""Read a JSON Feed (1.0 and 1.1) into the entries feedparser gives for RSS and Atom, item by item.

JSON comes with types, and a feed may get them wrong (a title that is a number, tags that are one
string, a date that is a Unix time): such an item is left out with the field and what it held, and
the feed's other items still count.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from digest.errors import SourceError
from digest.models import Skipped

_KINDS: dict[type, str] = {str: "a string", list: "a list", dict: "an object"}
_PLURALS: dict[type, str] = {str: "strings", dict: "objects"}


class MalformedItemError(ValueError):
    """A JSON Feed item whose fields do not have the types the format gives them."""


@dataclass(frozen=True, slots=True)
class JsonFeed:
    """A JSON Feed's items as feedparser-like entries, the items left out, and its own addresses."""

    entries: list[dict[str, Any]]
    skipped: list[Skipped]
    own: list[object]


def read_json_feed(body: bytes, source: str) -> JsonFeed:
    """Every item that can be read; raise SourceError when the document is not a JSON Feed at all."""
    try:
        data = json.loads(body)
    except RecursionError:
        raise SourceError(source, "is not a JSON Feed (its JSON is nested too deeply)") from None
    except ValueError as exc:
        raise SourceError(source, f"is not a JSON Feed ({type(exc).__name__}: {exc})") from None
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise SourceError(source, 'is not a JSON Feed (it has no list of "items")')
    entries, skipped = [], []
    for item in items:
        try:
            entries.append(json_item(item))
        except MalformedItemError as exc:
            skipped.append(Skipped(_peek(item, "url"), _peek(item, "title"), f"the item is malformed: {exc}"))
    assert isinstance(data, dict)
    return JsonFeed(entries, skipped, [data.get("home_page_url"), data.get("feed_url")])


def json_item(item: object) -> dict[str, Any]:
    """Map one JSON Feed item onto the keys feedparser gives, so one path handles both."""
    if not isinstance(item, dict):
        raise MalformedItemError(f"it is {_describe(item)}, not an object")
    text = _field(item, "content_text", str)
    content = _field(item, "content_html", str) or "".join(
        f"<p>{html.escape(p)}</p>" for p in text.split("\n\n")
    )
    images = [_field(item, key, str) for key in ("image", "banner_image")]
    return {
        "link": _field(item, "url", str) or _field(item, "external_url", str),
        "id": _id(item),
        "title": _field(item, "title", str),
        "published_parsed": _date(item),
        "summary": _field(item, "summary", str) or _field(item, "content_html", str) or text,
        "content": [{"type": "text/html", "value": content}],
        "tags": [{"term": tag} for tag in _list_of(item, "tags", str)],
        "author": _author(item),
        "media_content": [{"url": url, "medium": "image"} for url in images if url],
        "links": _attachments(item),
    }


def _field(item: dict[str, Any], key: str, kind: type) -> Any:
    """The field's value, or the kind's empty value when it is absent; wrong types are refused."""
    value = item.get(key)
    if value is None:
        return kind()
    if not isinstance(value, kind) or isinstance(value, bool):
        raise MalformedItemError(f'its "{key}" is {_describe(value)}, not {_KINDS[kind]}')
    return value


def _list_of(item: dict[str, Any], key: str, kind: type) -> list[Any]:
    values: list[Any] = _field(item, key, list)
    for value in values:
        if not isinstance(value, kind):
            raise MalformedItemError(f'its "{key}" holds {_describe(value)}, not only {_PLURALS[kind]}')
    return values


def _id(item: dict[str, Any]) -> str:
    value = item.get("id", "")
    # The format says a string; many feeds write a number, which names the item just as well.
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise MalformedItemError(f'its "id" is {_describe(value)}, not a string')
    return str(value)


def _date(item: dict[str, Any]) -> Any:
    published = _field(item, "date_published", str) or _field(item, "date_modified", str)
    if not published:
        return None
    try:
        return datetime.fromisoformat(published).astimezone(UTC).timetuple()
    except ValueError:
        return None  # an unreadable date is no date: the item counts from when it was first seen


def _author(item: dict[str, Any]) -> str:
    authors = _list_of(item, "authors", dict)
    if not authors and item.get("author"):
        authors = [_field(item, "author", dict)]  # JSON Feed 1.0's single author
    return str(_field(authors[0], "name", str)) if authors else ""


def _attachments(item: dict[str, Any]) -> list[dict[str, str]]:
    found = []
    for attachment in _list_of(item, "attachments", dict):
        url, kind = _field(attachment, "url", str), _field(attachment, "mime_type", str)
        if url:
            found.append({"rel": "enclosure", "type": kind, "href": url})
    return found


def _peek(item: object, key: str) -> str:
    """A field for the report of an item left out, when it is text."""
    value = item.get(key) if isinstance(item, dict) else None
    return value if isinstance(value, str) else ""


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if value is None:
        return "null"
    return _KINDS.get(type(value), type(value).__name__)
