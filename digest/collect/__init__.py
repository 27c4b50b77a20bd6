"""Collect stage: read every source at once, keep the new articles inside the window, once each."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

from digest.collect.canonical import canonical_url, is_web_url
from digest.collect.feeds import FeedReport
from digest.collect.fetch import Fetcher
from digest.collect.pages import PageInfo, extract_page
from digest.collect.picker import Picker, SeenLog, Window
from digest.collect.standins import stand_in
from digest.config import FetchConfig, SourceConfig
from digest.errors import SourceError
from digest.models import Article, Collection, Problem

__all__ = [
    "Extractor", "Reader", "SeenLog", "Window", "collect", "inline", "read_source", "reading",
]  # fmt: skip

# An extractor is given a page's bytes, its URL and its Content-Type header, as served.
Extractor = Callable[[bytes, str, str], Awaitable[PageInfo]]
T = TypeVar("T")
Pair = tuple[SourceConfig, Article]

# Pages downloaded and not yet parsed are held in memory: past this many, page downloads wait for
# parsing to catch up. Above the fetcher's 32 requests in flight, so downloads alone never wait on it.
PAGES_IN_HAND = 64
# Pages read beyond the max_articles: for articles whose page names a canonical URL already
# taken, and for the editors, who may drop an article from the draft.
PAGE_MARGIN = 5


async def inline(body: bytes, url: str, content_type: str = "") -> PageInfo:
    """Parse a page on the event loop: for tests and one-page commands, where nothing waits on it."""
    return extract_page(body, url, content_type)


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
    limit: int | None = None,
    carried: Mapping[str, str] | None = None,
    held: Sequence[Article] = (),
) -> Collection:
    """Gather the new articles published inside ``window``: higher-priority sources first, then newest.

    Pages are read only for the articles that can enter the issue: the ``limit`` (its max_articles)
    best, higher-priority sources first, and a few more; the others come back as ``spare``, with the
    feed's text. Whatever is not read by the ``[fetch] deadline`` is reported, and the issue goes on
    with what arrived. ``carried`` URLs (carried over from the last issue) count as inside the window;
    ``held`` are those articles as stored, offered again when their feed no longer lists them.
    """
    deadline = asyncio.get_running_loop().time() + _seconds(fetcher)
    picker = Picker(window, sent or {}, seen, window.end, carried)
    reports, problems = await _read_sources(sources, fetcher, window.end, deadline)
    reports = _with_held(sources, reports, held, picker)
    picker.skipped.extend(
        replace(skipped, source=skipped.source or source.url)
        for source, report in zip(sources, reports, strict=True)
        for skipped in report.skipped
    )
    ranked = sorted(
        ((s, a) for s, report in zip(sources, reports, strict=True) for a in picker.pick(s, report.articles)),
        key=_rank,
    )
    budget = limit + PAGE_MARGIN if limit else len(ranked)
    kept, left = await _with_pages(ranked, budget, Reader(fetcher, extract), picker, deadline, problems)
    articles = tuple(article for _, article in sorted(kept, key=_rank))
    spare = tuple(_unread(source, article, fetcher)[0] for source, article in left)
    return Collection(articles, tuple(problems), window.start, window.end, tuple(picker.skipped), spare)


def _with_held(
    sources: Sequence[SourceConfig], reports: list[FeedReport], held: Sequence[Article], picker: Picker
) -> list[FeedReport]:
    """Each source's report with the carried articles its feed no longer lists put back.

    A busy feed moves on within days: an article carried over must not be lost because it did. One
    whose source is gone from the config is left out, with that reason.
    """
    listed = {a.url for report in reports for a in report.articles}
    extra: dict[str, list[Article]] = {}
    for article in held:
        if article.url in listed:
            continue
        if any(s.url == article.source for s in sources):
            extra.setdefault(article.source, []).append(article)
        else:
            picker.skip(
                article, f"carried over, but its source '{article.source}' is no longer in the config"
            )
    return [
        replace(report, articles=(*report.articles, *extra.get(source.url, ())))
        if source.url in extra
        else report
        for source, report in zip(sources, reports, strict=True)
    ]


def _rank(pair: Pair) -> tuple[int, float]:
    """Higher-priority sources first, then the newest."""
    return -pair[0].priority, -pair[1].published.timestamp()


async def _read_sources(
    sources: Sequence[SourceConfig], fetcher: Fetcher, now: datetime, deadline: float
) -> tuple[list[FeedReport], list[Problem]]:
    """Every source's report; one not read by the deadline is a Problem, and reports nothing."""
    done = await _until(deadline, [read_source(s, fetcher, now) for s in sources])
    reports, problems = [], []
    for source, result in zip(sources, done, strict=True):
        report, problem = result or (FeedReport(()), Problem(source.url, _late(fetcher, "not read")))
        reports.append(report)
        problems += [problem] if problem else []
    return reports, problems


def _seconds(fetcher: Fetcher) -> float:
    """The run's collect deadline; a stand-in fetcher without settings gets the default one."""
    settings = getattr(fetcher, "settings", None)
    return settings.deadline if isinstance(settings, FetchConfig) else FetchConfig().deadline


def _late(fetcher: Fetcher, what: str, after: str = " (raise [fetch] deadline to wait longer)") -> str:
    return f"{what} within the collect deadline of {_seconds(fetcher):g} s{after}"


async def _until(deadline: float, work: Sequence[Coroutine[Any, Any, T]]) -> list[T | None]:
    """Each result, or None for work not done by the deadline (it is cancelled)."""
    if not work:
        return []
    tasks = [asyncio.ensure_future(w) for w in work]
    left = max(0.0, deadline - asyncio.get_running_loop().time())
    _, pending = await asyncio.wait(tasks, timeout=left)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return [None if task in pending else task.result() for task in tasks]


async def _with_pages(
    ranked: list[Pair], budget: int, reader: Reader, picker: Picker, deadline: float, problems: list[Problem]
) -> tuple[list[Pair], list[Pair]]:
    """The best ``budget`` articles with their pages read, and those left over.

    In rounds: an article whose page names a canonical URL already taken frees its place for the next.
    """
    kept: list[Pair] = []
    in_hand = asyncio.Semaphore(PAGES_IN_HAND)
    while ranked and len(kept) < budget:
        batch, ranked = ranked[: budget - len(kept)], ranked[budget - len(kept) :]
        done = await _until(deadline, [_with_page(s, a, reader, in_hand) for s, a in batch])
        for (source, original), result in zip(batch, done, strict=True):
            article, problem = result or _unread(source, original, reader.fetcher)
            problems += [problem] if problem else []
            if picker.still_new(article, original.url):
                kept.append((source, article))
    return kept, ranked


def _unread(source: SourceConfig, article: Article, fetcher: Fetcher) -> tuple[Article, Problem | None]:
    """An article whose page the deadline cut off: the feed's own text."""
    article = replace(article, section=source.section) if source.section else article
    if not source.pages:
        return article, None
    return article, Problem(article.url, _late(fetcher, "page not read", ", using the feed's text"))


async def read_source(
    source: SourceConfig, fetcher: Fetcher, now: datetime
) -> tuple[FeedReport, Problem | None]:
    """Read one source by its kind, with the entries it had to skip; a failure becomes a Problem."""
    from digest.sources import source_for

    try:
        return await source_for(source.type)(source, fetcher, now), None
    except SourceError as exc:
        return FeedReport(()), Problem(source.url, exc.reason)
    except Exception as exc:  # the last line of defence: a parser's or a plug-in's bug costs one source
        return FeedReport(()), Problem(source.url, f"cannot be read ({type(exc).__name__}: {exc})")


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
        fetched = await reader.fetcher.url(article.url, page=True)
    except SourceError as exc:
        return _feed_text_only(article, exc.reason)
    except Exception as exc:  # the last line of defence: one page, not the issue
        return _feed_text_only(article, _named(exc))
    if wall := _consent_wall(fetched.url, article.url):
        return _feed_text_only(article, f"it led to a consent page ({wall})")
    if _sent_home(fetched.url, article.url):
        return _feed_text_only(
            article, f"it led to the site's front page ({fetched.url}): the article may have moved or gone"
        )
    try:
        page = await reader.extract(fetched.body, fetched.url, fetched.content_type)
    except Exception as exc:  # a parser bug or a dead worker costs this article its page, not the issue
        return article, Problem(article.url, f"page not parsed, using the feed's text: {_named(exc)}")
    if said := stand_in(page, article.title):
        return _feed_text_only(article, f"it reads as an error page or a bot check ('{said}')")
    return merge_page(article, page), None


def _feed_text_only(article: Article, why: str) -> tuple[Article, Problem]:
    """The article as its feed gives it, and why its page was not read."""
    return article, Problem(article.url, f"page not read, using the feed's text: {why}")


def _consent_wall(url: str, link: str) -> str:
    """The host of the cookie-consent page a link's redirects ended on (consent.google.com,
    guce.yahoo.com: where a reader in the EU is sent first, and no part of the article), else ""."""
    host = (urlsplit(url).hostname or "").lower()
    walled = host.startswith(("consent.", "guce.")) and host != (urlsplit(link).hostname or "").lower()
    return host if walled else ""


def _sent_home(url: str, link: str) -> bool:
    """Whether a link to an article ended, after its redirects, on a site's front page (a removed or
    moved story sends its readers home): its headlines are no part of the article."""
    ended, asked = urlsplit(url), urlsplit(link)
    # "/?p=123" is a post on a blog without pretty links, not its front page
    return ended.path in ("", "/") and not ended.query and asked.path not in ("", "/")


def _named(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}".rstrip(": ")


def merge_page(article: Article, page: PageInfo) -> Article:
    """The page knows its own lede, image and credit better than the feed; keep the feed's date."""
    image = page.image_url if is_web_url(page.image_url) else ""
    return replace(
        article,
        # Only a web address replaces the feed's link: never javascript:, data: or a malformed one.
        url=canonical_url(page.canonical) if is_web_url(page.canonical) else article.url,
        title=page.title if article.title == article.url and page.title else article.title,
        section=page.section or article.section,
        author=page.author or article.author,
        # An empty extraction (paywall, odd markup) falls back to the feed's own content.
        paragraphs=page.paragraphs or article.paragraphs,
        summary=article.summary or page.description,
        image_url=image or article.image_url,
        # The feed's own image keeps its own alt and credit when the page shows no image.
        image_alt=page.image_alt if image else article.image_alt,
        image_caption=page.image_caption if image else article.image_caption,
        image_credit=page.image_credit if image else article.image_credit,
    )
