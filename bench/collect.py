"""Benchmark: collect 10 feeds x 20 items and their 200 article pages, each response 100 ms late.

Side by side in one run: digest's collect (one async client, per-host limits, pages extracted as
they arrive) against the sequential way (feedparser.parse(url), then one page after another).
Each feed lives on its own loopback host (127.0.0.1 … 127.0.0.10), as ten sites would.
Budget: ≤ 3 s, ≥ 10x faster than sequential.

    python bench/collect.py [--feeds 10] [--items 20] [--latency 0.1] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import feedparser
import httpx

from digest.collect import Window, collect
from digest.collect.fetch import Fetcher, http_client
from digest.collect.pages import extract_page
from digest.config import FetchConfig, SourceConfig

NOW = datetime.now(UTC)
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


def feed_xml(host: str, feed: int, items: int) -> str:
    """An RSS feed whose items link to pages on the same host."""
    entries = "".join(
        f"<item><title>Story {feed}-{i}</title><link>http://{host}/a/{i}.html</link>"
        f"<pubDate>{format_datetime(NOW - timedelta(hours=i + 1))}</pubDate></item>"
        for i in range(items)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {feed}</title>'
        f"<link>http://{host}/</link><description>-</description>{entries}</channel></rss>"
    )


def serve(port: int, feeds: int, items: int, latency: float) -> None:
    """The server process: one socket per loopback host; every answer waits ``latency`` seconds."""
    import uvicorn
    from starlette.requests import Request
    from starlette.responses import Response

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        request = Request(scope, receive)
        host = request.headers["host"]
        feed = int(host.split(":")[0].rsplit(".", 1)[1]) - 1
        await asyncio.sleep(latency)
        path = request.url.path
        if path == "/feed.xml":
            response = Response(feed_xml(host, feed, items), media_type="application/rss+xml")
        elif path.startswith("/a/"):
            response = Response(page(feed, int(path[3:].split(".")[0])), media_type="text/html")
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


def feed_urls(port: int, feeds: int) -> list[str]:
    """One feed per loopback host."""
    return [f"http://127.0.0.{n}:{port}/feed.xml" for n in range(1, feeds + 1)]


async def with_digest(urls: list[str]) -> int:
    """digest's way: everything in flight at once within the limits."""
    sources = [SourceConfig(url=u, pages=True) for u in urls]
    settings = FetchConfig()
    async with http_client(settings) as client:
        found = await collect(sources, Fetcher(client, (), settings), Window(NOW - timedelta(days=7), NOW))
    assert not found.problems, found.problems
    return len(found.articles)


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


def main() -> None:
    """Run both ways against the same server and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=10)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.feeds, args.items, args.latency)
        return
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            str(port),
            "--feeds",
            str(args.feeds),
            "--items",
            str(args.items),
            "--latency",
            str(args.latency),
        ]
    )
    try:
        wait_for(port)
        urls = feed_urls(port, args.feeds)
        start = time.perf_counter()
        articles = asyncio.run(with_digest(urls))
        digest_s = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start = time.perf_counter()
        sequential_count = sequential(urls)
        sequential_s = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait()
    figures = {
        "digest_s": round(digest_s, 2),
        "sequential_s": round(sequential_s, 2),
        "speedup": round(sequential_s / digest_s, 1),
        "peak_rss_mb": round(peak_mb, 1),
        "articles": articles,
        "sequential_articles": sequential_count,
        "budget_s": 3.0,
    }
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>20}: {value}")


if __name__ == "__main__":
    main()
