"""Read feeds and pages from http(s), from a local feed path, or from a mirrored local folder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx

from digest import __version__
from digest.config import MirrorConfig
from digest.errors import SourceError

USER_AGENT = f"digest-mailer/{__version__} (+https://pypi.org/project/digest-mailer/)"
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched document: its bytes and the URL it was read from (after redirects)."""

    url: str
    body: bytes
    content_type: str = ""


class Fetcher:
    """Fetches documents; only the configured local paths and mirrored folders are ever read."""

    def __init__(self, client: httpx.Client, mirrors: Sequence[MirrorConfig] = ()) -> None:
        self._client = client
        self._mirrors = tuple(mirrors)

    def feed(self, location: str) -> Fetched:
        """Fetch a configured feed, which may be a local path."""
        if urlsplit(location).scheme in ("http", "https"):
            return self.url(location)
        return _read_file(Path(location), location)

    def url(self, url: str) -> Fetched:
        """Fetch an http(s) URL, reading it from a mirror folder when one covers it."""
        if urlsplit(url).scheme not in ("http", "https"):
            raise SourceError(url, "only http and https links are followed")
        for mirror in self._mirrors:
            if url.startswith(mirror.url):
                return _read_mirrored(mirror, url)
        return self._download(url)

    def _download(self, url: str) -> Fetched:
        try:
            response = self._client.get(url, headers={"User-Agent": USER_AGENT})
        except httpx.TimeoutException:
            raise SourceError(url, "timed out", "check the URL, or try again later") from None
        except httpx.HTTPError as exc:
            raise SourceError(url, f"cannot be fetched: {exc}") from None
        if response.status_code >= 400:
            raise SourceError(url, f"answered HTTP {response.status_code}")
        if len(response.content) > MAX_BYTES:
            raise SourceError(url, f"is larger than {MAX_BYTES // 1024 // 1024} MB")
        return Fetched(str(response.url), response.content, response.headers.get("content-type", ""))


def _read_mirrored(mirror: MirrorConfig, url: str) -> Fetched:
    root = Path(mirror.dir).resolve()
    relative = unquote(urlsplit(url).path).lstrip("/")
    base_path = urlsplit(mirror.url).path.lstrip("/")
    relative = relative.removeprefix(base_path)
    path = (root / relative).resolve()
    if path != root and root not in path.parents:
        raise SourceError(url, f"is outside the mirrored folder '{root}'")
    if path.is_dir():
        path = path / "index.html"
    fetched = _read_file(path, url)
    return Fetched(url, fetched.body)


def _read_file(path: Path, source: str) -> Fetched:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SourceError(source, f"is larger than {MAX_BYTES // 1024 // 1024} MB")
        return Fetched(path.resolve().as_uri(), path.read_bytes())
    except FileNotFoundError:
        raise SourceError(source, f"file not found: {path}") from None
    except OSError as exc:
        raise SourceError(source, f"cannot be read: {exc.strerror}") from None
