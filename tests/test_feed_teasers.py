"""Feed-only teasers: paragraphs at block boundaries, feed tails, the lead image, links and tracking."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import NOW, digest

from digest.collect.canonical import canonical_url
from digest.collect.feeds import FeedReport, parse_feed, read_entries
from digest.collect.fetch import Fetched
from digest.config import TeaserConfig
from digest.ledes import ledes, teaser
from digest.models import Article

FEED_URL = "https://news.example/feed.xml"
LEDE = "The first ferry in twenty years left the harbour on Tuesday, carrying trucks and their drivers."
SECOND = "Officials said the crossing would run twice a day until the spring, weather permitting."
MRSS = 'xmlns:media="http://search.yahoo.com/mrss/"'
CONTENT = 'xmlns:content="http://purl.org/rss/1.0/modules/content/"'


def rss_item(inner: str, link: str = "https://news.example/world/ferries", channel_link: str = "") -> bytes:
    """A one-item RSS 2.0 feed; ``inner`` is the item's XML beside its title and link."""
    channel = f"<link>{channel_link}</link>" if channel_link else ""
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" {MRSS} {CONTENT}><channel>'
        f"<title>News</title>{channel}<item><title>Ferries</title><link>{link}</link>{inner}</item>"
        "</channel></rss>"
    ).encode()


def cdata(name: str, html: str) -> str:
    return f"<{name}><![CDATA[{html}]]></{name}>"


def read(body: bytes, url: str = FEED_URL) -> FeedReport:
    return read_entries(Fetched(url, body), url, NOW)


def only(body: bytes, url: str = FEED_URL) -> Article:
    (article,) = read(body, url).articles
    return article


def feed_teaser(article: Article) -> tuple[str, ...]:
    """The teaser digest writes for a feed-only item (a source with pages = false)."""
    return teaser(article, TeaserConfig()).paragraphs


# --------------------------------------------------------------------------- paragraph breaks


@pytest.mark.parametrize(
    "html",
    [
        f"<p>{LEDE}</p><p>{SECOND}</p>",
        f"<div>{LEDE}</div><div>{SECOND}</div>",
        f"{LEDE}<br><br>{SECOND}",
        f"<p>{LEDE}<br/> <br/>{SECOND}</p>",
        f"{LEDE}<p>{SECOND}</p>",
        f"<h2>{LEDE}</h2><ul><li>{SECOND}</li></ul>",
    ],
)
def test_block_elements_and_double_line_breaks_in_content_become_paragraphs(html: str) -> None:
    article = only(rss_item(cdata("content:encoded", html)))

    assert article.paragraphs == (LEDE, SECOND)


def test_description_paragraphs_stay_apart_in_the_summary_and_the_feed_only_teaser() -> None:
    article = only(rss_item(cdata("description", f"<p>{LEDE}</p><p>{SECOND}</p>")))

    assert article.summary == f"{LEDE}\n\n{SECOND}"
    assert feed_teaser(article) == (LEDE, SECOND)
    assert "weather permitting.The" not in " ".join(feed_teaser(article))


STANDFIRST = (
    "Everything you need to know about the ferry strike, the talks and the timetable, plus the latest news"
)


def test_a_standfirst_without_a_full_stop_is_the_feed_only_teaser_whole() -> None:
    # Publishers write the line under a headline without one, and many feeds (podcasts) carry nothing else.
    article = only(rss_item(cdata("description", f"<p>{STANDFIRST}</p>")))

    assert feed_teaser(article) == (STANDFIRST,)


@pytest.mark.parametrize(
    ("summary", "why"),
    [
        ("Everything you need to know about the ferry strike", "too short: a label or a slogan"),
        (f"{STANDFIRST} \u2014", "cut to a length, at a dash"),
        (f"{STANDFIRST} and the", "cut to a length, at a word that never ends a line"),
        (f"{STANDFIRST},", "cut to a length, at a comma"),
        (f"everything you need to know {STANDFIRST}", "starts mid-sentence"),
        ("Sign up to our newsletter to get everything you need to know about the ferry strike", "furniture"),
    ],
)
def test_a_summary_line_that_is_no_standfirst_gives_no_teaser(summary: str, why: str) -> None:
    # As a page's description gives it: a feed's own text has its cut marks made an ellipsis before.
    article = Article(
        url="https://news.example/1", title="Ferries", published=NOW, source="feed", summary=summary
    )

    assert feed_teaser(article) == (), why


def test_only_the_summarys_first_line_can_be_its_standfirst() -> None:
    # "Imagine if this was Bernie" / "Sign up …" / a shop's promotion: the promotion is no standfirst.
    lines = ["Ferries at last", f"Visit the shop, where {STANDFIRST.lower()}"]
    article = only(rss_item(cdata("description", "".join(f"<p>{line}</p>" for line in lines))))

    assert feed_teaser(article) == ()


def test_a_standfirst_the_site_gives_every_item_is_its_slogan() -> None:
    items = [
        Article(
            url=f"https://news.example/{n}",
            title=f"Ferry {n}",
            published=NOW,
            source="feed",
            summary=STANDFIRST,
        )
        for n in range(4)
    ]

    assert [t.paragraphs for t in ledes(items, TeaserConfig())] == [()] * 4
    assert teaser(items[0], TeaserConfig()).paragraphs == (STANDFIRST,)  # alone, it is the item's own


@pytest.mark.parametrize("embed", ["twitter-tweet", "instagram-media", "bluesky-embed"])
def test_a_post_embedded_from_a_social_network_is_not_the_items_text(embed: str) -> None:
    post = (
        f'<blockquote class="{embed}"><p>Big news today! The ferry is back.</p>&mdash; Jo (@jo)</blockquote>'
    )
    article = only(rss_item(cdata("content:encoded", f"{post}<p>{LEDE}</p>")))

    assert article.paragraphs == (LEDE,)


def test_a_pull_quote_is_the_article_set_out_again_not_its_next_paragraph() -> None:
    quote = '<blockquote class="pullquote"><p>It is back, and it is ours.</p></blockquote>'
    article = only(rss_item(cdata("content:encoded", f"<p>{LEDE}</p>{quote}<p>{SECOND}</p>")))

    assert article.paragraphs == (LEDE, SECOND)


def test_a_newsletter_platforms_subscribe_box_is_not_the_items_text() -> None:
    box = (
        '<div class="subscription-widget-wrap"><div class="preamble"><p>Thanks for reading, friends.'
        " The next letter lands on Friday morning, as it always does.</p></div></div>"
    )
    article = only(rss_item(cdata("content:encoded", f"<p>{LEDE}</p>{box}<p>{SECOND}</p>")))

    assert article.paragraphs == (LEDE, SECOND)


def test_a_footnotes_mark_in_the_content_does_not_unmake_the_sentence() -> None:
    html = f"<p>{LEDE[:-1]}.<a class='footnote-anchor' href='#footnote-1'>1</a></p><p>{SECOND}</p>"

    assert only(rss_item(cdata("content:encoded", html))).paragraphs == (LEDE, SECOND)


def test_an_image_between_two_words_leaves_a_space() -> None:
    html = f"<p>{LEDE}<img src='/e/ship.png' alt='ship'>{SECOND}</p>"

    assert only(rss_item(cdata("content:encoded", html))).paragraphs == (f"{LEDE} {SECOND}",)


def test_a_single_line_break_is_a_space_not_a_paragraph_or_a_glue() -> None:
    article = only(rss_item(cdata("description", "Across the strait<br>by night.")))

    assert article.summary == "Across the strait by night."


def test_atom_content_divs_become_paragraphs() -> None:
    atom = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
        '<entry><title>Salt</title><link href="https://atom.example/salt"/><id>salt</id>'
        f'<content type="html">&lt;div&gt;{LEDE}&lt;/div&gt;&lt;div&gt;{SECOND}&lt;/div&gt;</content>'
        "</entry></feed>"
    ).encode()

    assert only(atom).paragraphs == (LEDE, SECOND)


def test_atom_text_content_is_plain_text_split_at_blank_lines() -> None:
    # type="text": "<b>" is what the author wrote, and the blank lines are the paragraph breaks.
    body = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>News</title><entry><title>Ferries</title>'
        '<link href="https://news.example/world/ferries"/><id>1</id><updated>2026-11-30T10:00:00Z</updated>'
        f'<content type="text">If a &lt; b then &lt;b&gt; stays. {LEDE}\n\n{SECOND}</content>'
        f'<summary type="text">{SECOND}\n\n{LEDE}</summary></entry></feed>'
    ).encode()
    article = only(body)

    assert article.paragraphs == (f"If a < b then <b> stays. {LEDE}", SECOND)
    assert article.summary == f"{SECOND}\n\n{LEDE}"


def test_json_feed_content_html_becomes_paragraphs_and_its_image_is_kept() -> None:
    item = {
        "id": "1",
        "url": "https://json.example/banks",
        "title": "Banks",
        "content_html": f"<p>{LEDE}</p><p>{SECOND}</p>",
        "image": "https://json.example/banks.jpg",
    }
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [item]})

    article = only(body.encode(), "https://json.example/feed.json")

    assert article.paragraphs == (LEDE, SECOND)
    assert article.image_url == "https://json.example/banks.jpg"


def test_a_media_description_is_never_taken_for_the_article_text() -> None:
    media = '<media:content url="https://cdn.example/a.jpg"><media:description>A ferry</media:description>'
    article = only(rss_item(f"<description>{LEDE}</description>{media}</media:content>"))

    assert article.paragraphs == ()
    assert article.image_alt == "A ferry"


# --------------------------------------------------------------------------- feed tails


@pytest.mark.parametrize(
    "tail",
    [
        '<a href="https://news.example/world/ferries">Continue reading...</a>',
        '<p><a href="https://news.example/world/ferries">Continue reading <span>→</span></a></p>',
        "<p>Read more</p>",
        '<p><a href="https://news.example/world/ferries">Read more »</a></p>',
        '<p>The post <a href="https://news.example/world/ferries">Ferries</a> appeared first on '
        '<a href="https://news.example">Example News</a>.</p>',
        '<p><span>Related: </span><a href="https://news.example/grain">Grain by rail</a></p>',
        "<p>This article originally appeared on Example Wire.</p>",
        '<div class="feedflare"><a href="http://feeds.feedburner.com/~ff/x?a=1">Email this</a></div>'
        '<img src="http://feeds.feedburner.com/~r/x/~4/abc" height="1" width="1" alt=""/>',
        '<p><a href="https://news.example/world/ferries">Click here to read the full story.</a></p>',
        "<p>Ferries was originally published in Harbour Notes on Medium, where people are continuing the "
        "conversation by highlighting and responding to this story.</p>",
        # WordPress's line in its translations, its themes' footer, podcast and share prompts.
        '<p>Der Beitrag <a href="/f">Fähren</a> erschien zuerst auf <a href="/">Beispiel</a>.</p>',
        "<p>L\u2019article <a href='/f'>Ferries</a> est apparu en premier sur <a href='/'>Exemple</a>.</p>",
        '<p>La entrada <a href="/f">Ferris</a> se publicó primero en <a href="/">Ejemplo</a>.</p>',
        '<p>O post <a href="/f">Balsas</a> apareceu primeiro em <a href="/">Exemplo</a>.</p>',
        "<p>L'articolo <a href='/f'>Traghetti</a> proviene da <a href='/'>Esempio</a>.</p>",
        '<p>Het bericht <a href="/f">Veerboten</a> verscheen eerst op <a href="/">Voorbeeld</a>.</p>',
        '<p>This entry was posted in <a href="/c">News</a>. Bookmark the <a href="/f">permalink</a>.</p>',
        "<p>Listen on Apple Podcasts, Spotify or wherever you get your podcasts.</p>",
        "<p>Enjoyed this? Share it with a friend.</p>",
        "<p>[Read more...]</p>",
        "<p>The full article is available on our website.</p>",
        "<p>See the full post on our blog.</p>",
        "<p>Visit our website for more.</p>",
    ],
)
def test_feed_tails_are_removed_and_the_body_kept(tail: str) -> None:
    article = only(rss_item(cdata("description", f"<p>{LEDE}</p><p>{SECOND}</p>{tail}")))

    assert article.summary == f"{LEDE}\n\n{SECOND}"


@pytest.mark.parametrize(
    "ending",
    [
        " [&#8230;]",
        " […]",
        " [...]",
        ' <a href="https://news.example/world/ferries">Continue reading <span class="meta-nav">→</span></a>',
        '… <a href="https://news.example/world/ferries">Read more</a>',
    ],
)
def test_a_cut_mark_or_read_more_link_ending_the_last_paragraph_is_removed(ending: str) -> None:
    article = only(rss_item(cdata("description", f"<p>{LEDE} The crossing takes{ending}</p>")))

    assert article.summary == f"{LEDE} The crossing takes"
    assert feed_teaser(article) == (LEDE,)


@pytest.mark.parametrize(
    "body",
    [
        "Readers who want to read more about the strait can find the report at the harbour office.",
        f'{LEDE} You can <a href="https://news.example/report">read more</a>',
        "Continue reading the harbour master's report and you find that the ferry was twice refused a "
        "licence by the port authority, once in 2019 and once last year, for reasons that remain unclear, "
        "and that the operator appealed both times.",
        "The post office on the island first appeared on maps in 1820, long before the ferry did.",
        "Islanders share it with visitors, the harbour master said of the quay, and always have.",
        "The full story of the ferry is a long one, and the islanders tell it best.",
        "Visit the island in spring, when the ferry runs twice a day and the hotels reopen.",
        "See the full list of sailings below, with the fares for cars and for foot passengers.",
    ],
)
def test_body_prose_that_merely_mentions_reading_more_is_kept(body: str) -> None:
    article = only(rss_item(cdata("description", f"<p>{LEDE}</p><p>{body}</p>")))

    assert article.summary.split("\n\n")[-1] == body.replace(
        '<a href="https://news.example/report">read more</a>', "read more"
    )


def test_related_links_inside_the_body_are_left_to_the_teaser() -> None:
    html = f"<p>{LEDE}</p><p>Related: Grain by rail</p><p>{SECOND}</p>"
    article = only(rss_item(cdata("content:encoded", html)))

    assert article.paragraphs == (LEDE, "Related: Grain by rail", SECOND)
    assert feed_teaser(article) == (LEDE, SECOND)


# --------------------------------------------------------------------------- lead image


def test_the_widest_declared_image_is_chosen_with_its_credit_and_description() -> None:
    media = (
        '<media:content width="140" url="https://i.example/a.jpg?w=140">'
        "<media:credit>Photograph: Small/Agency</media:credit></media:content>"
        '<media:content width="460" url="https://i.example/a.jpg?w=460">'
        "<media:credit>Photograph: Jo Harbour/Agency</media:credit>"
        "<media:description>The ferry at dawn</media:description></media:content>"
        '<media:thumbnail url="https://i.example/a-thumb.jpg" width="120"/>'
    )
    article = only(rss_item(f"<description>{LEDE}</description>{media}"))

    assert article.image_url == "https://i.example/a.jpg?w=460"
    assert article.image_credit == "Photograph: Jo Harbour/Agency"
    assert article.image_alt == "The ferry at dawn"


def test_without_declared_widths_the_url_size_hint_decides() -> None:
    media = (
        '<media:content url="https://i.example/uploads/ferry-140x93.jpg" medium="image"/>'
        '<media:content url="https://i.example/uploads/ferry-1024x683.jpg" medium="image"/>'
        '<media:content url="https://i.example/uploads/ferry-300x200.jpg" medium="image"/>'
    )

    article = only(rss_item(f"<description>{LEDE}</description>{media}"))

    assert article.image_url == "https://i.example/uploads/ferry-1024x683.jpg"


def test_media_group_credit_and_title_describe_its_images() -> None:
    group = (
        "<media:group><media:title>Harbour at night</media:title>"
        "<media:credit>Jo Harbour</media:credit>"
        '<media:content url="https://i.example/w_320/a.jpg"/><media:content url="https://i.example/w_1280/a.jpg"/>'
        "</media:group>"
    )

    article = only(rss_item(f"<description>{LEDE}</description>{group}"))

    assert article.image_url == "https://i.example/w_1280/a.jpg"
    assert (article.image_credit, article.image_alt) == ("Jo Harbour", "Harbour at night")


def test_a_videos_whole_description_is_no_alt_for_its_thumbnail() -> None:
    described = f"{LEDE} Subscribe to our channel: https://video.example/coast"
    group = (
        "<media:group><media:title>Ferries return</media:title>"
        f"<media:description>{described}</media:description>"
        '<media:thumbnail url="https://i.example/vi/1/hqdefault.jpg" width="480" height="360"/></media:group>'
    )

    article = only(rss_item(f"<description>{LEDE}</description>{group}"))

    assert article.image_alt == "Ferries return"
    short = group.replace(described, "The ferry at dawn")
    assert only(rss_item(f"<description>{LEDE}</description>{short}")).image_alt == "The ferry at dawn"


def test_an_element_with_an_undeclared_prefix_costs_the_feed_nothing() -> None:
    # A recovering XML parser keeps "Rdf:li" as a tag name that lxml's QName refuses: read naively,
    # one such element stopped every item of its feed.
    media = (
        '<Rdf:li>odd</Rdf:li><media:content url="https://i.example/a.jpg">'
        "<media:credit>Jo Harbour</media:credit></media:content>"
    )

    article = only(rss_item(f"<description>{LEDE}</description>{media}"))

    assert (article.image_url, article.image_credit) == ("https://i.example/a.jpg", "Jo Harbour")


def test_a_full_image_of_unknown_size_beats_a_small_thumbnail() -> None:
    media = (
        '<media:thumbnail url="https://i.example/small.jpg" width="150"/>'
        '<enclosure url="https://i.example/full.jpg" type="image/jpeg" length="1"/>'
    )

    assert (
        only(rss_item(f"<description>{LEDE}</description>{media}")).image_url == "https://i.example/full.jpg"
    )


@pytest.mark.parametrize(
    "icon",
    [
        '<media:thumbnail url="https://avatars.example/u/1?s=30&amp;v=4" width="30" height="30"/>',
        '<media:thumbnail url="https://avatars.example/u/1?v=3&amp;s=60"/>',
        '<media:thumbnail url="https://blog.example/-abc/s72-c/photo.jpg"/>',
        '<media:content url="https://i.example/uploads/logo-96x96.png" medium="image"/>',
    ],
)
def test_an_avatar_or_icon_is_no_picture_of_the_item(icon: str) -> None:
    assert only(rss_item(f"<description>{LEDE}</description>{icon}")).image_url == ""


def test_beside_an_icon_the_items_picture_is_still_chosen() -> None:
    photo = '<media:content url="https://i.example/photo.jpg" medium="image"/>'
    avatar = '<media:thumbnail url="https://avatars.example/u/1?s=30" width="30"/>'
    small = '<media:thumbnail url="https://i.example/uploads/ferry-140x93.jpg"/>'

    def chosen(media: str) -> str:
        return only(rss_item(f"<description>{LEDE}</description>{media}")).image_url

    assert chosen(photo + avatar + small) == "https://i.example/photo.jpg"
    assert chosen(avatar + small) == "https://i.example/uploads/ferry-140x93.jpg"  # small, but a picture


def test_the_first_content_image_competes_by_its_width_and_pixels_are_ignored() -> None:
    html = (
        '<p><img src="http://feeds.feedburner.com/~r/x/~4/abc" width="1" height="1"/>'
        f'<img src="/img/ferry.jpg" width="800" alt="The ferry"/>{LEDE}</p>'
    )
    media = '<media:thumbnail url="https://i.example/t.jpg" width="200"/>'

    article = only(rss_item(cdata("content:encoded", html) + media))

    assert article.image_url == "https://news.example/img/ferry.jpg"
    assert article.image_alt == "The ferry"


WIDE = "https://news.example/wp-content/uploads/ferry-1200x800.jpg"
NARROW = "https://news.example/wp-content/uploads/ferry-300x200.jpg"


@pytest.mark.parametrize(
    "img",
    [
        # WordPress writes the post's image at a small size, its larger ones in srcset
        f'<img width="300" height="200" src="{NARROW}" srcset="{NARROW} 300w, {WIDE} 1200w">',
        # a lazy-loading theme: a placeholder in src, the image in data-src and data-srcset
        f'<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="{WIDE}">',
        f'<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-srcset="{NARROW} 300w, {WIDE} 1200w">',
    ],
)
def test_the_content_images_largest_and_lazy_loaded_sources_are_read_as_the_feed_wrote_them(img: str) -> None:
    # feedparser's sanitizer drops srcset and data-src: the feed's own markup is read for them.
    for item in (
        cdata("content:encoded", f"{img}<p>{LEDE}</p>"),
        cdata("description", f"{img}<p>{LEDE}</p>"),
    ):
        assert only(rss_item(item)).image_url == WIDE


@pytest.mark.parametrize(
    "html",
    [
        "<figure><img src='{src}'><figcaption>The ferry at dawn. Photo: Jo Doe/Reuters</figcaption></figure>",
        # WordPress's classic [caption] shortcode
        "<div class='wp-caption'><img src='{src}'><p class='wp-caption-text'>The ferry at dawn. "
        "Photo: Jo Doe/Reuters</p></div>",
    ],
)
def test_the_content_images_caption_gives_its_alt_and_credit(html: str) -> None:
    item = cdata("content:encoded", html.format(src=WIDE) + f"<p>{LEDE}</p>")
    article = only(rss_item(item))

    assert (article.image_url, article.image_alt, article.image_credit) == (
        WIDE,
        "The ferry at dawn.",
        "Jo Doe/Reuters",
    )


def test_the_same_picture_offered_twice_gets_the_captions_alt_and_credit() -> None:
    enclosure = (
        '<enclosure url="https://cdn.example/fetch/w_1456,f_auto/quay.jpeg" type="image/jpeg" length="0"/>'
    )
    figure = (
        '<figure><a href="https://cdn.example/quay.jpeg"><div class="inset"><picture>'
        '<img src="https://cdn.example/fetch/w_1456/quay.jpeg" width="1456" alt=""></picture></div></a>'
        "<figcaption>The quay at dawn. Photo: Jo Harbour</figcaption></figure>"
    )

    article = only(rss_item(f"{enclosure}{cdata('content:encoded', f'{figure}<p>{LEDE}</p>')}"))

    assert article.image_url == "https://cdn.example/fetch/w_1456,f_auto/quay.jpeg"  # the first of two equals
    assert (article.image_alt, article.image_credit) == ("The quay at dawn.", "Jo Harbour")


def test_a_caption_of_another_image_is_not_the_first_ones() -> None:
    second = f"<figure><img src='{NARROW}'><figcaption>A map</figcaption></figure>"
    html = f"<p><img src='{WIDE}'></p><p>{LEDE}</p>{second}"
    article = only(rss_item(cdata("content:encoded", html)))

    assert (article.image_url, article.image_alt) == (WIDE, "")


def test_an_atom_xhtml_contents_image_is_found() -> None:
    body = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>News</title><entry><title>Ferries</title>'
        '<link href="https://news.example/world/ferries"/><id>1</id><updated>2026-11-30T10:00:00Z</updated>'
        f'<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>{LEDE}</p>'
        f'<img src="{NARROW}" srcset="{WIDE} 1200w"/></div></content></entry></feed>'
    ).encode()

    assert only(body).image_url == WIDE


@pytest.mark.parametrize("src", ["data:image/png;base64,AAAA", "javascript:alert(1)"])
def test_only_web_images_are_taken(src: str) -> None:
    html = f'<p><img src="{src}" width="900"/>{LEDE}</p>'

    assert only(rss_item(cdata("content:encoded", html))).image_url == ""


# --------------------------------------------------------------------------- links


def test_a_feed_read_from_a_file_resolves_relative_links_against_its_own_link(tmp_path: Path) -> None:
    path = str(tmp_path / "feed.xml")
    body = rss_item(
        f"<description>{LEDE}</description>", link="world/ferries", channel_link="https://news.example/"
    )

    assert only(body, path).url == "https://news.example/world/ferries"


def test_an_atom_feed_with_only_a_self_link_resolves_entries_against_it(tmp_path: Path) -> None:
    atom = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
        b'<link rel="self" href="https://atom.example/blog/atom.xml"/>'
        b'<entry><title>Salt</title><link href="posts/salt"/><id>salt</id></entry></feed>'
    )

    assert only(atom, str(tmp_path / "atom.xml")).url == "https://atom.example/blog/posts/salt"


def test_the_feeds_own_absolute_link_is_preferred_to_where_it_was_fetched() -> None:
    body = rss_item("", link="/world/ferries", channel_link="https://news.example/")

    assert only(body, "https://mirror.example/feeds/news.xml").url == "https://news.example/world/ferries"


def test_entries_that_cannot_be_web_links_are_reported_with_a_reason(tmp_path: Path) -> None:
    path = str(tmp_path / "feed.xml")
    items = "".join(
        f"<item><title>{title}</title>{link}</item>"
        for title, link in (
            ("Relative", "<link>world/ferries</link>"),
            ("Script", "<link>javascript:alert(1)</link>"),
            ("Linkless", ""),
        )
    )
    body = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()
    )

    report = read(body, path)

    assert report.articles == ()
    assert parse_feed(Fetched(path, body), path, NOW) == []
    reasons = {s.title: s.reason for s in report.skipped}
    assert reasons["Relative"].startswith("the link 'world/ferries' is relative")
    assert "not a web address (javascript:)" in reasons["Script"]
    assert reasons["Linkless"] == "the entry has no link"


def test_digest_feed_says_which_entries_it_skipped_and_why(tmp_path: Path) -> None:
    items = "<item><title>Fine</title><link>https://news.example/a</link></item>"
    items += "<item><title>Lost</title><link>a/b</link></item>"
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'
    (tmp_path / "feed.xml").write_text(body)

    text = digest(tmp_path, "feed", "feed.xml")
    as_json = json.loads(digest(tmp_path, "feed", "feed.xml", "--json").stdout)

    assert text.returncode == 0, text.stderr
    assert (
        "1 item in" in text.stdout
        and "Skipped 1 entry:" in text.stdout
        and "Lost: the link 'a/b' is relative" in text.stdout
    )
    assert [i["title"] for i in as_json["items"]] == ["Fine"]
    assert [(s["title"], s["url"]) for s in as_json["skipped"]] == [("Lost", "a/b")]


# --------------------------------------------------------------------------- tracking parameters


@pytest.mark.parametrize(
    "tracked",
    [
        "?utm_source=rss&utm_medium=feed&utm_campaign=x",
        "?source=rss----d12c403d4976--food",
        "?wt_mc=rss.developer.beitrag.atom",
        "?at_medium=RSS&at_campaign=KARANGA",
        "?CMP=share_btn_tw",
        "?ns_mchannel=rss&ns_campaign=bbc",
        "?fbclid=IwAR0abc&gclid=1",
        "?_ga=2.1.2.3",
    ],
)
def test_tracking_parameters_real_feeds_add_are_dropped(tracked: str) -> None:
    assert (
        canonical_url(f"https://news.example/world/ferries{tracked}") == "https://news.example/world/ferries"
    )


@pytest.mark.parametrize("kept", ["?id=123", "?p=42", "?story_fbid=10&id=4", "?game=7", "?v=dQw4w9WgXcQ"])
def test_parameters_that_identify_the_article_are_kept(kept: str) -> None:
    assert (
        canonical_url(f"https://news.example/read{kept}&utm_source=rss") == f"https://news.example/read{kept}"
    )


def test_collect_lists_a_feed_entry_without_a_web_address_among_the_left_out() -> None:
    import asyncio
    from datetime import timedelta

    from digest.collect import Window, collect
    from digest.config import SourceConfig

    body = (
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>"
        b"<item><title>Nowhere</title><link>mailto:desk@news.example</link>"
        b"<pubDate>Mon, 30 Nov 2026 08:00:00 GMT</pubDate></item></channel></rss>"
    )

    class OneFeed:
        async def feed(self, url: str) -> Fetched:
            return Fetched(url, body)

        async def url(self, url: str, *, page: bool = False) -> Fetched:  # pragma: no cover - no page is read
            raise AssertionError(url)

    source = SourceConfig(url="https://news.example/feed.xml", pages=False)
    window = Window(NOW - timedelta(days=7), NOW)
    collection = asyncio.run(collect([source], OneFeed(), window))  # type: ignore[arg-type]

    assert collection.articles == ()
    assert [s.title for s in collection.skipped] == ["Nowhere"]
