"""Article pages: decoding, furniture stripped before extraction, the extraction fallbacks, credits."""

from __future__ import annotations

import codecs
import json

import pytest
from conftest import NOW

from digest.collect import extract as extract_module
from digest.collect import merge_page
from digest.collect.extract import as_served, block_text, decode_html, parse_html
from digest.collect.pages import PageInfo, article_from_page, extract_page
from digest.config import TeaserConfig
from digest.ledes import teaser
from digest.models import Article

URL = "https://news.example/world/story.html"
LEDE = (
    "The ferry left the harbour of Kessan City at dawn on Tuesday, the first scheduled crossing of the "
    "strait in eleven years, with two hundred passengers and a brass band on its upper deck."
)
SECOND = (
    "Officials from both islands waved from the quay, and the harbour master said the service would run "
    "twice a week until the spring, when a daily crossing is planned if bookings hold up."
)
THIRD = "Tickets sold out within an hour of going on sale, and the operator has already added a second boat."


def page(body: str, head: str = "") -> str:
    """An article page with the given <article> body."""
    return (
        f"<html><head><title>Ferries return</title>{head}</head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>Ferries return</h1>{body}</article>"
        "<footer><p>About us. Contact. Privacy.</p></footer></body></html>"
    )


def paragraphs_of(body: str) -> tuple[str, ...]:
    return extract_page(page(body), URL).paragraphs


def body(*paragraphs: str) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


# --------------------------------------------------------------------------- decoding


def test_declared_charset_is_used_to_decode_the_page() -> None:
    html = page(body(LEDE, "Le caf\xe9 de la gare a rouvert ses portes, et la foule est revenue.", SECOND))
    raw = html.replace("<head>", '<head><meta charset="windows-1252">').encode("cp1252")

    assert (
        "Le café de la gare a rouvert ses portes, et la foule est revenue."
        in extract_page(raw, URL).paragraphs
    )


def test_http_equiv_content_type_names_the_charset() -> None:
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
    raw = f"<html><head>{meta}</head><body><p>Na\xefve r\xe9sum\xe9.</p></body></html>".encode("latin-1")

    assert "Naïve résumé." in decode_html(raw)


def test_undeclared_page_is_read_as_utf8_not_latin1() -> None:
    figure = (
        "<figure><img src='/a.jpg'><figcaption><span class='caption'>Peacekeepers at a camp.</span> "
        "<span itemprop='copyrightHolder'><span>Credit</span> Ashraf Shazly/Agence France-Presse \u2014 "
        "Getty Images</span></figcaption></figure>"
    )
    raw = page(figure + body(LEDE, SECOND)).encode("utf-8")

    result = extract_page(raw, URL)

    assert result.image_credit == "Ashraf Shazly/Agence France-Presse \u2014 Getty Images"
    assert result.image_caption == "Peacekeepers at a camp."


def test_wrongly_declared_charset_falls_back_to_utf8_then_windows_1252() -> None:
    declared_gb = '<meta charset="gb2312"><p>Caf\u00e9 \u2014 \u201cquoted\u201d.</p>'.encode()
    broken = b"<p>Caf\xe9 \x96 plain bytes.</p>"

    assert "Café — “quoted”." in decode_html(declared_gb)
    assert "Café \u2013 plain bytes." in decode_html(broken)


@pytest.mark.parametrize("declared", ["windows-1252", "iso-8859-1", "windows-1251"])
def test_a_page_that_is_utf8_whatever_its_meta_says_is_read_as_utf8(declared: str) -> None:
    # a template's charset left over a CMS that writes UTF-8: read as declared, "inglês" is "inglÃªs"
    raw = f'<meta charset="{declared}"><p>O pesquisador ingl\u00eas, formado em ci\u00eancias.</p>'.encode()

    assert "O pesquisador ingl\u00eas, formado em ci\u00eancias." in decode_html(raw)
    # ... while a page in that charset is read in it, whatever its bytes
    assert "Caf\u00e9" in decode_html('<meta charset="windows-1252"><p>Caf\u00e9</p>'.encode("cp1252"))


def test_a_page_in_its_declared_charset_but_for_a_broken_byte_is_still_read_in_it() -> None:
    raw = '<meta charset="shift_jis"><p>\u6771\u4eac\u306e\u5929\u6c17\u3002</p>'.encode("shift_jis")

    assert "\u6771\u4eac\u306e\u5929\u6c17\u3002" in decode_html(raw + b"\x81<p>x</p>")


_TOKYO = "<p>\u6771\u4eac\u306e\u5929\u6c17\u3002</p>"  # "Tokyo's weather."
_MOSCOW = "<p>\u041f\u043e\u0433\u043e\u0434\u0430 \u0432 \u041c\u043e\u0441\u043a\u0432\u0435.</p>"


@pytest.mark.parametrize(
    ("text", "encoding", "content_type"),
    [
        (_TOKYO, "shift_jis", "text/html; charset=Shift_JIS"),
        (_TOKYO, "euc-jp", "text/html;charset=EUC-JP"),
        (_MOSCOW, "cp1251", 'text/html; charset="windows-1251"'),
        (_TOKYO, "utf-8", "text/html; charset=utf-8"),
        # the server's word before the page's <meta>
        ('<meta charset="windows-1251">' + _TOKYO, "utf-8", "text/html; charset=UTF-8"),
        # a server's wrong default: the page is UTF-8 all the same
        ("<p>Caf\u00e9 cr\u00e8me.</p>", "utf-8", "text/html; charset=iso-8859-1"),
    ],
)
def test_the_charset_a_server_names_decodes_the_page(text: str, encoding: str, content_type: str) -> None:
    raw = text.encode(encoding)

    assert text in decode_html(as_served(raw, content_type))


@pytest.mark.parametrize(
    "raw",
    [
        b"%PDF-1.7 \xe4\xf6",  # a file that is no page
        codecs.BOM_UTF8 + "<p>\u6771\u4eac</p>".encode(),  # a byte-order mark of its own
    ],
)
def test_what_the_server_names_leaves_files_and_marked_pages_as_they_are(raw: bytes) -> None:
    assert as_served(raw, "text/html; charset=windows-1252") == raw


def test_a_charset_browsers_do_not_decode_is_not_followed() -> None:
    raw = b"<p>+ADw-script+AD4-</p>"

    assert as_served(raw, "text/html; charset=utf-7") == raw


def test_xml_declaration_and_bom_do_not_stop_parsing() -> None:
    raw = b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?>' + page(body(LEDE)).encode()

    assert extract_page(raw, URL).paragraphs == (LEDE,)


def js_page(kind: str, article_body: str) -> str:
    """A page built by JavaScript: an empty shell, the article only in its JSON-LD."""
    data = {
        "@context": "https://schema.org",
        "@type": kind,
        "headline": "Ferries",
        "articleBody": article_body,
    }
    head = f"<script type='application/ld+json'>{json.dumps(data)}</script>"
    return f"<html><head>{head}</head><body>{SHELL}</body></html>"


SHELL = "<div id='root'><p>You need to enable JavaScript to run this app.</p></div>"


@pytest.mark.parametrize("kind", ["NewsArticle", "BlogPosting", "ReportageNewsArticle"])
def test_a_page_built_by_javascript_is_read_from_its_structured_data(kind: str) -> None:
    page = js_page(kind, "\n".join([LEDE, SECOND, "", THIRD]))

    assert extract_page(page, URL).paragraphs == (LEDE, SECOND, THIRD)


def test_structured_data_in_markup_is_read_as_paragraphs() -> None:
    page = js_page("NewsArticle", f"<p>{LEDE}</p><p>{SECOND}</p>")

    assert extract_page(page, URL).paragraphs == (LEDE, SECOND)


def test_a_page_showing_its_text_is_read_from_it_not_from_its_structured_data() -> None:
    page = js_page("NewsArticle", "A summary the site wrote for search engines, shorter than the article.")
    page = page.replace(SHELL, body(LEDE, SECOND, THIRD))

    assert extract_page(page, URL).paragraphs == (LEDE, SECOND, THIRD)


def test_the_text_of_structured_data_that_is_no_article_is_not_read() -> None:
    page = js_page("WebPage", "\n".join([LEDE, SECOND]))

    assert LEDE not in extract_page(page, URL).paragraphs


@pytest.mark.parametrize(
    "mark",
    [
        "<sup>1</sup>",
        "<sup>[2]</sup>",
        "<sup class='reference'><a href='#cite_note-3'>[3]</a></sup>",  # Wikipedia
        "<a class='footnote-anchor' href='#footnote-1'>1</a>",  # Substack
        "<sup>*</sup>",
        "<span class='spip_note_ref'>&nbsp;(<a href='#nb1'>1</a>)</span>",  # SPIP: its brackets too
    ],
)
def test_a_footnotes_mark_after_the_full_stop_does_not_unmake_the_sentence(mark: str) -> None:
    # "… drivers.1" no longer ended a sentence, and the lede was dropped as "no full sentence".
    assert paragraphs_of(f"<p>{LEDE}{mark}</p>")[0] == LEDE


def test_a_footnotes_mark_in_brackets_before_the_full_stop_goes_with_its_brackets() -> None:
    # "… Au soleil couchant ( )." was left of SPIP's mark
    mark = "<span class='spip_note_ref'>&nbsp;(<a href='#nb1' class='spip_note'>1</a>)</span>"
    assert paragraphs_of(f"<p>{LEDE[:-1]}{mark}. {SECOND}</p>")[0] == f"{LEDE} {SECOND}"
    # brackets that hold a number and no link to a note are the text's: "(1)" of a list stays
    assert "(1)" in paragraphs_of(f"<p>{LEDE[:-1]} <span>(1)</span>. {SECOND}</p>")[0]


def test_exponents_and_ordinals_in_superscript_stay() -> None:
    text = (
        "The ferry carries 10<sup>3</sup> tonnes on the 1<sup>st</sup> of each month, and E=mc<sup>2</sup>."
    )
    (found,) = paragraphs_of(f"<p>{text} {LEDE}</p>")
    assert all(kept in found.replace(" ", "") for kept in ("103tonnes", "1stof", "mc2"))


def test_an_image_between_two_words_leaves_a_space() -> None:
    # An emoji or icon in a line of text: the extractor joined the words on either side of it.
    (found,) = paragraphs_of(f"<p>{LEDE[:-1]}<img src='/e/ship.png' alt='ship'>{SECOND}</p>")
    assert found == f"{LEDE[:-1]} {SECOND}"


def test_ruby_annotations_are_not_read_into_the_line() -> None:
    ruby = "<ruby>漢<rp>(</rp><rt>かん</rt><rp>)</rp></ruby>"  # furigana over 漢, with its fallback
    lede = "東京の{}字は今日、新しいフェリーが二十年ぶりに港を出たと発表しました。"
    rest = [
        "運航会社によると、フェリーは春まで週に二回運航し、予約が続けば毎日の運航も計画されているということです。",
        "切符は発売から一時間で売り切れ、会社はすでに二隻目の船を追加したと話しています。",
    ]
    assert paragraphs_of(body(lede.format(ruby), *rest)) == (lede.format("漢"), *rest)


# --------------------------------------------------------------------------- furniture removed first


@pytest.mark.parametrize(
    "furniture",
    [
        "<figure><img src='/a.jpg'><figcaption>The ferry leaves at dawn on Tuesday.</figcaption></figure>",
        "<div class='image-caption'>The ferry leaves the harbour at dawn, seen from the quay.</div>",
        "<p class='photo-credit'>Photograph by Jane Doe for The Meridian, taken from the quay.</p>",
        "<div class='byline'>By Jane Doe, Europe correspondent, reporting from Kessan City.</div>",
        "<div class='promo-box'><p>Our new podcast tells the story of the strait. Listen now.</p></div>",
        "<aside class='newsletter'><p>Get the best of our journalism every Friday morning.</p></aside>",
        "<section class='related-stories'><p>How the strait was closed eleven years ago.</p></section>",
        "<p class='dek'>The first crossing in eleven years was full, and it changes more than travel.</p>",
        "<div class='share-tools'><p>Send this story to a friend who would enjoy reading it.</p></div>",
        # a post the article embeds: another author's words, as each network's embed code writes them
        "<blockquote class='twitter-tweet'><p lang='en'>Big news today! The ferry is back.</p>&mdash; Jo "
        "(@jo) <a href='https://twitter.com/jo/status/1'>November 30, 2026</a></blockquote>",
        "<blockquote class='instagram-media'><div><p>A post shared by Jo (@jo) on the quay.</p></div>"
        "</blockquote>",
        "<blockquote class='tiktok-embed'><section><p>The ferry, filmed from the quay at dawn.</p></section>"
        "</blockquote>",
    ],
)
def test_furniture_marked_up_as_such_never_reaches_the_paragraphs(furniture: str) -> None:
    found = paragraphs_of(furniture + body(LEDE, SECOND, THIRD))

    assert found[0] == LEDE
    assert len(found) == 3


@pytest.mark.parametrize(
    "hidden",
    [
        "<p hidden>This paragraph is hidden from readers and should never be part of the teaser.</p>",
        "<p aria-hidden='true'>Screen readers skip this paragraph, and so should the teaser text.</p>",
        "<p style='display: none'>A paragraph kept for scripts and never shown to the reader at all.</p>",
        "<p style='visibility:hidden'>Another paragraph that a reader of the page never gets to see.</p>",
        "<p class='sr-only'>Text for screen readers only, describing the page layout in detail.</p>",
        # Bootstrap's hidden box: an editors' notes popover shown only when its button is clicked
        "<div class='d-none' id='notes'><p>This article has been reviewed according to the site's "
        "editorial process and policies.</p></div>",
    ],
)
def test_hidden_elements_are_removed(hidden: str) -> None:
    assert paragraphs_of(hidden + body(LEDE, SECOND, THIRD))[0] == LEDE


def test_a_box_hidden_on_phones_only_is_shown() -> None:
    # "d-none d-md-block": Bootstrap hides it on small screens and shows it from medium ones up
    found = paragraphs_of(f"<div class='d-none d-md-block'>{body(LEDE, SECOND, THIRD)}</div>")

    assert found[0] == LEDE


def test_a_body_whose_label_is_hidden_is_shown() -> None:
    # Drupal names every field's box by its label's display: "field--label-hidden" hides the label
    # ("Body:"), not the field; the page's other text outweighs this short story's
    others = "".join(f"<div class='teaser'><p>{THIRD} {n}</p></div>" for n in range(6))
    story = f"<div class='field field--name-body field--label-hidden'>{body(LEDE, SECOND)}</div>"

    assert paragraphs_of(story + others)[0] == LEDE


def test_tooltip_inside_a_paragraph_is_removed_and_the_words_around_it_stay_apart() -> None:
    found = paragraphs_of(
        "<p>The ferry left the harbour of<span class='tooltip'>Kessan City: population 80,000, capital of "
        "the eastern island</span>Kessan City at dawn on Tuesday, the first scheduled crossing of the "
        "strait in eleven years, with two hundred passengers and a brass band on its upper deck.</p>"
        + body(SECOND, THIRD)
    )

    assert found[0] == LEDE


def test_line_breaks_and_blocks_inside_a_paragraph_read_as_spaces() -> None:
    node = parse_html("<div>First line<br>second line<span>inline</span>word<p>block</p>after</div>")
    assert node is not None

    assert block_text(node.find(".//div")) == "First line second lineinlineword block after"


def test_dek_and_byline_in_the_article_header_are_not_the_lede() -> None:
    header = (
        "<header><h1>Ferries return</h1><p>The first crossing in eleven years was full, and it is changing "
        "more than travel plans on both islands.</p><p>By Jane Doe</p></header>"
    )

    assert paragraphs_of(header + body(LEDE, SECOND, THIRD))[0] == LEDE


def test_a_paragraph_in_the_article_header_longer_than_any_dek_is_the_article_s_text() -> None:
    # Some sites set the opening paragraph in the headline's <header>: past a dek's length it is body
    # text, and removing it would start the teaser at the second paragraph.
    opening = f"{LEDE} {SECOND} {THIRD}"
    header = f"<header><h1>Ferries return</h1><p>{opening}</p><p>By Jane Doe</p></header>"

    assert paragraphs_of(header + body(SECOND, THIRD, LEDE))[0] == opening


def test_a_site_header_left_open_around_the_whole_page_is_no_headlines_header() -> None:
    # The site's header is never closed: the article, its headline and its text are all inside it.
    page = (
        "<html><head><title>Ferries return</title></head><body><header class='site-header'>"
        "<div class='logo'>The Example Times</div><div class='site-inner'><article><h1>Ferries return</h1>"
        f"<div class='entry-content'>{body(LEDE, SECOND, THIRD)}</div></article></div></body></html>"
    )

    assert extract_page(page, URL).paragraphs[0] == LEDE


def test_a_form_that_wraps_the_whole_page_holds_the_article() -> None:
    # ASP.NET pages put everything inside one <form>: removed as furniture, it took the article along.
    signup = "<form class='signup'><p>The morning briefing, free every weekday at seven.</p></form>"
    html = (
        "<html><head><title>Ferries return</title></head><body><form id='aspnetForm' method='post'>"
        f"<div id='content'><h1>Ferries return</h1>{body(LEDE, SECOND)}{signup}{body(THIRD)}</div>"
        "</form></body></html>"
    )
    assert extract_page(html, URL).paragraphs[:3] == (LEDE, SECOND, THIRD)

    doc = parse_html(html)
    assert doc is not None
    extract_module.strip_furniture(doc)
    kept = doc.text_content()
    assert LEDE in kept and "morning briefing" not in kept  # a form inside it is still furniture


def test_image_with_a_line_beside_it_is_a_caption_even_without_figure_markup() -> None:
    box = (
        "<div class='box-right'><img src='/a.jpg'><em>A new study looks at where ideas come from.</em></div>"
    )

    assert paragraphs_of(box + body(LEDE, SECOND, THIRD))[0] == LEDE


def test_a_plain_paragraph_saying_the_pictures_alt_is_its_caption() -> None:
    box = "<div class='foto'><img src='/a.jpg' alt='Jo Harbour.' title='Jo Harbour.'><p>Jo Harbour.</p></div>"

    assert paragraphs_of(box + body(LEDE, SECOND, THIRD))[0] == LEDE


def test_a_plain_paragraph_after_a_picture_is_text_when_it_says_something_else() -> None:
    found = paragraphs_of(f"<div><img src='/a.jpg' alt='Jo Harbour.'><p>{LEDE}</p></div>" + body(SECOND))

    assert found[0] == LEDE


def test_image_inside_a_paragraph_does_not_make_the_paragraph_a_caption() -> None:
    found = paragraphs_of(f"<p><img src='/a.jpg'>{LEDE}</p>" + body(SECOND, THIRD))

    assert found[0] == LEDE


def test_a_lede_set_in_italics_beside_its_captioned_picture_is_the_lede() -> None:
    picture = (
        "<span class='image-container'><span class='image'><img src='/a.jpg' alt='A ferry'>"
        "<span class='source'><span>Jo Doe/Reuters</span></span>"
        "<span class='caption'>A ferry leaves the harbour at dawn</span></span><p></span>"
    )
    found = paragraphs_of(f"<p><em><strong>{picture}{LEDE}</strong></em></p>" + body(SECOND, THIRD))

    assert found[:2] == (LEDE, SECOND)


def test_a_paragraph_of_a_picture_and_its_caption_box_leaves_no_caption() -> None:
    picture = (
        "<span class='wp-caption'><img src='/a.jpg'>"
        "<span class='wp-caption-text'>A ferry leaves the harbour at dawn.</span></span>"
    )

    assert paragraphs_of(f"<p><em>{picture}</em></p>" + body(LEDE, SECOND))[0] == LEDE


def test_a_furniture_class_around_most_of_the_text_is_not_taken_for_furniture() -> None:
    wrapped = f"<div class='subscriber-content'>{body(LEDE, SECOND, THIRD)}</div>"

    assert paragraphs_of(wrapped)[0] == LEDE


# --------------------------------------------------------------------------- credits


def test_credit_line_after_the_figure_is_the_image_credit() -> None:
    html = page(
        "<figure><img src='/lead.jpg'></figure><p class='credit'>Top image credit: Jane Doe</p>"
        + body(LEDE, SECOND)
    )

    result = extract_page(html, URL)

    assert result.image_credit == "Jane Doe"  # the label is the template's (credit_label)
    assert all("Jane Doe" not in p for p in result.paragraphs)


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("<p>Pictures: Jane Doe</p>", "Jane Doe"),  # a closing line for all the article's pictures
        # ... in German, Spanish or Portuguese; with the licence before its colon, as French sets it
        ("<p><strong>Fotos: <a href='https://janedoe.example/'>Jane Doe</a></strong></p>", "Jane Doe"),
        ("<p>Bilder: Jane Doe</p>", "Jane Doe"),
        # labels that name the picture itself: its source, the title picture, French's order
        (
            "<p><em>Photo Source: Jane Doe from <a href='https://photos.example/'>Pexels.</a></em></p>",
            "Jane Doe from Pexels",
        ),
        ("<p>Bildquelle: Jane Doe</p>", "Jane Doe"),
        ("<p>Titelbild: Jane Doe</p>", "Jane Doe"),
        ("<p>Cr&eacute;dit photo : JD / Port Blog</p>", "JD / Port Blog"),
        ("<p>Imagen | Jane Doe y Port Blog</p>", "Jane Doe y Port Blog"),  # a bar for the colon (xataka.com)
        ("<p><small>Photo (cc) : <a href='https://photos.example/jd/1'>janedoe</a></small></p>", "janedoe"),
        # a line that describes the header's picture, then credits it
        (
            "<p><em>Header Image: </em>The quay at dawn. <em>Credit: Jane Doe/Agency (CC BY 2.0)</em></p>",
            "Jane Doe/Agency",  # the licence is the terms of its use, not a name
        ),
    ],
)
def test_a_closing_line_that_credits_the_pictures_credits_the_lead_image(line: str, credit: str) -> None:
    head = "<meta property='og:image' content='https://example.com/photos/quay-harbour.jpg'>"
    html = page(body(LEDE, SECOND) + line, head=head)

    assert extract_page(html, URL).image_credit == credit


LEAD_PICTURE = "<meta property='og:image' content='https://example.com/photos/quay-harbour.jpg'>"
OTHER_FIGURE = (
    "<figure><img src='https://example.com/photos/outage-chart.jpg' alt='A chart'>"
    "<figcaption>Reports of the outage by hour. Photo: Sam Roe</figcaption></figure>"
)


def test_a_first_figure_of_another_picture_lends_the_lead_picture_nothing() -> None:
    lead = "<div class='feat'><img src='https://example.com/photos/quay-harbour.jpg' alt='The quay'></div>"
    html = page(lead + body(LEDE) + OTHER_FIGURE + body(SECOND), head=LEAD_PICTURE)

    found = extract_page(html, URL)
    assert (found.image_alt, found.image_caption, found.image_credit) == ("The quay", "", "")


# A chart after the story's text, or a gallery after its opening paragraphs: no picture declared.
_CHART = "<img src='https://news.example/charts/crossings.png' width='640' height='400'>"
_GALLERY = (
    "<figure><img src='https://news.example/photos/quay.jpg' width='900'>"
    "<figcaption>Quay</figcaption></figure>"
)
_SUDDENLY = "Then, without warning, the weather turned and the second crossing of the week was called off. "


@pytest.mark.parametrize(
    ("article", "found"),
    [
        (body(LEDE, SECOND, THIRD, _SUDDENLY * 6) + _GALLERY, ""),
        (body(LEDE, SECOND, THIRD) + f"<p>{_SUDDENLY * 6}{_CHART}</p>", ""),
        # set after the opening paragraph or two, it is the lead picture
        (body(LEDE) + _GALLERY + body(SECOND, THIRD), "https://news.example/photos/quay.jpg"),
        (body(LEDE, SECOND) + _CHART + body(THIRD), "https://news.example/charts/crossings.png"),
        # ... as one after two paragraphs of Chinese is: two characters say as much as a word
        (
            body("\u6e21\u8f6e\u4eca\u5929\u6062\u590d\u822a\u884c\u3002" * 25) + _GALLERY,
            "https://news.example/photos/quay.jpg",
        ),
    ],
)
def test_an_undeclared_picture_set_far_into_the_text_is_no_lead_picture(article: str, found: str) -> None:
    assert extract_page(page(article + body(SECOND)), URL).image_url == found


_HERO = "https://news.example/uploads/quay-at-dawn.jpg"
PHOTO_URL = "https://news.example/photos/ferry.jpg"


@pytest.mark.parametrize(
    ("page_html", "found"),
    [
        # a theme's header photo: the headline set over a box's background, no <img> for it
        (
            f"<html><head><title>Ferries return</title></head><body><div class='featured_image' "
            f"style='background-image: url(\"/uploads/quay-at-dawn.jpg\");'><h2>Ferries return</h2>"
            f"<p>12 May 2026, Jo Harbour</p></div><article>{body(LEDE, SECOND)}</article></body></html>",
            _HERO,
        ),
        # a texture behind the whole page is none
        (
            f"<html><head><title>Ferries return</title></head><body><div style='background: url(/paper.jpg)'>"
            f"<h1>Ferries return</h1>{body(LEDE, SECOND, THIRD, LEDE, SECOND)}</div></body></html>",
            "",
        ),
        # ... as is one behind a box without the headline (a promotion)
        (
            f"<html><head><title>Ferries return</title></head><body><div style='background-image:"
            f"url(/uploads/quay-at-dawn.jpg)'><p>Subscribe today</p></div><h1>Ferries return</h1>"
            f"<article>{body(LEDE, SECOND)}</article></body></html>",
            "",
        ),
        # a picture the page declares comes first
        (
            f"<html><head><title>Ferries return</title><meta property='og:image' content='{PHOTO_URL}'>"
            "</head><body><div style='background-image:url(/uploads/quay-at-dawn.jpg)'>"
            "<h1>Ferries return</h1></div>"
            f"<article>{body(LEDE, SECOND)}</article></body></html>",
            PHOTO_URL,
        ),
    ],
)
def test_a_picture_behind_the_headline_is_the_lead_picture_of_a_page_that_has_no_other(
    page_html: str, found: str
) -> None:
    assert extract_page(page_html, URL).image_url == found


CDN_THUMB = "https://cdn.example/static/11387/11387_thumb.jpg"


@pytest.mark.parametrize(
    ("declared", "shown", "found", "url"),
    [
        # the site's card for sharing any of its pages: named for sharing alone
        ("/wp-content/uploads/2015/04/facebook.png", "/photos/ferry.jpg", "/photos/ferry.jpg", URL),
        ("/img/preview-fb-hd.png", "/photos/ferry.jpg", "/photos/ferry.jpg", URL),
        ("/og-image.jpg", "/photos/ferry.jpg", "/photos/ferry.jpg", URL),
        ("/img/portrait2018facebook.jpg", "/photos/ferry.jpg", "/photos/ferry.jpg", URL),
        # ... though the site's logo is beside it
        ("/img/preview-fb-hd.png", "/img/logo.png", "", URL),
        # ... but the article's own crop beside its other pictures, and a picture named for its subject
        (
            "/media/2019/04/mr1/facebook.jpg",
            "/media/2019/04/mr1/300.jpg",
            "/media/2019/04/mr1/facebook.jpg",
            URL,
        ),
        ("/uploads/2019/03/Erin_FB.png", "/photos/ferry.jpg", "/uploads/2019/03/Erin_FB.png", URL),
        # ... and the card named with the article's number its address gives (CodeZine), though the
        # page shows its thumbnail from another host (its CDN)
        (
            "/static/11387/11387_fb.jpg",
            CDN_THUMB,
            "/static/11387/11387_fb.jpg",
            "https://news.example/article/detail/11387",
        ),
        # ... where a year is no article's number, nor a size
        ("/static/og-2026.png", CDN_THUMB, CDN_THUMB, "https://news.example/2026/05/story.html"),
        ("/static/fb-1200.png", CDN_THUMB, CDN_THUMB, "https://news.example/story-1200.html"),
    ],
)
def test_a_declared_picture_named_for_sharing_alone_is_the_sites_card(
    declared: str, shown: str, found: str, url: str
) -> None:
    head = f"<meta property='og:image' content='https://news.example{declared}'>"
    html = page(f"<figure><img src='{shown}' width='900'></figure>" + body(LEDE, SECOND), head)
    expected = found if "://" in found else f"https://news.example{found}" if found else ""
    assert extract_page(html, url).image_url == expected


@pytest.mark.parametrize(
    "wrapped",
    [
        "<p><img src='/uploads/quay.jpg'></p>",
        # as an editor wraps it, in the styles of the text around it
        "<p style='text-align: justify'><span style='font-size: 12px'><strong><img src='/uploads/quay.jpg'>"
        "</strong></span></p>",
    ],
)
def test_a_picture_set_out_alone_in_its_paragraph_is_the_lead_picture(wrapped: str) -> None:
    assert (
        extract_page(page(wrapped + body(LEDE, SECOND)), URL).image_url
        == "https://news.example/uploads/quay.jpg"
    )


@pytest.mark.parametrize(
    "head",
    [
        "<link rel='image_src' href='https://news.example/img/portrait2018facebook.jpg'>",
        "<script type='application/ld+json'>"
        '{"@type": "NewsArticle", "image": "https://news.example/img/og-image.jpg"}</script>',
    ],
)
def test_the_sites_card_declared_the_older_ways_is_not_the_articles_picture(head: str) -> None:
    html = page("<figure><img src='/photos/ferry.jpg' width='900'></figure>" + body(LEDE, SECOND), head)
    assert extract_page(html, URL).image_url == "https://news.example/photos/ferry.jpg"


def _wordpress(featured: str) -> str:
    return (
        "<html><head><title>Ferries return</title></head><body>"
        "<div class='slider'><a href='/2017/08/summer-story/'><img class='attachment-thumb wp-post-image'"
        " src='/uploads/dress.jpg'> Summer story</a></div>"
        f"<div class='topBlog'><h2>Ferries return</h2></div>{featured}"
        f"<div class='sentry'><p>{LEDE}</p><p><img class='alignleft' src='/uploads/detail.png'>{SECOND}</p>"
        f"<p>{THIRD}</p></div><aside><img class='wp-post-image' src='/uploads/recent.jpg'></aside>"
        "</body></html>"
    )


@pytest.mark.parametrize(
    ("featured", "found"),
    [
        # the post's featured picture, set by the theme between the headline and the text
        (
            "<div class='blogsingleimage'><img class='attachment-post size-post wp-post-image'"
            " src='/uploads/outfit.jpg'></div>",
            "https://news.example/uploads/outfit.jpg",
        ),
        # without one, never a card's or the sidebar's (nor a picture in a line of the text)
        ("", ""),
    ],
)
def test_the_posts_featured_picture_comes_before_the_bodys(featured: str, found: str) -> None:
    assert extract_page(_wordpress(featured), URL).image_url == found


def test_a_caption_set_right_after_the_pictures_box_is_its_caption() -> None:
    lead = (
        "<div class='feat-img'><img src='https://example.com/photos/quay-harbour.jpg' alt='The quay'></div>"
        "<span class='feat-caption'>The quay at dawn. Photo: Jo Doe</span>"
    )
    html = page(lead + body(LEDE) + OTHER_FIGURE + body(SECOND), head=LEAD_PICTURE)

    found = extract_page(html, URL)
    assert (found.image_caption, found.image_credit) == ("The quay at dawn.", "Jo Doe")
    assert found.paragraphs[0] == LEDE


@pytest.mark.parametrize(
    ("shown", "caption", "credit"),
    [
        ("<img src='https://example.com/photos/quay-harbour.jpg' data-credit='Jo Doe'>", "", "Jo Doe"),
        # a caption for the script that shows it, its credit in brackets at its end
        (
            "<img src='https://example.com/photos/quay-harbour.jpg' alt=''"
            " data-caption='The quay at dawn. (Jo Doe / The Example Times)'>",
            "The quay at dawn.",
            "Jo Doe / The Example Times",
        ),
        # a gallery's slide, no <img> until its script runs
        (
            "<div style='display:none'><span class='resimg' data-image='/photos/quay-harbour.jpg'"
            " data-description='The quay at dawn.' data-credit='Harbour Police'></span></div>",
            "The quay at dawn.",
            "Harbour Police",
        ),
        # Gannett's web component around the <noscript> fallback: its own caption and credit attributes
        (
            "<media-image credit='Jo Doe, Getty Images' caption='The quay at dawn.'><noscript>"
            "<img src='https://example.com/photos/quay-harbour.jpg?width=320'></noscript></media-image>",
            "The quay at dawn.",
            "Jo Doe, Getty Images",
        ),
        # ... never an HTML element's around the picture
        (
            "<div credit='Jo Doe' caption='The quay at dawn.'><img src='https://example.com/photos/quay-harbour.jpg'></div>",
            "",
            "",
        ),
    ],
)
def test_caption_and_credit_given_in_data_attributes_of_the_picture(
    shown: str, caption: str, credit: str
) -> None:
    html = page(shown + body(LEDE, SECOND), head=LEAD_PICTURE)

    found = extract_page(html, URL)
    assert (found.image_caption, found.image_credit) == (caption, credit)


def test_data_attributes_of_another_picture_say_nothing_of_the_lead_one() -> None:
    other = "<img src='https://example.com/photos/chart.jpg' data-credit='Sam Roe' data-caption='A chart.'>"
    found = extract_page(page(body(LEDE) + other + body(SECOND), head=LEAD_PICTURE), URL)

    assert (found.image_caption, found.image_credit) == ("", "")


@pytest.mark.parametrize(
    ("box", "credit"),
    [
        # a credit box right after a picture in the article credits it ...
        ("<div class='photo'><img src='/photos/quay.jpg'><p class='photo-credit'>Jo Doe</p></div>", "Jo Doe"),
        # ... but a gallery's that shows no picture (Townsquare's, after its title and description, its
        # pictures put in by a script) credits the gallery's pictures
        (
            "<div class='photogallery-wrapper'><h2>The ferries</h2>"
            "<p class='photogallery-credit'>Gallery Credit: Jo Doe</p></div>",
            "",
        ),
        # ... unless the gallery's box shows the picture it credits (Glam's first slide)
        (
            "<div class='gallery-image-holder'><img src='/photos/quay.jpg'>"
            "<span class='gallery-image-credit'>Jo Doe</span></div>",
            "Jo Doe",
        ),
    ],
)
def test_a_credit_box_in_the_article_credits_the_lead_picture_unless_a_gallerys(
    box: str, credit: str
) -> None:
    html = page(f"<article>{body(LEDE, SECOND)}{box}</article>", head=LEAD_PICTURE)

    assert extract_page(html, URL).image_credit == credit


@pytest.mark.parametrize("article", [True, False])
def test_a_small_heading_after_the_text_that_credits_the_pictures_credits_the_lead_one(article: bool) -> None:
    text = body(LEDE, SECOND, THIRD) + "<h6>Photos: Jo Doe/Agency</h6>"
    box = f"<article>{text}</article>" if article else f"<div class='story'>{text}</div><div>Most read</div>"
    html = f"<html><head><title>Ferries return</title>{LEAD_PICTURE}</head><body>{box}</body></html>"

    assert extract_page(html, URL).image_credit == "Jo Doe/Agency"


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("<p><strong>PHOTOS: </strong><a href='/gallery/ferries.html'>Ferries Through the Years</a></p>", ""),
        ("<p>Photo: <a href='https://jo-doe-photography.example/'>Jo Doe</a></p>", "Jo Doe"),
    ],
)
def test_a_label_before_a_link_to_the_sites_gallery_is_no_credit(line: str, credit: str) -> None:
    html = page(body(LEDE, SECOND) + line, head=LEAD_PICTURE)

    assert extract_page(html, URL).image_credit == credit


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        # BBC America's story opens with its picture's credit as a paragraph in brackets
        ("(Photo: Jo Doe)", "Jo Doe"),
        # ... a bracket that a sentence goes on after is no credit line
        ("(Photo: Jo Doe) The ferry sails at dawn from the north quay.", ""),
    ],
)
def test_a_credit_line_in_brackets_before_the_text_credits_the_lead_picture(line: str, credit: str) -> None:
    html = page(body(line, LEDE, SECOND), head=LEAD_PICTURE)

    assert extract_page(html, URL).image_credit == credit


def test_a_picture_in_a_field_of_its_own_before_the_texts_is_the_lead_image() -> None:
    # a publishing system's fields, no <article> or <main>: the picture's field, then the text's
    fields = (
        "<div class='node'><div class='field'><img src='/files/quay-at-dawn.jpg' width='648' alt='The quay'>"
        f"</div><div class='field'>{body(LEDE, SECOND, THIRD)}</div></div>"
    )
    html = f"<html><head><title>Ferries return</title></head><body>{fields}</body></html>"

    assert extract_page(html, URL).image_url == "https://news.example/files/quay-at-dawn.jpg"


def test_a_wide_banner_of_the_pages_own_header_is_no_lead_image() -> None:
    text = f"<div class='node'><div class='field'>{body(LEDE, SECOND, THIRD)}</div></div>"
    banner = "<div class='masthead'><img src='/files/harbour-banner.jpg' width='1200'></div>"
    html = f"<html><head><title>Ferries return</title></head><body>{banner}{text}</body></html>"

    assert extract_page(html, URL).image_url == ""


def test_a_placeholder_img_of_src_hash_shows_no_picture() -> None:
    # a lightbox's empty <img src="#"> in the footer, beside the site's copyright line
    footer = (
        "<footer><div class='lightbox'><img src='#' alt='Image Detail'></div>"
        "<div class='copyright-info'><p>&copy; Example Media. All rights reserved.</p></div></footer>"
    )
    html = page(body(LEDE, SECOND), head=LEAD_PICTURE).replace("</body>", f"{footer}</body>")

    found = extract_page(html, URL)
    assert (found.image_alt, found.image_credit) == ("", "")


def test_ad_widget_that_calls_its_label_a_credit_is_not_the_image_credit() -> None:
    widget = "<div class='ad-slot'><div class='widget-credits'>inRead invented by Teads</div></div>"

    assert extract_page(page(widget + body(LEDE, SECOND)), URL).image_credit == ""


# --------------------------------------------------------------------------- fallbacks


def test_empty_trafilatura_result_falls_back_to_its_baseline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract_module.trafilatura, "bare_extraction", lambda *args, **kwargs: None)

    assert paragraphs_of(body(LEDE, SECOND, THIRD))[:2] == (LEDE, SECOND)


def test_both_trafilatura_extractors_empty_fall_back_to_the_article_paragraphs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def nothing(*args: object, **kwargs: object) -> tuple[object, str, int]:
        return extract_module.lxml.html.Element("body"), "", 0

    monkeypatch.setattr(extract_module.trafilatura, "bare_extraction", lambda *args, **kwargs: None)
    monkeypatch.setattr(extract_module.trafilatura, "baseline", nothing)

    assert paragraphs_of(body(LEDE, SECOND, THIRD)) == (LEDE, SECOND, THIRD)


def test_a_page_without_paragraph_elements_keeps_its_blocks_apart_and_its_headline_out() -> None:
    # Text in <span>s: only trafilatura's baseline reads it, one block a line. Read as one paragraph,
    # the headline opened the lede ("Ferries return The ferry left …").
    spans = (
        f"<section><span>{LEDE}</span><span>{SECOND}</span></section><section><span>{THIRD}</span></section>"
    )
    html = f"<html><body><main><h1>Ferries return</h1>{spans}</main></body></html>"

    paragraphs = extract_page(html, URL).paragraphs

    assert paragraphs == ("Ferries return", LEDE, SECOND, THIRD)
    assert teaser(article_from_page(extract_page(html, URL), URL), TeaserConfig()).paragraphs[0] == LEDE


def test_an_article_trafilatura_gives_whole_as_one_paragraph_is_read_a_block_at_a_time() -> None:
    # A news aggregator's topic page: a headline, its date and source, another outlet's headline, a
    # short summary and its "read the whole story" link. trafilatura finds too little text and falls
    # back to its baseline, the <article>'s whole text as one paragraph: the headline opened the lede.
    lede = "The ferry to Kessan sailed again on Monday, three weeks after the storms closed the harbour."
    topic = (
        "<article class='tpcDetail'><section class='tpcHeader'><div>"
        "<h1>Ferries return to the island</h1>\n<p class='tpcHeader_date'><time>4/29 13:44</time></p>\n"
        "<p class='tpcHeader_source'><span>Harbour Times</span></p></div></section>\n"
        "<section><div><a href='https://news.example/hl?a=1'>\n<h2>Ferry service to Kessan resumes after"
        " the winter storms</h2><span>Island Radio</span></a></div>\n"
        f"<div class='tpcNews_body'><p class='tpcNews_text'>{lede}</p>\n"
        "<p><a href='https://news.example/hl?a=1'>Read the whole story</a></p></div></section></article>"
    )
    html = f"<html><body><div><a href='/'>Home</a></div>{topic}</body></html>"

    info = extract_page(html, URL)

    assert lede in info.paragraphs
    assert teaser(article_from_page(info, URL), TeaserConfig()).paragraphs == (lede,)


def test_page_without_paragraphs_leaves_the_feed_content_in_place() -> None:
    feed_article = Article(
        url=URL, title="Ferries return", published=NOW, source="feed", paragraphs=(LEDE,), summary="Dek."
    )

    merged = merge_page(feed_article, PageInfo(description="The meta description."))

    assert merged.paragraphs == (LEDE,)
    assert teaser(merged, TeaserConfig()).paragraphs == (LEDE,)


def test_meta_description_is_the_last_resort() -> None:
    description = (
        "The first ferry in eleven years crossed the strait on Tuesday, to applause from both quays."
    )
    paywalled = page(
        "<div class='paywall'>Subscribe to read on.</div>",
        f'<meta name="description" content="{description}">',
    )

    result = teaser(article_from_page(extract_page(paywalled, URL), URL), TeaserConfig())

    assert result.paragraphs == (description,)


def test_a_description_written_as_escaped_markup_reads_without_its_tags() -> None:
    escaped = (
        "The first ferry in eleven years crossed the strait. For more, see &lt;a href=&quot;/f&quot;&gt;"
        "our timetable&lt;/a&gt; &amp; fares."
    )
    found = extract_page(page(body(LEDE), f'<meta name="description" content="{escaped}">'), URL)

    assert found.description == (
        "The first ferry in eleven years crossed the strait. For more, see our timetable & fares."
    )


def test_title_falls_back_to_the_title_element() -> None:
    assert extract_page(page(body(LEDE)), URL).title == "Ferries return"


def test_paragraph_that_trafilatura_skips_between_two_it_kept_is_put_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Kept:
        body = extract_module.lxml.html.fromstring(f"<div><p>{LEDE}</p><p>{THIRD}</p></div>")

    monkeypatch.setattr(extract_module.trafilatura, "bare_extraction", lambda *args, **kwargs: Kept())

    assert paragraphs_of(body(LEDE, SECOND, THIRD)) == (LEDE, SECOND, THIRD)


def _headline(head: str, body_html: str, url: str = "https://www.example-news.com/2026/story") -> str:
    doc = parse_html(f"<html><head>{head}</head><body>{body_html}</body></html>".encode())
    assert doc is not None
    from digest.collect.pages import headline

    return headline(doc, url)


def test_the_headline_is_the_one_the_page_shows_when_it_is_about_what_its_titles_say() -> None:
    social = '<meta property="og:title" content="It has been a rough few months for the ferry company">'
    shown = "<article><h1>What's the Hold-Up at the Ferry Company?</h1><p>Text.</p></article>"
    plain = "<title>What's the Hold-Up at the Ferry Company? | Example News</title>"
    assert _headline(social + plain, shown) == "What's the Hold-Up at the Ferry Company?"
    # sharing most of its words with one of the titles is enough: the headline was edited, not the meta
    meta = '<meta property="og:title" content="Zsa Zsa Gabor home is for sale in Palm Springs, a paradise">'
    meta += "<title>Zsa Zsa Gabor's Palm Springs home is for sale - see inside</title>"
    shown = "<h1>Take a tour inside Zsa Zsa Gabor's former Palm Springs retreat - it's for sale!</h1>"
    assert _headline(meta, shown).startswith("Take a tour inside")


def test_a_logo_a_blog_name_or_a_related_story_is_never_the_headline() -> None:
    social = '<meta property="og:title" content="One Day You Will Meet Someone Who Will Change Your Life">'
    title = "<title>One Day You Will Meet Someone Who Will Change Your Life | Example News</title>"
    # a related story's <h1> after the article's text (the page's own headline is no <h1>)
    related = f"<article><p>{LEDE}</p><h1>14 Texts To Send To Someone Who Ghosted You</h1></article>"
    assert _headline(social + title, related) == "One Day You Will Meet Someone Who Will Change Your Life"
    logo = "<header><h1>Example News</h1></header>"
    assert _headline(title, logo) == "One Day You Will Meet Someone Who Will Change Your Life"
    blog = "<title>Autumn leaves at the camp (2) @ Steven's Home :: Blogs ::</title>"
    assert _headline(blog, "<h1>Steven's Home</h1>", "https://steven.blogs.example/").startswith("Autumn")


def test_a_link_named_like_furniture_inside_a_sentence_keeps_its_words() -> None:
    # A news site marks company names in its text <a class="meta-org">: the link is the sentence's word.
    found = paragraphs_of(
        "<p class='story-body-text'><a href='/topic/kessan-ferries' class='meta-org'>Kessan Ferries</a>'s "
        "sale to <a href='/topic/harbour-co' class='meta-org'>Harbour Co</a> is a complicated affair, "
        "showing how different acquisition structures can change how the island's shareholders fare.</p>"
        + body(SECOND, THIRD)
    )

    assert found[0].startswith("Kessan Ferries's sale to Harbour Co is a complicated affair")


def test_trafilaturas_recall_mode_is_asked_only_when_its_balanced_mode_finds_less_than_a_teaser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    promo = "A promo box beside the article, in a highlights section of other stories, read as its body."

    def extraction(*_args: object, favor_recall: bool = False, **_kwargs: object) -> object:
        class Found:
            texts = (promo,) if favor_recall else balanced
            body = extract_module.lxml.html.fromstring(
                "<div>" + "".join(f"<p>{t}</p>" for t in texts) + "</div>"
            )

        return Found()

    monkeypatch.setattr(extract_module.trafilatura, "bare_extraction", extraction)
    balanced: tuple[str, ...] = (LEDE, SECOND)
    assert paragraphs_of(body(LEDE, SECOND))[:2] == (LEDE, SECOND)
    balanced = ("Too short.",)
    assert paragraphs_of(body(LEDE, SECOND))[0] == promo
