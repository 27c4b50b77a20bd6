"""Hostile article pages: each is read within bounds, its addresses and its text are kept harmless, and
neither the other articles, the rendered issue nor the terminal pays for it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import fields, replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import lxml.html
import pytest
from conftest import NEWSLETTER, NOW, ROOT, digest
from trafilatura import external as trafilatura_external

from digest.collect import bounds
from digest.collect import extract as extract_module
from digest.collect.bounds import MAX_CAPTION, MAX_DESCRIPTION, MAX_NAME, MAX_TITLE
from digest.collect.canonical import canonical_url
from digest.collect.extract import parse_html
from digest.collect.pages import PageInfo, article_from_page, extract_page
from digest.config import TeaserConfig, ThemeConfig
from digest.ledes import teaser
from digest.models import Teaser
from digest.personalize import placeholder
from digest.render import render
from digest.sample import sample_issue

URL = "https://news.example/world/story.html"
LEDE = (
    "The ferry left the harbour of Kessan City at dawn on Tuesday, the first scheduled crossing of the "
    "strait in eleven years, with two hundred passengers and a brass band on its upper deck."
)
PHOTO = "https://news.example/images/ferry.jpg"
# What no field of a page may hold: controls, direction overrides and isolates, non-characters.
UNSHOWN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)


def page(body: str = "", head: str = "", title: str = "Ferries return") -> str:
    """An article page: its <head> extras, then an <article> with a headline, ``body`` and the lede."""
    return (
        f"<html><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1>"
        f"{body}<p>{LEDE}</p></article></body></html>"
    )


def texts_of(info: PageInfo) -> list[str]:
    """Every text a page gave, its paragraphs one by one."""
    values = [getattr(info, f.name) for f in fields(info) if f.name != "paragraphs"]
    return [*values, *info.paragraphs]


def rendered(card: Teaser) -> tuple[str, str]:
    """The HTML and text of the sample issue with ``card`` as its first teaser."""
    issue = sample_issue("weekly", NEWSLETTER, NOW)
    section = issue.sections[0]
    card = replace(card, section=section.title)
    issue = replace(issue, sections=(replace(section, teasers=(card,)),))
    result = render(issue, NEWSLETTER, ThemeConfig(), ROOT / "templates")
    return result.html, result.text


# --------------------------------------------------------------------------------------- decoding


@pytest.mark.parametrize(
    "charset", ["utf-7", "unicode_escape", "raw_unicode_escape", "punycode", "undefined", "cp037", "utf-16"]
)
def test_a_charset_that_browsers_do_not_decode_is_not_used_to_read_the_page(charset: str) -> None:
    # UTF-7 and unicode_escape would turn the plain text below into markup that no browser ever sees;
    # punycode and undefined raised; EBCDIC and UTF-16 made ASCII into nonsense.
    title = "+ADw-b+AD4-Ferries+ADw-/b+AD4- \\x3cb\\x3ere\\u003cb\\u003eturn"
    raw = page(head=f'<meta charset="{charset}">', title=title).encode()
    raw += b" " * (len(raw) % 2)  # UTF-16 reads an even number of bytes
    info = extract_page(raw, URL)
    assert info.title == title
    assert info.paragraphs == (LEDE,)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read_as_utf16(encoding: str) -> None:
    title = "Καλημέρα κόσμε, 渡し船が戻る"
    info = extract_page(page(title=title).encode(encoding), URL)
    assert info.title == title
    assert info.paragraphs == (LEDE,)


def test_characters_no_reader_sees_never_reach_the_article() -> None:
    hostile = "A\x00B\x1b[2J\x07C\x9b31m\u202egnp.exe\u2066D\ufffeE\x0cF"
    head = (
        f'<meta name="author" content="{hostile}"><meta property="article:section" content="{hostile}">'
        f'<meta name="description" content="{hostile}">'
    )
    caption = f"<figcaption>{hostile} Photo: {hostile}</figcaption>"
    figure = f'<figure><img src="{PHOTO}" alt="{hostile}">{caption}</figure>'
    info = extract_page(page(f"{figure}<p>{hostile} goes on.</p>", head, title=hostile).encode(), URL)
    assert info.image_url == PHOTO
    assert all(not UNSHOWN.search(text) for text in texts_of(info))
    assert info.title == "AB[2JC31mgnp.exeDE F"  # a form feed is white space, the rest is left out


def test_a_lone_surrogate_costs_the_page_nothing() -> None:
    info = extract_page(page("<p>Before \ud800 after.</p>", title="Ferries \udfff return"), URL)
    assert info.title == "Ferries return"
    assert info.paragraphs[-1] == LEDE


def test_control_characters_in_a_page_neither_stop_the_render_nor_reach_the_email() -> None:
    # Any C0 control, U+FFFE or U+FFFF in the MJML stopped the compile of the whole issue.
    hostile = "Title \x1b[2J\x07 \ufffe\x01"
    figure = f'<figure><img src="{PHOTO}" alt="{hostile}"><figcaption>Photo: {hostile}</figcaption></figure>'
    info = extract_page(
        page(f"{figure}<p>{hostile} and the first full sentence of the story.</p>", title=hostile), URL
    )
    html, text = rendered(teaser(article_from_page(info, URL), TeaserConfig()))
    assert "Title [2J" in html and "Title [2J" in text
    assert not UNSHOWN.search(html) and not UNSHOWN.search(text)


def test_markup_from_a_page_reaches_the_email_as_text_only() -> None:
    hostile = (
        "<script>alert(1)</script> {{ 7*7 }} {% raw %}x{% endraw %} "
        "<mj-raw><b>raw</b></mj-raw> %%digest:email%%"
    )
    shown = hostile.replace("<", "&lt;")
    figure = (
        f'<figure><img src="{PHOTO}" alt="{shown}"><figcaption>{shown} Photo: Jo Doe</figcaption></figure>'
    )
    info = extract_page(page(f"{figure}<p>{shown} is where the story begins.</p>", title=shown), URL)
    assert info.title == hostile
    html, text = rendered(teaser(article_from_page(info, URL), TeaserConfig()))
    plain, _ = rendered(Teaser(URL, "Ferries return", "", (LEDE,), NOW))
    assert "<script" not in html and "<mj-raw" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html and "49" not in html.replace(plain, "")
    assert html.count(placeholder("email")) == plain.count(placeholder("email"))  # the page's is disarmed
    assert "%%digest\u200d:email%%" in text


# ----------------------------------------------------------------------------------------- bounds


def test_an_element_with_thousands_of_attributes_keeps_only_its_first_ones() -> None:
    # libxml2 builds an element's attributes in quadratic time: 100,000 of them took 15 s to parse.
    attributes = " ".join(f"a{n}" for n in range(2_000))
    html = page(f'<div class="kept" {attributes}><p>Inside the crowded element, a full sentence.</p></div>')
    doc = parse_html(html)
    assert doc is not None
    crowded = doc.xpath("//div[@class='kept']")[0]
    assert len(crowded.attrib) == bounds.MAX_ATTRIBUTES
    assert extract_page(html, URL).paragraphs[-1] == LEDE


def test_class_and_id_names_past_their_budget_are_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    # A page of class names costs a microsecond a character in the furniture and trafilatura patterns.
    monkeypatch.setattr(bounds, "MAX_NAME_CHARS", 100)
    boxes = "".join(f'<div class="box-{n:03}"><p>Box {n} holds a sentence.</p></div>' for n in range(40))
    doc = parse_html(page(boxes))
    assert doc is not None
    named = [div.get("class") for div in doc.iter("div") if div.get("class")]
    assert named == [f"box-{n:03}" for n in range(len(named))] and 0 < len(named) < 40
    assert len(doc.xpath("//div")) == 40


def test_a_rebuilt_tree_nests_no_deeper_than_libxml2s_own() -> None:
    # Past MAX_ATTRIBUTES the tree is built element by element; the walks over it recurse.
    attributes = " ".join(f"a{n}" for n in range(bounds.MAX_ATTRIBUTES + 1))
    nested = "<div>" * 3_000 + "A sentence at the very bottom of the nest." + "</div>" * 3_000
    html = page(f"<section {attributes}>{nested}</section>")
    doc = parse_html(html)
    assert doc is not None
    assert max(len(list(node.iterancestors())) for node in doc.iter()) < 256
    info = extract_page(html, URL)
    assert info.title == "Ferries return"


class Reads:
    """How much of a tree a step reads: characters of text taken whole or split into words, and
    ancestors walked up to. (Handing a chunk of text out of the tree costs a copy; what took seconds
    was splitting it into words, or taking it whole, once for each enclosing element.)"""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.chars = self.ancestors = 0
        element = lxml.html.HtmlElement
        text_content, iterancestors = element.text_content, element.iterancestors
        words = extract_module._WORD

        def counted_text(node: lxml.html.HtmlElement) -> str:
            text = text_content(node)
            self.chars += len(text)
            return text

        def counted_words(text: str) -> Iterator[re.Match[str]]:
            read = 0
            for match in words.finditer(text):
                self.chars += match.end() - read
                read = match.end()
                yield match

        def counted_ancestors(node: lxml.html.HtmlElement, *tags: Any, **options: Any) -> Iterator[Any]:
            for ancestor in iterancestors(node, *tags, **options):
                self.ancestors += 1
                yield ancestor

        monkeypatch.setattr(element, "text_content", counted_text)
        monkeypatch.setattr(element, "iterancestors", counted_ancestors)
        monkeypatch.setattr(extract_module, "_WORD", SimpleNamespace(finditer=counted_words))


NEST = 200  # elements deep, within libxml2's 255
WORDS_1MB = "lorem ipsum dolor sit amet " * 40_000


@pytest.mark.parametrize(
    "body",
    [
        # an image box nested in image boxes, each judged by the length of its text
        "<div>" * NEST
        + '<img src="https://news.example/i.jpg">'
        + f"<span>{WORDS_1MB}</span>"
        + "</div>" * NEST,
        # a dek nested in deks, each judged by its number of words
        '<div class="summary">' * NEST + f"<span>{WORDS_1MB}</span>" + "</div>" * NEST,
        # furniture nested in furniture, each judged by its share of the paragraphs
        '<div class="related">' * NEST + f"<p>{LEDE}</p>" * 5_000 + "</div>" * NEST,
    ],
    ids=["image-boxes", "deks", "furniture"],
)
def test_cleaning_a_deeply_nested_page_reads_its_text_a_few_times_not_once_per_level(
    monkeypatch: pytest.MonkeyPatch, body: str
) -> None:
    # Measured once per enclosing element, each of these took 4 to 9 s on a 2 MB page.
    doc = parse_html(page(body))
    assert doc is not None
    size = len(doc.text_content())
    reads = Reads(monkeypatch)
    extract_module.strip_furniture(doc)
    assert reads.chars <= 3 * size, f"{reads.chars / size:.0f} times the page's text"


def test_cleaning_walks_up_from_no_paragraph_to_its_ancestors(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each paragraph asked whether it lay in the headline's <header>: 20,000 of them 250 deep took 4 s.
    header = "<header><h1>Ferries return</h1>" + "<div>" * NEST + "<p>A byline.</p>" * 5_000 + "</div>" * NEST
    phrasing = "<div>" * NEST + "<span>Loose words.</span>" * 5_000 + "</div>" * NEST
    doc = parse_html(page(f"{header}</header>{phrasing}"))
    assert doc is not None
    elements = sum(1 for _ in doc.iter())
    reads = Reads(monkeypatch)
    extract_module.strip_furniture(doc)
    assert reads.ancestors <= 2 * elements
    assert not doc.xpath("//header//p")  # still read as the header's byline, and removed


def test_a_page_is_read_up_to_max_elements() -> None:
    filler = "<i></i>" * (bounds.MAX_ELEMENTS + 1_000)
    doc = parse_html(page(f"{filler}<p>After the filler, a sentence.</p>"))
    assert doc is not None
    assert sum(1 for _ in doc.iter()) == bounds.MAX_ELEMENTS
    assert doc.findtext(".//title") == "Ferries return"
    assert "After the filler" not in doc.text_content()


def test_the_text_extractors_read_up_to_max_text_elements(monkeypatch: pytest.MonkeyPatch) -> None:
    # trafilatura costs up to 50 microseconds an element, and reads an empty-handed page three times.
    monkeypatch.setattr(extract_module, "MAX_TEXT_ELEMENTS", 60)
    filler = "".join(f"<p>Filler paragraph number {n} of the article, a sentence.</p>" for n in range(100))
    info = extract_page(page(f"<p>{LEDE}</p>{filler}<p>The marker sentence that comes last.</p>"), URL)
    assert info.paragraphs[0] == LEDE
    assert not any("marker" in p for p in info.paragraphs)


def test_a_pages_text_is_cut_to_its_bounds() -> None:
    long = "word " * (bounds.MAX_PARAGRAPH_CHARS // 4)  # each paragraph over the bound by a quarter
    count = bounds.MAX_TEXT_CHARS // bounds.MAX_PARAGRAPH_CHARS + 2
    info = extract_page(page("".join(f"<p>{n} {long}</p>" for n in range(count))), URL)
    assert all(len(p) <= bounds.MAX_PARAGRAPH_CHARS and p.endswith("word") for p in info.paragraphs)
    assert sum(map(len, info.paragraphs)) <= bounds.MAX_TEXT_CHARS
    assert info.paragraphs[0].startswith("0 word word")


def test_a_page_gives_at_most_max_paragraphs() -> None:
    many = "".join(f"<p>Sentence {n} of a very long article.</p>" for n in range(bounds.MAX_PARAGRAPHS + 200))
    info = extract_page(page(many), URL)
    assert len(info.paragraphs) == bounds.MAX_PARAGRAPHS
    assert info.paragraphs[0] == "Sentence 0 of a very long article."


@pytest.mark.parametrize(
    ("head", "body", "name", "limit"),
    [
        ('<meta property="og:title" content="{long}">', "<h1>Ferries</h1>", "title", MAX_TITLE),
        ('<meta name="author" content="{long}">', "", "author", MAX_NAME),
        ('<meta property="article:section" content="{long}">', "", "section", MAX_NAME),
        ('<meta name="description" content="{long}">', "", "description", MAX_DESCRIPTION),
        ("", '<figure><img src="{photo}" alt="{long}"></figure>', "image_alt", MAX_CAPTION),
        (
            "",
            '<figure><img src="{photo}"><figcaption>{long}</figcaption></figure>',
            "image_caption",
            MAX_CAPTION,
        ),
        (
            '<script type="application/ld+json">{{"@type": "NewsArticle", "image": {{"url": "{photo}", '
            '"creditText": "{long}"}}}}</script>',
            "",
            "image_credit",
            MAX_NAME,
        ),
    ],
)
def test_a_long_line_of_a_page_is_clipped(head: str, body: str, name: str, limit: int) -> None:
    long = "Ferries " * 20_000
    html = page(body.format(long=long, photo=PHOTO), head.format(long=long, photo=PHOTO), title="")
    info = extract_page(html, URL)
    value = getattr(info, name)
    assert len(value) <= limit and value.startswith("Ferries Ferries") and value.endswith("Ferries\u2026")


def test_a_credit_at_the_end_of_a_caption_of_one_endless_word_is_found() -> None:
    # The credit patterns try every position of the caption: its length squared (a 40 KB word took 17 s).
    caption = "A." * 50_000 + " (Getty Images)"  # 100 KB: a minute and a half without the bound
    info = extract_page(page(f'<figure><img src="{PHOTO}"><figcaption>{caption}</figcaption></figure>'), URL)
    assert info.image_credit == "Getty Images"


def test_a_long_paragraph_that_opens_like_a_credit_is_no_credit() -> None:
    # Nested "credit" boxes would each fold the whole article's text.
    text = "Photo: " + "and the story goes on " * 200
    info = extract_page(
        page(f'<div class="credit"><p>{text}</p></div>', f'<meta property="og:image" content="{PHOTO}">'), URL
    )
    assert info.image_url == PHOTO
    assert info.image_credit == ""


def test_a_paragraph_the_page_repeats_comes_back_once_each_time() -> None:
    # Each repeat was matched to the first one, and everything between the two came back again:
    # a page of 800 paragraphs gave 160,000, in time quadratic in their number.
    story = [
        f"Paragraph {n} of the story goes on for a while, as the paragraphs of stories do."
        for n in range(400)
    ]
    paragraphs = [text for line in story for text in (line, "I would prefer not to.")]
    info = extract_page(page("".join(f"<p>{p}</p>" for p in paragraphs)), URL)
    assert info.paragraphs == (*paragraphs, LEDE)


# -------------------------------------------------------------------------------------- addresses


@pytest.mark.parametrize(
    "canonical",
    [
        "https://other.example/their-story",  # another site: the ledger would hold its article as sent
        "http://127.0.0.1/admin",
        "http://[::1]/admin",
        "http://10.0.0.5/intranet",
        "http://169.254.169.254/latest/meta-data",
        "http://127.1/admin",  # read by browsers as 127.0.0.1, as are the two below
        "http://0x7f000001/admin",
        "http://2130706433/admin",
        "http://localhost/admin",
        "https://news.example@evil.example/world/story.html",
        "https://evil.example\\@news.example/world/story.html",
        "https://news.example/" + "a" * 2_100,
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example/world/story.html",
        "http://[::1",
    ],
)
def test_a_canonical_link_the_page_may_not_name_is_not_taken(canonical: str) -> None:
    info = extract_page(page(head=f'<link rel="canonical" href="{canonical}">'), URL)
    assert info.canonical == ""
    assert article_from_page(info, URL).url == canonical_url(URL)


@pytest.mark.parametrize(
    ("url", "canonical", "taken"),
    [
        (URL, "https://www.news.example/world/story.html", "https://www.news.example/world/story.html"),
        ("https://www.example.co.uk/a", "https://m.example.co.uk/a", "https://m.example.co.uk/a"),
        (URL, "/world/story.html?utm_source=feed", "https://news.example/world/story.html?utm_source=feed"),
        ("http://127.0.0.1:8000/story", "/canonical", "http://127.0.0.1:8000/canonical"),
    ],
)
def test_a_canonical_link_on_the_pages_own_site_is_taken(url: str, canonical: str, taken: str) -> None:
    assert extract_page(page(head=f'<link rel="canonical" href="{canonical}">'), url).canonical == taken


@pytest.mark.parametrize(
    "image",
    [
        "http://127.0.0.1/photo.jpg",
        "http://[::1]/photo.jpg",
        "http://[::ffff:10.0.0.1]/photo.jpg",
        "http://192.168.1.1/reboot.jpg",
        "http://169.254.169.254/photo.jpg",
        "http://127.1/photo.jpg",  # read by browsers as 127.0.0.1, as are the two below
        "http://0x7f.1/photo.jpg",
        "http://2130706433/photo.jpg",
        "http://localhost/photo.jpg",
        "https://user:password@news.example/photo.jpg",
        "https://news.example/" + "a" * 2_100 + ".jpg",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "vbscript:msgbox(1)",
        "data:image/svg+xml,<svg onload=alert(1)>",
        "file:///etc/passwd",
        "http://[zz::1]/photo.jpg",
    ],
)
def test_an_image_the_page_may_not_name_is_not_used_and_the_next_one_is(image: str) -> None:
    head = f'<meta property="og:image" content="{image}">'
    info = extract_page(page(f'<figure><img src="{PHOTO}" width="800"></figure>', head), URL)
    assert info.image_url == PHOTO


@pytest.mark.parametrize("href", ["http://[::1", "//[zz", "http://[::1/world/story.html"])
def test_a_picture_linked_to_an_address_no_browser_can_open_is_still_the_lead(href: str) -> None:
    # Such an address once stopped the look for the lead picture: the page lost its image.
    body = f'<figure><a href="{href}"><img src="{PHOTO}" width="800" alt="The ferry at dawn"></a></figure>'
    head = '<link rel="canonical" href="http://[::1">'
    info = extract_page(page(body, head), URL)
    assert (info.image_url, info.image_alt) == (PHOTO, "The ferry at dawn")


def test_an_image_on_the_pages_own_loopback_host_is_used() -> None:
    info = extract_page(
        page(head='<meta property="og:image" content="/photo.jpg">'), "http://127.0.0.1:8000/story"
    )
    assert info.image_url == "http://127.0.0.1:8000/photo.jpg"


def test_a_json_ld_image_that_is_not_a_web_address_is_not_used() -> None:
    data = {"@type": "NewsArticle", "image": {"@type": "ImageObject", "url": "javascript:alert(1)"}}
    head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    info = extract_page(page(f'<figure><img src="{PHOTO}"></figure>', head), URL)
    assert info.image_url == PHOTO


def test_spaces_and_quotes_in_a_page_address_are_percent_encoded() -> None:
    # Left as they are, the text part of the email shows a second address after the space.
    head = (
        '<link rel="canonical" href="https://news.example/a b https://evil.example/">'
        '<meta property="og:image" content="https://news.example/x.jpg&quot; onerror=&quot;alert(1)">'
    )
    info = extract_page(page(head=head), URL)
    assert info.canonical == "https://news.example/a%20b%20https://evil.example/"
    assert info.image_url == "https://news.example/x.jpg%22%20onerror=%22alert(1)"


def test_a_base_element_does_not_move_the_pages_relative_addresses() -> None:
    head = '<base href="https://evil.example/"><link rel="canonical" href="/world/story.html">'
    info = extract_page(page('<figure><img src="/images/ferry.jpg"></figure>', head), URL)
    assert (info.canonical, info.image_url) == (URL, PHOTO)


def test_an_empty_srcset_candidate_is_skipped() -> None:
    info = extract_page(page('<figure><img srcset=", /images/ferry.jpg 800w"></figure>'), URL)
    assert info.image_url == PHOTO


# ---------------------------------------------------------------------------------- never a crash


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b" \n\t ",
        b"\x00" * 1_000,
        bytes(range(256)) * 100,
        b"<?xml version='1.0'?>",
        b"<!-- nothing but a comment -->",
        ("<div>" * 50_000 + "deep" + "</div>" * 50_000).encode(),
        ("<b>" * 20_000 + "never closed").encode(),
        page(
            head='<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>"
        ).encode(),
        page(head='<script type="application/ld+json">"a string" 42 {"image": NaN}</script>').encode(),
        page(
            head='<script type="application/ld+json">{"@type": "Article", "n": ' + "9" * 10_000 + "}</script>"
        ).encode(),
        page(
            head='<meta property="og:image" content="http://[::1"><link rel="canonical" href="http://[zz">'
        ).encode(),
        page('<figure><img src="https://news.example:99999/x.jpg" srcset=","></figure>').encode(),
        page(head='<meta http-equiv="refresh" content="0; url=http://127.0.0.1/">').encode(),
    ],
)
def test_a_hostile_page_never_stops_the_extraction(raw: bytes) -> None:
    info = extract_page(raw, URL)
    written = teaser(article_from_page(info, URL), TeaserConfig())
    assert written.url == canonical_url(URL)


# A file that is no page, as an article link or a mirror may hand it over: its bytes, read as HTML,
# gave a paragraph of gibberish that took the place of the feed's own text.
NOT_PAGES = {
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 40,
    "png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40,
    "jpeg": b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40,
    "mp3": b"ID3\x04\x00" + bytes(range(256)) * 40,
    "mp4": b"\x00\x00\x00\x20ftypisom" + bytes(range(256)) * 40,
}


@pytest.mark.parametrize("raw", NOT_PAGES.values(), ids=NOT_PAGES.keys())
def test_a_file_that_is_no_page_gives_nothing_to_read(raw: bytes) -> None:
    assert extract_page(raw, URL) == extract_page(b"", URL)


def test_a_page_that_quotes_a_files_first_bytes_is_read() -> None:
    raw = page(title="%PDF-1.7 explained").encode()  # only how the bytes begin tells a file
    assert extract_page(raw, URL).paragraphs == (LEDE,)


# ---------------------------------------------------------------------------------- digest teaser


def test_digest_teaser_prints_no_control_characters_from_the_page(tmp_path: Path) -> None:
    hostile = "Ferries\x1b]0;owned\x07\x1b[2J return\u009b31m"
    (tmp_path / "page.html").write_text(page(title=hostile))
    result = digest(tmp_path, "teaser", "page.html", "--url", URL)
    assert result.returncode == 0, result.stderr
    assert "Ferries]0;owned[2J return31m" in result.stdout
    assert not any(c in result.stdout for c in "\x1b\x07\u009b")


def test_digest_teaser_refuses_a_file_over_the_size_limit(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_bytes(page().encode().ljust(5 * 1024 * 1024 + 1, b" "))
    result = digest(tmp_path, "teaser", "page.html")
    assert result.returncode == 1
    assert "Page 'page.html' is larger than the 5120 KB limit" in result.stderr


def test_digest_teaser_says_a_file_that_is_no_page_is_none(tmp_path: Path) -> None:
    (tmp_path / "report.pdf").write_bytes(NOT_PAGES["pdf"])
    result = digest(tmp_path, "teaser", "report.pdf")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "Page 'report.pdf' is not a web page" in result.stderr and "Hint:" in result.stderr


@pytest.mark.parametrize(("breaks", "inline", "rescued"), [(150, 0, True), (150, 300, True), (300, 0, False)])
def test_a_page_of_thousands_of_blocks_is_not_read_by_the_fallback_extractors(
    monkeypatch: pytest.MonkeyPatch, breaks: int, inline: int, rescued: bool
) -> None:
    # A page this short sends trafilatura to justext, which weighs each short block against its
    # neighbours: 10,000 short paragraphs took 20 s.
    monkeypatch.setattr(extract_module, "MAX_RESCUED_BLOCKS", 200)
    revised: list[int] = []
    real = trafilatura_external.revise_paragraph_classification

    def counted(found: list[Any], *args: Any) -> None:
        revised.append(len(found))
        real(found, *args)

    monkeypatch.setattr(trafilatura_external, "revise_paragraph_classification", counted)
    short = "The ferry left the harbour at dawn on Tuesday, the first crossing in eleven years."
    words = "<i></i>" * inline  # elements, but no blocks: they are counted only as elements
    body = f"<p>{short}</p>{'<br>' * breaks}<div>{words}</div>"
    info = extract_page(f"<html><body><article>{body}</article></body></html>", URL)
    assert bool(revised) is rescued
    assert info.paragraphs == (short,)
