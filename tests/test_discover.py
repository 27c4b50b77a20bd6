"""A site's web page given where its feed belongs: the feeds the page names are reported, never fetched."""

from __future__ import annotations

import httpx
import pytest
from conftest import NOW
from test_collect import RSS, fetcher, run_collect

from digest.collect.discover import MAX_NAMED, named_feeds
from digest.collect.feeds import read_entries
from digest.collect.fetch import Fetched
from digest.config import SourceConfig
from digest.errors import SourceError

HOME = "https://news.example/"


def home_page(*links: str) -> bytes:
    """A site's home page whose <head> holds these <link> elements."""
    head = f"<head><title>News</title>{''.join(links)}</head>"
    return f"<!DOCTYPE html><html>{head}<body><p>Hi</p></body></html>".encode()


def alternate(href: str, kind: str = "application/rss+xml", rel: str = "alternate") -> str:
    return f'<link rel="{rel}" type="{kind}" href="{href}">'


def test_a_home_page_read_as_a_feed_names_the_feeds_it_links_to() -> None:
    page = home_page(
        '<link rel="stylesheet" type="text/css" href="/site.css">',
        alternate("/feed.xml"),
        alternate("https://feeds.example/atom", "application/atom+xml"),
        alternate("/feed.xml"),  # named twice, listed once
    )

    with pytest.raises(SourceError) as raised:
        read_entries(Fetched(HOME, page), HOME, NOW)

    assert raised.value.reason == (
        "is a web page, not a feed; the page names its feed: https://news.example/feed.xml, https://feeds.example/atom"
    )
    assert "source's url" in str(raised.value.hint)


def test_only_alternate_links_of_a_feed_type_with_a_web_address_count() -> None:
    page = home_page(
        alternate("javascript:alert(1)"),
        alternate("data:application/rss+xml,<rss/>"),
        alternate("/comments.xml", rel="pingback"),
        alternate("/style.css", "text/css"),
        alternate("/a.json", "Application/Feed+JSON"),
        alternate("/b.rss", rel="Alternate home"),
        alternate("/ugly path\n.xml"),
    )

    assert (
        named_feeds(page, HOME)
        == (
            "https://news.example/a.json",
            "https://news.example/b.rss",
            "https://news.example/ugly%20path.xml",  # as a browser reads it: the newline dropped
        )[:MAX_NAMED]
    )


def test_a_page_naming_a_feed_per_tag_lists_the_first_few() -> None:
    page = home_page(*(alternate(f"/tag/{n}/feed") for n in range(500)))

    assert named_feeds(page, HOME) == tuple(f"https://news.example/tag/{n}/feed" for n in range(MAX_NAMED))


def test_a_page_from_a_file_names_its_feed_as_written() -> None:
    page = home_page(alternate("/feed.xml"), alternate("feed2.xml"), alternate("//[::1"))

    assert named_feeds(page, "file:///srv/site/index.html") == ("/feed.xml",)


def test_a_page_that_names_no_feed_says_where_else_to_look() -> None:
    with pytest.raises(SourceError) as raised:
        read_entries(Fetched(HOME, home_page()), HOME, NOW)

    assert raised.value.reason == "is a web page, not a feed, and names no feed in its <head>"
    assert 'type = "sitemap"' in str(raised.value.hint)


def test_what_is_neither_a_feed_nor_a_page_is_still_no_feed() -> None:
    with pytest.raises(SourceError, match="is not an RSS, Atom or JSON feed"):
        read_entries(Fetched(HOME, b"just some text, no markup"), HOME, NOW)


def test_a_collect_reports_the_named_feed_and_fetches_only_what_schedule_toml_names() -> None:
    asked: list[str] = []
    answers = {HOME: home_page(alternate("/feed.xml")), "https://other.example/feed": RSS}

    def handle(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return httpx.Response(200, content=answers.get(str(request.url), RSS))

    sources = [SourceConfig(url=url, pages=False) for url in (HOME, "https://other.example/feed")]
    found = run_collect(sources, fetcher(handle))

    assert sorted(asked) == sorted(answers)  # the page's feed is named, never fetched
    assert [str(p) for p in found.problems] == [
        f"{HOME}: is a web page, not a feed; the page names its feed: https://news.example/feed.xml"
    ]
    assert found.articles  # the other source goes on
