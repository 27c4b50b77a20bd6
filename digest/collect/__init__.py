"""Collect stage: read every source, keep the articles inside the window, once each."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from digest.collect.canonical import canonical_url
from digest.collect.feeds import parse_feed
from digest.collect.fetch import Fetcher
from digest.collect.pages import PageInfo, extract_page
from digest.config import SourceConfig
from digest.errors import SourceError
from digest.models import Article, Collection, Problem

__all__ = ["collect", "read_source"]

Progress = Callable[[str], None]


def collect(
    sources: Sequence[SourceConfig],
    fetcher: Fetcher,
    window: tuple[datetime, datetime],
    progress: Progress | None = None,
) -> Collection:
    """Gather the articles published inside ``window`` from every source, newest first."""
    start, end = window
    articles: list[Article] = []
    problems: list[Problem] = []
    for source in sources:
        found, trouble = read_source(source, fetcher, end, lambda a: start < a.published <= end)
        articles.extend(found)
        problems.extend(trouble)
        if progress:
            progress(f"{source.url}: {len(found)} articles")
    unique = _dedupe(articles)
    unique.sort(key=lambda a: a.published, reverse=True)
    return Collection(tuple(unique), tuple(problems), start, end)


def read_source(
    source: SourceConfig,
    fetcher: Fetcher,
    now: datetime,
    keep: Callable[[Article], bool] = lambda _: True,
) -> tuple[list[Article], list[Problem]]:
    """Read one feed (and its pages when asked); a failure becomes a Problem, never an exception."""
    try:
        entries = [a for a in parse_feed(fetcher.feed(source.url), source.url, now) if keep(a)]
    except SourceError as exc:
        return [], [Problem(source.url, exc.reason)]
    if not source.pages:
        return entries, []
    problems: list[Problem] = []
    enriched = [_with_page(article, fetcher, problems) for article in entries]
    return enriched, problems


def _with_page(article: Article, fetcher: Fetcher, problems: list[Problem]) -> Article:
    try:
        fetched = fetcher.url(article.url)
    except SourceError as exc:
        problems.append(Problem(article.url, f"page not read, using the feed's text: {exc.reason}"))
        return article
    return _merge(article, extract_page(fetched.body, article.url))


def _merge(article: Article, page: PageInfo) -> Article:
    """The page knows its own lede, image and credit better than the feed; keep the feed's date."""
    return replace(
        article,
        url=canonical_url(page.canonical) if page.canonical else article.url,
        section=page.section or article.section,
        author=page.author or article.author,
        paragraphs=page.paragraphs,
        summary=article.summary or page.description,
        image_url=page.image_url or article.image_url,
        image_alt=page.image_alt,
        image_caption=page.image_caption,
        image_credit=page.image_credit,
    )


def _dedupe(articles: Iterable[Article]) -> list[Article]:
    seen: set[str] = set()
    unique = []
    for article in articles:
        if article.url not in seen:
            seen.add(article.url)
            unique.append(article)
    return unique
