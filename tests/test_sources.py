"""Kinds of source: the sitemap reader, the type check in the config, and a plug-in source."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from conftest import NOW
from pydantic import ValidationError
from test_collect import fetcher, routes

from digest.collect import Window, collect
from digest.collect.feeds import FeedReport
from digest.collect.fetch import Fetched, Fetcher
from digest.collect.sitemap import read_sitemap
from digest.config import SourceConfig
from digest.errors import SourceError
from digest.models import Article
from digest.sources import register_source, source_kinds, unregister_source

SITEMAP_URL = "https://news.example/sitemap-news.xml"
NEWS = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc>https://news.example/world/ferries-return?utm_source=sitemap</loc>
    <news:news>
      <news:publication><news:name>The Example</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>{(NOW - timedelta(hours=5)).isoformat()}</news:publication_date>
      <news:title>Ferries return to the strait</news:title>
    </news:news>
    <image:image><image:loc>/img/ferry.jpg</image:loc></image:image>
  </url>
  <url><loc>https://news.example/about</loc><lastmod>2019-01-01</lastmod></url>
  <url><loc>javascript:alert(1)</loc></url>
</urlset>"""


def test_news_sitemap_entries_become_articles_with_title_date_and_image() -> None:
    report = read_sitemap(Fetched(SITEMAP_URL, NEWS.encode()), SITEMAP_URL, NOW)

    first, about = report.articles
    assert first.url == "https://news.example/world/ferries-return"  # tracking parameter dropped
    assert first.title == "Ferries return to the strait"
    assert first.published == NOW - timedelta(hours=5) and first.dated
    assert first.image_url == "https://news.example/img/ferry.jpg"
    assert about.published == datetime(2019, 1, 1, tzinfo=UTC) and about.title == about.url
    assert about.image_url == ""  # no <image:loc>: no image, not the page's own address
    assert [s.reason for s in report.skipped] == ["no web address (its <loc> is not an http or https URL)"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'/>", "is a sitemap index"),
        (b"<rss version='2.0'><channel/></rss>", "root element is <rss>"),
        (b"<urlset><url>", "malformed XML"),
        (b"<!DOCTYPE x [<!ENTITY a 'aaaaaaaaaa'>]><urlset><url><loc>&a;</loc></url></urlset>", ""),
    ],
)
def test_what_is_not_a_sitemap_is_a_source_error(body: bytes, reason: str) -> None:
    try:
        report = read_sitemap(Fetched(SITEMAP_URL, body), SITEMAP_URL, NOW)
    except SourceError as exc:
        assert reason in str(exc)
        return
    assert not reason and not report.articles  # the entity is never expanded into a link


def test_a_sitemap_source_is_collected_like_a_feed() -> None:
    source = SourceConfig(url=SITEMAP_URL, type="sitemap")
    fetch = fetcher(routes({SITEMAP_URL: NEWS.encode()}))

    found = asyncio.run(collect([source], fetch, Window(NOW - timedelta(days=7), NOW)))

    assert [a.title for a in found.articles] == ["Ferries return to the strait"]
    assert any("outside the window" in s.reason for s in found.skipped)


def test_an_unknown_source_type_names_the_installed_ones() -> None:
    with pytest.raises(ValidationError) as caught:
        SourceConfig(url=SITEMAP_URL, type="carrier-pigeon")

    assert "'carrier-pigeon' is not a kind of source; installed: feed, sitemap" in str(caught.value)


@pytest.fixture
def headlines() -> Iterator[str]:
    """A source kind registered only in the test suite: a plain-text list of 'URL<TAB>title' lines."""

    @register_source("headlines")
    async def read(source: SourceConfig, fetch: Fetcher, now: datetime) -> FeedReport:
        lines = (await fetch.feed(source.url)).body.decode().splitlines()
        pairs = [line.split("\t", 1) for line in lines if "\t" in line]
        return FeedReport(tuple(Article(url=u, title=t, published=now, source=source.url) for u, t in pairs))

    yield "headlines"
    unregister_source("headlines")


def test_a_plug_in_source_is_chosen_by_its_type_and_refused_twice(headlines: str) -> None:
    url = "https://news.example/headlines.txt"
    body = b"https://news.example/a\tFirst\nhttps://news.example/b\tSecond\n"
    source = SourceConfig(url=url, type=headlines)

    found = asyncio.run(collect([source], fetcher(routes({url: body})), Window(NOW - timedelta(days=1), NOW)))

    assert headlines in source_kinds()
    assert sorted(a.title for a in found.articles) == ["First", "Second"]
    with pytest.raises(ValueError, match="already registered"):
        register_source("headlines")(lambda *args: None)  # type: ignore[arg-type, return-value]
    with pytest.raises(ValueError, match="already registered"):
        register_source("feed")(lambda *args: None)  # type: ignore[arg-type, return-value]
