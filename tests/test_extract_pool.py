"""Pages parse off the event loop; a page that breaks parsing costs only its article; memory is bounded."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import timedelta

import httpx
import pytest
from conftest import NOW

import digest.collect
from digest.collect import Extractor, Window, collect, inline
from digest.collect.fetch import Fetcher
from digest.collect.pages import PageInfo, extract_page
from digest.collect.pool import PagePool, process_pool
from digest.config import SourceConfig
from digest.models import Collection

FEED = "https://news.example/feed.xml"
WINDOW = Window(NOW - timedelta(days=7), NOW)
PAGE = (
    b"<html><head><meta property='article:section' content='World'></head><body><article>"
    b"<p>The page of this article loads fine and says a good deal more than its feed entry did.</p>"
    b"</article></body></html>"
)
# Long enough for a stuck test to fail instead of hanging; never reached when the code is right.
DEADLOCK_GUARD = 10


def site(*slugs: str, page: bytes = PAGE, content_type: str = "text/html") -> Fetcher:
    """A feed of one item per slug, each linking to a page on the same site, served as ``content_type``."""
    day = (NOW - timedelta(days=1)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    items = "".join(
        f"<item><title>{s}</title><link>https://news.example/{s}</link><pubDate>{day}</pubDate></item>"
        for s in slugs
    )
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://news.example/</link>'
        f"<description>D</description>{items}</channel></rss>"
    ).encode()

    def handle(request: httpx.Request) -> httpx.Response:
        if str(request.url) == FEED:
            return httpx.Response(200, content=feed)
        return httpx.Response(200, content=page, headers={"Content-Type": content_type})

    return Fetcher(httpx.AsyncClient(transport=httpx.MockTransport(handle)))


async def collect_pages(fetcher: Fetcher, extract: Extractor) -> Collection:
    return await collect([SourceConfig(url=FEED, pages=True)], fetcher, WINDOW, extract=extract)


def test_pages_parse_off_the_event_loop_while_it_serves_other_coroutines() -> None:
    release = threading.Event()

    async def main() -> Collection:
        loop = asyncio.get_running_loop()
        parsing = asyncio.Event()

        def parse(body: bytes, url: str, content_type: str) -> PageInfo:
            # Told from the worker; only a loop that is free can hear it and answer by releasing us.
            loop.call_soon_threadsafe(parsing.set)
            if not release.wait(DEADLOCK_GUARD):
                raise AssertionError("the page was parsed on the event loop, which stalled")
            return extract_page(body, url, content_type)

        async def other_work() -> None:
            await parsing.wait()  # the loop serves this coroutine while the page is being parsed
            release.set()

        with PagePool(lambda: ThreadPoolExecutor(1), parse) as pool:
            found, _ = await asyncio.gather(collect_pages(site("one"), pool), other_work())
        return found

    found = asyncio.run(main())

    assert release.is_set()
    assert found.problems == ()
    assert [a.section for a in found.articles] == ["World"]


def test_a_page_that_breaks_parsing_becomes_a_problem_and_the_rest_goes_on() -> None:
    def parse(body: bytes, url: str, content_type: str) -> PageInfo:
        if url.endswith("/broken"):
            raise ValueError("no body element")
        return extract_page(body, url, content_type)

    async def main() -> Collection:
        with PagePool(lambda: ThreadPoolExecutor(2), parse) as pool:
            return await collect_pages(site("first", "broken", "last"), pool)

    found = asyncio.run(main())

    assert sorted(a.title for a in found.articles) == ["broken", "first", "last"]
    assert {a.title: a.section for a in found.articles} == {"first": "World", "broken": "", "last": "World"}
    assert [(p.source, p.reason) for p in found.problems] == [
        ("https://news.example/broken", "page not parsed, using the feed's text: ValueError: no body element")
    ]


# A Shift_JIS page that names its charset only in its server's header: read as Windows-1252, it is
# mojibake.
JAPANESE = "東京の新しい図書館は来月、一般の利用者に向けて開館する予定です。"
SHIFT_JIS_PAGE = f"<html><body><article><p>{JAPANESE}</p></article></body></html>".encode("shift_jis")


def test_a_page_is_decoded_in_the_worker_that_parses_it_as_its_server_named_it() -> None:
    given: list[tuple[bytes, str]] = []

    def parse(body: bytes, url: str, content_type: str) -> PageInfo:
        given.append((body, content_type))
        return extract_page(body, url, content_type)

    async def main() -> Collection:
        fetcher = site("tokyo", page=SHIFT_JIS_PAGE, content_type="text/html; charset=Shift_JIS")
        with PagePool(lambda: ThreadPoolExecutor(1), parse) as pool:
            return await collect_pages(fetcher, pool)

    found = asyncio.run(main())

    # The event loop hands the page over as it came: the transcoding is the worker's work.
    assert given == [(SHIFT_JIS_PAGE, "text/html; charset=Shift_JIS")]
    assert found.articles[0].paragraphs == (JAPANESE,)


def die_on_request(body: bytes, url: str, content_type: str) -> PageInfo:
    """A parser that kills its worker process for one URL, as a crash in lxml would."""
    if url.endswith("/crash"):
        os._exit(70)
    return extract_page(body, url, content_type)


def test_process_pool_returns_page_info_and_survives_a_worker_that_dies() -> None:
    async def main() -> tuple[PageInfo, PageInfo]:
        with PagePool(lambda: process_pool(1), die_on_request) as pool:
            before = await pool(PAGE, "https://news.example/before")
            with pytest.raises(BrokenProcessPool):
                await pool(PAGE, "https://news.example/crash")
            return before, await pool(PAGE, "https://news.example/after")

    before, after = asyncio.run(main())

    assert before == after == extract_page(PAGE, "https://news.example/after")
    assert before.section == "World"


def test_a_warmed_pool_has_its_workers_before_the_first_page_and_parses_with_them() -> None:
    async def main(pool: PagePool) -> PageInfo:
        return await pool(PAGE, "https://news.example/first")

    with PagePool(lambda: process_pool(2)) as pool:
        pool.warm()
        executor = pool._executor
        assert isinstance(executor, ProcessPoolExecutor)
        executor.submit(os.getpid).result(timeout=DEADLOCK_GUARD)  # the warm-up tasks ran before it
        started = set(executor._processes)
        assert len(started) == 2  # both workers forked before any page arrived
        info = asyncio.run(main(pool))
        assert pool._executor is executor and set(executor._processes) == started  # no new worker

    assert info == extract_page(PAGE, "https://news.example/first")


def test_page_downloads_wait_while_too_many_pages_wait_to_be_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(digest.collect, "PAGES_IN_HAND", 2)
    requested: list[str] = []
    parsed: list[str] = []
    most_in_hand = 0
    fetcher = site(*(f"page-{n}" for n in range(6)))
    download = fetcher.url

    async def counting_download(url: str, *, page: bool = False):  # type: ignore[no-untyped-def]
        requested.append(url)
        return await download(url, page=page)

    async def slow_parse(body: bytes, url: str, content_type: str) -> PageInfo:
        nonlocal most_in_hand
        for _ in range(20):  # give every other page its chance to be downloaded meanwhile
            most_in_hand = max(most_in_hand, len(requested) - len(parsed))
            await asyncio.sleep(0)
        parsed.append(url)
        return await inline(body, url, content_type)

    monkeypatch.setattr(fetcher, "url", counting_download)
    found = asyncio.run(collect_pages(fetcher, slow_parse))

    assert len(found.articles) == len(parsed) == 6
    assert most_in_hand == 2


def trafilatura_level() -> int:
    """The level of trafilatura's logger, as a worker has it."""
    return logging.getLogger("trafilatura").getEffectiveLevel()


def test_a_worker_logs_as_the_command_that_started_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # Workers come from a fork server, not from this process: without the command's levels,
    # trafilatura's "discarding data" warnings went to stderr from every worker, -v or not.
    quiet = logging.getLogger("trafilatura")
    monkeypatch.setattr(quiet, "level", logging.ERROR)
    with process_pool(1) as executor:
        assert executor.submit(trafilatura_level).result(timeout=DEADLOCK_GUARD) == logging.ERROR
    monkeypatch.setattr(quiet, "level", logging.DEBUG)
    with process_pool(1) as executor:
        assert executor.submit(trafilatura_level).result(timeout=DEADLOCK_GUARD) == logging.DEBUG
