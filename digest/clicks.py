"""Article links as the issue sends them: UTM tags, and click tracking through short signed tokens.

Only the issue's own article links change (teasers and "more" links, wherever a template puts them);
the unsubscribe, archive and web-version links never do. A tracked link is a placeholder,
``%%digest:click:N|TARGET%%``, filled per recipient with ``{public_url}/c/ISSUE/TOKEN``; a copy with
no recipient (the archive, the preview) falls back to the article itself.

A token is ``base64url(varint position, varint subscriber id + 1, 8-byte MAC)``: 10 to 20 characters.
The MAC (keyed BLAKE2b) covers the issue id, so a token altered, forged or moved to another issue
verifies for nothing. It names no URL: the server redirects only to the article stored at that
position of that issue, so no token can send a reader anywhere else (no open redirect).
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from markupsafe import escape

from digest.tokens import MAX_ID, b64, unb64

if TYPE_CHECKING:  # the config package imports the providers, which build on personalize and this
    from digest.config import LinksConfig

CLICK = "click:"
ANONYMOUS = "a"  # the suffix of an anonymous click field: click:3a
TOKEN_MAC_BYTES = 8
TOKEN_MAX_CHARS = 26  # base64url of two 9-byte varints and the MAC, the longest a token gets
_FIELD = re.compile(r"click:(\d{1,4})(a?)")


def utm_url(url: str, source: str, medium: str, campaign: str) -> str:
    """``url`` with utm_source, utm_medium and utm_campaign added; its own query and fragment kept.

    A utm_ parameter the link already has is left as it is: the article's owner chose it.
    """
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {name for name, _ in query}
    added = [(k, v) for k, v in (("utm_source", source), ("utm_medium", medium), ("utm_campaign", campaign))
             if v and k not in present]  # fmt: skip
    if not added:
        return url
    joined = f"{parts.query}&{urlencode(added)}" if parts.query else urlencode(added)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, joined, parts.fragment))


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _unvarint(data: bytes, start: int) -> tuple[int, int]:
    value = shift = 0
    for index in range(start, min(len(data), start + 9)):
        byte = data[index]
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, index + 1
        shift += 7
    raise ValueError("bad varint")


def _mac(secret: bytes, issue_id: str, body: bytes) -> bytes:
    key = hashlib.blake2b(b"digest-click\x00" + secret, digest_size=32).digest()
    return hashlib.blake2b(issue_id.encode() + b"\x00" + body, key=key, digest_size=TOKEN_MAC_BYTES).digest()


def click_token(secret: str, issue_id: str, position: int, subscriber_id: int | None) -> str:
    """The token of one article link of one issue, for one subscriber (None: anonymous)."""
    body = _varint(position) + _varint(0 if subscriber_id is None else subscriber_id + 1)
    raw = body + _mac(secret.encode(), issue_id, body)
    return b64(raw)


@dataclass(frozen=True, slots=True)
class Click:
    """What a verified token names."""

    position: int
    subscriber_id: int | None


def read_click_token(secret: str, issue_id: str, token: str) -> Click | None:
    """The position and subscriber a token names, or None for anything not made by us for this issue."""
    if not token or len(token) > TOKEN_MAX_CHARS or not token.isascii():
        return None
    try:
        raw = unb64(token)
        position, at = _unvarint(raw, 0)
        subscriber, at = _unvarint(raw, at)
    except (ValueError, binascii.Error):
        return None
    body, mac = raw[:at], raw[at:]
    if len(mac) != TOKEN_MAC_BYTES or not hmac.compare_digest(mac, _mac(secret.encode(), issue_id, body)):
        return None
    # one spelling per token: the canonical encoding of what was read must be what was given
    if click_token(secret, issue_id, position, subscriber - 1 if subscriber else None) != token:
        return None
    if subscriber - 1 > MAX_ID:
        return None
    return Click(position, subscriber - 1 if subscriber else None)


def click_url(public_url: str, issue_id: str, token: str) -> str:
    """Where a tracked link points: the server's redirect."""
    return f"{public_url}/c/{quote(issue_id, safe='')}/{token}"


def click_fields(documents: Iterable[str]) -> frozenset[str]:
    """The click fields (``click:3``, ``click:3a``) the documents' placeholders use."""
    found: set[str] = set()
    for document in documents:
        found.update(m.group(0) for m in re.finditer(r"(?<=%%digest:)click:\d{1,4}a?(?=[|%])", document))
    return frozenset(found)


def click_values(
    secret: str, public_url: str, issue_id: str, fields: Iterable[str], subscriber_id: int
) -> dict[str, str]:
    """Each click field's URL for one subscriber (an anonymous field does not name them)."""
    values = {}
    for field in fields:
        found = _FIELD.fullmatch(field)
        if found:
            who = None if found.group(2) else subscriber_id
            token = click_token(secret, issue_id, int(found.group(1)), who)
            values[field] = click_url(public_url, issue_id, token)
    return values


@dataclass(frozen=True, slots=True)
class LinkPlan:
    """The article links of one issue: what each becomes in the email, and where its click goes."""

    urls: tuple[str, ...]  # position → the article's URL as the issue has it
    targets: tuple[str, ...]  # position → where a reader lands (with UTM tags when they are on)
    tracked: bool
    anonymous: bool

    @classmethod
    def of(cls, urls: Iterable[str], settings: LinksConfig, newsletter: str, issue_id: str) -> LinkPlan:
        """The plan for an issue's article URLs, in their order (teasers, then the "more" links)."""
        listed = tuple(urls)  # a position is the article's place in the issue, as the store numbers it
        source, campaign = settings.utm_source or newsletter, settings.utm_campaign or issue_id
        targets = listed
        if settings.utm:
            targets = tuple(utm_url(u, source, settings.utm_medium, campaign) for u in listed)
        return cls(listed, targets, settings.track_clicks, settings.anonymous)

    @property
    def changes(self) -> bool:
        """Whether the links change at all (UTM tags or tracking)."""
        return self.tracked or self.targets != self.urls

    def replacement(self, position: int) -> str:
        """What stands in the documents for the article at ``position``."""
        if not self.tracked:
            return self.targets[position]
        field = f"{CLICK}{position}{ANONYMOUS if self.anonymous else ''}"
        return f"%%digest:{field}|{quote(self.targets[position], safe='')}%%"

    def html(self, document: str) -> str:
        """The HTML with each article's href rewritten (only hrefs: text that shows a URL stays)."""
        if not self.changes:
            return document
        by_href: dict[str, str] = {}
        for position, url in enumerate(self.urls):
            new = html.escape(self.replacement(position), quote=True)
            for spelled in _escapes(url):
                by_href.setdefault(spelled, new)
        pattern = re.compile(r'href="([^"]*)"')
        return pattern.sub(lambda m: f'href="{by_href.get(m.group(1), m.group(1))}"', document)

    def text(self, document: str) -> str:
        """The text part with each article URL that stands alone (between spaces or lines) replaced."""
        if not self.changes:
            return document
        wanted = {url: self.replacement(p) for p, url in enumerate(self.urls)}
        pattern = re.compile(r"(?<!\S)(https?://\S+)")
        return pattern.sub(lambda m: wanted.get(m.group(1), m.group(1)), document)

    def measured(self, document: str, public_url: str, issue_id: str) -> str:
        """The document as a recipient gets it, as far as its length goes: tracked links at full size."""
        if not self.tracked:
            return document
        longest = click_url(public_url, issue_id, "x" * TOKEN_MAX_CHARS)
        return _CLICK_PLACEHOLDER.sub(lambda _: longest, document)


_CLICK_PLACEHOLDER = re.compile(r"%%digest:click:\d{1,4}a?(?:\|(?:[A-Za-z0-9_.~-]|%[0-9A-F]{2})*)?%%")


def _escapes(url: str) -> set[str]:
    """The ways a template's HTML spells a URL in an attribute (Jinja's and MJML's escaping)."""
    return {url, html.escape(url, quote=True), url.replace("&", "&amp;"), str(escape(url))}
