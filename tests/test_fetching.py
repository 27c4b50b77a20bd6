"""Collect against a real loopback HTTP server: conditional GET, limits, failures, never repeated."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Iterator
from datetime import datetime, timedelta

import brotli
import httpx
import pytest
from conftest import NOW, fetch_settings
from loopback import Handler, Loopback, serve, static
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from digest.collect import Window, collect
from digest.collect.fetch import Fetcher, http_client
from digest.config import FetchConfig, SourceConfig
from digest.models import Collection, RenderedIssue
from digest.store import Store

WEEK = Window(NOW - timedelta(days=7), NOW)
DAY = NOW - timedelta(days=1)


def rss(*items: tuple[str, str, datetime | None], guid: str = "") -> bytes:
    """An RSS 2.0 feed of (title, link, published) items."""
    parts = []
    for title, link, published in items:
        date = f"<pubDate>{published.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>" if published else ""
        guid_tag = f"<guid isPermaLink='false'>{guid or link}</guid>"
        parts.append(f"<item><title>{title}</title><link>{link}</link>{guid_tag}{date}</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        f"<link>https://news.example/</link><description>D</description>{''.join(parts)}</channel></rss>"
    ).encode()


@pytest.fixture
def server() -> Iterator[Loopback]:
    with serve() as running:
        yield running


def run(
    sources: list[SourceConfig],
    settings: FetchConfig | None = None,
    store: Store | None = None,
    window: Window = WEEK,
    sent: dict[str, str] | None = None,
) -> Collection:
    """Collect with a real client, as the CLI does."""

    async def go() -> Collection:
        limits = settings or fetch_settings()
        async with http_client(limits) as client:
            fetcher = Fetcher(client, (), limits, store.feeds if store else None)
            seen = store.seen if store else None
            return await collect(sources, fetcher, window, sent=sent, seen=seen)

    return asyncio.run(go())


def only_problem(found: Collection) -> str:
    assert len(found.problems) == 1, found.problems
    return found.problems[0].reason


def test_unchanged_feed_costs_a_304_and_its_items_are_reused(server: Loopback, store: Store) -> None:
    body = rss(("Fresh", "https://news.example/fresh", DAY))

    async def conditional(request: Request) -> Response:
        if request.headers.get("if-none-match") == '"v1"':
            return Response(status_code=304)
        return Response(body, headers={"etag": '"v1"', "last-modified": "Mon, 23 Nov 2026 10:00:00 GMT"})

    server.routes["/feed.xml"] = conditional
    source = [SourceConfig(url=server.url("/feed.xml"))]
    first, second = run(source, store=store), run(source, store=store)
    assert [a.title for a in first.articles] == [a.title for a in second.articles] == ["Fresh"]
    requests = server.hits("/feed.xml")
    assert len(requests) == 2
    assert "if-none-match" not in requests[0].headers
    assert requests[1].headers["if-none-match"] == '"v1"'
    assert requests[1].headers["if-modified-since"] == "Mon, 23 Nov 2026 10:00:00 GMT"
    assert second.problems == ()


def test_slow_feed_times_out_and_the_other_feed_still_counts(server: Loopback) -> None:
    server.routes["/slow.xml"] = static(rss(("Late", "https://news.example/late", DAY)), delay=2)
    server.routes["/ok.xml"] = static(rss(("On time", "https://news.example/ok", DAY)))
    found = run(
        [SourceConfig(url=server.url("/slow.xml")), SourceConfig(url=server.url("/ok.xml"))],
        fetch_settings(timeout=0.3),
    )
    assert [a.title for a in found.articles] == ["On time"]
    assert found.problems[0].source == server.url("/slow.xml")
    assert "timed out" in only_problem(found)


def test_oversize_response_is_refused_with_or_without_a_length(server: Loopback) -> None:
    server.routes["/big.xml"] = static(b"<rss>" + b" " * 20_000 + b"</rss>")

    async def chunked(_: Request) -> Response:
        async def chunks():  # type: ignore[no-untyped-def]
            for _ in range(20):
                yield b" " * 1024

        return StreamingResponse(chunks(), media_type="application/rss+xml")

    server.routes["/stream.xml"] = chunked
    for path in ("/big.xml", "/stream.xml"):
        found = run([SourceConfig(url=server.url(path))], fetch_settings(max_bytes=8 * 1024))
        assert "limit" in only_problem(found), path


def test_redirect_loop_is_reported(server: Loopback) -> None:
    async def loop(_: Request) -> Response:
        return RedirectResponse(server.url("/loop.xml"), status_code=302)

    server.routes["/loop.xml"] = loop
    found = run([SourceConfig(url=server.url("/loop.xml"))], fetch_settings(max_redirects=3))
    assert "redirects more than 3 times" in only_problem(found)


def test_a_redirect_is_followed(server: Loopback) -> None:
    async def moved(_: Request) -> Response:
        return RedirectResponse(server.url("/new.xml"), status_code=301)

    server.routes["/old.xml"] = moved
    server.routes["/new.xml"] = static(rss(("Moved", "https://news.example/moved", DAY)))
    assert [a.title for a in run([SourceConfig(url=server.url("/old.xml"))]).articles] == ["Moved"]


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        (b"oops", 500, "HTTP 500"),
        (b"gone", 404, "HTTP 404"),
        (b"<html><body><p>Welcome to our home page.</p></body></html>", 200, "is a web page, not a feed"),
        (b"<?xml version='1.0'?><rss version='2.0'><channel><item><title>Cut", 200, "malformed XML"),
    ],
    ids=["500", "404", "html", "malformed-xml"],
)
def test_broken_feeds_are_named_with_their_reason(
    server: Loopback, body: bytes, status: int, expected: str
) -> None:
    server.routes["/feed.xml"] = static(body, status=status)
    server.routes["/ok.xml"] = static(rss(("Fine", "https://news.example/fine", DAY)))
    found = run([SourceConfig(url=server.url("/feed.xml")), SourceConfig(url=server.url("/ok.xml"))])
    assert [a.title for a in found.articles] == ["Fine"]
    assert found.problems[0].source == server.url("/feed.xml")
    assert expected in only_problem(found)


def test_undated_item_counts_from_when_it_was_first_seen(server: Loopback, store: Store) -> None:
    server.routes["/feed.xml"] = static(rss(("No date", "https://news.example/undated", None)))
    source = [SourceConfig(url=server.url("/feed.xml"))]
    first = run(source, store=store, window=Window(NOW - timedelta(days=7), NOW))
    assert [a.published for a in first.articles] == [NOW]
    # A week later the item is still dated at its first sight, so the next window leaves it out.
    later = NOW + timedelta(days=7)
    second = run(source, store=store, window=Window(NOW, later))
    assert second.articles == ()
    assert "outside the window" in second.skipped[0].reason


def test_item_dated_in_the_future_counts_from_when_it_was_first_seen(server: Loopback, store: Store) -> None:
    # A feed that writes local time as UTC dates its newest items hours ahead: taken as written they
    # fell outside this week's window and came a week late.
    ahead = NOW + timedelta(hours=3)
    server.routes["/feed.xml"] = static(rss(("Ahead", "https://news.example/ahead", ahead)))
    source = [SourceConfig(url=server.url("/feed.xml"))]
    first = run(source, store=store, window=Window(NOW - timedelta(days=7), NOW))
    assert [(a.title, a.published) for a in first.articles] == [("Ahead", NOW)] and not first.skipped
    # Seen again before its date comes, it keeps the date of its first sight.
    again = run(source, store=store, window=Window(NOW - timedelta(days=7), NOW + timedelta(hours=1)))
    assert [a.published for a in again.articles] == [NOW]


def test_same_article_in_two_feeds_appears_once(server: Loopback) -> None:
    server.routes["/a.xml"] = static(rss(("Shared", "https://news.example/shared?utm_source=a", DAY)))
    server.routes["/b.xml"] = static(rss(("Shared", "https://NEWS.example/shared/", DAY)))
    found = run([SourceConfig(url=server.url("/a.xml")), SourceConfig(url=server.url("/b.xml"))])
    assert [a.url for a in found.articles] == ["https://news.example/shared"]
    assert "duplicate" in found.skipped[0].reason


def _sent_issue(store: Store, urls: list[str]) -> dict[str, str]:
    issue = RenderedIssue("weekly-2026-11-20", "weekly", "s", "<p></p>", "")
    store.issues.create(issue, "2026-11-20", "weekly", urls, NOW - timedelta(days=5))
    return store.issues.sent_articles("weekly")


def test_article_sent_in_an_earlier_issue_never_appears_again(server: Loopback, store: Store) -> None:
    sent = _sent_issue(store, ["https://news.example/old-story"])
    server.routes["/feed.xml"] = static(
        rss(
            ("Old story, updated", "https://news.example/old-story", DAY),
            ("New", "https://news.example/new", DAY),
        )
    )
    found = run([SourceConfig(url=server.url("/feed.xml"))], sent=sent)
    assert [a.title for a in found.articles] == ["New"]
    assert found.skipped[0].reason == "already sent (issue weekly-2026-11-20)"


def test_changed_guid_does_not_make_a_sent_article_new(server: Loopback, store: Store) -> None:
    sent = _sent_issue(store, ["https://news.example/story"])
    server.routes["/feed.xml"] = static(
        rss(("Story", "https://news.example/story/?fbclid=abc", DAY), guid="a-brand-new-guid")
    )
    found = run([SourceConfig(url=server.url("/feed.xml"))], sent=sent)
    assert found.articles == ()
    assert "already sent" in found.skipped[0].reason


def test_compressed_responses_are_decoded(server: Loopback) -> None:
    body = rss(("Squeezed", "https://news.example/squeezed", DAY))
    server.routes["/gz.xml"] = static(gzip.compress(body), **{"content-encoding": "gzip"})
    server.routes["/br.xml"] = static(brotli.compress(body), **{"content-encoding": "br"})
    found = run([SourceConfig(url=server.url("/gz.xml")), SourceConfig(url=server.url("/br.xml"))])
    assert [a.title for a in found.articles] == ["Squeezed"]
    assert found.problems == ()
    assert "br" in server.requests[0].headers["accept-encoding"]


def test_feeds_in_legacy_encodings_decode_to_correct_text(server: Loopback) -> None:
    cyrillic = (
        '<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><title>Новости</title>'
        "<link>https://ru.example/</link><description>-</description><item><title>Погода в Москве</title>"
        f"<link>https://ru.example/a</link><pubDate>{DAY:%a, %d %b %Y %H:%M:%S} +0000</pubDate></item>"
        "</channel></rss>"
    ).encode("cp1251")
    latin = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Café</title><link>https://fr.example/</link>'
        "<description>-</description><item><title>Crème brûlée à Noël</title><link>https://fr.example/b</link>"
        f"<pubDate>{DAY:%a, %d %b %Y %H:%M:%S} +0000</pubDate></item></channel></rss>"
    ).encode("latin-1")
    server.routes["/ru.xml"] = static(cyrillic, **{"content-type": "application/rss+xml"})
    server.routes["/fr.xml"] = static(latin, **{"content-type": "application/rss+xml; charset=iso-8859-1"})
    found = run([SourceConfig(url=server.url("/ru.xml")), SourceConfig(url=server.url("/fr.xml"))])
    assert sorted(a.title for a in found.articles) == ["Crème brûlée à Noël", "Погода в Москве"]


def test_a_page_whose_charset_only_its_server_names_is_read_in_it(server: Loopback) -> None:
    lede = "\u6771\u4eac\u306e\u5929\u6c17\u306f\u6674\u308c\u3067\u3059\u3002" * 3  # "Tokyo is sunny."
    page = (
        f"<html><head><title>\u5929\u6c17</title></head><body><article><p>{lede}</p></article></body></html>"
    )
    server.routes["/feed.xml"] = static(rss(("Weather", server.url("/tenki"), DAY)))
    server.routes["/tenki"] = static(
        page.encode("shift_jis"), **{"content-type": "text/html; charset=Shift_JIS"}
    )

    found = run([SourceConfig(url=server.url("/feed.xml"), pages=True)])

    assert [a.paragraphs[0] for a in found.articles] == [lede]


_STORY = (
    "<html><body><article><p>The ferry to the islands sails again from Monday, after a winter ashore.</p>"
)


def _refreshing(content: str, around: str = "{}") -> bytes:
    meta = f'<meta http-equiv="refresh" content="{content}">'
    head = f"<head>{around.format(meta)}<title>Moved</title></head>"
    return f"<html>{head}<body><p>Moved.</p></body></html>".encode()


@pytest.mark.parametrize("content", ["0; url=/story", "0;URL='/story'", "2; url={story}"])
def test_a_page_that_sends_its_reader_on_at_once_is_followed(server: Loopback, content: str) -> None:
    server.routes["/feed.xml"] = static(rss(("Ferries", server.url("/go"), DAY)))
    server.routes["/go"] = static(_refreshing(content.format(story=server.url("/story"))))
    server.routes["/story"] = static(_STORY.encode())

    found = run([SourceConfig(url=server.url("/feed.xml"), pages=True)])

    assert found.problems == ()
    assert found.articles[0].paragraphs[0].startswith("The ferry to the islands sails again")


@pytest.mark.parametrize(
    ("content", "around"),
    [
        ("300", "{}"),  # a news page that reloads itself
        ("600; url=/story", "{}"),  # ... or goes on only after its reader has read it
        ("0; url=/story", "<noscript>{}</noscript>"),  # for readers without JavaScript
    ],
)
def test_a_page_that_refreshes_later_or_only_without_javascript_is_read_itself(
    server: Loopback, content: str, around: str
) -> None:
    server.routes["/feed.xml"] = static(rss(("Ferries", server.url("/go"), DAY)))
    server.routes["/go"] = static(_refreshing(content, around))
    server.routes["/story"] = static(_STORY.encode())

    found = run([SourceConfig(url=server.url("/feed.xml"), pages=True)])

    assert not server.hits("/story")
    assert len(found.articles) == 1


def test_pages_that_send_their_reader_round_in_a_circle_are_given_up(server: Loopback) -> None:
    server.routes["/feed.xml"] = static(rss(("Ferries", server.url("/a"), DAY)))
    server.routes["/a"] = static(_refreshing("0; url=/b"))
    server.routes["/b"] = static(_refreshing("0; url=/a"))

    found = run([SourceConfig(url=server.url("/feed.xml"), pages=True)], fetch_settings(max_redirects=3))

    assert len(found.articles) == 1  # with the feed's own text
    assert "sends its reader on more than 3 times" in only_problem(found)
    assert len(server.hits("/a")) + len(server.hits("/b")) == 4


def test_pages_are_fetched_in_parallel_within_the_per_host_limit(server: Loopback) -> None:
    links = [(f"Story {i}", server.url(f"/story/{i}"), DAY) for i in range(8)]
    server.routes["/feed.xml"] = static(rss(*links))
    page = (
        "<html><body><article><p>A story long enough to count as a paragraph of body text.</p>"
        "</article></body></html>"
    )
    gate = Gate(server, limit=3, total=8)
    for i in range(8):
        server.routes[f"/story/{i}"] = gate.handler(static(page))
    found = run([SourceConfig(url=server.url("/feed.xml"), pages=True)], fetch_settings(per_host=3))
    assert len(found.articles) == 8 and found.problems == ()
    # Each page answers only once three are in flight (or none is left to come): three did overlap,
    # whatever the timing, and the per-host limit kept it at three.
    assert server.most_in_flight == 3 and not gate.timed_out


class Gate:
    """Holds each page's answer until ``limit`` pages are in flight, or every page has arrived."""

    def __init__(self, server: Loopback, limit: int, total: int) -> None:
        self.server, self.limit, self.total = server, limit, total
        self.arrived = 0
        self.timed_out = False

    def handler(self, inner: Handler) -> Handler:
        async def handle(request: Request) -> Response:
            self.arrived += 1
            for _ in range(2_000):  # a safety net against a hang, not a timing assumption: 20 s at most
                if self.server.in_flight >= self.limit or self.arrived >= self.total:
                    return await inner(request)
                await asyncio.sleep(0.01)
            self.timed_out = True
            return await inner(request)

        return handle


def test_requests_name_the_project_in_the_user_agent(server: Loopback) -> None:
    server.routes["/feed.xml"] = static(rss())
    run([SourceConfig(url=server.url("/feed.xml"))])
    assert server.requests[0].headers["user-agent"].startswith("digest-mailer/")


def test_include_and_exclude_filters_by_category_and_url(server: Loopback) -> None:
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://n.example/</link>'
        "<description>-</description>"
        + "".join(
            f"<item><title>{t}</title><link>https://n.example/{p}</link><category>{c}</category>"
            f"<pubDate>{DAY:%a, %d %b %Y %H:%M:%S} +0000</pubDate></item>"
            for t, p, c in [
                ("Kept", "world/a", "Europe"),
                ("Sport", "sport/b", "Europe"),
                ("Other", "world/c", "Asia"),
            ]
        )
        + "</channel></rss>"
    ).encode()
    server.routes["/feed.xml"] = static(feed)
    source = SourceConfig(
        url=server.url("/feed.xml"), include=["category:europe"], exclude=["url:*/sport/*"], section="World"
    )
    found = run([source])
    assert [(a.title, a.section) for a in found.articles] == [("Kept", "World")]
    assert sorted(s.title for s in found.skipped) == ["Other", "Sport"]
    assert all(s.reason.startswith("filtered") for s in found.skipped)


def test_tests_cannot_reach_beyond_loopback() -> None:
    with pytest.raises(httpx.ConnectError):
        httpx.get("http://192.0.2.1/", timeout=1)
