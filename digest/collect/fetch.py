"""Fetch feeds and pages: one shared async client, bounded concurrency, size cap, conditional GET.

Only http(s) URLs, the configured feed paths and mirrored folders are ever read: a link in a feed
cannot make digest open an arbitrary local file.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from digest import __version__
from digest.collect.guard import AddressPolicy, GuardedTransport, RefusedAddressError
from digest.config import FetchConfig, MirrorConfig
from digest.errors import SourceError
from digest.inflate import UndecodableError, decoded_chunks

USER_AGENT = f"digest-mailer/{__version__} (newsletter digest; +https://pypi.org/project/digest-mailer/)"


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched document: its bytes, the URL it was read from (after redirects), its type."""

    url: str
    body: bytes
    content_type: str = ""
    not_modified: bool = False


@dataclass(frozen=True, slots=True)
class CachedFeed:
    """What a feed's last full response said, for a conditional GET."""

    url: str
    body: bytes
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""


class FeedCache(Protocol):
    """Remembers each feed's validators and body, so an unchanged feed costs a 304."""

    def get(self, url: str) -> CachedFeed | None:
        """The cached response for a feed URL, if any."""
        ...

    def put(self, feed: CachedFeed) -> None:
        """Remember a feed's latest full response."""
        ...


def http_client(settings: FetchConfig) -> httpx.AsyncClient:
    """The one HTTP client a run uses (only the CLI, the scheduler and benchmarks call this).

    It connects only to public addresses and the hosts ``allow_hosts`` names, on every redirect.
    """
    most = settings.concurrency
    limits = httpx.Limits(max_connections=most, max_keepalive_connections=most)
    return httpx.AsyncClient(
        transport=GuardedTransport(AddressPolicy.allowing(settings.allow_hosts), limits),
        timeout=httpx.Timeout(settings.timeout),
        follow_redirects=True,
        max_redirects=settings.max_redirects,
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate, br"},
    )


class Fetcher:
    """Fetches documents concurrently within overall and per-host limits."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        mirrors: Sequence[MirrorConfig] = (),
        settings: FetchConfig | None = None,
        cache: FeedCache | None = None,
    ) -> None:
        self._client = client
        self._mirrors = tuple(mirrors)
        self._settings = settings or FetchConfig()
        self._cache = cache
        self._overall = asyncio.Semaphore(self._settings.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}

    @property
    def settings(self) -> FetchConfig:
        """The limits this fetcher works within (collect reads its deadline)."""
        return self._settings

    async def feed(self, location: str) -> Fetched:
        """Fetch a configured feed (URL or local path), conditionally when it was seen before."""
        if urlsplit(location).scheme not in ("http", "https"):
            return _read_file(Path(location), location, self._settings.max_bytes)
        if self._mirrored(location):
            return await self.url(location)
        cached = self._cache.get(location) if self._cache else None
        fetched, validators = await self._download(location, cached)
        if fetched.not_modified and cached:
            return Fetched(cached.url, cached.body, cached.content_type, not_modified=True)
        if self._cache:
            self._cache.put(CachedFeed(location, fetched.body, fetched.content_type, *validators))
        return fetched

    async def url(self, url: str, *, page: bool = False) -> Fetched:
        """Fetch an http(s) URL, reading it from a mirror folder when one covers it.

        ``page``: the URL should be a web page; a response the server declares to be something else
        (a podcast's audio, a PDF report) is refused before its body is read.
        """
        fetched = await self._one(url, page=page)
        # A page that sends its reader on at once (<meta http-equiv="refresh" content="0; url=…">: a
        # link shortener's, a moved story's) is followed as a redirect is, within the same limit.
        hops = 0
        while page and (onward := refresh_target(fetched.body, fetched.url)):
            if hops == self._settings.max_redirects:
                raise SourceError(url, f"sends its reader on more than {hops} times")
            hops += 1
            fetched = await self._one(onward, page=True)
        return fetched

    async def _one(self, url: str, *, page: bool) -> Fetched:
        if urlsplit(url).scheme not in ("http", "https"):
            raise SourceError(url, "only http and https links are followed")
        mirror = self._mirrored(url)
        if mirror:
            return _read_mirrored(mirror, url, self._settings.max_bytes)
        fetched, _ = await self._download(url, None, page=page)
        return fetched

    def _mirrored(self, url: str) -> MirrorConfig | None:
        return next((m for m in self._mirrors if url.startswith(m.url)), None)

    def _host_limit(self, url: str) -> asyncio.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(self._settings.per_host)
        return self._hosts[host]

    async def _download(
        self, url: str, cached: CachedFeed | None, *, page: bool = False
    ) -> tuple[Fetched, tuple[str, str]]:
        headers = {"User-Agent": USER_AGENT}
        if cached and cached.etag:
            headers["If-None-Match"] = cached.etag
        if cached and cached.last_modified:
            headers["If-Modified-Since"] = cached.last_modified
        async with self._overall, self._host_limit(url):
            try:
                # httpx's timeout bounds each read; this bounds the whole request, so a server that
                # dribbles a byte at a time cannot hold a fetch open past it.
                async with asyncio.timeout(self._settings.timeout):
                    return await self._get(url, headers, page)
            except httpx.TooManyRedirects:
                raise SourceError(url, f"redirects more than {self._settings.max_redirects} times") from None
            except (httpx.TimeoutException, TimeoutError):
                raise SourceError(
                    url, f"timed out after {self._settings.timeout:g} s", "check the URL, or try later"
                ) from None
            except RefusedAddressError as exc:
                raise SourceError(url, f"refused to fetch '{exc.url or url}': {exc.reason}") from None
            except httpx.HTTPError as exc:
                raise SourceError(url, f"cannot be fetched: {type(exc).__name__}: {exc}") from None

    async def _get(self, url: str, headers: dict[str, str], page: bool) -> tuple[Fetched, tuple[str, str]]:
        async with self._client.stream("GET", url, headers=headers) as response:
            final = str(response.url)
            kind = response.headers.get("content-type", "")
            if response.status_code == 304:
                return Fetched(final, b"", kind, not_modified=True), ("", "")
            if response.status_code >= 400:
                raise SourceError(url, f"answered HTTP {response.status_code} {response.reason_phrase}")
            if page and (other := not_a_page(kind)):
                raise SourceError(url, f"is {other}, not a web page")
            body = await _read_capped(response, url, self._settings.max_bytes)
            validators = (response.headers.get("etag", ""), response.headers.get("last-modified", ""))
            return Fetched(final, body, kind), validators


# <meta http-equiv="refresh" content="0; url=https://…">, in a page's head: where it sends its reader.
_REFRESH = re.compile(rb"""(?i)<meta\b[^>]*\bhttp-equiv\s*=\s*["']?refresh\b[^>]*>""")
_CONTENT = re.compile(rb"""(?i)\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_DELAY_AND_URL = re.compile(
    r"""(?i)^\s*(\d{1,6})(?:\.\d*)?\s*[;,]?\s*(?:url\s*=\s*)?(["']?)(\S[^"']*)\2\s*$"""
)
_HEAD_BYTES = 32_768  # where a page's <meta> tags are: its head, which is never this long
_MAX_REFRESH_DELAY = 5  # seconds: a page that waits longer is read, as its reader reads it first


def refresh_target(body: bytes, url: str) -> str:
    """Where a page sends its reader at once by a refresh <meta>, as an absolute http(s) URL; else "".

    Only an immediate refresh to another address counts: a news page that reloads itself every ten
    minutes is the page, and a refresh inside <noscript> is for readers without JavaScript (a "please
    enable JavaScript" page), which browsers do not follow.
    """
    head = body[:_HEAD_BYTES]
    lowered = head.lower()
    for match in _REFRESH.finditer(head):
        if lowered.rfind(b"<noscript", 0, match.start()) > lowered.rfind(b"</noscript", 0, match.start()):
            continue
        content = _CONTENT.search(match.group())
        value = next((g for g in content.groups() if g is not None), b"") if content else b""
        found = _DELAY_AND_URL.match(value.decode("latin-1"))
        if not found or int(found.group(1)) > _MAX_REFRESH_DELAY:
            continue
        try:
            onward = urljoin(url, html.unescape(found.group(3)).strip())
        except ValueError:  # a malformed IPv6 host
            continue
        if urlsplit(onward).scheme in ("http", "https") and onward.split("#")[0] != url.split("#")[0]:
            return onward
    return ""


# Media types an article link may lead to that are no page (a podcast's episode, a report's PDF).
_NOT_PAGES = {
    "application/pdf": "a PDF document",
    "application/zip": "a ZIP archive",
    "application/octet-stream": "a download",
    "application/msword": "a Word document",
}
_NOT_PAGE_FAMILIES = {"image": "an image", "audio": "audio", "video": "a video", "font": "a font"}


def not_a_page(content_type: str) -> str:
    """What a response of this declared type is when it is surely no web page ("" when it may be one)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    family = kind.split("/", 1)[0]
    named = _NOT_PAGES.get(kind) or _NOT_PAGE_FAMILIES.get(family)
    if not named and kind.startswith("application/vnd."):
        named = "an office document"
    return f"{named} ({kind})" if named else ""


async def _read_capped(response: httpx.Response, url: str, limit: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise SourceError(url, f"is {int(declared) // 1024} KB, over the {limit // 1024} KB limit")
    chunks = []
    size = 0
    try:
        async for chunk in decoded_chunks(response, limit):
            size += len(chunk)
            if size > limit:
                raise SourceError(url, f"is larger than the {limit // 1024} KB limit")
            chunks.append(chunk)
    except UndecodableError as exc:
        raise SourceError(url, f"cannot be read: {exc}") from None
    return b"".join(chunks)


def _read_mirrored(mirror: MirrorConfig, url: str, limit: int) -> Fetched:
    root = Path(mirror.dir).resolve()
    relative = unquote(urlsplit(url).path).lstrip("/")
    relative = relative.removeprefix(urlsplit(mirror.url).path.lstrip("/"))
    path = (root / relative).resolve()
    if path != root and root not in path.parents:
        raise SourceError(url, f"is outside the mirrored folder '{root}'")
    if path.is_dir():
        path = path / "index.html"
    return Fetched(url, _read_file(path, url, limit).body)


def _read_file(path: Path, source: str, limit: int) -> Fetched:
    try:
        with path.open("rb") as file:
            body = file.read(limit + 1)  # bounded: a device or a pipe says it is empty and never ends
        if len(body) > limit:
            raise SourceError(
                source, f"is larger than the {limit // 1024} KB limit", "raise [fetch] max_bytes to read it"
            )
        return Fetched(path.resolve().as_uri(), body)
    except FileNotFoundError:
        raise SourceError(source, f"file not found: {path}") from None
    except OSError as exc:
        raise SourceError(source, f"cannot be read: {exc.strerror}") from None
