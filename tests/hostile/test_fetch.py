"""Hostile fetching, served from loopback: internal addresses, dribbling servers, floods of items."""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import tracemalloc
from collections.abc import Iterator
from datetime import timedelta

import brotli
import pytest
from conftest import fetch_settings
from loopback import Handler, Loopback, serve, static
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from test_fetching import DAY, WEEK, rss

from digest.collect import PAGE_MARGIN, collect
from digest.collect.fetch import Fetcher, http_client
from digest.collect.guard import AddressPolicy, kind_of
from digest.config import FetchConfig, SourceConfig
from digest.models import Collection


@pytest.fixture
def server() -> Iterator[Loopback]:
    with serve() as running:
        yield running


def run(sources: list[SourceConfig], settings: FetchConfig, limit: int | None = None) -> Collection:
    """Collect with a real client, as the commands do."""

    async def go() -> Collection:
        async with http_client(settings) as client:
            return await collect(sources, Fetcher(client, (), settings), WEEK, limit=limit)

    return asyncio.run(go())


def page(title: str, canonical: str = "") -> bytes:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    text = "The page's own first paragraph, long enough to be the lede of a teaser. " * 3
    return f"<html><head><title>{title}</title>{link}</head><body><article><h1>{title}</h1><p>{text}</p></article></body></html>".encode()  # noqa: E501


def waits_for_the_client_to_leave() -> Handler:
    """A server that never answers (it gives up after 30 s, so that no test can hang on it)."""

    async def handle(request: Request) -> Response:
        for _ in range(300):
            if await request.is_disconnected():
                break
            await asyncio.sleep(0.1)
        return Response(b"")

    return handle


def dribbles(body: bytes, every: float) -> Handler:
    """All of the body but its last 30 bytes at once, then one byte every ``every`` seconds."""

    async def handle(request: Request) -> Response:
        async def chunks() -> Iterator[bytes]:  # type: ignore[misc]
            yield body[:-30]
            for byte in body[-30:]:
                if await request.is_disconnected():
                    return
                await asyncio.sleep(every)
                yield bytes([byte])

        return StreamingResponse(chunks(), media_type="application/rss+xml")

    return handle


# ----------------------------------------------------------------------------------------- SSRF


def test_a_feed_on_an_internal_address_is_refused_by_default(server: Loopback) -> None:
    server.routes["/feed.xml"] = static(rss(("Secret", "https://news.example/s", DAY)))
    for host in ("127.0.0.1", "localhost"):
        url = server.url("/feed.xml").replace("127.0.0.1", host)
        found = run([SourceConfig(url=url)], FetchConfig())
        assert [p.reason for p in found.problems] == [
            f"refused to fetch '{url}': 127.0.0.1 is a loopback address"
            " (add it to [fetch] allow_hosts to allow it)"
        ]
    assert server.hits("/feed.xml") == []


def test_a_redirect_to_an_internal_address_is_refused_at_that_hop(server: Loopback) -> None:
    secret = server.url("/admin")
    server.routes["/feed.xml"] = lambda _: _redirect(secret)
    server.routes["/admin"] = static(rss(("Internal", "https://news.example/i", DAY)))
    start = server.url("/feed.xml").replace("127.0.0.1", "localhost")

    found = run([SourceConfig(url=start)], FetchConfig(allow_hosts=["localhost"]))

    assert len(server.hits("/feed.xml")) == 1 and server.hits("/admin") == []
    assert found.problems[0].reason.startswith(
        f"refused to fetch '{secret}': 127.0.0.1 is a loopback address"
    )


async def _redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=302)


def test_an_item_linking_to_an_internal_address_keeps_its_feed_text(server: Loopback) -> None:
    internal = server.url("/metadata")
    server.routes["/feed.xml"] = static(rss(("Looks fine", internal, DAY)))
    server.routes["/metadata"] = static(page("Instance credentials"))
    feed = server.url("/feed.xml").replace("127.0.0.1", "localhost")

    found = run([SourceConfig(url=feed, pages=True)], FetchConfig(allow_hosts=["localhost"]))

    assert server.hits("/metadata") == []
    assert [a.title for a in found.articles] == ["Looks fine"]
    assert "refused to fetch" in found.problems[0].reason


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("10.0.0.5", "a private address"),
        ("192.168.1.1", "a private address"),
        ("169.254.169.254", "a link-local address"),
        ("127.0.0.1", "a loopback address"),
        ("0.0.0.0", "an unspecified address"),
        ("224.0.0.1", "a multicast address"),
        ("100.64.0.1", "not a public address"),
        ("::1", "a loopback address"),
        ("fe80::1", "a link-local address"),
        ("fd00::1", "a private address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("64:ff9b::a00:5", "a private address"),
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
    ],
)
def test_non_public_addresses_are_told_apart(address: str, kind: str | None) -> None:
    assert kind_of(ipaddress.ip_address(address)) == kind


def test_allow_hosts_takes_names_addresses_and_networks() -> None:
    policy = AddressPolicy.allowing(
        FetchConfig(allow_hosts=["Intranet.Example.", "10.1.0.0/16", "::1"]).allow_hosts
    )
    private = ipaddress.ip_address("10.9.0.1")
    assert policy.refusal("intranet.example", private) is None
    assert policy.refusal("other.example", ipaddress.ip_address("10.1.2.3")) is None
    assert policy.refusal("other.example", ipaddress.ip_address("::1")) is None
    assert policy.refusal("other.example", private) == "a private address"
    with pytest.raises(ValidationError, match="'http://x/' is not a host name, an IP address or a network"):
        FetchConfig(allow_hosts=["http://x/"])


# ------------------------------------------------------------------------------------ deadlines


def test_a_server_dribbling_bytes_cannot_hold_a_fetch_past_its_timeout(server: Loopback) -> None:
    # Each byte comes well within the timeout, so only a deadline on the whole request stops it.
    server.routes["/feed.xml"] = dribbles(rss(("Slow", "https://news.example/slow", DAY)), every=0.2)
    found = run([SourceConfig(url=server.url("/feed.xml"))], fetch_settings(timeout=1))
    assert found.articles == ()
    assert [p.reason for p in found.problems] == ["timed out after 1 s"]


BOMB = 256 * 1024 * 1024  # bytes decoded, from a few hundred on the wire (brotli) or 250 KB (gzip)


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_a_compressed_bomb_is_refused_at_the_limit_without_being_decoded_whole(
    server: Loopback, encoding: str
) -> None:
    wide = rss(("Bombed", "https://news.example/bombed", DAY)) + b" " * BOMB  # a good feed, then spaces
    body = brotli.compress(wide, quality=5) if encoding == "br" else gzip.compress(wide, compresslevel=9)
    del wide
    server.routes["/feed.xml"] = static(body, **{"content-encoding": encoding})
    tracemalloc.start()  # what the fetch holds at most (the bomb was made before)
    try:
        found = run([SourceConfig(url=server.url("/feed.xml"))], fetch_settings())
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert [p.reason for p in found.problems] == ["is larger than the 5120 KB limit"]
    assert peak < 8 * fetch_settings().max_bytes < BOMB // 4


def test_what_is_not_read_by_the_collect_deadline_is_reported_and_the_rest_goes_on(server: Loopback) -> None:
    server.routes["/fast.xml"] = static(rss(("Fast", server.url("/fast-page"), DAY)))
    server.routes["/fast-page"] = waits_for_the_client_to_leave()
    server.routes["/stuck.xml"] = waits_for_the_client_to_leave()
    sources = [
        SourceConfig(url=server.url("/fast.xml"), pages=True),
        SourceConfig(url=server.url("/stuck.xml")),
    ]

    found = run(sources, fetch_settings(deadline=2))

    assert [a.title for a in found.articles] == ["Fast"]  # with the feed's own text
    assert sorted(str(p) for p in found.problems) == [
        f"{server.url('/fast-page')}: page not read within the collect deadline of 2 s,"
        " using the feed's text",
        f"{server.url('/stuck.xml')}: not read within the collect deadline of 2 s"
        " (raise [fetch] deadline to wait longer)",
    ]


# ------------------------------------------------------------------------- pages, only as needed


def test_pages_are_read_only_for_the_articles_that_can_enter_the_issue(server: Loopback) -> None:
    items = [(f"Story {n}", server.url(f"/a/{n}"), DAY - timedelta(minutes=n)) for n in range(40)]
    server.routes["/feed.xml"] = static(rss(*items))
    for n in range(40):
        server.routes[f"/a/{n}"] = static(page(f"Story {n}"))

    found = run([SourceConfig(url=server.url("/feed.xml"), pages=True)], fetch_settings(), limit=3)

    fetched = [r.url.path for r in server.requests if r.url.path.startswith("/a/")]
    assert sorted(fetched) == sorted(f"/a/{n}" for n in range(3 + PAGE_MARGIN))
    assert [a.title for a in found.articles] == [f"Story {n}" for n in range(3 + PAGE_MARGIN)]
    # The others are spare, with the feed's text: offered as links, carried or dropped by compose.
    assert [a.title for a in found.spare] == [f"Story {n}" for n in range(3 + PAGE_MARGIN, 40)]
    assert found.skipped == ()


def test_a_page_naming_a_taken_article_frees_its_place_for_the_next(server: Loopback) -> None:
    count = 1 + PAGE_MARGIN + 2
    items = [(f"Story {n}", server.url(f"/a/{n}"), DAY - timedelta(minutes=n)) for n in range(count)]
    server.routes["/feed.xml"] = static(rss(*items))
    for n in range(count):
        server.routes[f"/a/{n}"] = static(page(f"Story {n}", server.url("/a/0") if n == 1 else ""))

    found = run([SourceConfig(url=server.url("/feed.xml"), pages=True)], fetch_settings(), limit=1)

    assert len(found.articles) == 1 + PAGE_MARGIN
    assert "Story 1" not in [a.title for a in found.articles]
    assert len([r for r in server.requests if r.url.path.startswith("/a/")]) == count - 1


def test_higher_priority_sources_go_in_first_when_the_issue_is_full(server: Loopback) -> None:
    server.routes["/wire.xml"] = static(
        rss(*[(f"Wire {n}", f"https://wire.example/{n}", DAY) for n in range(9)])
    )
    older = DAY - timedelta(days=2)
    server.routes["/own.xml"] = static(
        rss(*[(f"Own {n}", f"https://own.example/{n}", older) for n in range(3)])
    )
    sources = [
        SourceConfig(url=server.url("/wire.xml")),
        SourceConfig(url=server.url("/own.xml"), priority=5),
    ]

    found = run(sources, fetch_settings(), limit=1)

    titles = [a.title for a in found.articles]
    assert titles[:3] == ["Own 0", "Own 1", "Own 2"] and len(titles) == 1 + PAGE_MARGIN


def test_max_items_keeps_only_the_newest_items_of_a_source(server: Loopback) -> None:
    items = [(f"Story {n}", f"https://news.example/{n}", DAY - timedelta(hours=n)) for n in range(5)]
    server.routes["/feed.xml"] = static(rss(*items))

    found = run([SourceConfig(url=server.url("/feed.xml"), max_items=2)], fetch_settings())

    assert [a.title for a in found.articles] == ["Story 0", "Story 1"]
    assert sorted(s.title for s in found.skipped) == ["Story 2", "Story 3", "Story 4"]
    assert {s.reason for s in found.skipped} == {"over the source's max_items = 2 (only its newest count)"}
