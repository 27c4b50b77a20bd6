"""Collect: feeds in three formats, the window, de-duplication, mirrors, pages and broken sources."""

from __future__ import annotations

import asyncio
import json
import tomllib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from conftest import NOW, ROOT

from digest.collect import Window, collect
from digest.collect.canonical import canonical_url
from digest.collect.feeds import parse_feed
from digest.collect.fetch import Fetched, Fetcher
from digest.collect.images import clean_credit
from digest.collect.pages import extract_page
from digest.config import MirrorConfig, SourceConfig
from digest.errors import SourceError
from digest.models import Article, Collection, Problem

WEEK = (NOW - timedelta(days=7), NOW)
MERIDIAN = "https://meridian.example/"
DEMO_ARTICLES = {
    a["slug"]: a for a in tomllib.loads((ROOT / "demo" / "articles.toml").read_text())["articles"]
}

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
<title>Example News</title>
<link>https://news.example/</link>
<description>News</description>
<item>
  <title>Ferries &amp; fares</title>
  <link>https://News.Example/world/ferries/?utm_source=rss&amp;utm_medium=feed&amp;id=7</link>
  <guid isPermaLink="false">ferries-1</guid>
  <pubDate>Tue, 24 Nov 2026 10:00:00 +0200</pubDate>
  <category>Europe</category>
  <description>&lt;p&gt;The &lt;b&gt;first&lt;/b&gt; ferry in years.&lt;/p&gt;</description>
  <media:content url="/images/ferries.jpg" medium="image" type="image/jpeg"/>
</item>
<item>
  <title>Grain by rail</title>
  <link>/world/grain</link>
  <pubDate>Mon, 23 Nov 2026 08:30:00 GMT</pubDate>
  <enclosure url="https://cdn.example/grain.jpg" type="image/jpeg" length="1000"/>
</item>
</channel>
</rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Atom News</title>
<link rel="alternate" href="https://atom.example/"/>
<id>https://atom.example/</id>
<updated>2026-11-24T14:00:00Z</updated>
<entry>
  <title type="html">Salt in the &lt;em&gt;delta&lt;/em&gt;</title>
  <link rel="alternate" type="text/html" href="https://atom.example/asia/salt"/>
  <id>tag:atom.example,2026:salt</id>
  <published>2026-11-24T09:00:00-05:00</published>
  <updated>2026-11-24T09:00:00-05:00</updated>
  <author><name>Lena Okafor</name></author>
  <category term="Asia"/>
  <summary>Rice farmers measure salt.</summary>
</entry>
</feed>
"""

JSON_FEED = json.dumps(
    {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON News",
        "home_page_url": "https://json.example/",
        "items": [
            {
                "id": "1",
                "url": "https://json.example/economy/banks/",
                "title": "A boring year",
                "date_published": "2026-11-24T09:00:00+01:00",
                "tags": ["Economy", "Banks"],
                "image": "/images/banks.png",
                "summary": "Central bankers want calm.",
                "authors": [{"name": "Ada Lovel"}],
            },
            {"id": "2", "title": "No link, no article"},
        ],
    }
).encode()


def rss(*items: tuple[str, str, datetime | None]) -> bytes:
    """A small RSS 2.0 feed of (title, link, published) items."""
    parts = []
    for title, link, published in items:
        date = f"<pubDate>{published.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>" if published else ""
        parts.append(f"<item><title>{title}</title><link>{link}</link>{date}</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        f"<link>https://news.example/</link><description>D</description>{''.join(parts)}</channel></rss>"
    ).encode()


Handler = Callable[[httpx.Request], httpx.Response]


def routes(pages: Mapping[str, bytes | int]) -> Handler:
    """Answer each known URL with its body (or status code); anything else is a 404."""

    def handle(request: httpx.Request) -> httpx.Response:
        answer = pages.get(str(request.url), 404)
        if isinstance(answer, int):
            return httpx.Response(answer, text="error page")
        return httpx.Response(200, content=answer)

    return handle


def refuse_network(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"unexpected network request for {request.url}")


def fetcher(handler: Handler = refuse_network, mirrors: tuple[MirrorConfig, ...] = ()) -> Fetcher:
    return Fetcher(httpx.AsyncClient(transport=httpx.MockTransport(handler)), mirrors)


def run_collect(
    sources: list[SourceConfig],
    fetch: Fetcher,
    window: tuple[datetime, datetime] = (NOW - timedelta(days=7), NOW),
) -> Collection:
    """run_collect() from synchronous test code."""
    return asyncio.run(collect(sources, fetch, Window(*window)))


def read_source(source: SourceConfig, fetch: Fetcher, now: datetime) -> tuple[list[Article], list[Problem]]:
    """Every item of one source, whatever its date, with the problems met."""
    found = run_collect([source], fetch, (datetime(1970, 1, 1, tzinfo=UTC), now + timedelta(days=365)))
    return list(found.articles), list(found.problems)


def fetch_url(fetch: Fetcher, url: str) -> Fetched:
    return asyncio.run(fetch.url(url))


def demo_mirror(site: Path) -> MirrorConfig:
    return MirrorConfig(url=MERIDIAN, dir=str(site))


def demo_fetcher(site: Path) -> Fetcher:
    return fetcher(refuse_network, (demo_mirror(site),))


def parse(body: bytes, url: str = "https://news.example/feed.xml") -> list:
    return parse_feed(Fetched(url, body), url, NOW)


# --------------------------------------------------------------------------- feed formats


def test_rss_items_become_articles_with_canonical_urls_utc_dates_sections_and_images() -> None:
    first, second = parse(RSS)

    assert first.title == "Ferries & fares"
    assert first.url == "https://news.example/world/ferries?id=7"
    assert first.published == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    assert first.published.utcoffset() == timedelta(0)
    assert first.section == "Europe"
    assert first.summary == "The first ferry in years."
    assert first.image_url == "https://news.example/images/ferries.jpg"
    assert second.url == "https://news.example/world/grain"
    assert second.published == datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
    assert second.section == ""
    assert second.image_url == "https://cdn.example/grain.jpg"


def _categorised(category: str, prolog: str = "") -> bytes:
    return (
        f"{prolog}<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>"
        f"<item><title>A</title><link>https://news.example/a</link><category>{category}</category>"
        "</item></channel></rss>"
    ).encode()


@pytest.mark.parametrize(
    ("category", "section"),
    [
        ("Society &amp; Culture", "Society & Culture"),
        ("Arts, Culture", "Arts, Culture"),  # a name with a comma
        ("AC/DC", "AC/DC"),  # ... and with a slash
        ("Wissen,Heuschrecken,Ostafrika,Natur", "Wissen"),  # a podcast's keywords in one category
        ("Business/Industries/Publishing/Nonfiction/", "Nonfiction"),  # a directory's path
    ],
)
@pytest.mark.parametrize("prolog", ["", "\n"])  # a line before the XML declaration: read leniently
def test_an_items_first_category_names_its_section(category: str, section: str, prolog: str) -> None:
    (item,) = parse(_categorised(category, prolog))

    assert item.section == section


def test_atom_entries_become_articles_with_plain_titles_and_utc_dates() -> None:
    (entry,) = parse(ATOM, "https://atom.example/atom.xml")

    assert entry.title == "Salt in the delta"
    assert entry.url == "https://atom.example/asia/salt"
    assert entry.published == datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    assert entry.published.tzinfo is not None
    assert entry.section == "Asia"
    assert entry.author == "Lena Okafor"
    assert entry.summary == "Rice farmers measure salt."


def test_json_feed_items_become_articles_and_items_without_a_link_are_skipped() -> None:
    articles = parse(JSON_FEED, "https://json.example/feed.json")

    assert len(articles) == 1
    (item,) = articles
    assert item.url == "https://json.example/economy/banks"
    assert item.title == "A boring year"
    assert item.published == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    assert item.section == "Economy"
    assert item.author == "Ada Lovel"
    assert item.image_url == "https://json.example/images/banks.png"
    assert item.summary == "Central bankers want calm."


def test_entry_without_a_date_is_dated_now() -> None:
    (article,) = parse(rss(("Undated", "https://news.example/undated", None)))

    assert article.published == NOW


def test_demo_rss_and_atom_feeds_give_the_same_articles(demo_site: Path) -> None:
    from_rss = parse((demo_site / "feed.xml").read_bytes())
    from_atom = parse((demo_site / "atom.xml").read_bytes())

    assert len(from_rss) == len(DEMO_ARTICLES) == 14
    assert {a.url for a in from_rss} == {a.url for a in from_atom}
    assert {a.url for a in from_rss} == {f"{MERIDIAN}articles/{slug}.html" for slug in DEMO_ARTICLES}
    by_url = {a.url: a for a in from_atom}
    for article in from_rss:
        assert article.published == by_url[article.url].published
        assert article.section == by_url[article.url].section
        assert article.published.tzinfo is not None


# --------------------------------------------------------------------------- window and duplicates


def test_only_articles_inside_the_window_are_kept_newest_first(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(
        rss(
            ("Week old", "https://news.example/a", NOW - timedelta(days=6)),
            ("Too old", "https://news.example/b", NOW - timedelta(days=8)),
            ("Fresh", "https://news.example/c", NOW - timedelta(hours=1)),
            ("At the start", "https://news.example/d", WEEK[0]),
            ("From the future", "https://news.example/e", NOW + timedelta(hours=2)),
        )
    )

    collection = run_collect([SourceConfig(url=str(feed))], fetcher(), WEEK)

    # A date still to come is a feed's mistake (local time written as UTC): the item counts from now.
    assert [a.title for a in collection.articles] == ["From the future", "Fresh", "Week old"]
    assert collection.articles[0].published == NOW
    assert collection.problems == ()
    assert (collection.window_start, collection.window_end) == WEEK


def test_demo_feed_gives_the_eleven_articles_of_the_last_seven_days(demo_site: Path) -> None:
    collection = run_collect([SourceConfig(url=str(demo_site / "feed.xml"))], fetcher(), WEEK)

    assert len(collection.articles) == 11
    assert all(WEEK[0] < a.published <= NOW for a in collection.articles)
    dates = [a.published for a in collection.articles]
    assert dates == sorted(dates, reverse=True)


def test_same_article_in_two_feeds_is_collected_once(demo_site: Path) -> None:
    sources = [SourceConfig(url=str(demo_site / "feed.xml")), SourceConfig(url=str(demo_site / "atom.xml"))]

    collection = run_collect(sources, fetcher(), WEEK)

    assert len(collection.articles) == 11
    assert len({a.url for a in collection.articles}) == 11


def test_tracking_parameters_host_case_and_trailing_slash_do_not_make_a_new_article(tmp_path: Path) -> None:
    one = tmp_path / "one.xml"
    two = tmp_path / "two.xml"
    day = NOW - timedelta(days=1)
    one.write_bytes(
        rss(
            ("Story", "https://news.example/world/story", day),
            ("Other", "https://news.example/world/other", day),
        )
    )
    two.write_bytes(
        rss(
            (
                "Story again",
                "https://NEWS.Example/world/story/?utm_source=x&amp;utm_campaign=y&amp;fbclid=z",
                day,
            ),
            ("Story thrice", "https://news.example/world/story#comments", day),
        )
    )

    collection = run_collect([SourceConfig(url=str(one)), SourceConfig(url=str(two))], fetcher(), WEEK)

    assert sorted(a.url for a in collection.articles) == [
        "https://news.example/world/other",
        "https://news.example/world/story",
    ]
    assert "Story" in {a.title for a in collection.articles}


@pytest.mark.parametrize(
    "variant",
    [
        "https://news.example/world/story",
        "https://NEWS.EXAMPLE/world/story",
        "HTTPS://news.example/world/story",
        "https://news.example/world/story/",
        "https://news.example:443/world/story",
        "https://news.example/world/story?utm_source=newsletter&utm_medium=email",
        "https://news.example/world/story?fbclid=IwAR0abc",
        "https://news.example/world/story?gclid=1&mc_cid=2&ref=home",
        "https://news.example/world/story#comments",
        "  https://news.example/world/story/?utm_campaign=x#top  ",
    ],
)
def test_canonical_url_folds_variants_of_the_same_article(variant: str) -> None:
    assert canonical_url(variant) == canonical_url("https://news.example/world/story")


def test_canonical_url_keeps_parameters_that_name_the_article() -> None:
    url = canonical_url("https://news.example/story?id=7&utm_source=x&page=2")

    assert url == "https://news.example/story?id=7&page=2"
    assert canonical_url("https://news.example/story?id=8") != canonical_url(
        "https://news.example/story?id=7"
    )


def test_canonical_url_keeps_a_parameter_without_a_value_as_it_is_written() -> None:
    # SPIP names its articles so: "?article8532=" is another address
    assert (
        canonical_url("http://news.example/spip.php?article8532")
        == "http://news.example/spip.php?article8532"
    )
    assert (
        canonical_url("https://news.example/story?id=&utm_medium&page=2")
        == "https://news.example/story?id=&page=2"
    )


def test_canonical_url_keeps_a_non_default_port() -> None:
    assert canonical_url("http://news.example:8080/a/") == "http://news.example:8080/a"
    assert canonical_url("http://news.example:80/a") == "http://news.example/a"


# --------------------------------------------------------------------------- fetching and mirrors


def test_mirror_reads_urls_under_its_base_from_the_folder(tmp_path: Path) -> None:
    (tmp_path / "site" / "articles").mkdir(parents=True)
    (tmp_path / "site" / "articles" / "a.html").write_text("<p>mirrored</p>")
    (tmp_path / "site" / "index.html").write_text("<p>front page</p>")
    mirror = MirrorConfig(url="https://mirror.example/", dir=str(tmp_path / "site"))
    fetch = fetcher(refuse_network, (mirror,))

    assert fetch_url(fetch, "https://mirror.example/articles/a.html").body == b"<p>mirrored</p>"
    assert fetch_url(fetch, "https://mirror.example/").body == b"<p>front page</p>"
    assert (
        fetch_url(fetch, "https://mirror.example/articles/a.html").url
        == "https://mirror.example/articles/a.html"
    )


def test_mirror_with_a_base_path_maps_below_that_path(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.html").write_text("<p>mirrored</p>")
    mirror = MirrorConfig(url="https://mirror.example/magazine/", dir=str(tmp_path / "site"))

    assert (
        fetch_url(fetcher(refuse_network, (mirror,)), "https://mirror.example/magazine/a.html").body
        == b"<p>mirrored</p>"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://mirror.example/../secret.txt",
        "https://mirror.example/articles/../../secret.txt",
        "https://mirror.example/%2e%2e/secret.txt",
        "https://mirror.example/..%2fsecret.txt",
    ],
)
def test_mirror_refuses_paths_that_escape_its_folder(tmp_path: Path, url: str) -> None:
    (tmp_path / "site" / "articles").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("not for the newsletter")
    mirror = MirrorConfig(url="https://mirror.example/", dir=str(tmp_path / "site"))

    with pytest.raises(SourceError) as caught:
        fetch_url(fetcher(refuse_network, (mirror,)), url)

    assert "outside the mirrored folder" in caught.value.reason


@pytest.mark.parametrize("link", ["file:///etc/passwd", "ftp://news.example/a", "javascript:alert(1)"])
def test_page_links_with_other_schemes_are_refused(link: str) -> None:
    with pytest.raises(SourceError) as caught:
        fetch_url(fetcher(), link)

    assert "http" in caught.value.reason


def test_feed_entry_linking_to_a_local_file_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.html"
    secret.write_text(
        "<html><body><article><p>Private words that must stay here.</p></article></body></html>"
    )
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss(("Sneaky", secret.as_uri(), NOW - timedelta(hours=1))))

    feed.write_bytes(
        rss(
            ("Sneaky", secret.as_uri(), NOW - timedelta(hours=1)),
            ("Relative", "secret.html", NOW - timedelta(hours=1)),
            ("Fine", "https://news.example/fine", NOW - timedelta(hours=1)),
        )
    )

    articles, problems = read_source(SourceConfig(url=str(feed), pages=False), fetcher(), NOW)

    # Links that are not web addresses never become articles, so no page is ever read from them;
    # a relative link resolves against the feed's own web address, never against the folder it is in.
    assert [(a.title, a.url) for a in articles] == [
        ("Relative", "https://news.example/secret.html"),
        ("Fine", "https://news.example/fine"),
    ]
    assert problems == []


def test_http_fetch_sends_a_user_agent_and_returns_the_body() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=RSS, headers={"content-type": "application/rss+xml"})

    fetched = asyncio.run(fetcher(handle).feed("https://news.example/feed.xml"))

    assert fetched.body == RSS
    assert fetched.content_type == "application/rss+xml"
    assert "digest-mailer" in seen[0].headers["user-agent"]


# --------------------------------------------------------------------------- broken sources


@pytest.mark.parametrize(
    "answer",
    [
        404,
        500,
        b"<html><head><title>Home</title></head><body><p>Not a feed at all.</p></body></html>",
        b"<rss version='2.0'><channel><item><title>Cut off mid-",
        b'{"hello": "world"}',
        b'{"version": "https://jsonfeed.org/version/1.1", "items": null}',
    ],
    ids=["http-404", "http-500", "html-page", "truncated-xml", "json-not-a-feed", "json-items-null"],
)
def test_broken_feed_becomes_a_problem_and_the_other_sources_still_count(answer: bytes | int) -> None:
    broken = "https://broken.example/feed.xml"
    good = "https://news.example/feed.xml"
    day = NOW - timedelta(days=1)
    fetch = fetcher(routes({broken: answer, good: rss(("Fine", "https://news.example/fine", day))}))

    collection = run_collect([SourceConfig(url=broken), SourceConfig(url=good)], fetch, WEEK)

    assert [a.title for a in collection.articles] == ["Fine"]
    assert [p.source for p in collection.problems] == [broken]
    assert collection.problems[0].reason


def test_missing_feed_file_becomes_a_problem_naming_the_path(tmp_path: Path, demo_site: Path) -> None:
    missing = str(tmp_path / "gone" / "feed.xml")

    collection = run_collect(
        [SourceConfig(url=missing), SourceConfig(url=str(demo_site / "feed.xml"))], fetcher(), WEEK
    )

    assert len(collection.articles) == 11
    assert len(collection.problems) == 1
    assert collection.problems[0].source == missing
    assert "not found" in collection.problems[0].reason


def test_valid_feed_without_items_gives_no_articles_and_no_problem() -> None:
    empty = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Quiet</title>'
        b"<link>https://news.example/</link><description>Nothing yet</description></channel></rss>"
    )
    fetch = fetcher(routes({"https://news.example/feed.xml": empty}))

    articles, problems = read_source(SourceConfig(url="https://news.example/feed.xml"), fetch, NOW)

    assert (articles, problems) == ([], [])


def test_page_that_fails_to_load_keeps_the_feed_article_and_reports_a_problem() -> None:
    feed_url = "https://news.example/feed.xml"
    day = NOW - timedelta(days=1)
    body = rss(("Kept", "https://news.example/kept", day), ("Read", "https://news.example/read", day))
    page = (
        b"<html><head><meta property='article:section' content='World'></head><body><article>"
        b"<p>The page of this article loads fine and says a good deal more than its feed entry did.</p>"
        b"</article></body></html>"
    )
    fetch = fetcher(
        routes({feed_url: body, "https://news.example/kept": 503, "https://news.example/read": page})
    )

    collection = run_collect([SourceConfig(url=feed_url, pages=True)], fetch, WEEK)

    by_title = {a.title: a for a in collection.articles}
    assert set(by_title) == {"Kept", "Read"}
    assert by_title["Kept"].paragraphs == ()
    assert by_title["Kept"].url == "https://news.example/kept"
    assert by_title["Read"].section == "World"
    assert by_title["Read"].paragraphs
    assert [p.source for p in collection.problems] == ["https://news.example/kept"]
    assert "503" in collection.problems[0].reason


# --------------------------------------------------------------------------- article pages


def demo_page(site: Path, slug: str):
    url = f"{MERIDIAN}articles/{slug}.html"
    return extract_page((site / "articles" / f"{slug}.html").read_bytes(), url)


@pytest.mark.parametrize("slug", sorted(s for s, a in DEMO_ARTICLES.items() if a.get("image")))
def test_demo_page_lead_image_is_an_absolute_https_url_that_the_mirror_holds(
    demo_site: Path, slug: str
) -> None:
    page = demo_page(demo_site, slug)

    assert page.image_url == f"{MERIDIAN}images/{DEMO_ARTICLES[slug]['image']}"
    assert (demo_site / "images" / DEMO_ARTICLES[slug]["image"]).is_file()
    assert page.image_alt == DEMO_ARTICLES[slug]["image_alt"]


@pytest.mark.parametrize("slug", ["central-banks-boring-year", "hollin-tea-direct-trade"])
def test_demo_page_without_an_image_has_no_image_or_credit(demo_site: Path, slug: str) -> None:
    page = demo_page(demo_site, slug)

    assert (page.image_url, page.image_credit) == ("", "")


@pytest.mark.parametrize(
    ("lazy_attributes", "shown"),
    [
        ('data-src="/images/lead.jpg"', "lead.jpg"),
        ('data-lazy-src="/images/lead.jpg"', "lead.jpg"),
        ('data-srcset="/images/lead.jpg 600w, /images/lead-2x.jpg 1200w"', "lead-2x.jpg"),  # the widest
    ],
)
def test_lazy_lead_image_without_og_image_is_resolved_to_an_absolute_url(
    lazy_attributes: str, shown: str
) -> None:
    html = (
        '<html><head><title>T</title></head><body><header><img src="/logo.png" alt="Logo"></header>'
        "<article><h1>Lazy</h1><figure>"
        f'<img class="lazy" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" {lazy_attributes} alt="Harbour">'
        "<figcaption>Boats in the harbour.</figcaption></figure>"
        "<p>The harbour opened at dawn and the first boats left for the fishing grounds before sunrise.</p>"
        "</article></body></html>"
    )

    page = extract_page(html, "https://news.example/world/lazy.html")

    assert page.image_url == f"https://news.example/images/{shown}"
    assert page.image_alt == "Harbour"


@pytest.mark.parametrize(
    "slug", ["kessan-strait-ferries", "lessenia-night-train", "island-hurricane-insurance"]
)
def test_demo_lazy_pages_still_give_the_lead_image(demo_site: Path, slug: str) -> None:
    html = (demo_site / "articles" / f"{slug}.html").read_text()
    assert "data-src=" in html

    assert demo_page(demo_site, slug).image_url == f"{MERIDIAN}images/{DEMO_ARTICLES[slug]['image']}"


@pytest.mark.parametrize("slug", sorted(s for s, a in DEMO_ARTICLES.items() if a.get("credit")))
def test_demo_page_credit_is_found_in_the_caption_or_as_a_credit_paragraph(
    demo_site: Path, slug: str
) -> None:
    page = demo_page(demo_site, slug)

    assert page.image_credit == clean_credit(DEMO_ARTICLES[slug]["credit"])  # the label is the template's
    assert page.image_caption == DEMO_ARTICLES[slug]["caption"]
    assert page.image_credit not in page.image_caption


@pytest.mark.parametrize("slug", sorted(DEMO_ARTICLES))
def test_demo_page_section_paragraphs_and_canonical_url(demo_site: Path, slug: str) -> None:
    page = demo_page(demo_site, slug)
    source = DEMO_ARTICLES[slug]

    assert page.section == source["section"]
    assert page.canonical == f"{MERIDIAN}articles/{slug}.html"
    assert source["paragraphs"][0] in page.paragraphs
    assert source["paragraphs"][-1] in page.paragraphs
    assert not any("newsletter" in p.lower() and "sign up" in p.lower() for p in page.paragraphs)
    assert not any("cookies" in p for p in page.paragraphs)


def test_demo_pages_have_newsletter_prompts_that_extraction_leaves_out(demo_site: Path) -> None:
    with_prompt = [
        slug
        for slug in DEMO_ARTICLES
        if '<aside class="newsletter-prompt">' in (demo_site / "articles" / f"{slug}.html").read_text()
    ]

    assert len(with_prompt) == 12
    for slug in with_prompt:
        assert not any("Sign up" in p for p in demo_page(demo_site, slug).paragraphs)


def test_empty_page_gives_empty_page_info() -> None:
    page = extract_page(b"", "https://news.example/empty")

    assert (page.paragraphs, page.image_url, page.section, page.canonical) == ((), "", "", "")


def test_collecting_the_demo_through_the_mirror_enriches_every_article(demo_site: Path) -> None:
    source = SourceConfig(url=str(demo_site / "feed.xml"), pages=True, mirror=demo_mirror(demo_site))

    collection = run_collect([source], demo_fetcher(demo_site), WEEK)

    assert collection.problems == ()
    assert len(collection.articles) == 11
    for article in collection.articles:
        slug = article.url.removeprefix(f"{MERIDIAN}articles/").removesuffix(".html")
        expected = DEMO_ARTICLES[slug]
        assert article.section == expected["section"]
        assert article.paragraphs
        assert expected["paragraphs"][0] in article.paragraphs
        assert article.image_credit == clean_credit(expected.get("credit", ""))
        assert article.summary == expected["dek"]
        if expected.get("image"):
            assert article.image_url.startswith("https://")


def _canonical_page(request: httpx.Request) -> httpx.Response:
    """Every page says it is https://news.example/a, whatever address it was reached by."""
    body = (
        '<html><head><title>A</title><link rel="canonical" href="https://news.example/a"></head>'
        "<body><article><h1>A</h1><p>The ferry resumed on Monday after a week of storms kept it in port, "
        "and islanders queued at dawn for the first crossing.</p></article></body></html>"
    )
    return httpx.Response(200, text=body, headers={"content-type": "text/html"})


def test_two_addresses_of_one_page_are_collected_once_by_the_pages_canonical_url(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    day = NOW - timedelta(days=1)
    feed.write_bytes(
        rss(("A", "https://news.example/a?id=1", day), ("A (AMP)", "https://news.example/amp/a", day))
    )
    found = run_collect([SourceConfig(url=str(feed), pages=True)], fetcher(_canonical_page))
    assert [a.url for a in found.articles] == ["https://news.example/a"]
    assert [s.reason.startswith("duplicate") for s in found.skipped] == [True]


def test_a_page_whose_canonical_url_was_sent_before_stays_out(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss(("A", "https://news.example/a?id=1", NOW - timedelta(days=1))))
    sources = [SourceConfig(url=str(feed), pages=True)]
    found = asyncio.run(
        collect(
            sources,
            fetcher(_canonical_page),
            Window(NOW - timedelta(days=7), NOW),
            sent={"https://news.example/a": "weekly-1"},
        )
    )
    assert not found.articles
    assert [s.reason for s in found.skipped] == ["already sent (issue weekly-1)"]
