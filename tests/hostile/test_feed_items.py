"""Hostile feed items and pages, served from loopback: each is left out or reported, the issue goes on."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from conftest import digest, fetch_settings
from loopback import Loopback, serve, static
from test_budget import NEWSLETTER, issue_of
from test_fetching import DAY, WEEK, rss

from digest.collect import collect
from digest.collect import feeds as feeds_module
from digest.collect.bounds import MAX_CAPTION, MAX_NAME, MAX_TITLE
from digest.collect.canonical import canonical_url
from digest.collect.feeds import FeedReport, read_entries
from digest.collect.fetch import Fetched, Fetcher, http_client
from digest.config import SourceConfig, TeaserConfig
from digest.errors import SourceError
from digest.ledes import teaser
from digest.lint import lint
from digest.models import Article, Collection
from digest.personalize import placeholder
from digest.sources import register_source, unregister_source
from hostile.test_pages import UNSHOWN, rendered

GOOD = {"id": "1", "url": "https://news.example/good", "title": "Good", "date_published": DAY.isoformat()}


@pytest.fixture
def server() -> Iterator[Loopback]:
    with serve() as running:
        yield running


def run(*sources: SourceConfig) -> Collection:
    settings = fetch_settings()

    async def go() -> Collection:
        async with http_client(settings) as client:
            return await collect(list(sources), Fetcher(client, (), settings), WEEK)

    return asyncio.run(go())


def json_feed(*items: object) -> bytes:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": items}).encode()


def page(canonical: str = "", image: str = "") -> bytes:
    head = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    head += f'<meta property="og:image" content="{image}">' if image else ""
    text = "The page's own first paragraph, long enough to be the lede of a teaser. " * 3
    body = f"<body><article><p>{text}</p></article></body>"
    return f"<html><head><title>Page</title>{head}</head>{body}</html>".encode()


# ------------------------------------------------------------------------------ one item, not all


def test_a_link_with_a_port_out_of_range_is_skipped_and_the_rest_goes_on(server: Loopback) -> None:
    server.routes["/feed.xml"] = static(
        rss(("Bad port", "https://news.example:99999/x", DAY), ("Fine", "https://news.example/f", DAY))
    )
    found = run(SourceConfig(url=server.url("/feed.xml")))
    assert [a.title for a in found.articles] == ["Fine"]
    assert found.skipped[0].title == "Bad port" and "malformed" in found.skipped[0].reason


def test_a_sitemap_entry_with_a_port_out_of_range_is_skipped_and_the_rest_goes_on(server: Loopback) -> None:
    entries = "".join(
        f"<url><loc>{loc}</loc><lastmod>{DAY.isoformat()}</lastmod></url>"
        for loc in ("https://news.example:99999/x", "https://news.example/fine")
    )
    sitemap = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    server.routes["/sitemap.xml"] = static(sitemap)
    found = run(SourceConfig(url=server.url("/sitemap.xml"), type="sitemap"))
    assert [a.url for a in found.articles] == ["https://news.example/fine"]
    assert [s.url for s in found.skipped] == ["https://news.example:99999/x"]
    assert found.skipped[0].reason.startswith("the address is malformed (Port out of range")


def test_deeply_nested_xml_is_a_problem_of_its_feed_only(server: Loopback) -> None:
    deep = "<div>" * 50_000 + "</div>" * 50_000
    server.routes["/deep.xml"] = static(
        f'<rss version="2.0"><channel><item><title>{deep}</title></item></channel></rss>'
    )
    server.routes["/feed.json"] = static(json_feed(GOOD))
    found = run(SourceConfig(url=server.url("/deep.xml")), SourceConfig(url=server.url("/feed.json")))
    assert [a.title for a in found.articles] == ["Good"]


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"title": 5}, 'its "title" is a number (5), not a string'),
        ({"tags": "europe"}, 'its "tags" is a string, not a list'),
        ({"tags": [1, 2]}, 'its "tags" holds a number (1), not only strings'),
        ({"authors": {"name": "Jo"}}, 'its "authors" is an object, not a list'),
        ({"authors": ["Jo"]}, 'its "authors" holds a string, not only objects'),
        ({"date_published": 1764000000}, 'its "date_published" is a number (1764000000), not a string'),
        ({"url": ["https://news.example/x"]}, 'its "url" is a list, not a string'),
        ({"attachments": [{"url": 7}]}, 'its "url" is a number (7), not a string'),
    ],
)
def test_a_json_feed_field_of_the_wrong_type_costs_only_its_item(
    server: Loopback, bad: dict[str, object], reason: str
) -> None:
    broken = {"id": "2", "url": "https://news.example/broken", "title": "Broken", **bad}
    server.routes["/feed.json"] = static(json_feed(broken, GOOD))
    found = run(SourceConfig(url=server.url("/feed.json")))
    assert [a.title for a in found.articles] == ["Good"]
    assert [s.reason for s in found.skipped] == [f"the item is malformed: {reason}"]
    assert found.problems == ()


def test_deeply_nested_json_is_a_problem_of_its_feed_only(server: Loopback) -> None:
    server.routes["/deep.json"] = static(b'{"items": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}")
    server.routes["/feed.json"] = static(json_feed(GOOD))
    found = run(SourceConfig(url=server.url("/deep.json")), SourceConfig(url=server.url("/feed.json")))
    assert [a.title for a in found.articles] == ["Good"]
    assert [p.reason for p in found.problems] == ["is not a JSON Feed (its JSON is nested too deeply)"]


@pytest.mark.parametrize(
    "canonical",
    [
        "http://[::1",
        "https://news.example:99999/x",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
    ],
)
def test_a_page_whose_canonical_link_is_malformed_or_not_web_keeps_the_feed_link(
    server: Loopback, canonical: str
) -> None:
    server.routes["/feed.xml"] = static(rss(("Story", server.url("/story"), DAY)))
    server.routes["/story"] = static(page(canonical=canonical))
    found = run(SourceConfig(url=server.url("/feed.xml"), pages=True))
    assert [a.url for a in found.articles] == [server.url("/story")]
    assert found.articles[0].paragraphs[0].startswith("The page's own first paragraph")
    assert found.problems == ()


@pytest.mark.parametrize(
    "image", ["javascript:alert(1)", "data:image/svg+xml,<svg onload=alert(1)>", "http://[::1"]
)
def test_a_page_image_that_is_not_a_web_address_is_not_used(server: Loopback, image: str) -> None:
    server.routes["/feed.xml"] = static(rss(("Story", server.url("/story"), DAY)))
    server.routes["/story"] = static(page(image=image))
    found = run(SourceConfig(url=server.url("/feed.xml"), pages=True))
    assert [a.image_url for a in found.articles] == [""]


def collected_through(handle: Callable[[httpx.Request], httpx.Response], feed: str) -> Collection:
    """Collect ``feed`` with pages read, every request answered by ``handle``, redirects followed."""

    async def go() -> Collection:
        client = httpx.AsyncClient(transport=httpx.MockTransport(handle), follow_redirects=True)
        async with client:
            source = SourceConfig(url=feed, pages=True)
            return await collect([source], Fetcher(client, (), fetch_settings()), WEEK)

    return asyncio.run(go())


def _described(link: str, text: str) -> bytes:
    item = f"<item><title>Report</title><link>{link}</link><description>{text}</description>"
    item += f"<pubDate>{DAY.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate></item>"
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{item}</channel></rss>'.encode()


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("application/pdf", "is a PDF document (application/pdf), not a web page"),
        ("audio/mpeg", "is audio (audio/mpeg), not a web page"),
        ("image/jpeg; charset=binary", "is an image (image/jpeg), not a web page"),
    ],
)
def test_an_item_linking_to_a_file_that_is_no_page_keeps_its_feed_text(
    server: Loopback, kind: str, said: str
) -> None:
    # A report's PDF or a podcast's audio, read as a page, gave gibberish that replaced the feed's text.
    text = "The audit office published its report on the ferry contract on Tuesday, and it is damning."
    server.routes["/feed.xml"] = static(_described(server.url("/report"), text))
    server.routes["/report"] = static(bytes(range(256)) * 400, **{"content-type": kind})
    found = run(SourceConfig(url=server.url("/feed.xml"), pages=True))
    (article,) = found.articles
    assert (article.paragraphs, article.summary) == ((), text)
    assert [p.reason for p in found.problems] == [f"page not read, using the feed's text: {said}"]


def test_a_page_that_leads_to_a_cookie_consent_wall_keeps_its_feed_text() -> None:
    # A server in the EU sends a reader (and digest) to consent.google.com or guce.yahoo.com first;
    # read as the article, its "We use cookies and data to …" became the teaser.
    text = "The audit office published its report on the ferry contract on Tuesday, and it is damning."
    consent = "<html><body><h1>Before you continue</h1><p>We use cookies and data to run our services.</p>"

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.host == "news.example" and request.url.path == "/feed.xml":
            return httpx.Response(200, content=_described("https://news.example/report", text))
        if request.url.host == "news.example":
            return httpx.Response(302, headers={"location": "https://consent.example.com/?continue=report"})
        return httpx.Response(200, content=consent.encode(), headers={"content-type": "text/html"})

    found = collected_through(handle, "https://news.example/feed.xml")
    (article,) = found.articles
    assert (article.paragraphs, article.summary) == ((), text)
    reason = "page not read, using the feed's text: it led to a consent page (consent.example.com)"
    assert [p.reason for p in found.problems] == [reason]


def test_an_article_on_a_site_named_consent_is_read() -> None:
    link = "https://consent.example.org/guides/report"

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/feed.xml":
            return httpx.Response(200, content=_described(link, "The feed's own text of the guide."))
        return httpx.Response(200, content=page(), headers={"content-type": "text/html"})

    found = collected_through(handle, "https://consent.example.org/feed.xml")
    assert found.articles[0].paragraphs[0].startswith("The page's own first paragraph")
    assert found.problems == ()


def test_any_other_failure_of_a_source_is_a_problem_naming_the_exception() -> None:
    @register_source("broken")
    async def read(source: SourceConfig, fetcher: Fetcher, now: datetime) -> FeedReport:
        raise RecursionError("maximum recursion depth exceeded")

    try:
        found = run(SourceConfig(url="https://news.example/x", type="broken"))
    finally:
        unregister_source("broken")
    assert [p.reason for p in found.problems] == [
        "cannot be read (RecursionError: maximum recursion depth exceeded)"
    ]


def test_a_plug_in_item_that_is_not_a_web_address_or_has_a_naive_date_is_left_out() -> None:
    @register_source("odd")
    async def read(source: SourceConfig, fetcher: Fetcher, now: datetime) -> FeedReport:
        naive = datetime(2026, 11, 24)
        return FeedReport((
            Article(url="javascript:alert(1)", title="Script", published=now, source=source.url),
            Article(url="https://news.example/n", title="Naive", published=naive, source=source.url),
            Article("https://news.example/ok", "Fine", DAY, source=source.url, image_url="data:x"),
        ))  # fmt: skip

    try:
        found = run(SourceConfig(url="https://news.example/x", type="odd"))
    finally:
        unregister_source("odd")
    assert [(a.title, a.image_url) for a in found.articles] == [("Fine", "")]
    reasons = {s.title: s.reason for s in found.skipped}
    assert reasons["Script"] == "no web address ('javascript:alert(1)' is not an http or https URL)"
    assert reasons["Naive"].startswith("cannot be read (TypeError:")


# ----------------------------------------------------------------------------- URLs and output


def test_canonical_url_keeps_the_brackets_of_an_ipv6_host() -> None:
    assert canonical_url("http://[::1]:18099/x/") == "http://[::1]:18099/x"
    assert canonical_url("https://[2001:DB8::1]/a") == "https://[2001:db8::1]/a"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " java\tscript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
    ],
)
def test_lint_refuses_links_and_images_whose_scheme_is_not_http_or_mailto(url: str) -> None:
    unsubscribe = placeholder("unsubscribe_url")
    html = (
        f'<html><body><a href="{url}">x</a><img src="{url}" alt="x"><a href="{unsubscribe}">unsubscribe</a>'
        f'<a href="mailto:leave@example.org">mail</a><a href="https://news.example/">ok</a>'
        f"<p>{NEWSLETTER.postal_address}</p></body></html>"
    )
    errors = [
        m.message for m in lint(html, f"{unsubscribe} {NEWSLETTER.postal_address}", issue_of(1), NEWSLETTER)
    ]
    assert errors == [f"link or image '{url}': only http, https and mailto URLs are allowed"]


def test_characters_no_reader_sees_in_a_feed_neither_reach_the_article_nor_stop_the_render(
    server: Loopback,
) -> None:
    # A C0 control in any text of the issue stopped the MJML compile of the whole issue.
    hostile = "A\x00B\x1b[2J\x07C\u009b31m\u202egnp.exe\u2066D\ufffeE\x0cF"
    content = f"<p>{hostile} opens the story, and the second sentence ends it.</p><p>{hostile} next.</p>"
    item = {**GOOD, "title": hostile, "summary": hostile, "content_html": content}
    item["authors"] = [{"name": hostile}]
    server.routes["/feed.json"] = static(json_feed(item))
    (article,) = run(SourceConfig(url=server.url("/feed.json"), pages=False)).articles
    texts = [article.title, article.author, article.summary, *article.paragraphs]
    assert not any(UNSHOWN.search(text) for text in texts), texts
    assert article.title == "AB[2JC31mgnp.exeDE F"  # a form feed is white space, the rest is left out
    html, text = rendered(teaser(article, TeaserConfig()))
    assert "AB[2JC31mgnp.exeDE F" in html and "AB[2JC31mgnp.exeDE F" in text
    assert not UNSHOWN.search(html) and not UNSHOWN.search(text)


def test_digest_feed_prints_no_control_characters_from_the_feed(tmp_path: Path) -> None:
    feed = tmp_path / "feed.json"
    hostile = "Title\x1b]0;owned\x07\x1b[2J\u009b31m"
    feed.write_bytes(json_feed({**GOOD, "title": hostile, "url": "https://news.example/\x1b[1m"}))
    result = digest(tmp_path, "feed", str(feed))
    assert result.returncode == 0, result.stderr
    assert "Title]0;owned[2J31m" in result.stdout
    assert not any(c in result.stdout for c in "\x1b\x07\u009b")


@pytest.mark.parametrize("reference", ["&#xD800;", "&#55296;", "&#0;", "&#x110000;", "&#99999999999;"])
def test_a_character_reference_that_names_no_character_costs_the_feed_nothing(reference: str) -> None:
    # The XML parser refuses it, and the lenient parser feedparser falls back on raised on it.
    body = rss(
        (f"Ferry {reference} returns", "https://news.example/a", DAY),
        ("Second", "https://news.example/b", DAY),
    )
    report = read_entries(Fetched("https://news.example/feed.xml", body), "feed", WEEK.end)
    assert [a.title for a in report.articles] == ["Ferry \ufffd returns", "Second"]


def test_a_feeds_lines_of_text_are_as_bounded_as_a_pages() -> None:
    long = "Ferries " * 20_000
    image = "<media:content url='https://news.example/q.jpg' width='1200'>"
    image += f"<media:credit>{long}</media:credit>"
    image += f"<media:description>{long}</media:description><media:title>{long}</media:title></media:content>"
    item = (
        f"<item><title>{long}</title><link>https://news.example/a</link><author>{long}</author>"
        f"<category>{long}</category>{image}</item>"
    )
    body = (
        "<rss version='2.0' xmlns:media='http://search.yahoo.com/mrss/'><channel><title>T</title>"
        f"{item}</channel></rss>"
    ).encode()

    (article,) = read_entries(Fetched("https://news.example/feed.xml", body), "feed", WEEK.end).articles

    assert len(article.title) <= MAX_TITLE and article.title.startswith("Ferries Ferries")
    assert all(len(name) <= MAX_NAME for name in (article.author, article.section, article.image_credit))
    assert all(len(name) <= MAX_NAME for name in article.categories)
    assert 0 < len(article.image_alt) <= MAX_CAPTION


def test_a_feed_that_trips_the_lenient_parser_is_repaired_and_read() -> None:
    # feedparser's lenient parser raised TypeError on a </width> it had not seen open.
    body = rss(("Ferry returns", "https://news.example/a", DAY)).replace(b"</channel>", b"</width></channel>")
    report = read_entries(Fetched("https://news.example/feed.xml", body), "feed", WEEK.end)
    assert [a.title for a in report.articles] == ["Ferry returns"]


def test_a_feed_no_parser_can_read_is_a_problem_of_its_feed(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise TypeError("a parser bug")

    monkeypatch.setattr(feeds_module.feedparser, "parse", broken)
    with pytest.raises(
        SourceError, match=r"cannot be read, even leniently \(TypeError: a parser bug\); check"
    ):
        read_entries(Fetched("https://news.example/feed.xml", rss()), "feed", WEEK.end)


def test_a_character_reference_that_names_no_character_costs_an_items_image_nothing() -> None:
    image = '<media:content url="https://news.example/ferry.jpg" medium="image" width="1200">'
    image += "<media:description>The ferry &#xD800; at dawn</media:description></media:content>"
    body = rss(("Ferry returns", "https://news.example/a", DAY)).replace(
        b"</guid>", f"</guid>{image}".encode()
    )
    body = body.replace(b"<rss ", b'<rss xmlns:media="http://search.yahoo.com/mrss/" ')
    (article,) = read_entries(Fetched("https://news.example/feed.xml", body), "feed", WEEK.end).articles
    assert article.image_url == "https://news.example/ferry.jpg"
    assert article.image_alt == "The ferry \ufffd at dawn"


@pytest.mark.parametrize("own", ["//[::1", "https://[::1/feed"])
def test_a_feeds_own_link_with_a_malformed_host_is_passed_over(own: str) -> None:
    body = rss(("Ferry returns", "/a", DAY)).replace(
        b"<link>https://news.example/</link>", f"<link>{own}</link>".encode()
    )
    (article,) = read_entries(Fetched("https://news.example/feed.xml", body), "feed", WEEK.end).articles
    assert article.url == "https://news.example/a"


def test_a_feed_file_that_says_it_is_empty_is_read_no_further_than_the_size_limit(tmp_path: Path) -> None:
    # A pipe or a device reports a size of 0: read whole, /dev/zero filled the memory.
    pipe = tmp_path / "feed.xml"
    os.mkfifo(pipe)

    def write() -> None:
        with contextlib.suppress(BrokenPipeError):  # the reader stops at the limit and leaves
            pipe.write_bytes(b" " * (5 * 1024 * 1024 + 10))

    writer = threading.Thread(target=write)
    writer.start()
    result = digest(tmp_path, "feed", str(pipe))
    writer.join()
    assert result.returncode == 1
    assert "is larger than the 5120 KB limit" in result.stderr
    assert "raise [fetch] max_bytes" in result.stderr
