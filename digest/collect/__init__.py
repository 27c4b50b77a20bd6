"""Collect stage: read every source at once, keep the new articles inside the window, once each."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from digest.collect.canonical import canonical_url
from digest.collect.feeds import FeedReport
from digest.collect.fetch import Fetcher
from digest.collect.filters import rejected_by
from digest.collect.pages import PageInfo, extract_page
from digest.config import SourceConfig
from digest.errors import SourceError
from digest.models import Article, Collection, Problem, Skipped

__all__ = ["Extractor", "Reader", "SeenLog", "Window", "collect", "inline", "read_source", "reading"]

Extractor = Callable[[bytes, str], Awaitable[PageInfo]]

# Pages downloaded and not yet parsed are held in memory: past this many, page downloads wait for
# parsing to catch up. Above the fetcher's 32 requests in flight, so downloads alone never wait on it.
PAGES_IN_HAND = 64


class SeenLog(Protocol):
    """Remembers when each URL was first seen, so undated items get a stable date."""

    def first_seen(self, urls: Sequence[str], now: datetime) -> dict[str, datetime]:
        """The first-seen time of each URL, recording ``now`` for new ones."""
        ...


@dataclass(frozen=True, slots=True)
class Window:
    """The span an issue covers: after ``start``, up to and including ``end``."""

    start: datetime
    end: datetime

    def __contains__(self, moment: datetime) -> bool:
        return self.start < moment <= self.end


async def inline(body: bytes, url: str) -> PageInfo:
    """Parse a page on the event loop: for tests and one-page commands, where nothing waits on it."""
    return extract_page(body, url)


@dataclass(frozen=True, slots=True)
class Reader:
    """How a run reads its sources: its fetcher, and where article pages are parsed."""

    fetcher: Fetcher
    extract: Extractor = inline


def reading(source: Fetcher | Reader) -> Reader:
    """A Reader for either; a bare Fetcher parses pages inline."""
    return source if isinstance(source, Reader) else Reader(source)


async def collect(
    sources: Sequence[SourceConfig],
    fetcher: Fetcher,
    window: Window,
    *,
    sent: Mapping[str, str] | None = None,
    seen: SeenLog | None = None,
    extract: Extractor = inline,
) -> Collection:
    """Gather the new articles published inside ``window`` from every source, newest first."""
    read = await asyncio.gather(*(read_source(s, fetcher, window.end) for s in sources))
    problems = [p for _, p in read if p]
    picker = _Picker(window, sent or {}, seen, window.end)
    picker.skipped.extend(skipped for report, _ in read for skipped in report.skipped)
    found = [(s, list(report.articles)) for s, (report, _) in zip(sources, read, strict=True)]
    candidates = [(s, a) for s, articles in found for a in picker.pick(s, articles)]
    in_hand = asyncio.Semaphore(PAGES_IN_HAND)
    enriched = await asyncio.gather(
        *(_with_page(s, a, Reader(fetcher, extract), in_hand) for s, a in candidates)
    )
    articles = []
    for (_, original), (article, problem) in zip(candidates, enriched, strict=True):
        if problem:
            problems.append(problem)
        if picker.still_new(article, original.url):
            articles.append(article)
    articles.sort(key=lambda a: a.published, reverse=True)
    return Collection(tuple(articles), tuple(problems), window.start, window.end, tuple(picker.skipped))


async def read_source(
    source: SourceConfig, fetcher: Fetcher, now: datetime
) -> tuple[FeedReport, Problem | None]:
    """Read one source by its kind, with the entries it had to skip; a failure becomes a Problem."""
    from digest.sources import source_for

    try:
        return await source_for(source.type)(source, fetcher, now), None
    except SourceError as exc:
        return FeedReport(()), Problem(source.url, exc.reason)


class _Picker:
    """Decides, item by item, what goes into the issue and records why the rest does not."""

    def __init__(self, window: Window, sent: Mapping[str, str], seen: SeenLog | None, now: datetime) -> None:
        self.window, self.sent, self.seen, self.now = window, sent, seen, now
        self.taken: dict[str, str] = {}
        self.skipped: list[Skipped] = []

    def pick(self, source: SourceConfig, articles: list[Article]) -> list[Article]:
        """The source's items that are new, inside the window and not filtered out."""
        articles = self._dated(articles)
        kept = []
        for article in articles:
            reason = rejected_by(source, article) or self._repeat(article) or self._outside(article)
            if reason:
                self.skipped.append(Skipped(article.url, article.title, reason))
                continue
            self.taken[article.url] = source.url
            kept.append(article)
        return kept

    def still_new(self, article: Article, feed_url: str) -> bool:
        """After the page named its canonical URL: not sent before and not a second copy."""
        if article.url == feed_url:
            return True
        reason = self._repeat(article)
        if reason:
            self.skipped.append(Skipped(article.url, article.title, reason))
            return False
        self.taken[article.url] = article.source
        return True

    def _dated(self, articles: list[Article]) -> list[Article]:
        undated = [a.url for a in articles if not a.dated]
        if not undated or self.seen is None:
            return articles
        first = self.seen.first_seen(undated, self.now)
        return [a if a.dated else replace(a, published=first.get(a.url, self.now)) for a in articles]

    def _outside(self, article: Article) -> str | None:
        if article.published in self.window:
            return None
        when = article.published.strftime("%Y-%m-%d %H:%M UTC")
        return f"outside the window (published {when})"

    def _repeat(self, article: Article) -> str | None:
        if article.url in self.sent:
            return f"already sent in issue {self.sent[article.url]}"
        if article.url in self.taken:
            return f"duplicate of the same article in {self.taken[article.url]}"
        return None


async def _with_page(
    source: SourceConfig, article: Article, reader: Reader, in_hand: asyncio.Semaphore
) -> tuple[Article, Problem | None]:
    problem = None
    if source.pages:
        async with in_hand:
            article, problem = await _read_page(article, reader)
    if source.section:
        article = replace(article, section=source.section)
    return article, problem


async def _read_page(article: Article, reader: Reader) -> tuple[Article, Problem | None]:
    """The article enriched by its page; a page that cannot be fetched or parsed leaves the feed's text."""
    try:
        fetched = await reader.fetcher.url(article.url)
    except SourceError as exc:
        return article, Problem(article.url, f"page not read, using the feed's text: {exc.reason}")
    try:
        page = await reader.extract(fetched.body, fetched.url)
    except Exception as exc:  # a parser bug or a dead worker costs this article its page, not the issue
        reason = f"{type(exc).__name__}: {exc}".rstrip(": ")
        return article, Problem(article.url, f"page not parsed, using the feed's text: {reason}")
    return merge_page(article, page), None


def merge_page(article: Article, page: PageInfo) -> Article:
    """The page knows its own lede, image and credit better than the feed; keep the feed's date."""
    return replace(
        article,
        url=canonical_url(page.canonical) if page.canonical else article.url,
        title=page.title if article.title == article.url and page.title else article.title,
        section=page.section or article.section,
        author=page.author or article.author,
        # An empty extraction (paywall, odd markup) falls back to the feed's own content.
        paragraphs=page.paragraphs or article.paragraphs,
        summary=article.summary or page.description,
        image_url=page.image_url or article.image_url,
        # The feed's own image keeps its own alt and credit when the page shows no image.
        image_alt=page.image_alt if page.image_url else article.image_alt,
        image_caption=page.image_caption if page.image_url else article.image_caption,
        image_credit=page.image_credit if page.image_url else article.image_credit,
    )
