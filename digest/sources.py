"""Kinds of source, chosen by ``type =`` in a [[...sources]] table: feed, sitemap, or a plug-in's.

A Source reads one configured source into articles (and the entries it had to leave out, with why);
collect does the rest (window, dedupe, pages). Built in: ``feed`` (RSS, Atom, JSON Feed) and
``sitemap`` (a sitemap.xml, with Google News tags when the site gives them). A third party adds a kind
through an entry point of the group ``digest.sources`` whose object is a Source, or with
register_source() at run time. One name, one kind: a second one of a name already known is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from digest.collect.feeds import FeedReport
    from digest.collect.fetch import Fetcher
    from digest.config import SourceConfig

GROUP = "digest.sources"
# Kept light: the config checks ``type`` against source_kinds() without importing the collect stage.


class Source(Protocol):
    """Reads one configured source; raises SourceError when it cannot be read at all."""

    async def __call__(self, source: SourceConfig, fetcher: Fetcher, now: datetime) -> FeedReport:
        """The source's articles now, and the entries left out with their reasons."""
        ...


async def feed_source(source: SourceConfig, fetcher: Fetcher, now: datetime) -> FeedReport:
    """An RSS, Atom or JSON Feed document."""
    from digest.collect.feeds import read_entries

    return read_entries(await fetcher.feed(source.url), source.url, now)


async def sitemap_source(source: SourceConfig, fetcher: Fetcher, now: datetime) -> FeedReport:
    """A sitemap.xml: each <url> an article, dated by its news:publication_date or lastmod."""
    from digest.collect.sitemap import read_sitemap

    return read_sitemap(await fetcher.feed(source.url), source.url, now)


_BUILT_IN: dict[str, Source] = {"feed": feed_source, "sitemap": sitemap_source}
_REGISTERED: dict[str, Source] = {}


def register_source(name: str) -> Callable[[Source], Source]:
    """Register a kind of source under a name; a name already known is refused."""

    def decorate(source: Source) -> Source:
        if name in source_kinds():
            raise ValueError(f"source type '{name}' is already registered")
        _REGISTERED[name] = source
        return source

    return decorate


def unregister_source(name: str) -> None:
    """Forget a kind registered at run time (tests clean up with it)."""
    _REGISTERED.pop(name, None)


def source_kinds() -> list[str]:
    """Every kind of source known: built in, installed through an entry point, registered."""
    return sorted({*_BUILT_IN, *_entry_points(), *_REGISTERED})


def source_for(kind: str) -> Source:
    """The reader of a kind of source (config has checked the name)."""
    if kind in _BUILT_IN:
        return _BUILT_IN[kind]
    if kind in _REGISTERED:
        return _REGISTERED[kind]
    point = _entry_points().get(kind)
    if point is None:
        raise KeyError(kind)
    loaded: Source = point.load()
    return loaded


@cache
def _entry_points() -> dict[str, EntryPoint]:
    found = {point.name: point for point in entry_points(group=GROUP)}
    return {name: point for name, point in found.items() if name not in _BUILT_IN}
