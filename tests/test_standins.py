"""Pages that stand in for an article: error pages and bot checks keep the feed's own text."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from conftest import digest
from hostile.test_feed_items import collected_through
from test_fetching import DAY

from digest.collect.pages import PageInfo, extract_page
from digest.collect.standins import stand_in

ITEM = "Ferries return to the strait after eleven years"
URL = "https://news.example/world/ferries.html"


def page(title: str, h1: str = "", text: str = "") -> str:
    body = (f"<h1>{h1}</h1>" if h1 else "") + (f"<p>{text}</p>" if text else "")
    return f"<html><head><title>{title}</title></head><body><main>{body}</main></body></html>"


STAND_INS = {
    "soft 404": page(
        "Page not found | The Example Times",
        "Sorry, we couldn't find that page",
        "The page you were looking for may have been moved, deleted, or possibly never existed.",
    ),
    "404 title": page("404 - The Example Times", "", "Try our search, or start again from our homepage."),
    "gone": page("The Example Times", "This article is no longer available", "Read our latest stories."),
    "cloudflare": page("Just a moment...", "", "Checking if the site connection is secure"),
    "cloudflare, old": page("Attention Required! | Cloudflare", "Sorry, you have been blocked"),
    "akamai": page(
        "Access Denied",
        "Access Denied",
        'You don\'t have permission to access "http://news.example/world/ferries.html" on this server.',
    ),
    "perimeterx": page("Access to this page has been denied.", "", "Please verify you are a human."),
    "distil": page("Pardon Our Interruption", "Pardon Our Interruption", "As you were browsing something"),
    "incapsula": page("", "", "Request unsuccessful. Incapsula incident ID: 123000450012345678-901"),
    "german": page("Seite nicht gefunden - Beispiel Zeitung", "Seite nicht gefunden"),
    "french": page("Page introuvable | Le Journal", "Page introuvable"),
}


@pytest.mark.parametrize("shape", list(STAND_INS))
def test_an_error_page_or_a_bot_check_stands_in_for_the_article(shape: str) -> None:
    assert stand_in(extract_page(STAND_INS[shape], URL), ITEM)


@pytest.mark.parametrize(
    ("headline", "text", "item"),
    [
        # a headline that reads like an error page, about what its item is about
        (
            "Error 404: the ferries the strait's timetable forgot",
            "The harbour authority left them out.",
            ITEM,
        ),
        (
            "Access denied: islanders lose their ferry passes",
            "The council ended the passes on Monday.",
            "Islanders lose their ferry passes",
        ),
        # a first paragraph that says so, in an article's length
        (
            "Islanders wait for the first crossing",
            "The site of the old quay is no longer available to the fishing fleet, which has moored at "
            "the north beach since the storms of last winter damaged the sea wall in three places, and "
            "the council has promised a temporary pier before the herring season opens in the spring.",
            ITEM,
        ),
    ],
)
def test_an_article_that_uses_the_same_words_is_read(headline: str, text: str, item: str) -> None:
    assert not stand_in(extract_page(page(headline, headline, text), URL), item)


def test_a_page_of_nothing_but_a_title_is_no_stand_in() -> None:
    assert not stand_in(PageInfo(), ITEM)


def _feed(link: str, text: str) -> bytes:
    item = f"<item><title>{ITEM}</title><link>{link}</link><description>{text}</description>"
    item += f"<pubDate>{DAY.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate></item>"
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{item}</channel></rss>'.encode()


def test_an_item_whose_page_is_an_error_page_keeps_its_feed_text_and_says_why() -> None:
    # A site answers 200 with its "not found" template for a story it moved: read as the article, it
    # put "The page you were looking for may have been moved" in the issue.
    text = "The first ferry in eleven years crossed the strait on Tuesday, to applause from both quays."

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/feed.xml":
            return httpx.Response(200, content=_feed(URL, text))
        return httpx.Response(
            200, content=STAND_INS["soft 404"].encode(), headers={"content-type": "text/html"}
        )

    found = collected_through(handle, "https://news.example/feed.xml")
    (article,) = found.articles
    assert (article.title, article.paragraphs, article.summary, article.url) == (ITEM, (), text, URL)
    reason = (
        "page not read, using the feed's text: it reads as an error page or a bot check"
        " ('Sorry, we couldn't find that page')"
    )
    assert [p.reason for p in found.problems] == [reason]


@pytest.mark.parametrize(
    ("home", "sent_home"),
    [("https://news.example/", True), ("https://news.example", True), ("https://news.example/?p=12", False)],
)
def test_an_item_whose_link_leads_to_the_front_page_keeps_its_feed_text(home: str, sent_home: bool) -> None:
    # A removed story redirects its readers home: the front page's headlines were read as its text.
    text = "The first ferry in eleven years crossed the strait on Tuesday, to applause from both quays."
    front = page("The Example Times", "Today's news", "The council meets on Thursday to vote on the budget.")

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/feed.xml":
            return httpx.Response(200, content=_feed(URL, text))
        if request.url.path == "/world/ferries.html":
            return httpx.Response(301, headers={"location": home})
        return httpx.Response(200, content=front.encode(), headers={"content-type": "text/html"})

    found = collected_through(handle, "https://news.example/feed.xml")
    (article,) = found.articles
    assert (article.paragraphs == ()) is sent_home
    why = f"it led to the site's front page ({home}): the article may have moved or gone"
    reasons = [p.reason for p in found.problems]
    assert reasons == ([f"page not read, using the feed's text: {why}"] if sent_home else [])


def test_digest_teaser_warns_that_a_page_reads_as_an_error_page(tmp_path: Path) -> None:
    (tmp_path / "ferries.html").write_text(STAND_INS["cloudflare"])
    result = digest(tmp_path, "teaser", "ferries.html")
    assert result.returncode == 0, result.stderr
    assert "Warning: the page reads as an error page or a bot check ('Just a moment...')" in result.stderr
