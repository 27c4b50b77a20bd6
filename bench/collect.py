"""Benchmark: collect 10 feeds x 20 items and their 200 article pages, each response 100 ms late.

Side by side in one run: digest's collect (one async client, per-host limits, pages extracted as
they arrive) against the sequential way (feedparser.parse(url), then one page after another).
Each feed lives on its own loopback host (127.0.0.1 … 127.0.0.10), as ten sites would.
Budget: ≤ 3 s, ≥ 10x faster than sequential.

With --pages DIR, a second case serves real captured article pages (every *.html under DIR, taken in
turn until each item has one; they are read where they are, never copied) and compares three ways:
sequential, concurrent with pages parsed on the event loop, and concurrent with pages parsed in a
process pool (as the commands run it, start-up included); a thread pool of the same size is shown too,
for the record. It also times extraction in-process, page by page (budget: median ≤ 60 ms). The
server shares the machine's cores with the workers. digest keeps one article per canonical URL, so
pages that repeat (or name the same canonical) give fewer articles than the sequential count.

    python bench/collect.py [--feeds 10] [--items 20] [--latency 0.1] [--pages DIR] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any, TypeVar

import feedparser
import httpx

from digest.collect import Extractor, Window, collect, inline
from digest.collect.fetch import Fetcher, http_client
from digest.collect.pages import extract_page
from digest.collect.pool import PagePool, cpus, process_pool
from digest.config import FetchConfig, SourceConfig

NOW = datetime.now(UTC)
T = TypeVar("T")
WORDS = [
    "the",
    "minister",
    "said",
    "talks",
    "would",
    "resume",
    "after",
    "the",
    "harvest",
    "while",
    "farmers",
    "in",
    "the",
    "delta",
    "measured",
    "salt",
    "and",
    "port",
    "officials",
    "counted",
    "containers",
    "that",
    "never",
    "arrived",
    "because",
    "freight",
    "rates",
    "had",
    "fallen",
    "again",
]


def paragraph(seed: int, length: int = 70) -> str:
    """Deterministic prose-like text."""
    words = [WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(length)]
    return " ".join(words).capitalize() + "."


def page(feed: int, item: int) -> str:
    """An article page with the furniture real sites have."""
    body = "".join(f"<p>{paragraph(feed * 100 + item * 10 + k)}</p>" for k in range(6))
    nav = "".join(f'<a href="/s/{i}">Section {i}</a>' for i in range(12))
    return (
        f"<!doctype html><html><head><title>Story {feed}-{item}</title>"
        f'<meta property="og:image" content="/img/{item}.jpg">'
        f'<meta property="article:section" content="World"></head><body>'
        f'<div class="cookie"><p>We use cookies to improve your experience.</p></div><nav>{nav}</nav>'
        f"<main><article><h1>Story {feed}-{item}</h1><p class='byline'>By A. Writer</p>"
        f"<figure><img src='/img/{item}.jpg'><figcaption>Photo: Agency</figcaption></figure>{body}"
        f"<aside><p>Sign up for our newsletter.</p></aside></article></main>"
        f"<footer>{nav}</footer></body></html>"
    )


def feed_xml(host: str, feed: int, items: int, folder: str = "a") -> str:
    """An RSS feed whose items link to pages on the same host (made-up pages in /a/, real ones in /r/)."""
    entries = "".join(
        f"<item><title>Story {feed}-{i}</title><link>http://{host}/{folder}/{i}.html</link>"
        f"<pubDate>{format_datetime(NOW - timedelta(hours=i + 1))}</pubDate></item>"
        for i in range(items)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {feed}</title>'
        f"<link>http://{host}/</link><description>-</description>{entries}</channel></rss>"
    )


def real_pages(folder: str | None) -> list[bytes]:
    """The captured pages under a folder, in name order (none without --pages)."""
    if not folder:
        return []
    found = [p.read_bytes() for p in sorted(Path(folder).rglob("*.html"))]
    if not found:
        raise SystemExit(f"no *.html pages under {folder}")
    return found


def serve(port: int, feeds: int, items: int, latency: float, pages_dir: str | None) -> None:
    """The server process: one socket per loopback host; every answer waits ``latency`` seconds."""
    import uvicorn
    from starlette.requests import Request
    from starlette.responses import Response

    real = real_pages(pages_dir)

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        request = Request(scope, receive)
        host = request.headers["host"]
        feed = int(host.split(":")[0].rsplit(".", 1)[1]) - 1
        await asyncio.sleep(latency)
        path = request.url.path
        if path == "/feed.xml":
            response = Response(feed_xml(host, feed, items), media_type="application/rss+xml")
        elif path == "/real.xml":
            response = Response(feed_xml(host, feed, items, "r"), media_type="application/rss+xml")
        elif path.startswith("/a/"):
            response = Response(page(feed, int(path[3:].split(".")[0])), media_type="text/html")
        elif path.startswith("/r/") and real:
            item = int(path[3:].split(".")[0])
            response = Response(real[(feed * items + item) % len(real)], media_type="text/html")
        else:
            response = Response("not here", status_code=404)
        await response(scope, receive, send)

    sockets = []
    for n in range(1, feeds + 1):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((f"127.0.0.{n}", port))
        sockets.append(sock)
    config = uvicorn.Config(app, log_level="error", lifespan="off", ws="none", access_log=False)
    uvicorn.Server(config).run(sockets=sockets)


def feed_urls(port: int, feeds: int, name: str = "feed.xml") -> list[str]:
    """One feed per loopback host."""
    return [f"http://127.0.0.{n}:{port}/{name}" for n in range(1, feeds + 1)]


async def with_digest(urls: list[str], extract: Extractor = inline) -> int:
    """digest's way: everything in flight at once within the limits."""
    sources = [SourceConfig(url=u, pages=True) for u in urls]
    settings = FetchConfig(allow_hosts=["127.0.0.0/8"])  # the benchmark's sites all live on loopback
    async with http_client(settings) as client:
        found = await collect(
            sources, Fetcher(client, (), settings), Window(NOW - timedelta(days=7), NOW), extract=extract
        )
    assert not found.problems, found.problems
    return len(found.articles)


def with_pool(urls: list[str], threads: bool = False) -> int:
    """digest's way as the commands run it: pages parsed in a process pool made for the run.

    With ``threads``, a thread pool of the same size instead: the measurement behind choosing processes.
    """
    start = (lambda: ThreadPoolExecutor(cpus())) if threads else process_pool
    with PagePool(start) as pool:
        pool.warm()  # as Runtime.fetching does when a source reads pages
        return asyncio.run(with_digest(urls, pool))


def extraction_ms(pages: list[bytes]) -> list[float]:
    """Each page's extraction time in this process, in milliseconds (after one warm-up parse)."""
    extract_page(pages[0], "http://127.0.0.1/r/0.html")
    times = []
    for n, body in enumerate(pages):
        start = time.perf_counter()
        extract_page(body, f"http://127.0.0.1/r/{n}.html")
        times.append((time.perf_counter() - start) * 1000)
    return times


def timed(work: Callable[..., T], *args: Any) -> tuple[T, float]:
    """The result of work(*args) and the seconds it took."""
    start = time.perf_counter()
    result = work(*args)
    return result, time.perf_counter() - start


def sequential(urls: list[str]) -> int:
    """The plain way: parse each feed by URL, then fetch and extract one page after another."""
    count = 0
    with httpx.Client() as client:
        for url in urls:
            parsed = feedparser.parse(url)
            for entry in parsed.entries:
                response = client.get(entry.link)
                extract_page(response.content, entry.link)
                count += 1
    return count


def wait_for(port: int, timeout: float = 20) -> None:
    """Until the server answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/ping", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("the benchmark server did not start")


def free_port() -> int:
    """A port free on 127.0.0.1 (the other loopback hosts share it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(args: argparse.Namespace) -> tuple[subprocess.Popen[bytes], int]:
    """The loopback server in its own process, ready to answer."""
    port = free_port()
    command = [sys.executable, __file__, "--serve", str(port), "--feeds", str(args.feeds)]
    command += ["--items", str(args.items), "--latency", str(args.latency)]
    if args.pages:
        command += ["--pages", args.pages]
    server = subprocess.Popen(command)
    try:
        wait_for(port)
    except BaseException:
        server.terminate()
        raise
    return server, port


def made_up_case(port: int, feeds: int) -> dict[str, Any]:
    """The made-up pages: digest's collect against the sequential way."""
    urls = feed_urls(port, feeds)
    articles, digest_s = timed(lambda: asyncio.run(with_digest(urls)))
    sequential_count, sequential_s = timed(sequential, urls)
    return {
        "digest_s": round(digest_s, 2),
        "sequential_s": round(sequential_s, 2),
        "speedup": round(sequential_s / digest_s, 1),
        "articles": articles,
        "sequential_articles": sequential_count,
    }


def real_case(port: int, feeds: int, pages: list[bytes]) -> dict[str, Any]:
    """Real pages: sequential, concurrent parsing inline, concurrent parsing in a pool."""
    urls = feed_urls(port, feeds, "real.xml")
    times = extraction_ms(pages)
    pooled, pool_s = timed(with_pool, urls)
    inline_count, inline_s = timed(lambda: asyncio.run(with_digest(urls)))
    threaded, threads_s = timed(with_pool, urls, True)
    sequential_count, sequential_s = timed(sequential, urls)
    return {
        "distinct_pages": len(pages),
        "median_page_kb": round(statistics.median(len(p) for p in pages) / 1024),
        "extract_median_ms": round(statistics.median(times), 1),
        "extract_p90_ms": round(statistics.quantiles(times, n=10)[-1], 1),
        "sequential_s": round(sequential_s, 2),
        "inline_s": round(inline_s, 2),
        "threads_s": round(threads_s, 2),
        "pool_s": round(pool_s, 2),
        "pool_vs_sequential": round(sequential_s / pool_s, 1),
        "pool_vs_inline": round(inline_s / pool_s, 2),
        "articles": {
            "sequential": sequential_count,
            "inline": inline_count,
            "threads": threaded,
            "pool": pooled,
        },
        "pool_workers": cpus(),
    }


def budgets(figures: dict[str, Any], real: dict[str, Any] | None) -> dict[str, bool]:
    """Whether each budget is met."""
    met = {"collect_s": figures["digest_s"] <= 3.0, "speedup": figures["speedup"] >= 10}
    if real:
        met["real_pool_s"] = real["pool_s"] <= 3.0
        met["real_extract_median_ms"] = real["extract_median_ms"] <= 60
    return met


def main() -> None:
    """Run every way against the same server and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=10)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--pages", help="a folder of captured article pages (*.html) for the real-page case")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.feeds, args.items, args.latency, args.pages)
        return
    pages = real_pages(args.pages)
    server, port = start_server(args)
    try:
        figures = made_up_case(port, args.feeds)
        real = real_case(port, args.feeds, pages) if pages else None
    finally:
        server.terminate()
        server.wait()
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    figures["budget_s"] = 3.0
    figures["cpus"] = cpus()
    if real:
        figures["real"] = real
    figures["budgets_met"] = budgets(figures, real)
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>20}: {value}")


if __name__ == "__main__":
    main()
