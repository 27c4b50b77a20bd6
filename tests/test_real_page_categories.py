"""The kinds of real page that went wrong on sites nobody here tuned on, one test per kind.

Each page is written in the shape the real sites use (no captured page is needed): a dek marked only
by a data- attribute, a lede trafilatura skips, an agency dateline with a state abbreviation, a lede
ending in an emoji, a comment-moderation notice, a logo in place of a photo, credits in captions and
in JSON-LD, a headline with the site's name around it.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from urllib.parse import urlsplit

import lxml.html
import pytest
from test_pages import LEDE, SECOND, THIRD

from digest.collect import extract as extract_module
from digest.collect.extract import parse_html, strip_furniture
from digest.collect.images import clean_credit, split_credit
from digest.collect.pages import article_from_page, extract_page, without_site_name
from digest.config import TeaserConfig
from digest.ledes import boilerplate_reason, teaser
from digest.models import Article
from digest.sentences import cut_at_sentence, sentence_ends, to_sentence_end

URL = "https://news.example/world/2026/story.html"
DEK = "A crossing closed for a decade reopens, and both islands hope it lasts this time around."


def html(article: str, head: str = "") -> str:
    return (
        f"<html><head><title>Ferries return | The Example Times</title>{head}</head><body>"
        f"<header><img src='/static/logo.png' alt='The Example Times'></header>"
        f"<article>{article}</article></body></html>"
    )


def article_of(paragraphs: tuple[str, ...]) -> Article:
    from conftest import NOW

    return Article(url=URL, title="Ferries return", published=NOW, source="feed", paragraphs=paragraphs)


# --------------------------------------------------------------------------- deks and skipped ledes


def test_blank_lines_of_a_paragraph_set_the_headline_byline_and_date_apart_from_the_lede() -> None:
    # a market letter writes its whole story in one <p>: the headline's repeat, the byline, the date
    # and a price line, each set off by a blank line (two <br>s), then the lede; read as one
    # paragraph, the teaser opened with "Ferries return by Jo Bloggs Saturday 22.12.2012 …"
    story = (
        "<p class='letter'><strong>Ferries return</strong><br> <span>by Jo Bloggs</span><br>"
        f"Saturday 22.12.2012<br><br><span>Fare: 12.50</span><br /> <br /><br>{LEDE}<br><br>{SECOND}</p>"
    )
    info = extract_page(html(f"<h1>Ferries return</h1>{story}"), URL)

    assert LEDE in info.paragraphs
    assert teaser(article_from_page(info, URL), TeaserConfig()).paragraphs[0].startswith(LEDE[:60])


def test_a_box_of_loose_text_is_read_as_the_paragraphs_its_blank_lines_make() -> None:
    # each blank line ends a paragraph; a single line break is a line within one ("…<br>the next line")
    story = f"<div class='entry'>{LEDE}<br>{SECOND}<br><br><em>{SECOND}</em><br><br>{LEDE}</div>"
    paragraphs = extract_page(html(f"<h1>Ferries return</h1>{story}"), URL).paragraphs

    assert paragraphs[:3] == (f"{LEDE} {SECOND}", SECOND, LEDE)


@pytest.mark.parametrize(
    ("opening", "first"),
    [
        # MLB.com's run-in subhead: a bold line no sentence ends, then a line break and the paragraph
        ("<strong>Feb. 8: The ferry will sail by next week</strong><br>", SECOND),
        ("<b>Ferries return</b> <br>", SECOND),
        # ... a lede set in bold, a label and a bold word in a sentence stay in their paragraph
        ("<strong>The ferry sails at dawn.</strong><br>", f"The ferry sails at dawn. {SECOND}"),
        ("<strong>Update:</strong><br>", f"Update: {SECOND}"),
        ("<strong>Ferries</strong> return to the quay<br>", f"Ferries return to the quay {SECOND}"),
    ],
)
def test_a_bold_opening_line_no_sentence_ends_is_a_subhead(opening: str, first: str) -> None:
    story = f"<article><p>{LEDE}</p><p>{opening}{SECOND}</p><p>{THIRD}</p></article>"
    paragraphs = extract_page(html(f"<h1>Ferries return</h1>{story}"), URL).paragraphs

    assert paragraphs[:3] == (LEDE, first, THIRD)


@pytest.mark.parametrize(
    ("between", "parts"),
    [
        ("", 2),
        ("<a id='more-925'></a>", 2),  # WordPress's "more" mark between a post's two breaks
        ("<span class='x'> </span><!-- ad -->", 2),
        ("<a href='/x'>a link</a>", 1),  # a line of its own: two line breaks, no blank line
    ],
)
def test_a_blank_line_holding_nothing_shown_ends_a_paragraph(between: str, parts: int) -> None:
    story = f"<div class='entry'><p>{LEDE}<br>{between}<br>{SECOND}</p></div>"
    paragraphs = extract_page(html(f"<h1>Ferries return</h1>{story}"), URL).paragraphs

    assert (paragraphs[0] == LEDE) is (parts == 2)


@pytest.mark.parametrize(
    "box",
    [
        "<p>A <b>bold</b> line<br><br><!-- cut -->Next <i>one</i> after<br> <br>\n<br>last</p>tail",
        "<div>Lede <a href='/x'>link</a> end.<br><br><span>Second</span> para.<br><br></div>",
        "<td><br><br>Only <em>after</em><br><br></td>",
        f"<div><h2>Sub</h2>{LEDE}<br><br>{SECOND} <b>x</b><br><br><div>Box</div>Tail {LEDE}</div>",
    ],
)
def test_paragraphs_made_at_blank_lines_keep_every_word_in_its_order(box: str) -> None:
    from digest.collect.breaks import split_at_blank_lines

    doc = lxml.html.fromstring(f"<html><body><div>{box}</div></body></html>")
    before = " ".join(doc.text_content().split())
    split_at_blank_lines(doc)
    assert " ".join(doc.text_content().split()).replace(" ", "") == before.replace(" ", "")
    assert not doc.xpath("//br[following-sibling::node()[1][self::br]]")


@pytest.mark.parametrize(
    "body",
    [
        # a blog engine marks each entry with a comment; the body is text between line breaks, no <p>
        "<section class='body'><!-- entry:1366 --><img src='/photos/quay.jpg' width='134'>"
        f"{LEDE}<br><div style='clear:both'></div><br><br><h2>The timetable</h2><br>{SECOND}<br><br>"
        f"{SECOND}</section>",
        # a news site's body: its picture's box, a subheading, then the text as runs between blank lines
        # and a video's box; the run after the subheading was lost as the heading's tail
        "<div class='showitxt'><div class='teaser_img'><img src='/t/46878.jpg' width='660'></div>"
        f"<h2>Films galore</h2>\n{LEDE}\n<br/><br/>\n{SECOND}\n<br/><br/>"
        f"<div class='video'><span>Trailer</span></div>{LEDE}</div>",
    ],
)
def test_a_bodys_text_written_loose_is_read_in_paragraphs_from_its_first(body: str) -> None:
    paragraphs = extract_page(html(f"<h1>Ferries return</h1>{body}"), URL).paragraphs

    assert paragraphs[:2] == (LEDE, SECOND)


@pytest.mark.parametrize(
    "layout",
    [
        "<div>Sponsor:<br><br><div>Harbour Board</div><br><br><table><tr><td>1</td></tr></table></div>",
        # text between blocks that hold most of the box's text: their labels and notes, not a body
        f"<div><div>{LEDE} {SECOND}</div>{SECOND} {SECOND}<br><br><div>{LEDE} {SECOND} {LEDE}</div></div>",
    ],
)
def test_blank_lines_between_the_blocks_of_a_layout_box_make_no_paragraphs(layout: str) -> None:
    # a record's fields spaced out by breaks: the box holds blocks, and its breaks are spacing
    from digest.collect.breaks import split_at_blank_lines

    box = lxml.html.fragment_fromstring(layout)
    before = lxml.html.tostring(box)
    split_at_blank_lines(box)
    assert lxml.html.tostring(box) == before


def test_a_nav_left_open_around_the_articles_body_is_not_furniture() -> None:
    # a breadcrumb's <nav> never closed: the parser puts the whole body inside it
    body = (
        "<h1>Ferries return</h1><nav><div class='breadcrumb'><a href='/'>Home</a> &gt; "
        f"<a href='/news'>News</a><section class='content'><p>{LEDE}</p><p>{SECOND}</p><p>{SECOND}</p>"
        "</section></div>"
    )
    paragraphs = extract_page(html(body), URL).paragraphs

    assert paragraphs[:2] == (LEDE, SECOND)
    assert not any("Home" in p for p in paragraphs)


def test_a_pictures_box_whose_credit_is_a_paragraph_of_its_own_is_no_part_of_the_text() -> None:
    caption = "Passengers wave from the upper deck of the first ferry to cross the strait in eleven years."
    box = (
        "<div class='art-illo-cntr'><img src='/photos/ferry.jpg'><div class='art-illo-cap'>"
        f"{caption}<span class='art-illo-cred'><p>Jo Harbour/Getty Images</p></span></div></div>"
    )
    page = html(f"<h1>Ferries return</h1>{box}<p>{LEDE}</p><p>{SECOND}</p>")
    paragraphs = extract_page(page, URL).paragraphs

    assert paragraphs[0] == LEDE
    assert caption not in " ".join(paragraphs)


@pytest.mark.parametrize("opening", ["Updated at noon", DEK])
def test_a_loose_line_or_the_dek_before_a_bodys_loose_text_is_not_its_first_paragraph(opening: str) -> None:
    head = f"<meta name='description' content='{DEK}'>"
    body = (
        f"<section class='body'>{opening}<br><div style='clear:both'></div><br><br><h2>The timetable</h2>"
        f"<br>{LEDE}<br><br>{SECOND}<br><br>{SECOND}</section>"
    )

    paragraphs = extract_page(html(f"<h1>Ferries return</h1>{body}", head), URL).paragraphs

    assert opening not in paragraphs


@pytest.mark.parametrize(
    "marked",
    [
        '<div data-gu-name="standfirst"><p>{dek}</p></div>',
        '<p data-qa="subheadline">{dek}</p>',
        '<p class="css-1x2y3z" itemprop="description">{dek}</p>',
    ],
)
def test_dek_marked_only_by_a_data_attribute_is_not_the_lede(marked: str) -> None:
    page = html(f"<h1>Ferries return</h1>{marked.format(dek=DEK)}<div><p>{LEDE}</p><p>{SECOND}</p></div>")

    paragraphs = extract_page(page, URL).paragraphs

    assert paragraphs[0] == LEDE
    assert DEK not in paragraphs


def test_a_standfirst_in_a_box_nothing_names_is_not_the_lede() -> None:
    # A regional daily: under the photo, the page's description in a bare <div>, without a full stop.
    standfirst = (
        "Ferries cross the strait again. But the harbours that waited for them a decade are not ready"
    )
    head = f'<meta property="og:description" content="{standfirst}">'
    photo = "<figure><img src='/ferry.jpg'><figcaption><p>The ferry at dawn.</p></figcaption></figure>"
    body = f"<div><p><span>{standfirst}</span></p></div><div><p>{LEDE}</p><p>{SECOND}</p></div>"
    page = html(f"<h1>Ferries return</h1>{photo}{body}", head)

    info = extract_page(page, URL)
    found = teaser(article_from_page(info, URL), TeaserConfig())

    assert found.paragraphs[0] == LEDE


def test_a_block_named_summary_that_holds_the_whole_text_is_kept() -> None:
    long_text = " ".join([LEDE, SECOND, LEDE])
    page = html(f"<h1>Ferries return</h1><div class='p-summary'><p>{long_text}</p></div><p>Coins vary.</p>")

    assert extract_page(page, URL).paragraphs[0] == long_text


@pytest.mark.parametrize(
    "marked",
    [
        "<p class='article-summary'>{dek}</p>",
        "<div class='c-dek'>{dek}</div>",
        "<p class='articleabstract'>{dek}</p>",  # a portal's word for it
    ],
)
def test_a_dek_named_by_its_class_is_not_the_lede(marked: str) -> None:
    page = html(f"<h1>Ferries return</h1>{marked.format(dek=DEK)}<div><p>{LEDE}</p><p>{SECOND}</p></div>")

    assert extract_page(page, URL).paragraphs[0] == LEDE


# An international broadcaster's way: under the <h1>, its sibling, a paragraph that says the page's
# description word for word and ends its sentence; the share buttons, and the body in a box of its own.
_INTRO = f"<p class='intro'>{DEK}</p><div class='sharing-bar'><a href='/share'></a></div>"


@pytest.mark.parametrize("attribute", ["content", "value"])  # a saved page keeps it in value
def test_a_paragraph_under_the_headline_that_is_the_description_is_the_dek(attribute: str) -> None:
    head = f"<meta name='description' {attribute}='{DEK}'>"
    page = html(f"<h1>Ferries return</h1>{_INTRO}<div class='group'><p>{LEDE}</p><p>{SECOND}</p></div>", head)

    paragraphs = extract_page(page, URL).paragraphs

    assert paragraphs[0] == LEDE
    assert DEK not in paragraphs


# A European paper's lead: the story's opening in a paragraph of its own under the headline (ORF's
# "story-lead-text"), or above a box of related stories and a subheading (Super Express's "lead"),
# the site's description word for word or cut short; the body's box goes on from its second paragraph.
LEAD = (
    "The ferry to Kessan sailed again on Monday, three weeks after the storms closed the harbour. "
    "Both islands had waited for the crossing since the autumn. The harbour master Jo Harbour says "
    "that the quay will hold until the spring, and a new one is planned."
)
BODY = (
    "<div class='story-content'><div class='story-banner'></div><div class='story-story'>"
    f"<p>Harbour said the work would cost {THIRD[:1].lower()}{THIRD[1:]}</p><p>{SECOND}</p></div></div>"
)


@pytest.mark.parametrize(
    ("story", "description"),
    [
        (
            f"<div class='story-lead'><h1>Ferries return</h1><p class='story-lead-text'>{LEAD}</p>"
            f"<div class='story-meta'>25. Oktober 2025</div></div>{BODY}",
            LEAD,
        ),
        (
            f"<h1>Ferries return</h1><p class='lead'>{LEAD}</p><div class='related'><a href='/other'><p>"
            f"Storm closes the harbour</p></a></div><div class='block'><h2>The crossing</h2>{BODY}</div>",
            LEAD[:160] + "...",
        ),
    ],
)
def test_a_lead_of_three_sentences_the_description_gives_is_the_stories_opening(
    monkeypatch: pytest.MonkeyPatch, story: str, description: str
) -> None:
    trafilatura_keeps(monkeypatch, f"<div><p>{SECOND}</p></div>")  # the body's box, as on those pages
    page = html(f"<div id='ss-shunter'>{story}</div>", f"<meta name='description' content='{description}'>")

    assert extract_page(page, URL).paragraphs[0] == LEAD


def test_a_dek_of_two_sentences_the_description_gives_stays_out(monkeypatch: pytest.MonkeyPatch) -> None:
    trafilatura_keeps(monkeypatch, f"<div><p>{SECOND}</p></div>")
    dek = (
        "The ferry to Kessan sailed again on Monday, three weeks after the storms closed the harbour, and "
        "both islands had waited for it since the autumn. The harbour master Jo Harbour says that the old "
        "quay will hold until the spring, when a new one is to be built."
    )
    story = f"<div class='story-lead'><h1>Ferries return</h1><p class='story-lead-text'>{dek}</p></div>{BODY}"
    page = html(story, f"<meta name='description' content='{dek}'>")

    assert dek not in extract_page(page, URL).paragraphs


@pytest.mark.parametrize("box", ["p class='intro'", "div class='intro'"])
def test_a_paragraph_under_the_headline_that_opens_with_a_dateline_is_the_lede(box: str) -> None:
    opening = f"Kessan (dpa) - {DEK}"
    head = f"<meta name='description' content='{opening}'>"
    tag = box.split()[0]
    body = f"<div class='group'><p>{LEDE}</p><p>{SECOND}</p></div>"
    story = f"<h1>Ferries return</h1><{box}>{opening}</{tag}>{body}"

    assert extract_page(html(story, head), URL).paragraphs[0] == opening


@pytest.mark.parametrize(
    "story",
    [
        # the story's paragraphs all follow the <h1>: the first is its lede, though the site describes
        # the page with it
        f"<h1>Ferries return</h1><p>{DEK}</p><p>{LEDE}</p><p>{SECOND}</p>",
        # the lede in the body's box (a tabloid's bold "story-intro"), the headline in a box above it
        f"<div class='head'><h1>Ferries return</h1></div><div class='body'><div class='story-intro'>"
        f"<p>{DEK}</p></div><p>{LEDE}</p><p>{SECOND}</p></div>",
    ],
)
def test_a_lede_that_is_also_the_description_stays_where_the_body_holds_it(story: str) -> None:
    page = html(story, f"<meta name='description' content='{DEK}'>")

    assert extract_page(page, URL).paragraphs[0] == DEK


# A weekly's way: the headline, the description as a paragraph, then the line of the date and the
# authors, then the story's paragraphs, all siblings in one box.
_SIGNED = "<div class='social-share'><h5>23.01.2019</h5><div>By Jo Harbour and Tom Quay</div></div>"


@pytest.mark.parametrize(
    ("headline", "said", "signed"),
    [
        ("<h1>Ferries return</h1>", DEK, _SIGNED),
        ("<h2>Ferries return</h2>", DEK, _SIGNED),  # no <h1> on the page: its headline is an <h2>
        # a description escaped twice by the publishing system
        ("<h1>Ferries return</h1>", DEK.replace("both", "&amp;ldquo;both&amp;rdquo;"), _SIGNED),
        # the date in a <time> element, written out
        ("<h1>Ferries return</h1>", DEK, "<div><time datetime='2026-01-23'>Friday</time> Jo Harbour</div>"),
    ],
)
def test_a_paragraph_that_is_the_description_before_the_date_and_byline_is_the_dek(
    headline: str, said: str, signed: str
) -> None:
    dek = DEK.replace("both", "\u201cboth\u201d") if "&amp;" in said else DEK
    story = f"<div class='detail'>{headline}<p>{dek}</p>{signed}<p>{LEDE}</p><p>{SECOND}</p></div>"

    paragraphs = extract_page(html(story, f"<meta name='description' content='{said}'>"), URL).paragraphs

    assert dek not in paragraphs
    assert teaser(article_of(paragraphs), TeaserConfig()).paragraphs[0] == LEDE


def test_a_paragraph_that_is_the_description_after_the_date_and_byline_is_the_lede() -> None:
    story = f"<div><h1>Ferries return</h1>{_SIGNED}<p>{DEK}</p><p>{LEDE}</p><p>{SECOND}</p></div>"

    page = html(story, f"<meta name='description' content='{DEK}'>")

    assert extract_page(page, URL).paragraphs[0] == DEK


def test_a_paragraph_under_the_headline_that_the_description_does_not_repeat_stays() -> None:
    head = "<meta name='description' content='Ferries are back.'>"
    page = html(f"<h1>Ferries return</h1>{_INTRO}<div class='group'><p>{LEDE}</p><p>{SECOND}</p></div>", head)

    assert extract_page(page, URL).paragraphs[0] == DEK


# The lead picture under the headline, as a reader sees it set between a summary and the story.
_PICTURE = (
    "<figure><img src='/media/ferry.jpg' width='900'><figcaption>Photo: Jo Bloggs</figcaption></figure>"
)
_DECLARED = "<meta property='og:image' content='https://news.example/media/ferry.jpg'>"


@pytest.mark.parametrize(
    ("story", "first"),
    [
        # a summary box named "intro" between the headline and the picture is the dek
        (
            f"<h1>Ferries return</h1><div class='ce_articleIntro'>{DEK}</div>{_PICTURE}<div><p>{LEDE}</p>",
            LEDE,
        ),
        # ... and a box named "lead" there too (a Swiss portal's "atm-paragraph--lead")
        (f"<h1>Ferries return</h1><p class='atm-paragraph--lead'>{DEK}</p>{_PICTURE}<p>{LEDE}</p>", LEDE),
        # ... and one with the story's paragraphs before the picture is the story's start
        (f"<h1>Ferries return</h1><div class='ce_articleIntro'>{DEK}</div><p>{LEDE}</p>{_PICTURE}", DEK),
    ],
)
def test_an_intro_box_between_the_headline_and_the_lead_picture_is_the_dek(story: str, first: str) -> None:
    page = html(f"{story}<p>{SECOND}</p><p>{THIRD}</p>", _DECLARED)

    assert extract_page(page, URL).paragraphs[0] == first


def test_the_lead_figure_parts_the_dek_when_the_page_declares_the_picture_under_another_name() -> None:
    # the page shares one copy of the photo ("…-38f5579b.jpg") and shows another ("…-70db515a.jpg"):
    # its figure, where the caption and credit are read, is where the picture stands
    head = "<meta property='og:image' content='https://news.example/media/pumps-38f5579b.jpg'>"
    figure = "<figure><img src='/media/pumps-70db515a.jpg'><figcaption>Bild: Jo Bloggs</figcaption></figure>"
    story = f"<h1>Ferries return</h1><div class='ce_articleIntro'><p>{DEK}</p></div>{figure}"

    info = extract_page(html(f"{story}<p>{LEDE}</p><p>{SECOND}</p><p>{THIRD}</p>", head), URL)

    assert info.image_credit == "Jo Bloggs"
    assert info.paragraphs[0] == LEDE


@pytest.mark.parametrize(
    ("story", "first"),
    [
        # set under the lead picture, a box named as an excerpt is where the reader starts reading
        (f"<h1>Ferries return</h1>{_PICTURE}<p class='article-excerpt'>{DEK}</p>", DEK),
        # ... above it, it is the dek
        (f"<h1>Ferries return</h1><p class='article-excerpt'>{DEK}</p>{_PICTURE}", LEDE),
    ],
)
def test_a_box_named_a_dek_right_under_the_lead_picture_is_the_stories_start(story: str, first: str) -> None:
    page = html(f"{story}<div class='text'><p>{LEDE}</p><p>{SECOND}</p><p>{THIRD}</p></div>", _DECLARED)

    assert extract_page(page, URL).paragraphs[0] == first


def trafilatura_keeps(monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    """Make trafilatura find ``body`` (its paragraphs) on any page, as it reads some real ones."""

    kept = SimpleNamespace(body=extract_module.lxml.html.fromstring(body))
    monkeypatch.setattr(extract_module.trafilatura, "bare_extraction", lambda *args, **kwargs: kept)


@pytest.mark.parametrize("label", ["<p>Marienberg</p>", ""])
def test_a_paragraph_trafilatura_puts_first_that_the_page_shows_last_is_not_the_lede(
    monkeypatch: pytest.MonkeyPatch, label: str
) -> None:
    # blick.de: trafilatura read the feedback line under the story first, then the place name set in a
    # <span> above it (no <p> of the page), then the story; each paragraph in a box of its own
    feedback = (
        "Habt ihr eine Meinung zu diesem Artikel oder einen Fehler entdeckt? Dann weist uns gern darauf hin."
    )
    trafilatura_keeps(monkeypatch, f"<div><p>{feedback}</p>{label}<p>{LEDE}</p><p>{SECOND}</p></div>")
    boxes = "".join(
        f"<div class='styled-tags'><p>{p}</p></div><div><h2>A heading</h2></div>" for p in (LEDE, SECOND)
    )
    page = html(
        f"<h1>Ferries return</h1><span class='label'>Marienberg</span>"
        f"<div>{boxes}<p><a>{feedback}</a></p></div>"
    )

    assert extract_page(page, URL).paragraphs[0] in ("Marienberg", LEDE)
    assert teaser(article_from_page(extract_page(page, URL), URL), TeaserConfig()).paragraphs[0] == LEDE


def test_lede_that_trafilatura_skips_before_the_first_paragraph_it_kept_is_put_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    trafilatura_keeps(monkeypatch, f"<div><p>{SECOND}</p></div>")
    page = html(f"<h1>Ferries return</h1><div><p>Updated 9:40 a.m.</p><p>{LEDE}</p><p>{SECOND}</p></div>")

    assert extract_page(page, URL).paragraphs == (LEDE, SECOND)  # the short date line stays out


@pytest.mark.parametrize(
    ("opening", "restored"),
    [
        (f"{LEDE} {SECOND}", True),
        (DEK, False),
        # ... unless it opens with the story's dateline, which no dek has (tour-magazin.de's dpa lede)
        (f"Kessan (dpa) - {DEK}", True),
        (f"KESSAN CITY \u2014 {DEK}", True),
    ],
)
def test_a_skipped_opening_the_description_repeats_is_put_back_unless_it_is_a_deks_length(
    monkeypatch: pytest.MonkeyPatch, opening: str, restored: bool
) -> None:
    # Sites give their lede as the page's description too ("story-teaser" above "story-body"); a
    # paragraph as short as a dek that the description repeats is the dek, and stays out.
    body = "<p>Islanders queued at the quay before dawn, and the first tickets sold out within the hour.</p>"
    trafilatura_keeps(monkeypatch, f"<div>{body}</div>")
    page = html(
        f"<h1>Ferries return</h1><div class='story-teaser'><p>{opening}</p></div>"
        f"<div class='story-body'>{body}</div>",
        head=f"<meta name='description' content='{opening}'>",
    )

    assert (extract_page(page, URL).paragraphs[0] == opening) is restored


@pytest.mark.parametrize(
    ("kept", "read"),
    [
        # trafilatura left the opening link off the lede: the page's own paragraph is read
        (LEDE.removeprefix("The ferry "), LEDE),
        # a paragraph it reads whole, or one that only ends like a longer one, is kept as it is
        (LEDE, LEDE),
        ("before the storms.", "before the storms."),
    ],
)
def test_words_trafilatura_left_off_a_paragraphs_start_are_put_back(
    monkeypatch: pytest.MonkeyPatch, kept: str, read: str
) -> None:
    trafilatura_keeps(monkeypatch, f"<div><p>{kept}</p><p>{SECOND}</p></div>")
    linked = LEDE.replace("The ferry ", "<a href='/tag/ferry'>The ferry</a> ", 1)
    page = html(
        f"<h1>Ferries return</h1><div><p>{linked}</p><p>{SECOND}</p><p>Then, before the storms.</p></div>"
    )

    assert extract_page(page, URL).paragraphs[0] == read


def test_a_photos_cutline_is_not_the_lede() -> None:
    # "Cutline" is the newsroom's word for a caption: a gallery at the top of the story sets one in a
    # <div>, which read as the story's first paragraph.
    cutline = "Jo Doe, 20, was charged with conspiracy after a shooting near the harbour injured her partner."
    gallery = (
        "<div><div><div class='bottom'><div id='slide-info'>"
        f"<div class='cutline'>{cutline}</div><div class='credit'>SHERIFF'S DEPT./CONTRIBUTED IMAGE</div>"
        "</div><div class='tab'><a href='/a.html'>Related article</a></div></div></div></div>"
    )

    info = extract_page(html(f"<h1>Ferries return</h1><div>{gallery}<p>{LEDE}</p><p>{SECOND}</p></div>"), URL)

    assert info.paragraphs[:2] == (LEDE, SECOND)


def test_an_article_set_in_an_aside_for_layout_is_read() -> None:
    # A publishing system that lays its page out as main > aside > section > article.
    body = f"<div itemprop='articleBody'><p>{LEDE}</p><p>{SECOND}</p></div>"
    story = f"<article><h1>Ferries return</h1>{body}</article>"
    nav = "<nav><a href='/'>Home</a> <a href='/region'>Region</a> <a href='/sport'>Sport</a></nav>"
    rail = "<aside class='rail'><p>Most read: the budget vote, explained.</p></aside>"
    page = (
        f"<html><head><title>Ferries</title></head><body>{nav}<main><aside class='content'><section>{story}"
        f"</section></aside>{rail}</main></body></html>"
    )

    assert extract_page(page, URL).paragraphs[:2] == (LEDE, SECOND)


def test_a_form_field_s_text_is_never_part_of_the_lede() -> None:
    # A short video page's "embed this" box: the embed code sits in a <textarea> just after the lede;
    # trafilatura reads a body this short as one block, and the code ran into the lede ("… 12 weeks
    # early. <iframe width='670' …>Your browser does not support frames."), which then read as no
    # full sentence at all.
    embed = "<iframe src='https://news.example/embed/1'>Your browser does not support frames.</iframe>"
    months = "".join(f"<option>{m} 2026</option>" for m in ("January", "February", "March"))
    lede = "In a video posted on Monday, the two ferry captains ask for support as they retire early."
    page = html(
        f"<h1>Ferries return</h1><div class='story'><div><p>{lede}</p></div>"
        f"<div class='embed-box'><textarea>{embed}</textarea><select name='archive'>{months}</select></div>"
        "</div>"
    )

    assert extract_page(page, URL).paragraphs == (lede,)


@pytest.mark.parametrize("names", ["top_nav", "main-menu", "site-navigation", "navbar", "channels-dropdown"])
def test_a_story_teaser_in_a_menus_drop_down_is_not_the_lede(names: str) -> None:
    # Menus built from divs, not <nav>: a drop-down holds a teaser of another story, in a <p>, which
    # was put back in front of the lede as a paragraph trafilatura had skipped.
    promo = "Great sleep does more than rest your mind, it is good for your heart and your head."
    menu = (
        f"<div class='{names}'><ul><li><a href='#'>Quizzes</a><div><ul><li><div class='text'>"
        f"<h4>How do you sleep?</h4><p>{promo}</p></div></li></ul></div></li></ul></div>"
    )
    page = (
        f"<html><head><title>Ferries return</title></head><body><div class='top'>{menu}</div>"
        f"<div class='story'><h1>Ferries return</h1><p>{LEDE}</p><p>{SECOND}</p></div></body></html>"
    )

    assert extract_page(page, URL).paragraphs[:2] == (LEDE, SECOND)


def test_a_body_whose_class_names_a_menu_is_still_the_body() -> None:
    # A restaurant review set in <div class="menu-review">: the name rule never takes the text itself.
    page = html(f"<h1>Ferries return</h1><div class='menu-review'><p>{LEDE}</p><p>{SECOND}</p></div>")

    assert extract_page(page, URL).paragraphs[:2] == (LEDE, SECOND)


@pytest.mark.parametrize(
    ("before", "read"),
    [
        ("Ferries return", LEDE),  # the page's headline: left out
        ("Meanwhile,", f"Meanwhile, {LEDE}"),  # words that are no heading of the page: kept
    ],
)
def test_a_headline_trafilatura_read_into_the_lede_is_left_out(
    monkeypatch: pytest.MonkeyPatch, before: str, read: str
) -> None:
    trafilatura_keeps(monkeypatch, f"<div><p>{before} {LEDE}</p></div>")
    assert extract_page(html(f"<h1>Ferries return</h1><div><p>{LEDE}</p></div>"), URL).paragraphs == (read,)


# --------------------------------------------------------------------------- sentences


def test_agency_dateline_with_a_state_abbreviation_is_not_a_sentence_of_its_own() -> None:
    lede = "SPRINGFIELD, Ill. (AP) — The latest on the storm that closed the state capitol on Monday:"
    body = (
        "SPRINGFIELD, Ill. (AP) — Lawmakers left the capitol early on Monday as the storm closed roads. "
        "The session resumes on Thursday."
    )

    assert to_sentence_end(lede) == ""  # a heading for the list below it, not "SPRINGFIELD, Ill."
    assert len(sentence_ends(body)) == 1
    assert cut_at_sentence(body, 15).startswith("SPRINGFIELD, Ill. (AP) — Lawmakers left")


def test_state_abbreviation_keeps_a_sentence_going_but_a_lower_case_word_ends_one() -> None:
    assert sentence_ends("He moved to Calif. After that he wrote.") == []
    assert len(sentence_ends("He was ill. After that he wrote.")) == 1


@pytest.mark.parametrize("ending", ["! \U0001f44b", ". \U0001f642", "! \u2b07\ufe0f", ".\u2728\u2728"])
def test_paragraph_ending_in_a_sentence_end_and_an_emoji_is_kept(ending: str) -> None:
    greeting = f"Hi everyone{ending}"
    result = teaser(article_of((greeting, LEDE)), TeaserConfig())

    assert result.paragraphs[0] == greeting[: greeting.index(ending[0]) + 1]
    assert boilerplate_reason(greeting) is None


@pytest.mark.parametrize(
    "notice",
    [
        "Comments that are abusive, off-topic or in breach of the house rules will not be approved by "
        "the moderator.",
        "Comments are closed.",
        "All comments are moderated before they appear.",
    ],
)
def test_comment_moderation_notice_is_not_the_lede(notice: str) -> None:
    result = teaser(article_of((notice, LEDE)), TeaserConfig())

    assert result.paragraphs[0] == LEDE
    assert boilerplate_reason(notice) == "comment notice"


def test_a_paragraph_about_comments_is_kept() -> None:
    text = "The minister's comments on the ferry timetable drew applause from both quays on Tuesday night."
    assert boilerplate_reason(text) is None


def test_cut_of_a_huge_paragraph_with_an_unclosed_quote_still_ends_at_a_sentence() -> None:
    text = '"Unclosed quote. ' + "The ferry sailed on. " * 20_000
    cut = cut_at_sentence(text, 40)

    assert cut.endswith("…") and len(cut) < 2_000


# --------------------------------------------------------------------------- images and credits


def test_logo_avatar_and_tracking_pixel_are_never_the_lead_image() -> None:
    body = (
        "<h1>Ferries return</h1><img src='https://cdn.example/avatars/jo.jpg' class='author-avatar'>"
        "<img src='https://www.facebook.com/tr?id=1&ev=PageView' width='1' height='1'>"
        "<img src='/img/site-logo.svg'><img src='/img/badge_sponsor.png'>"
        "<div class='media-loading'><img src='/images/icons/preload.gif' alt='preload'></div>"
        f"<div class='lead-photo'><img src='/photos/ferry-at-dawn.jpg' alt='The ferry at dawn'></div>"
        f"<p>{LEDE}</p><p>{SECOND}</p>"
    )

    info = extract_page(html(body), URL)

    assert info.image_url == "https://news.example/photos/ferry-at-dawn.jpg"
    assert info.image_alt == "The ferry at dawn"


@pytest.mark.parametrize(
    ("declared", "lead"),
    [
        ("https://cdn.example/uploads/2025/02/pixel.gif", ""),  # a tracking pixel, by its name
        ("https://cdn.example/pixel/1x9a.jpg", ""),  # ... or its folder
        # a story about Google's Pixel 9a: its picture of the phone
        ("https://cdn.example/uploads/2025/02/pixel-9a-wf-leak-17.jpg?resize=1200%2C628", "same"),
    ],
)
def test_a_picture_named_pixel_is_a_tracker_only_when_it_is_named_so_alone(declared: str, lead: str) -> None:
    head = f"<meta property='og:image' content='{declared}'>"

    assert extract_page(html(f"<p>{LEDE}</p>", head), URL).image_url == (declared if lead else "")


@pytest.mark.parametrize(
    ("sides", "lead"),
    [
        # Escapist's story on the series Avatar: a wide picture, whatever its file is called
        ({"width": 1233, "height": 694}, True),
        # ... an author's portrait is small or square, and a size not declared proves nothing
        ({"width": 96, "height": 96}, False),
        ({"width": 200, "height": 100}, False),
        ({"width": 800, "height": 800}, False),
        ({}, False),
    ],
)
def test_a_declared_picture_named_avatar_is_a_portrait_unless_declared_wide(
    sides: dict[str, int], lead: bool
) -> None:
    declared = "https://cdn.example/uploads/2023/11/avatar.jpg"
    sizes = "".join(f"<meta property='og:image:{side}' content='{value}'>" for side, value in sides.items())
    head = f"<meta property='og:image' content='{declared}'>{sizes}"

    assert extract_page(html(f"<p>{LEDE}</p>", head), URL).image_url == (declared if lead else "")


@pytest.mark.parametrize(
    "img",
    [
        "<img src='/img/placeholder.gif' srcset='/img/ferry-400.jpg 400w, /img/ferry-1200.jpg 1200w'>",
        "<img src='data:,' data-srcset='/img/ferry-400.jpg 400w, /img/ferry-1200.jpg 1200w'>",
        "<img data-src='/img/ferry-1200.jpg' src='/img/spacer.gif'>",
        "<img data-img='/img/ferry-1200.jpg' width='610' height='386'>",  # Cracked's, with no src at all
    ],
    ids=["srcset", "data-srcset", "data-src", "data-img"],
)
def test_a_lazy_loaded_figure_gives_the_picture_a_script_would_show(img: str) -> None:
    # A stand-in in src ("placeholder.gif") left the page without a lead image although its srcset
    # named the picture; the widest candidate is the one a large screen shows.
    info = extract_page(html(f"<figure>{img}</figure><h1>Ferries return</h1><p>{LEDE}</p>"), URL)
    assert info.image_url == "https://news.example/img/ferry-1200.jpg"


@pytest.mark.parametrize(
    "sources",
    [
        "<source srcset='/img/ferry-600.jpg 600w, /img/ferry-1200.jpg 1200w'>",
        "<source type='image/webp' srcset='/img/ferry.webp 1600w'>"
        "<source type='image/jpeg' srcset='/img/ferry-600.jpg 600w, /img/ferry-1200.jpg 1200w'>",
    ],
    ids=["source", "webp-first"],
)
def test_a_picture_whose_img_has_no_address_gives_its_sources_picture(sources: str) -> None:
    # A responsive page may name its photo only in the <source>s of a <picture>: the widest, in a
    # format every mail client shows (Outlook on Windows shows no WebP).
    figure = f"<figure><picture>{sources}<img alt='The ferry'></picture></figure>"
    info = extract_page(html(f"{figure}<h1>Ferries return</h1><p>{LEDE}</p>"), URL)
    assert (info.image_url, info.image_alt) == ("https://news.example/img/ferry-1200.jpg", "The ferry")


@pytest.mark.parametrize(
    ("img", "chosen"),
    [
        # a responsive picture's small fallback in src: the candidate that is sharp at 600 px, not the
        # widest (a 2400 px download for a 600 px slot)
        (
            "<img src='/img/ferry-300.jpg' srcset='/img/ferry-600.jpg 600w, /img/ferry-1200.jpg 1200w, "
            "/img/ferry-2400.jpg 2400w'>",
            "ferry-1200.jpg",
        ),
        (
            "<img src='/img/ferry-300.jpg' srcset='/img/ferry-400.jpg 400w, /img/ferry-800.jpg 800w'>",
            "ferry-800.jpg",
        ),
        # in a <picture>, the <img>'s own srcset
        (
            "<picture><source type='image/webp' srcset='/img/ferry.webp 1600w'>"
            "<img src='/img/ferry-300.jpg' srcset='/img/ferry-1200.jpg 1200w, /img/ferry-300.jpg 300w'>"
            "</picture>",
            "ferry-1200.jpg",
        ),
        # a src that says it is wide enough stays; so does one whose srcset names no widths
        ("<img src='/img/ferry-1024.jpg' width='1024' srcset='/img/ferry-2048.jpg 2048w'>", "ferry-1024.jpg"),
        ("<img src='/img/ferry-300.jpg' srcset='/img/ferry-600.jpg 2x'>", "ferry-300.jpg"),
    ],
    ids=["fits", "widest-when-none-fits", "picture", "declared-wide", "densities"],
)
def test_a_responsive_picture_gives_the_size_the_email_shows(img: str, chosen: str) -> None:
    info = extract_page(html(f"<figure>{img}</figure><h1>Ferries return</h1><p>{LEDE}</p>"), URL)
    assert info.image_url == f"https://news.example/img/{chosen}"


@pytest.mark.parametrize("width", ["9" * 5000, "\u00b2", " 1200px "])
def test_a_figure_whose_width_no_number_can_hold_keeps_its_picture(width: str) -> None:
    # A width of 5,000 digits (no int can be built of it) or a superscript two cost the page its picture.
    info = extract_page(
        html(f"<figure><img src='/img/ferry.jpg' width='{width}'></figure><p>{LEDE}</p>"), URL
    )
    assert info.image_url == "https://news.example/img/ferry.jpg"


@pytest.mark.parametrize(
    "declared",
    [
        "<link rel='image_src' href='/img/ferry-1200.jpg'>",
        "<meta itemprop='image' content='https://news.example/img/ferry-1200.jpg'>",
    ],
    ids=["image_src", "microdata"],
)
def test_a_picture_declared_the_older_ways_is_the_lead_image(declared: str) -> None:
    # Before Open Graph, pages named their picture with <link rel="image_src"> or schema.org microdata.
    page = f"<html><head><title>Ferries return</title>{declared}</head><body><h1>Ferries return</h1>"
    info = extract_page(f"{page}<p>{LEDE}</p><p>{SECOND}</p></body></html>", URL)
    assert info.image_url == "https://news.example/img/ferry-1200.jpg"


@pytest.mark.parametrize("names", ["story-body has-video", "content hide-ads", "article-text ad-free"])
def test_a_body_set_without_paragraphs_in_a_box_named_like_furniture_is_read(names: str) -> None:
    # A page set in <div>s and <br>s holds no <p> text for a box to be weighed by: a body whose class
    # has a furniture word in it ("has-video") was taken for furniture, and the page gave no teaser.
    body = f"<h1>Ferries return</h1><div class='{names}'>{LEDE}<br><br>{SECOND}<br><br>{LEDE}</div>"
    info = extract_page(html(body), URL)
    assert info.paragraphs[0].startswith(LEDE)


@pytest.mark.parametrize(
    ("tag", "name"),
    [
        ("p", "paragraph hide-on-print"),
        ("p", "c-paragraph social-share-ready"),
        ("p", "article-summary-p"),
        ("div", "text-block has-video-embed"),  # a paragraph set as a box of text
    ],
)
def test_body_paragraphs_whose_class_has_a_furniture_word_are_the_body(tag: str, name: str) -> None:
    # Each paragraph is a small share of the text: judged alone by its name, every one of them went.
    body = "<h1>Ferries return</h1>" + "".join(
        f"<{tag} class='{name}'>{text}</{tag}>" for text in (LEDE, SECOND, LEDE)
    )
    assert extract_page(html(body), URL).paragraphs[:2] == (LEDE, SECOND)


def test_a_paragraph_named_as_furniture_among_the_body_still_goes() -> None:
    prompt = "<p class='share-prompt'>Share this story with a friend.</p>"
    body = f"<h1>Ferries return</h1><p>{LEDE}</p>{prompt}<p>{SECOND}</p>"
    assert extract_page(html(body), URL).paragraphs == (LEDE, SECOND)


def test_posts_embedded_from_a_social_network_go_however_much_of_the_page_they_hold() -> None:
    tweet = f"<blockquote class='twitter-tweet'><p>{SECOND}</p>&mdash; Jo Harbour (@jo)</blockquote>"
    doc = parse_html(
        html(f"<h1>Ferries return</h1><div class='entry-content'><p>{LEDE}</p>{tweet * 6}</div>")
    )
    assert doc is not None
    strip_furniture(doc)
    assert doc.find(".//blockquote") is None


BIO = (
    "Jo Harbour has covered the islands and their ferries for twenty years, first for the Strait Weekly"
    " and then for this newspaper, where she became transport correspondent in 2019. She lives on the"
    " smaller island with her family and two dogs, and she crosses the strait on the morning boat most"
    " days of the week, whatever the weather does and however late the boat happens to be. Her book on"
    " the strait's lighthouses came out last spring."
)


def test_furniture_beside_a_body_set_without_paragraphs_still_goes() -> None:
    # A box of furniture holds little of the page's loose text, however long it is itself.
    story = f"{LEDE}<br><br>{SECOND}<br><br>" * 3
    body = f"<h1>Ferries return</h1><div class='author-bio'>{BIO}</div><div class='story'>{story}</div>"
    doc = parse_html(html(body))
    assert doc is not None
    strip_furniture(doc)
    assert (doc.find(".//div[@class='author-bio']"), doc.find(".//div[@class='story']") is not None) == (
        None,
        True,
    )


GALLERY = "https://news.example/a/quay-dawn.jpghttps://news.example/b/quay-2.jpghttps://news.example/c.jpg"
ARCHIVED = "https://web.archive.org/web/2017im_/http://news.example/a/quay-dawn.jpg"


def test_picture_addresses_run_together_are_the_first_of_them() -> None:
    # a CMS's og:image of a gallery: three addresses run together, the first is the lead; an archive's
    # address holds a second scheme after no file's extension, and is one address
    found = [
        extract_page(html(f"<p>{LEDE}</p>", f"<meta property='og:image' content='{d}'>"), URL)
        for d in (GALLERY, ARCHIVED)
    ]
    assert [info.image_url for info in found] == ["https://news.example/a/quay-dawn.jpg", ARCHIVED]


def test_an_amp_page_s_picture_is_its_lead_image() -> None:
    amp = "<amp-img src='/img/ferry-1200.jpg' width='1200' height='800' layout='responsive' alt='The ferry'>"
    info = extract_page(html(f"{amp}</amp-img><h1>Ferries return</h1><p>{LEDE}</p>"), URL)
    assert (info.image_url, info.image_alt) == ("https://news.example/img/ferry-1200.jpg", "The ferry")


def test_a_story_card_linking_elsewhere_is_not_the_lead_figure() -> None:
    # A "most read" list set out as figures, each a link holding the other story's photo and headline.
    card = (
        "<li><a href='/2026/11/budget-vote/'><figure><img src='https://cdn.example/budget-vote.jpg'"
        " alt='The budget vote'></figure><strong>The budget vote, explained</strong></a></li>"
    )
    page = html(
        f"<h1>Ferries return</h1><p>{LEDE}</p><p>{SECOND}</p><aside-list><ul>{card}</ul></aside-list>"
    )

    assert extract_page(page, URL).image_url == ""


@pytest.mark.parametrize(
    ("declared", "beside", "card"),
    [
        (True, "The budget vote, explained", True),
        (False, "The budget vote, explained", True),
        # a link with no headline's words (a gallery's next arrow) makes no card of it
        (False, "\u203a", False),
    ],
)
def test_a_figure_outside_the_article_whose_headline_beside_it_links_elsewhere_is_a_card(
    declared: bool, beside: str, card: bool
) -> None:
    # "related" cards after the article: the picture links to the other story, its headline beside it
    related = (
        "<div class='related-site'><figure><a href='/2026/11/budget-vote/'><img src="
        "'https://cdn.example/budget-vote.jpg' alt='The budget vote'></a></figure><div class='title'>"
        f"<a href='/2026/11/budget-vote/'>{beside}</a></div></div>"
    )
    head = "<meta property='og:image' content='https://cdn.example/ferry.jpg'>" if declared else ""
    page = (
        f"<html><head>{head}</head><body><main><article><h1>Ferries return</h1><p>{LEDE}</p>"
        f"<p>{SECOND}</p></article>{related}</main></body></html>"
    )

    info = extract_page(page, URL)

    if declared:
        assert (info.image_url, info.image_alt) == ("https://cdn.example/ferry.jpg", "")
    else:
        assert info.image_url == ("" if card else "https://cdn.example/budget-vote.jpg")


@pytest.mark.parametrize(
    ("alt", "expected"),
    [
        # an alt that says whose the picture is, and nothing of what it shows, is its credit
        ("Mandel Ngan / AFP / Getty Images", ("", "Mandel Ngan / AFP / Getty Images")),
        ("(Credit: Jo Harbour)", ("", "Jo Harbour")),
        # a description stays the alt, a slash and all; a wire picture's slug is no one's name
        ("Fans cheer AC/DC at the quay", ("Fans cheer AC/DC at the quay", "")),
        ("The quay before / after the storm", ("The quay before / after the storm", "")),
        ("Image: US-SPACE-AEROSPACE-NASA", ("Image: US-SPACE-AEROSPACE-NASA", "")),
        # names set apart by slashes with no agency among them may be a band's
        ("Jo Harbour / Tom Quay / Coast Times", ("Jo Harbour / Tom Quay / Coast Times", "")),
        # an alt written as a caption with its credit gives both, as a caption would
        ("The quay at dawn. Photo: Jo Harbour", ("The quay at dawn.", "Jo Harbour")),
        ("Wetterbild (Foto: anaterate/Pixabay.com)", ("Wetterbild", "anaterate/Pixabay.com")),
        ("Rescue at the quay [Rex]", ("Rescue at the quay", "Rex")),
        # a Korean paper's slash and reporter after the last sentence
        (
            "\ubd80\ub450\uc5d0 \uc11c \uc788\ub2e4. /\uc815\uc9c0\uc740 \uae30\uc790",
            ("\ubd80\ub450\uc5d0 \uc11c \uc788\ub2e4.", "\uc815\uc9c0\uc740 \uae30\uc790"),
        ),
        # Reuters writes its name in capitals
        (
            "Crowds on the quay, July 21, 2020. REUTERS/Jo Harbour",
            ("Crowds on the quay, July 21, 2020.", "REUTERS/Jo Harbour"),
        ),
        # a blog's advertising label in square brackets is no one's name
        ("TOP 5 Fashion Must Haves [Werbung]", ("TOP 5 Fashion Must Haves [Werbung]", "")),
        ("Ferry tickets [PR Sample]", ("Ferry tickets [PR Sample]", "")),
        (
            "Rescue at the quay (Photo credit should read JO HARBOUR/AFP)",
            ("Rescue at the quay", "JO HARBOUR/AFP"),
        ),
    ],
)
def test_an_alt_that_is_only_a_credit_is_the_credit(alt: str, expected: tuple[str, str]) -> None:
    info = extract_page(html(f"<img src='/photos/quay.jpg' width='600' alt='{alt}'><p>{LEDE}</p>"), URL)

    assert (info.image_alt, info.image_credit) == expected


def test_a_figure_in_an_article_that_holds_only_a_headline_is_not_the_lead_figure() -> None:
    # A "right now" list: each story an <article> of its own, a photo and a headline, beside a story
    # with no photo whose og:image is the site's logo.
    card = (
        "<article><figure><a href='/2026/11/budget/'><img src='https://cdn.example/budget-vote.jpg'"
        " alt='The budget vote'></a></figure><strong>Budget vote passes after all-night session</strong>"
        "</article>"
    )
    head = "<meta property='og:image' content='https://cdn.example/site-logo.png'>"
    page = (
        f"<html><head><title>Ferries return</title>{head}</head><body><article class='story'>"
        f"<h1>Ferries return</h1><p>{LEDE}</p><p>{SECOND}</p></article>"
        f"<div class='list'>{card}</div></body></html>"
    )

    assert extract_page(page, URL).image_url == ""


def test_a_photo_that_links_to_another_page_is_still_the_articles() -> None:
    # A blog's dish, linked to its recipe: the link holds the picture and nothing else.
    photo = (
        "<p><a href='/recipes/mash/'><img src='https://cdn.example/mash.jpg' width='550' alt='Mash'></a></p>"
    )

    assert extract_page(html(f"<h1>Ferries return</h1>{photo}<p>{LEDE}</p>"), URL).image_url == (
        "https://cdn.example/mash.jpg"
    )


def test_page_without_a_photo_has_no_lead_image() -> None:
    assert extract_page(html(f"<h1>Ferries return</h1><p>{LEDE}</p>"), URL).image_url == ""


@pytest.mark.parametrize(
    "box", ["promo-panel", "related-stories", "sponsor-box", "newsletter-signup", "presenting"]
)
def test_a_picture_in_a_box_promoting_something_else_is_no_lead_image(box: str) -> None:
    # A book's cover in a promotion panel set inside the <article>, on a page with no photo of its own.
    promo = f"<div class='{box}'><div class='media'><img src='https://cdn.example/books/guide-3d.png'></div></div>"

    assert extract_page(html(f"<h1>Ferries return</h1><p>{LEDE}</p>{promo}"), URL).image_url == ""


def test_the_articles_own_picture_after_a_promotion_is_the_lead_image() -> None:
    promo = (
        "<div class='promo'><div class='media'><img src='https://cdn.example/books/guide-3d.png'></div></div>"
    )
    own = "<figure><img src='https://cdn.example/harbour.jpg'></figure>"

    page = html(f"<h1>Ferries return</h1>{promo}{own}<p>{LEDE}</p>")

    assert extract_page(page, URL).image_url == "https://cdn.example/harbour.jpg"


def test_an_inline_image_that_is_not_set_out_as_a_picture_is_no_lead_image() -> None:
    body = f"<p>{LEDE} <img src='/img/product-code.gif'></p><p>{SECOND}</p>"
    assert extract_page(html(body), URL).image_url == ""


def test_og_image_is_the_lead_image_and_its_own_alt_is_kept() -> None:
    head = "<meta property='og:image' content='https://cdn.example/ferry-1200.jpg'>"
    body = "<figure><img src='https://cdn.example/ferry-600.jpg' alt='The ferry'></figure>" + f"<p>{LEDE}</p>"

    info = extract_page(html(body, head), URL)

    assert info.image_url == "https://cdn.example/ferry-1200.jpg"
    assert info.image_alt == "The ferry"


def test_the_picture_in_another_size_lends_its_alt() -> None:
    head = "<meta property='og:image' content='https://cdn.example/images/original/harbour-dawn.jpg?v=2'>"
    small = "https://cdn.example/images/small/harbour-dawn.jpg?v=2"
    body = f"<p>{LEDE}</p><img src='{small}' alt='Dawn at the quay'>"

    assert extract_page(html(body, head), URL).image_alt == "Dawn at the quay"


@pytest.mark.parametrize("alt", ["Image Jo Doe/Flickr", "Photo: Jo Doe/Flickr", "Jo Doe/Flickr"])
def test_an_alt_that_only_gives_the_credit_is_no_alt(alt: str) -> None:
    figure = (
        f"<figure class='lead-image'><img src='https://cdn.example/harbour.jpg' alt='{alt}'>"
        "<figcaption class='credit'>Jo Doe/Flickr</figcaption></figure>"
    )

    info = extract_page(html(f"{figure}<p>{LEDE}</p>"), URL)

    assert (info.image_credit, info.image_alt) == ("Jo Doe/Flickr", "")


def test_a_related_storys_card_showing_the_same_picture_lends_no_alt() -> None:
    # A columnist's one picture heads every column: the card linking to the last one has it too,
    # with that column's headline as its alt.
    head = "<meta property='og:image' content='https://cdn.example/columnist-2014.png'>"
    body = (
        f"<p>{LEDE}</p><img src='https://cdn.example/columnist-2014.png' alt=''>"
        "<aside><a href='/2026/11/another-column/'><img src='https://cdn.example/columnist-2014.png'"
        " alt='Why the old ferry deserved better'></a></aside>"
    )

    assert extract_page(html(body, head), URL).image_alt == ""  # the teaser gives the headline


@pytest.mark.parametrize(
    ("alt", "url", "kept"),
    [
        ("Harbour Times", URL, ""),  # the site's name, as its og:site_name says it (SIC Noticias' logo)
        ("News.example", URL, ""),  # ... or its host
        ("Example", URL, ""),  # ... or its host's name
        ("Harbour Times' new office on the quay", URL, "Harbour Times' new office on the quay"),
        # a label of two letters names no site ("uk" of "co.uk")
        ("UK", "https://www.harbour.co.uk/story.html", "UK"),
    ],
)
def test_an_alt_that_is_the_sites_name_is_no_alt(alt: str, url: str, kept: str) -> None:
    head = "<meta property='og:site_name' content='Harbour Times'>"
    figure = f"<figure><img src='https://cdn.example/quay.jpg' alt=\"{alt}\"></figure>"

    assert extract_page(html(f"{figure}<p>{LEDE}</p>", head), url).image_alt == kept


@pytest.mark.parametrize("sizes", [1, 4, 8])
def test_a_picture_of_many_sizes_is_shown_with_its_alt_and_its_captions_box(sizes: int) -> None:
    # The Hindu: four <source> sizes in the <picture>, a spacer as the <img>'s src, the caption and
    # its credit in a <p> beside the picture's box; libxml2 nests each <source> in the one before it
    sources = "".join(
        f"<source media='(min-width: {n}00px)' srcset='https://cdn.example/{n}/quay.jpg'>"
        for n in range(sizes)
    )
    box = (
        f"<div class='article-picture'><div class='picture'><picture>{sources}"
        "<img src='/theme/1x1_spacer.png' alt='Boats at the quay at dawn'></picture></div>"
        "<p class='caption'>Boats at the quay at dawn | Photo Credit: REUTERS</p></div>"
    )
    head = "<meta property='og:image' content='https://cdn.example/0/quay.jpg'>"

    info = extract_page(html(f"{box}<p>{LEDE}</p>", head), URL)

    assert (info.image_alt, info.image_credit) == ("Boats at the quay at dawn", "REUTERS")


@pytest.mark.parametrize(
    ("href", "credited"), [("/world/2026/story.html", True), ("/world/2026/other.html", False)]
)
def test_a_picture_linking_to_its_own_article_keeps_its_caption_box(href: str, credited: bool) -> None:
    # futurezone: the header picture is a link to the article itself, its credit in the box beside it
    head = (
        "<meta property='og:image' content='https://img.example/facebook/3463759/46-134004200.jpg'>"
        f"<link rel='canonical' href='{URL}'>"
    )
    box = (
        f"<div class='article-header-image'><picimage><a class='image' href='{href}'>"
        "<img class='lazyload' data-src='https://img.example/landscape_616w/3463759/46-134004200.jpg' alt=''>"
        "</a><div class='caption'><div class='copyright'>\u00a9 Bild: REUTERS / Jo Harbour</div></div>"
        "</picimage></div>"
    )
    info = extract_page(html(f"{box}<p>{LEDE}</p><p>{SECOND}</p>", head), URL)

    assert info.image_credit == ("REUTERS / Jo Harbour" if credited else "")


@pytest.mark.parametrize(
    "declared",
    [
        "https://img.example/images/dims?crop=1600&image_uri=ferry.jpg",  # a resizer: the query names it
        "https://cdn.example/2026/11/story-a/index.jpg",  # a name every article's picture has
    ],
)
def test_another_picture_under_the_same_file_name_lends_no_alt(declared: str) -> None:
    other = declared.replace("ferry", "budget").replace("story-a", "story-b")
    head = f"<meta property='og:image' content='{declared}'>"
    body = f"<p>{LEDE}</p><p>{SECOND}</p><img src='{other}' alt='The budget vote'>"

    assert extract_page(html(body, head), URL).image_alt == ""


def test_og_images_https_address_is_taken_over_its_http_one() -> None:
    head = (
        "<meta property='og:image' content='http://cdn.example/ferry.jpg'>"
        "<meta property='og:image:secure_url' content='https://cdn.example/ferry.jpg'>"
    )
    assert extract_page(html(f"<p>{LEDE}</p>", head), URL).image_url == "https://cdn.example/ferry.jpg"


@pytest.mark.parametrize(
    ("caption", "text", "credit"),
    [
        (
            "The Moulin Rouge cabaret in Paris. Photograph: Benoit Tessier/Reuters",
            "The Moulin Rouge cabaret in Paris.",
            "Benoit Tessier/Reuters",
        ),
        ("Crowds on the quay. (Getty Images)", "Crowds on the quay.", "Getty Images"),
        ("Crowds on the quay. (AP Photo/Jo Harbour)", "Crowds on the quay.", "AP Photo/Jo Harbour"),
        # the agency's own credit line after a bracketed one (abcnews.com): never a credit across a bracket
        (
            "Crowds on the quay. (AP Photo/Jo Harbour, File) The Associated Press",
            "Crowds on the quay. (AP Photo/Jo Harbour, File)",
            "The Associated Press",
        ),
        ("Crowds on the quay. Photo: Jo Harbour", "Crowds on the quay.", "Jo Harbour"),
        (
            "Crowds on the quay. Credit: Jo Harbour for The Example",
            "Crowds on the quay.",
            "Jo Harbour for The Example",
        ),
        ("Crowds on the quay at dawn.", "Crowds on the quay at dawn.", ""),
        # A copyright sign names the credit too; the sign and its year are the template's to write.
        ("Crowds on the quay \u00a9 Jo Harbour", "Crowds on the quay", "Jo Harbour"),
        ("Crowds on the quay. \u00a9 2024, Jo Harbour/Agency", "Crowds on the quay.", "Jo Harbour/Agency"),
        ("The \u00a9-sign on the quay", "The \u00a9-sign on the quay", ""),
        ("Crowds on the quay. Image attribution: Jo Harbour", "Crowds on the quay.", "Jo Harbour"),
        ("Image source: harbour-photos.example", "", "harbour-photos.example"),
        ("Crowds on the quay. Photo source: Jo Harbour", "Crowds on the quay.", "Jo Harbour"),
        # A label for screen readers, glued to the caption: "Credit...", as one large site writes it.
        ("Crowds on the quay.Credit...Jo Harbour/Agency", "Crowds on the quay.", "Jo Harbour/Agency"),
        ("Crowds on the quay. Credit\u2026Jo Harbour", "Crowds on the quay.", "Jo Harbour"),
        ("Crowds came, no credit... given", "Crowds came, no credit... given", ""),
        ("A photo... of the quay", "A photo... of the quay", ""),
        # Other languages' labels and national agencies: Russian "Photo:", "(via AP)", "(EFE/…)", "(dpa)".
        (
            "\u041f\u0440\u0438\u0447\u0430\u043b. \u0424\u043e\u0442\u043e: \u0422\u0410\u0421\u0421",
            "\u041f\u0440\u0438\u0447\u0430\u043b.",
            "\u0422\u0410\u0421\u0421",
        ),
        ("The quay. (Jo Harbour/The Example via AP)", "The quay.", "Jo Harbour/The Example via AP"),
        ("El muelle (EFE/Jo Harbour)", "El muelle", "EFE/Jo Harbour"),
        ("Der Kai in Hamburg (dpa)", "Der Kai in Hamburg", "dpa"),
        ("Il molo di Genova (Ansa)", "Il molo di Genova", "Ansa"),  # an agency as the site spells it
        # French, Spanish, Italian, Dutch and Polish labels; "courtesy of"
        ("Le quai. Cr\u00e9dit photo : Jo Harbour", "Le quai.", "Jo Harbour"),
        ("El muelle. Imagen: Jo Harbour", "El muelle.", "Jo Harbour"),
        ("Il molo. Foto di Jo Harbour", "Il molo.", "Jo Harbour"),
        ("De kade van Rotterdam. Foto ANP", "De kade van Rotterdam.", "ANP"),
        # "crédito", "credito", "crédit"; a label after a dash; a social network's handle
        ("El muelle de Lima. Cr\u00e9dito: Jo Harbour", "El muelle de Lima.", "Jo Harbour"),
        ("Le quai (Cr\u00e9dit : AFP)", "Le quai", "AFP"),
        ("El muelle de Lima - cr\u00e9dito @joharbour/X", "El muelle de Lima", "@joharbour/X"),
        ("Il molo di Genova \u2013 credito Jo Harbour/Ansa", "Il molo di Genova", "Jo Harbour/Ansa"),
        (
            "Nabrze\u017ce w Gda\u0144sku. Fot. PAP/Jo Harbour",
            "Nabrze\u017ce w Gda\u0144sku.",
            "PAP/Jo Harbour",
        ),
        ("The quay at dawn. Image courtesy of the Port Authority", "The quay at dawn.", "the Port Authority"),
        ("The quay at dawn (Courtesy Jo Harbour)", "The quay at dawn", "Jo Harbour"),
        # ... not a courtesy in a sentence
        (
            "The ship, on loan courtesy of the navy, reaches the quay.",
            "The ship, on loan courtesy of the navy, reaches the quay.",
            "",
        ),
        # Chinese, Japanese and Korean captions name their credit with full-width brackets and colons.
        (
            "\u6e2f\u306e\u6f01\u8239\uff08\u5199\u771f\uff1a\u5171\u540c\uff09",
            "\u6e2f\u306e\u6f01\u8239",
            "\u5171\u540c",
        ),
        (
            "\u6e14\u8239\u3002\u56fe\u7247\u6765\u6e90\uff1a\u65b0\u534e\u793e",
            "\u6e14\u8239\u3002",
            "\u65b0\u534e\u793e",
        ),
        ("\ud56d\uad6c. \uc0ac\uc9c4=\uc5f0\ud569\ub274\uc2a4", "\ud56d\uad6c.", "\uc5f0\ud569\ub274\uc2a4"),
        # ... or a middle dot ("(\u5199\u771f\u30fb\u9ed2\u7530\u53f2\u592b\uff09", photo: the name)
        (
            "\u6e2f\u306e\u6f01\u8239(\u5199\u771f\u30fb\u9ed2\u7530\u53f2\u592b\uff09",
            "\u6e2f\u306e\u6f01\u8239",
            "\u9ed2\u7530\u53f2\u592b",
        ),
        (
            "\u5199\u771f\u5bb6\u306e\u5c55\u89a7\u4f1a",
            "\u5199\u771f\u5bb6\u306e\u5c55\u89a7\u4f1a",
            "",
        ),  # "a photographer's exhibition"
        # Japanese papers: "\uff1d" and an agency, or a place and date and "<name>\u64ae\u5f71" (taken by):
        # the name is the credit, as "Photo by" is no part of one
        (
            "\u6e2f\u306e\u6f01\u8239\uff1d\u30ed\u30a4\u30bf\u30fc",
            "\u6e2f\u306e\u6f01\u8239",
            "\u30ed\u30a4\u30bf\u30fc",
        ),
        (
            "\u6e2f\u306e\u6f01\u8239\uff1d10\u65e5\u3001\u795e\u6238\u5e02\u3001\u5c71\u672c\u88d5\u4e4b\u64ae\u5f71",
            "\u6e2f\u306e\u6f01\u8239\uff1d10\u65e5\u3001\u795e\u6238\u5e02",
            "\u5c71\u672c\u88d5\u4e4b",
        ),
        # ... or the agency in brackets, with the one it came through ("AP via Kyodo")
        (
            "\u6e2f\u306e\u6f01\u8239\uff08\uff21\uff30\uff1d\u5171\u540c\uff09",
            "\u6e2f\u306e\u6f01\u8239",
            "\uff21\uff30\uff1d\u5171\u540c",
        ),
        # ... or the photographer and "\u64ae\u5f71" (taken by) in brackets
        (
            "\u6e2f\u306e\u6f01\u8239\uff08\u67f3\u539f\u4e00\u54c9\u64ae\u5f71\uff09",
            "\u6e2f\u306e\u6f01\u8239",
            "\u67f3\u539f\u4e00\u54c9",
        ),
        # Chinese papers: the photographer and "\u6444" (taken), in brackets or after the caption's sentence
        (
            "\u6e14\u8239\u8fdb\u6e2f\u3002\uff08\u5218\u901a\u6444\uff09",
            "\u6e14\u8239\u8fdb\u6e2f\u3002",
            "\u5218\u901a",
        ),
        (
            "\u6e14\u8239\u8fdb\u6e2f\u3002\u4e2d\u65b0\u793e\u8bb0\u8005 \u8d3e\u5929\u52c7 \u6444",
            "\u6e14\u8239\u8fdb\u6e2f\u3002",
            "\u4e2d\u65b0\u793e\u8bb0\u8005 \u8d3e\u5929\u52c7",
        ),
        (
            "\u6e14\u8239\u8fdb\u6e2f\u62cd\u6444",
            "\u6e14\u8239\u8fdb\u6e2f\u62cd\u6444",
            "",
        ),  # "filming the boats"
        # ... but a place and date alone credit no one
        (
            "\u6e2f\u306e\u6f01\u8239\uff1d10\u65e5\u3001\u795e\u6238\u5e02",
            "\u6e2f\u306e\u6f01\u8239\uff1d10\u65e5\u3001\u795e\u6238\u5e02",
            "",
        ),
        ("Courtesy of the Port Authority", "", "the Port Authority"),  # a caption that is all credit
        # a wire photo of sport: "Mandatory Credit:", and the agency's filing number after the credit
        (
            "The keeper dives. Mandatory Credit: Jo Harbour-USA TODAY Sports - RTR4JDW4",
            "The keeper dives.",
            "Jo Harbour-USA TODAY Sports",
        ),
        ("The mandatory evacuation began at dawn.", "The mandatory evacuation began at dawn.", ""),
        # the kind of picture an agency filed, after the name: an archive photo, a stand-in
        ("Die F\u00e4hre. Foto: Jo Harbour/dpa/Archivbild", "Die F\u00e4hre.", "Jo Harbour/dpa"),
        ("Die F\u00e4hre. Foto: dpa / Symbolbild", "Die F\u00e4hre.", "dpa"),
        ("Die F\u00e4hre. Foto: Getty Images/EyeEm (Symbolbild)", "Die F\u00e4hre.", "Getty Images/EyeEm"),
        ("Prom / autor: Jo Harbour, Twitter", "Prom", "Jo Harbour, Twitter"),  # Polish: the picture's author
        (
            "Die F\u00e4hre. Bild \u00a9 Jo Harbour/hafen.de",
            "Die F\u00e4hre.",
            "Jo Harbour/hafen.de",
        ),  # label, sign
        # the photographer named as such, and "by" with a colon after it
        ("The quay at dawn. Photographer: Jo Harbour/Agency", "The quay at dawn.", "Jo Harbour/Agency"),
        ("The quay at dawn. Photo by: The Agency", "The quay at dawn.", "The Agency"),
        ("The quay at dawn. Photography by Jo Harbour", "The quay at dawn.", "Jo Harbour"),
        # a photographer and the paper in brackets, agencies in square brackets and capitals
        ("The quay at dawn. (Jo Harbour/The Star-Ledger)", "The quay at dawn.", "Jo Harbour/The Star-Ledger"),
        (
            "The quay at dawn (Jo Harbour, Coast.com / The Ledger)",
            "The quay at dawn",
            "Jo Harbour, Coast.com / The Ledger",
        ),
        ("The quay at dawn [GETTY]", "The quay at dawn", "GETTY"),
        ("The quay at dawn. [AFP/GETTY]", "The quay at dawn.", "AFP/GETTY"),
        ("The quay at dawn [Stringer/EPA]", "The quay at dawn", "Stringer/EPA"),
        # the caption's sentence ends before the credit's slash; an initial or "St." does not end one
        ("A waiting room at the harbour.  / JO HARBOUR", "A waiting room at the harbour.", "JO HARBOUR"),
        ("Dover at dawn. Jo Harbour/Reuters", "Dover at dawn.", "Jo Harbour/Reuters"),
        ("Dover at dawn. St. Louis Post-Dispatch/AP", "Dover at dawn.", "St. Louis Post-Dispatch/AP"),
        ("J. Harbour/AP", "", "J. Harbour/AP"),
        # a paper's DOI after its authors, as Sci.News credits a figure
        (
            "Bacteria at the quay. Image credit: Harbour et al., doi: 10.1073/pnas.2306160120",
            "Bacteria at the quay.",
            "Harbour et al., doi: 10.1073/pnas.2306160120",
        ),
        # a studio's name in brackets is all credit; a German caption's "source"
        ("(Jo Harbour Photography)", "", "Jo Harbour Photography"),
        ("Der Hafen am Morgen. Quelle: Reuters", "Der Hafen am Morgen.", "Reuters"),
        # ... but one term with a slash, or a museum, is the caption's
        ("Data crossing the quay over (TCP/IP)", "Data crossing the quay over (TCP/IP)", ""),
        ("A cartoon of the quay (Before/After)", "A cartoon of the quay (Before/After)", ""),
        ("Visitors at the Getty.", "Visitors at the Getty.", ""),
        # a bracket the credit opened is no caption
        ("(All photos: Jo Harbour)", "", "Jo Harbour"),
        ("The quay (from Dover). (Photo: Jo Harbour)", "The quay (from Dover).", "Jo Harbour"),
        # a name in square brackets, as British papers credit; a letter or a word in lower case is none
        ("The quay at dawn [Rex]", "The quay at dawn", "Rex"),
        ("The quay at dawn [PA Images]", "The quay at dawn", "PA Images"),
        ("Jetty [A] and jetty [B]", "Jetty [A] and jetty [B]", ""),
        ("The quay at dawn [sic]", "The quay at dawn [sic]", ""),
        # what kind of photo it is, in brackets, is its credit; the words in a sentence are not
        ("The quay at dawn. (Harbour Times file photo)", "The quay at dawn.", "Harbour Times file photo"),
        ("A file photo of the quay at dawn.", "A file photo of the quay at dawn.", ""),
        # ... but the kind alone names no one (The Hindu's "… drudgery [File] | Photo Credit: REUTERS")
        ("The quay at dawn [File]", "The quay at dawn", ""),
        ("The quay at dawn (File photo)", "The quay at dawn", ""),
        ("The quay at dawn [Filey Studios]", "The quay at dawn", "Filey Studios"),
        # the credit first, with its copyright sign, a bar after it (France 24); a bar before one at the end
        ("\u00a9 Jo Harbour, AFP | Crowds on the quay", "Crowds on the quay", "Jo Harbour, AFP"),
        ("\u00a9 2026 Jo Harbour | Crowds on the quay", "Crowds on the quay", "Jo Harbour"),
        ("Crowds on the quay | \u00a9 Jo Harbour", "Crowds on the quay", "Jo Harbour"),
        ("Crowds | Quay | Dawn", "Crowds | Quay | Dawn", ""),
        # a Korean paper's slash after the last sentence, a reporter or the agency after it
        (
            "\ubd80\ub450\uc5d0 \uc11c \uc788\ub2e4. /\uc815\uc9c0\uc740 \uae30\uc790",
            "\ubd80\ub450\uc5d0 \uc11c \uc788\ub2e4.",
            "\uc815\uc9c0\uc740 \uae30\uc790",
        ),
        (
            "\ubd80\ub450\uc5d0 \uc11c \uc788\ub2e4. /\uc5f0\ud569\ub274\uc2a4",
            "\ubd80\ub450\uc5d0 \uc11c \uc788\ub2e4.",
            "\uc5f0\ud569\ub274\uc2a4",
        ),
        ("AC/DC \uacf5\uc5f0", "AC/DC \uacf5\uc5f0", ""),
    ],
)
def test_credit_is_told_apart_from_the_caption(caption: str, text: str, credit: str) -> None:
    assert split_credit(caption) == (text, credit)
    body = f"<figure><img src='/photos/quay.jpg'><figcaption>{caption}</figcaption></figure><p>{LEDE}</p>"

    info = extract_page(html(body), URL)

    assert (info.image_caption, info.image_credit) == (text, credit)


# How the big publishing systems set out the lead photo: its caption and credit are found in each.
@pytest.mark.parametrize(
    ("figure", "credit"),
    [
        # The photo in the article's own <header> (a blog theme's feature image), its credit a link.
        (
            "<header><h1>Ferries return</h1><figure><img src='/photos/quay.jpg'>"
            "<figcaption>Photo by <a href='/x'>Jo Harbour</a> / <a href='/y'>Unsplash</a></figcaption>"
            "</figure>"
            "</header>",
            "Jo Harbour / Unsplash",
        ),
        # No <figcaption>: the element whose class names the caption.
        (
            "<figure class='Figure'><img src='/photos/quay.jpg'><div class='Figure-caption'>"
            "<p>Crowds on the quay. (AP Photo/Jo Harbour)</p></div></figure>",
            "AP Photo/Jo Harbour",
        ),
        # A credit element whose class says so in capitals, beside the caption.
        (
            "<figure><img src='/photos/quay.jpg'><span class='x1y2-ImageCopyright'>Agency</span>"
            "<figcaption>Crowds on the quay</figcaption></figure>",
            "Agency",
        ),
        # The whole caption box named a credit box, the caption and the credit each in a span of it.
        (
            "<figure><img src='/photos/quay.jpg'><figcaption class='c-lead-image__credit'>"
            "<span class='c-lead-image__caption' itemprop='caption'>Crowds on the quay</span> "
            "<span class='c-lead-image__attribution'>Jo Harbour/Agency</span></figcaption></figure>",
            "Jo Harbour/Agency",
        ),
        # "Credit" glued to the name, twice over (the label and its screen-reader copy).
        (
            "<figure><img src='/photos/quay.jpg'><figcaption>Crowds on the quay."
            "<span class='photo-credit'>CreditCreditJo Harbour/Agency</span></figcaption></figure>",
            "Jo Harbour/Agency",
        ),
        # ... or set in an element of its own before it
        (
            "<figure><img src='/photos/quay.jpg'><figcaption><span>Crowds on the quay.</span>"
            "<span itemprop='copyrightHolder'><span class='css-1ly73wi'>Credit</span>"
            "<span><span class='css-1dv1kvn'>Credit</span><span>Jo Harbour/Agency</span></span></span>"
            "</figcaption></figure>",
            "Jo Harbour/Agency",
        ),
    ],
)
def test_the_lead_photos_credit_is_found_as_publishing_systems_set_it_out(figure: str, credit: str) -> None:
    info = extract_page(html(f"{figure}<p>{LEDE}</p>"), URL)

    assert (info.image_url, info.image_credit) == ("https://news.example/photos/quay.jpg", credit)


# NPR's way: one box for the caption and its credit, named for both ("credit-caption"), the credit a
# box of its own inside the caption and again after it, with the caption's show/hide buttons.
_CREDIT_CAPTION = (
    "<div class='imagewrap'><img src='/photos/quay-s1100.jpg'></div>"
    "<div class='credit-caption'><div class='caption'><p>Crowds on the quay. "
    "<b class='credit'>Jo Harbour/AP</b> <b class='hide-caption'>hide caption</b></p></div>"
    "<b class='toggle-caption'>toggle caption</b><span class='credit'>Jo Harbour/AP</span></div>"
)


@pytest.mark.parametrize(
    "head",
    [
        "",  # the figure's own image is the lead image
        "<meta property='og:image' content='https://news.example/photos/quay_wide.jpg'>",  # another cut
    ],
)
def test_a_box_for_the_caption_and_its_credit_gives_the_credit_alone(head: str) -> None:
    info = extract_page(html(f"<article>{_CREDIT_CAPTION}<p>{LEDE}</p></article>", head), URL)

    assert info.image_credit == "Jo Harbour/AP"


def test_a_credit_box_is_found_whatever_the_case_of_its_class_name() -> None:
    # Class names as publishing systems write them: "ImageCredit" beside the photo, no figure, and
    # NPR's boxes written "Credit-Caption" and "Credit".
    beside = (
        "<div class='photo'><img src='/photos/quay.jpg'><span class='ImageCredit'>Jo Harbour/AP</span></div>"
    )
    npr = _CREDIT_CAPTION.replace("'credit-caption'", "'Credit-Caption'").replace("'credit'", "'Credit'")

    pages = [html(f"<article>{box}<p>{LEDE}</p></article>") for box in (beside, npr)]
    found = [extract_page(page, URL).image_credit for page in pages]

    assert found == ["Jo Harbour/AP", "Jo Harbour/AP"]


def test_a_videos_figure_and_a_figure_of_another_photo_lend_the_lead_photo_no_caption() -> None:
    head = "<meta property='og:image' content='https://news.example/photos/quay-1200x630.jpg'>"
    body = (
        "<figure class='lead-video'><iframe src='https://video.example/embed/1'></iframe>"
        "<figcaption>Watch: the first crossing. Video: Ferry Co</figcaption></figure>"
        "<figure><img src='/photos/chart.png'>"
        "<figcaption>Passengers a year. Graphic: Jo Data</figcaption></figure>"
        "<figure><img src='/photos/quay-1200x630.jpg'>"
        f"<figcaption>Crowds on the quay. Photo: Jo Harbour</figcaption></figure><p>{LEDE}</p>"
    )

    info = extract_page(html(body, head), URL)

    assert (info.image_caption, info.image_credit) == ("Crowds on the quay.", "Jo Harbour")


def test_without_a_figure_showing_the_declared_image_the_first_photos_caption_stands_in() -> None:
    head = "<meta property='og:image' content='https://news.example/social/quay-share-card.jpg'>"
    body = (
        "<figure class='media-video'><video src='/v.mp4'></video><figcaption>Watch it</figcaption></figure>"
        "<figure><img src='/photos/quay.jpg'><figcaption>Crowds on the quay. Photo: Jo Harbour</figcaption>"
        f"</figure><p>{LEDE}</p>"
    )

    info = extract_page(html(body, head), URL)

    assert (info.image_url, info.image_credit) == (
        "https://news.example/social/quay-share-card.jpg",
        "Jo Harbour",
    )


@pytest.mark.parametrize(
    ("declared", "lead"),
    [
        # The site's picture for an article without one: the article's own figure is its picture.
        ("https://cdn.example/images/icons/defaultPromoCrop.png", "https://news.example/photos/quay.jpg"),
        ("https://cdn.example/img/og-default.jpg", "https://news.example/photos/quay.jpg"),
        ("https://cdn.example/fallback-share.png", "https://news.example/photos/quay.jpg"),
        ("https://cdn.example/art/facebook/FBdefault.png", "https://news.example/photos/quay.jpg"),
        # The logo the site shares itself with, its name run into the word
        ("https://news.example/skins/gfx/fblogo.jpg", "https://news.example/photos/quay.jpg"),
        ("https://news.example/img/sitelogo.png", "https://news.example/photos/quay.jpg"),
        # ... or run in with capitals (Blue's News' "bluesLogoMobile.png")
        ("https://news.example/images/new/bluesLogoMobile.png", "https://news.example/photos/quay.jpg"),
        # ... where a place named with the word inside another is a photo's (Chad's Logone)
        ("https://news.example/photos/LakeLogone.jpg", "https://news.example/photos/LakeLogone.jpg"),
        # The site's home page declared as its picture (greenpeace.org's og:image and image_src)
        ("http://news.example", "https://news.example/photos/quay.jpg"),
        ("https://news.example/", "https://news.example/photos/quay.jpg"),
        ("https://news.example/?utm_source=og", "https://news.example/photos/quay.jpg"),
        # ... but an image service at its host's root is asked for a picture (NetEase's nimg.ws.126.net)
        (
            "https://img.example/?url=http%3A%2F%2Fcdn.example%2F2021%2Fferry.jpg&thumbnail=660x0",
            "https://img.example/?url=http%3A%2F%2Fcdn.example%2F2021%2Fferry.jpg&thumbnail=660x0",
        ),
        # A WordPress theme's own picture, declared as image_src by a blog (Spreeblick's anchor)
        (
            "https://news.example/wp-content/themes/revamp/_img/anchor.png",
            "https://news.example/photos/quay.jpg",
        ),
        # ... but a folder so named holds articles' pictures (Drupal's "sites/default/files")
        (
            "https://news.example/sites/default/files/quay.jpg",
            "https://news.example/sites/default/files/quay.jpg",
        ),
    ],
)
def test_a_sites_default_picture_is_not_the_articles(declared: str, lead: str) -> None:
    head = f"<meta property='og:image' content='{declared}'>"
    figure = "<figure><img src='/photos/quay.jpg'><figcaption>Crowds on the quay</figcaption></figure>"
    body = f"{figure}<p>{LEDE}</p>"

    assert extract_page(html(body, head), URL).image_url == lead


@pytest.mark.parametrize(
    "alt",
    [
        "IMG_3886.JPG",
        "ferry-quay-2026.webp",
        "Ferry-quay-lead",
        "ferries-return-to-the-strai",
        "FRY243.Diary_Quay_16",  # a file's name without its extension
        "Ferry at the quay.jpg",  # a file's name with spaces
        # a picture said to be one, with or without an instruction to enlarge it
        "PHOTO (select to view enlarged photo)",
        "An image",
        "Click to enlarge",
    ],
)
def test_an_alt_that_is_only_the_images_file_name_gives_way_to_the_caption(alt: str) -> None:
    caption = "<figcaption>Crowds on the quay</figcaption>"
    body = f"<figure><img src='/photos/quay.jpg' alt='{alt}'>{caption}</figure>"

    assert extract_page(html(f"{body}<p>{LEDE}</p>"), URL).image_alt == "Crowds on the quay"


@pytest.mark.parametrize(
    ("alt", "expected"),
    [
        ("Ferry at the quay (click to enlarge)", "Ferry at the quay"),
        ("Ferry at the quay. [ferry / quay / harbour / travel]", "Ferry at the quay."),
        # ... a sentence that says so, and a bracket of names, stay
        (
            "Click on the harbour map to see the ferry's route",
            "Click on the harbour map to see the ferry's route",
        ),
        ("The ferry timetable [2025 / 2026]", "The ferry timetable [2025 / 2026]"),
    ],
)
def test_an_alt_loses_an_instruction_to_enlarge_and_a_stock_librarys_keywords(
    alt: str, expected: str
) -> None:
    body = f'<figure><img src="/photos/quay.jpg" alt="{alt}"><figcaption>Crowds</figcaption></figure>'

    assert extract_page(html(f"{body}<p>{LEDE}</p>"), URL).image_alt == expected


@pytest.mark.parametrize(
    ("src", "alt", "expected"),
    [
        # a publishing system's alt, filled in from the upload's name with its hyphens read as spaces
        ("Quay50733184336_a04a010842_c-copy-600x400.jpg", "Quay50733184336_a04a010842_c copy", "Crowds"),
        ("IMG-2034.jpg", "IMG 2034", "Crowds"),
        # words a reader would write stay, though the file is named after them
        ("harbour-dawn.jpg", "Harbour dawn", "Harbour dawn"),
        ("ferry-2034.jpg", "The ferry in 2034", "The ferry in 2034"),
    ],
)
def test_an_alt_filled_in_from_the_pictures_file_name_gives_way_to_the_caption(
    src: str, alt: str, expected: str
) -> None:
    body = f"<figure><img src='/photos/{src}' alt='{alt}'><figcaption>Crowds</figcaption></figure>"

    assert extract_page(html(f"{body}<p>{LEDE}</p>"), URL).image_alt == expected


@pytest.mark.parametrize(
    "credit",
    [
        {"creditText": "Jo Harbour/Agency"},
        # the picture's author is its photographer, named or as a list of people
        {"author": "Jo Harbour/Agency"},
        {"author": [{"@type": "Person", "name": "Jo Harbour/Agency"}]},
    ],
)
def test_credit_from_json_ld_image_object(credit: dict[str, object]) -> None:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Ferries return",
        "image": {"@type": "ImageObject", "url": "https://cdn.example/q.jpg", **credit},
    }
    head = f"<script type='application/ld+json'>{json.dumps(data)}</script>"

    info = extract_page(html(f"<p>{LEDE}</p>", head), URL)

    assert (info.image_url, info.image_credit) == ("https://cdn.example/q.jpg", "Jo Harbour/Agency")


def test_copyright_holder_in_json_ld_and_a_broken_block_beside_it() -> None:
    good = {"@type": "NewsArticle", "image": [{"url": "/q.jpg", "copyrightHolder": {"name": "Agency"}}]}
    head = (
        "<script type='application/ld+json'>{not json</script>"
        f"<script type='application/ld+json'>{json.dumps(good)}</script>"
    )

    assert extract_page(html(f"<p>{LEDE}</p>", head), URL).image_credit == "Agency"


@pytest.mark.parametrize(
    "labelled",
    [
        "Photograph: Jo Harbour",
        "Credit Jo Harbour",
        "Top image credit: Jo Harbour",
        "(Jo Harbour)",
        "Attribution: Jo Harbour",
        "Photo Jo Harbour",  # French papers' label, with no colon
        "By Jo Harbour",
        "Photographer: Jo Harbour",  # a credit box of its own (Bloomberg's "photo_credit")
        "Photo by: Jo Harbour",  # a label and its field ("Photo by:" then the name)
        "Photography by Jo Harbour",
        "Photographed by Jo Harbour",
        "Bild \u00a9 Jo Harbour",  # a label before the copyright sign (hessenschau's credit box)
        "Photo \u00a9 2024 Jo Harbour",
    ],
)
def test_credit_labels_are_left_to_the_template(labelled: str) -> None:
    assert clean_credit(labelled) == "Jo Harbour"


@pytest.mark.parametrize(
    ("credited", "expected"),
    [
        ("Jo Harbour/CIFOR (CC BY-NC-ND 2.0)", "Jo Harbour/CIFOR"),  # the licence it is shared under
        ("Jo Harbour, CC BY-SA 4.0", "Jo Harbour"),
        ("Jo Harbour | flickr| CC BY 2.0", "Jo Harbour | flickr"),
        ("Jo Harbour licensed under CC BY 2.0.", "Jo Harbour"),  # with the words that say so
        ("Jo Harbour, used under a CC BY-SA 4.0", "Jo Harbour"),
        ("Jo Harbour / cc0", "Jo Harbour"),
        ("Port Archive (public domain)", "Port Archive"),
        ("Jo Ccby", "Jo Ccby"),  # a name that only looks like one
    ],
)
def test_a_pictures_licence_after_the_credit_is_left_out(credited: str, expected: str) -> None:
    assert clean_credit(credited) == expected


@pytest.mark.parametrize(
    "address", ["cdn.example", "https://cdn.example/video/quay.mp4", "jharbour@news.example"]
)
def test_a_credit_box_holding_only_a_web_address_credits_no_one(address: str) -> None:
    figure = (
        "<figure><img src='/photos/quay.jpg'><figcaption>Crowds on the quay. "
        f"<small class='media-photo-credit'><a href='https://cdn.example/video/quay.mp4'>{address}</a></small>"
        "</figcaption></figure>"
    )

    assert extract_page(html(f"{figure}<p>{LEDE}</p>"), URL).image_credit == ""


def test_an_agencys_domain_as_its_name_is_a_credit() -> None:
    # about.com credits its stock photos "istockphoto.com": the agency's name, not a file's host
    figure = (
        "<figure><img src='/photos/quay.jpg'><figcaption><div class='caption'>Crowds on the quay."
        " <span class='credit'>istockphoto.com</span></div></figcaption></figure>"
    )

    assert extract_page(html(f"{figure}<p>{LEDE}</p>"), URL).image_credit == "istockphoto.com"


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        # a caption that is all credit is no caption
        (
            "<figure><img src='/photos/quay.jpg'><figcaption class='caption'><div class='caption-credit'>"
            "<a class='caption-link' href='/photos/quay-full.jpg'>Jo Harbour</a></div></figcaption></figure>",
            ("", "", "Jo Harbour"),
        ),
        # an alt that is the caption behind a "Foto:" label credits no one (ahlen.de)
        (
            "<div class='media'><img src='/photos/quay.jpg' width='800' alt='Foto: Crowds wait on the quay'>"
            "</div><p class='news-img-caption'>Crowds wait on the quay</p>",
            ("Crowds wait on the quay", "Crowds wait on the quay", ""),
        ),
    ],
)
def test_a_caption_or_alt_that_is_all_credit_or_all_caption(
    figure: str, expected: tuple[str, str, str]
) -> None:
    info = extract_page(html(f"<h1>Ferries return</h1>{figure}<p>{LEDE}</p><p>{SECOND}</p>"), URL)

    assert (info.image_caption, info.image_alt, info.image_credit) == expected


def test_a_credit_box_that_holds_the_caption_first_gives_the_credit_and_the_caption_apart() -> None:
    figure = (
        "<figure><img src='/photos/quay.jpg'><figcaption>"
        "<svg role='img' class='icon'><title>arrow</title><path d='M0 0'/></svg>"
        "<div class='image-with-caption-credit'><div class='site-caption'>Crowds on the quay.</div>"
        "<span>Jo Harbour/Agency</span></div></figcaption></figure>"
    )

    info = extract_page(html(f"{figure}<p>{LEDE}</p>"), URL)

    assert (info.image_caption, info.image_credit) == ("Crowds on the quay.", "Jo Harbour/Agency")


@pytest.mark.parametrize("credit_first", [True, False])
def test_a_credit_set_beside_a_caption_that_names_it_too_leaves_the_captions_words_whole(
    credit_first: bool,
) -> None:
    credit = "<p class='credit-text'>Port Authority</p>"
    caption = "<p class='caption-text'>Crowds at the Port Authority quay at dawn.</p>"
    lines = credit + caption if credit_first else caption + credit
    figure = f"<figure><img src='/photos/quay.jpg'><figcaption>{lines}</figcaption></figure>"

    info = extract_page(html(f"{figure}<p>{LEDE}</p>"), URL)

    assert (info.image_caption, info.image_credit) == (
        "Crowds at the Port Authority quay at dawn.",
        "Port Authority",
    )


_QUAY = "<title>Ferries</title><meta property='og:image' content='https://news.example/photos/quay.jpg'>"


# A picture set out before <figure> was used: a box of the picture and its caption or credit. No
# <article> holds it either (the credit lines an <article> holds are found already).
@pytest.mark.parametrize(
    ("box", "caption", "credit"),
    [
        (
            "<div class='photo'><img src='/photos/quay.jpg'>"
            "<span class='caption'>Crowds on the quay. Photo: Jo Harbour</span></div>",
            "Crowds on the quay.",
            "Jo Harbour",
        ),
        # the caption and its credit in a box beside the picture's own, its credit a bracket of its own
        (
            "<div class='lead'><div class='featured-image'><img src='/photos/quay.jpg'></div>"
            "<div class='wp-caption-text'><span>Crowds on the quay</span>"
            "<span class='img__credit'>Jo Harbour / Agency (Composite)</span></div></div>",
            "Crowds on the quay",
            "Jo Harbour / Agency (Composite)",
        ),
        # a credit alone, in a link around the picture
        (
            "<div class='art'><a href='/photos/quay.jpg'><img src='/photos/quay.jpg'></a>"
            "<span class='photo-credit'>Jo Harbour/Agency</span></div>",
            "",
            "Jo Harbour/Agency",
        ),
        # no <img>: a script's placeholder names the picture (Advance's "resimg", picturefill's data-src)
        (
            "<div class='top_images'><div><span class='resimg' data-image='/photos/quay.jpg'></span></div>"
            "<div class='Caption'>Crowds on the quay. <em>(AP Photo)</em></div></div>",
            "Crowds on the quay.",
            "AP Photo",
        ),
        (
            "<div class='featured'><div class='featured-image' data-picture>"
            "<div data-src='/photos/quay.jpg?w=600'></div><div data-src='/photos/quay.jpg?w=720'></div></div>"
            "<div class='wp-caption-text'>Crowds on the quay."
            " <span class='credit'>Photo: Jo Harbour</span></div></div>",
            "Crowds on the quay.",
            "Jo Harbour",
        ),
        # the photographer's name and contact, each in a box of its own
        (
            "<div class='gallery-item'><span data-src='/photos/quay.jpg'></span><div class='caption'>"
            "<span class='caption-text'>Crowds on the quay.</span>"
            " <span class='photographer'>Jo Harbour</span>"
            " <span class='credits'>jharbour@news.example</span></div></div>",
            "Crowds on the quay.",
            "Jo Harbour",
        ),
        # the picture in frames of its own, the caption two boxes down beside them
        (
            "<div class='media'><div class='player'><div class='poster'><div class='wrapper'>"
            "<img src='/photos/quay.jpg'></div></div></div><div class='Caption__Wrapper'>"
            "<div class='Caption'><div class='Caption__Text'>Crowds on the quay.</div>"
            "<span class='Caption__Credit'>Jo Harbour/AP</span></div></div></div>",
            "Crowds on the quay.",
            "Jo Harbour/AP",
        ),
        # a picture's "source" box, or schema.org's sourceOrganization, credits it
        (
            "<div class='photo'><img src='/photos/quay.jpg'><p class='caption'>Crowds on the quay.</p>"
            "<p class='source'>(Bild: Jo Harbour)</p></div>",
            "Crowds on the quay.",
            "Jo Harbour",
        ),
        (
            "<div class='photo'><img src='/photos/quay.jpg'><div class='caption'>Crowds on the quay."
            "<p itemprop='sourceOrganization'>REUTERS</p></div></div>",
            "Crowds on the quay.",
            "REUTERS",
        ),
        # ... the Organization's name a property of its own, in a caption the whole of it marks
        (
            "<div class='photo'><img src='/photos/quay.jpg'><div class='caption'><p itemscope"
            " itemprop='sourceOrganization'>Crowds on the quay. <span itemprop='name' class='source'>(AP)"
            "</span></p></div></div>",
            "Crowds on the quay.",
            "AP",
        ),
        # nothing named a caption: a line of the box that says whose picture it is, the words before it
        (
            # a share button's script in it is no text a reader sees
            f"<span><table><tr><td><img src='/photos/quay.jpg'><script>{'pin(1);' * 120}</script></td></tr>"
            "<tr><td>Crowds on the quay."
            " <span>Credit: Jo Harbour</span> <a href='/photos/quay.jpg'>View full size image</a></td></tr>"
            "</table></span>",
            "Crowds on the quay.",
            "Jo Harbour",
        ),
        (
            "<figure><img src='/photos/quay.jpg'><span class='meta'><cite>Photo by Jo Harbour/Agency</cite>"
            "</span></figure>",
            "",
            "Jo Harbour/Agency",
        ),
        # share buttons' icons in the box are no other picture
        (
            "<div class='photo'><img src='/photos/quay.jpg'>"
            "<a href='/share'><img src='/img/fb-icon.png'></a>"
            "<span class='caption'>Crowds on the quay. Photo: Jo Harbour</span></div>",
            "Crowds on the quay.",
            "Jo Harbour",
        ),
        # an Australian paper's "Source:" label
        (
            "<div class='story-image'><img src='/photos/quay.jpg'>"
            "<p class='caption'>Crowds on the quay. Source: Supplied</p></div>",
            "Crowds on the quay.",
            "Supplied",
        ),
    ],
)
def test_a_pictures_box_without_figure_markup_gives_its_caption_and_credit(
    box: str, caption: str, credit: str
) -> None:
    page = f"<html><head>{_QUAY}</head><body>{box}<p>{LEDE}</p><p>{SECOND}</p></body></html>"

    info = extract_page(page, URL)

    assert (info.image_url, info.image_caption, info.image_credit) == (
        "https://news.example/photos/quay.jpg",
        caption,
        credit,
    )


@pytest.mark.parametrize(
    ("declared", "shown"),
    [
        ("quay-harbour-1200x630.jpg", "quay-harbour-800x450.jpg"),  # WordPress's sizes
        ("quay-harbour-800.jpg", "quay-harbour-800-250x187.jpg"),  # a size added to a sized name
        ("quay-harbour_large.jpg", "quay-harbour_small.jpg"),  # a CMS's renditions
        ("quay-harbour.jpg", "quay-harbour@2x.jpg"),  # a retina copy
        ("Quay%20at%20dawn.jpg", "Quay at dawn.jpg?ve=1"),  # a name with spaces, escaped in one of them
        ("2706842/1200x630.jpg", "2706842/640x360.jpg"),  # sizes in the picture's own folder
        ("quay-harbour.jpg.CROP.hd-large.jpg", "quay-harbour.jpg.CROP.story-large.jpg"),  # Adobe's crops
        ("USATSI_2185.2e16d0ba.fill-1200x630-c0.jpg", "USATSI_2185.2e16d0ba.fill-735x490.jpg"),  # Wagtail's
        ("quay7056_v-contentxl.jpg", "quay7056_v-einspaltig.jpg"),  # a public broadcaster's renditions
        ("csm_2020-01_Quay_49efb8458e.jpg", "csm_2020-01_Quay_26f7bd6472.jpg"),  # TYPO3's processed copies
        # NPR's: a crop and its hash, then size and quality
        (f"quay-77766180_wide-{'b4' * 20}-s1400-c100.jpg", f"quay-77766180-{'fe' * 20}-s1100-c50.jpg"),
    ],
)
def test_a_declared_picture_shown_in_another_size_gets_that_ones_alt_caption_and_credit(
    declared: str, shown: str
) -> None:
    head = f"<meta property='og:image' content='https://news.example/photos/{declared}'>"
    body = (
        "<figure><img src='/photos/ferry-deck.jpg'><figcaption>The ferry's deck.</figcaption></figure>"
        f"<div class='photo'><img src='/photos/{shown}' alt='The quay at dawn'>"
        "<span class='caption'>Crowds on the quay. Photo: Jo Harbour</span></div>"
    )
    page = html(f"{body}<p>{LEDE}</p><p>{SECOND}</p>", head)

    info = extract_page(page, URL)

    assert info.image_url == f"https://news.example/photos/{declared}"
    assert (info.image_alt, info.image_caption, info.image_credit) == (
        "The quay at dawn",
        "Crowds on the quay.",
        "Jo Harbour",
    )


@pytest.mark.parametrize(
    ("href", "found"), [("/photos/quay-full.jpg", True), ("/2026/quay-story.html", False)]
)
def test_a_thumbnail_that_opens_the_declared_picture_gives_its_caption_and_credit(
    href: str, found: bool
) -> None:
    # a lightbox's thumbnail, another file, links to the picture the page declares at full size
    head = "<meta property='og:image' content='https://news.example/photos/quay-full.jpg'>"
    thumbnail = (
        f"<dl><dt><a href='{href}' class='highslide'><img src='/photos/quay-thumb.jpg' alt='Quay'></a></dt>"
        "<dd>Crowds on the quay. Foto: Jo Harbour</dd></dl>"
    )
    info = extract_page(html(f"<h1>Ferries return</h1>{thumbnail}<p>{LEDE}</p><p>{SECOND}</p>", head), URL)

    assert info.image_url == "https://news.example/photos/quay-full.jpg"
    assert (info.image_credit == "Jo Harbour") is found


@pytest.mark.parametrize("attribute", ["data-src-big", "data-hi-res-src", "data-lazyload"])
def test_a_picture_a_script_loads_from_an_attribute_of_the_sites_own_name_is_shown(attribute: str) -> None:
    # no src: the script reads the file from an attribute the site named ("data-src-big")
    head = "<meta property='og:image' content='https://news.example/photos/quay-full.jpg'>"
    figure = (
        "<figure><img src='/photos/ferry-deck.jpg'><figcaption>The ferry's deck.</figcaption></figure>"
        f"<div class='photo'><img {attribute}='/photos/quay-full.jpg' alt='Quay'>"
        "<span class='caption'>Crowds on the quay. Foto: Jo Harbour</span></div>"
    )
    info = extract_page(html(f"<h1>Ferries return</h1>{figure}<p>{LEDE}</p><p>{SECOND}</p>", head), URL)

    assert (info.image_caption, info.image_credit) == ("Crowds on the quay.", "Jo Harbour")


def test_an_alt_that_repeats_the_caption_and_its_credit_is_the_caption_alone() -> None:
    # The alt and the caption both say "Wetterbild (Foto: anaterate/Pixabay.com)"; a resizer's width
    # before the name tells the declared 1280 px picture from the 668 px one shown
    head = "<meta property='og:image' content='https://news.example/cache/1280_676731_1031_128086.png'>"
    said = "Wetterbild (Foto: anaterate/Pixabay.com)"
    body = (
        f"<p>{LEDE}</p><div class='bildrahmen'><img src='../cache/668_676731_1031_128086.png' alt='{said}'>"
        f"<span class='caption'>{said}</span></div><p>{SECOND}</p>"
    )
    info = extract_page(html(body, head), URL)

    assert (info.image_alt, info.image_caption, info.image_credit) == (
        "Wetterbild",
        "Wetterbild",
        "anaterate/Pixabay.com",
    )


@pytest.mark.parametrize(
    ("declared", "shown", "same"),
    [
        ("1280_ornament-78dc.gif", "560_ornament-78dc.gif", True),
        # a year or a gallery's number before the name is no size: these are other pictures
        ("2024_ornament-78dc.gif", "2023_ornament-78dc.gif", False),
        ("01_ornament-78dc.gif", "02_ornament-78dc.gif", False),
    ],
)
def test_a_width_before_a_pictures_name_is_a_size_of_it(declared: str, shown: str, same: bool) -> None:
    # the declared picture is the site's logo when the header shows it (in any size) as the logo
    head = f"<meta property='og:image' content='https://news.example/assets/{declared}'>"
    logo = f"<header><a href='/'><img src='/assets/{shown}' width='56' height='80' alt='News'></a></header>"
    found = extract_page(html(f"{logo}<h1>Ferries return</h1><p>{LEDE}</p>", head), URL).image_url

    assert found == ("" if same else f"https://news.example/assets/{declared}")


@pytest.mark.parametrize(
    ("names", "caption", "credit"),
    [
        # "cap" and "cred", a caption's and a credit's abbreviations, as words of their classes
        (("illo-cntr", "art-illo-cap", "art-illo-cred"), "Crowds on the quay.", "Jo Harbour/Getty Images"),
        # ... never inside another word: a capital's note, an incredible fact
        (("illo-cntr", "capital-note", "incredible-fact"), "", ""),
    ],
)
def test_a_caption_and_credit_named_by_abbreviations_are_the_pictures(
    names: tuple[str, str, str], caption: str, credit: str
) -> None:
    box, caption_box, credit_box = names
    head = "<meta property='og:image' content='https://news.example/photos/quay.jpg'>"
    body = (
        f"<div class='{box}'><img src='/photos/quay.jpg'><div class='{caption_box}'>Crowds on the quay."
        f"<span class='{credit_box}'><p>Jo Harbour/Getty Images</p></span></div></div>"
    )
    info = extract_page(html(f"{body}<p>{LEDE}</p><p>{SECOND}</p>", head), URL)

    assert (info.image_caption, info.image_credit) == (caption, credit)


@pytest.mark.parametrize(
    ("declared", "shown"),
    [
        ("photo.jpg", "ferry-deck_small.jpg"),
        ("photo.jpg", "photo_small.jpg"),
        ("2706842/1200x630.jpg", "3050111/1200x630.jpg"),  # a size in another picture's folder
    ],
)
def test_another_picture_or_a_name_every_picture_has_is_not_another_size(declared: str, shown: str) -> None:
    head = f"<meta property='og:image' content='https://news.example/photos/{declared}'>"
    body = (
        f"<div class='photo'><img src='/photos/{shown}' alt='The ferry at dawn'>"
        "<span class='caption'>The ferry at dawn. Photo: Jo Harbour</span></div>"
    )
    page = html(f"{body}<p>{LEDE}</p><p>{SECOND}</p>", head)

    info = extract_page(page, URL)

    assert info.image_url == f"https://news.example/photos/{declared}"
    assert (info.image_alt, info.image_caption, info.image_credit) == ("", "", "")


@pytest.mark.parametrize(
    "box",
    [
        # a box that also shows another picture: the caption may be the other's
        "<div class='pair'><img src='/photos/quay.jpg'><img src='/photos/ferry.jpg'>"
        "<span class='caption'>The ferry at dawn. Photo: Jo Harbour</span></div>",
        # a caption box far from the picture, in a box that holds the article's text
        f"<div class='story'><div><img src='/photos/quay.jpg'></div><p>{LEDE}</p><p>{SECOND}</p>"
        f"<p>{SECOND}</p><p>{SECOND}</p>"
        "<span class='caption'>The ferry at dawn. Photo: Jo Harbour</span></div>",
    ],
)
def test_a_caption_that_may_be_another_pictures_is_not_the_lead_pictures(box: str) -> None:
    page = f"<html><head>{_QUAY}</head><body>{box}<p>{LEDE}</p></body></html>"

    info = extract_page(page, URL)

    assert info.image_url == "https://news.example/photos/quay.jpg"
    assert (info.image_caption, info.image_credit) == ("", "")


@pytest.mark.parametrize(
    ("bracketed", "credit"),
    [
        ("(Getty Images)", "Getty Images"),
        ("[AFP/GETTY]", "AFP/GETTY"),
        ("(Photo: Jo Harbour)", "Jo Harbour"),
        ("Jo Harbour)", "Jo Harbour"),  # the end of a bracket the caption opened
        ("Jo Harbour / Agency (Composite)", "Jo Harbour / Agency (Composite)"),
        ("(Jo Harbour) (Agency)", "(Jo Harbour) (Agency)"),
    ],
)
def test_a_credits_own_brackets_stay_and_those_around_it_go(bracketed: str, credit: str) -> None:
    assert clean_credit(bracketed) == credit


# --------------------------------------------------------------------------- titles


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        ("Ferries return | The Example Times", "The Example Times", "Ferries return"),
        ("Ferries return - BBC News", "", "Ferries return"),
        ("The Example Times: Ferries return", "The Example Times", "Ferries return"),
        ("Ferries return \u2014 and stay", "", "Ferries return \u2014 and stay"),
        ("Left - Right - Centre", "", "Left - Right - Centre"),
        ("BBC News - Ferries return", "", "Ferries return"),
        ("Ferries return \u00ab The Example Times", "", "Ferries return"),  # WordPress's default
        ("The Example Times \u00bb Ferries return", "The Example Times", "Ferries return"),
        ("Ferries return \u2022 The Example Times", "The Example Times", "Ferries return"),
        # An article's own number that holds the host's name is no site name.
        ("BBCN-2018-013542 - Ferry notice", "", "BBCN-2018-013542 - Ferry notice"),
        # A section's name between the headline and the site's goes with it; a subtitle does not.
        ("Ferries return - Local News - The Example Times", "The Example Times", "Ferries return"),
        ("Ferries return | World | Example", "", "Ferries return"),
        (
            "Ferries return to the strait - the first sailing in a decade - The Example Times",
            "The Example Times",
            "Ferries return to the strait - the first sailing in a decade",
        ),
        ("Review: Ferries return | The Example Times", "The Example Times", "Review: Ferries return"),
        ("Ferries return: Day 2 | The Example Times", "The Example Times", "Ferries return: Day 2"),
        # The site's name with a tagline after it.
        ("Ferries return | The Example Times | News since 1901", "The Example Times", "Ferries return"),
        # ... and before the headline with a section after it, the headline naming the site
        ("example.com - Outdoornews - Ferries return to Example.com", "", "Ferries return to Example.com"),
    ],
)
def test_site_name_around_a_title_is_removed(title: str, site: str, expected: str) -> None:
    url = "https://www.bbc.com/news/x" if "BBC" in title else URL
    assert without_site_name(title, site, url) == expected


@pytest.mark.parametrize(
    ("title", "url"),
    [
        # a host that writes the site's name out by the start of each word
        ("Ferries return - The New York Times", "https://www.nytimes.com/2026/11/30/ferries.html"),
        ("Ferries return - Los Angeles Times", "https://www.latimes.com/california/ferries"),
        ("Ferries return | South China Morning Post", "https://www.scmp.com/news/ferries"),
        ("The Wall Street Journal: Ferries return", "https://www.wsj.com/articles/ferries"),
        # a host's name written with a hyphen, the site's name with a space and a town after it
        ("Ferries return | Die Harbour Partei Kessan", "https://harbour-partei.example/kessan/ferries"),
        # a hyphenated host's words, each starting one of the name's, a word or two more between them
        (
            "Harbour-Fraktion im Kessaner Stadtrat - Ferries return",
            "https://www.harbour-fraktion-kessan.de/a",
        ),
        ("Ferries return | Harbour Fraktion im Kessaner Rat", "https://www.harbour-fraktion-kessan.de/a"),
        # the host written out as the site's name
        ("www.Kessanport.de - Ferries return", "http://www.kessanport.de/s/zahlen"),
        # a slash between the name and the headline
        ("Kessan Capital / Ferries return", "https://www.kessancapital.com/blog/ferries"),
    ],
)
def test_a_site_name_its_host_abbreviates_is_removed(title: str, url: str) -> None:
    assert without_site_name(title, "", url) == "Ferries return"


def test_a_title_part_the_hosts_name_starts_with_is_the_site() -> None:
    # "heise - …" on heiseonline: the start of the host's name is the site's short name
    url = "https://www.kessanharbourtimes.com/news/ferries"

    assert (
        without_site_name("Kessan - Ferries return to the strait", "", url) == "Ferries return to the strait"
    )
    # ... and so is the greater part of it: "Telegraph" of dailytelegraph
    tail = without_site_name(
        "Ferries return to the strait | Telegraph", "", "https://www.dailytelegraph.com.au/a"
    )
    assert tail == "Ferries return to the strait"


@pytest.mark.parametrize(
    ("title", "url"),
    [
        (
            "Ferries return - New Lines",
            "https://www.nytimes.com/2026/11/30/ferries.html",
        ),  # no start of "york"
        ("Ferries return - Times New York", "https://www.nytimes.com/2026/11/30/ferries.html"),  # not in turn
        ("Ferries return - Timetables", "https://www.nytimes.com/2026/11/30/ferries.html"),  # one word
        # not every word of the host's, not in turn, or a longer line than a name
        ("Harbour Stadtrat - Ferries return", "https://www.harbour-fraktion-kessan.de/a"),
        ("Kessan Harbour Fraktion - Ferries return", "https://www.harbour-fraktion-kessan.de/a"),
        ("Harbour and Fraktion leave the Kessan quay - Ferries", "https://www.harbour-fraktion-kessan.de/a"),
        ("Kessan Capital/Ferries return", "https://www.kessancapital.com/blog/ferries"),  # a slash in a name
        # a word the host's name ends with is the headline's label, not the site (greencarreports.com)
        ("Report: Kessan ferries return to the strait", "https://www.harbourreports.com/news/1_ferries"),
    ],
)
def test_a_last_part_the_host_does_not_spell_stays(title: str, url: str) -> None:
    assert without_site_name(title, "", url) == title


@pytest.mark.parametrize(
    ("banner", "expected"),
    [
        # a blog's banner: its name and its address, nothing else
        (
            "Harbour Days by the Sea <span class='blog-url'>harbourdaysbythesea.exblog.jp</span>",
            "Ferries return to the strait",
        ),
        # the name and a headline's words are a headline
        ("Harbour Days by the Sea: ferries return", "Harbour Days by the Sea: ferries return"),
    ],
)
def test_a_banner_of_the_blogs_name_and_address_is_not_the_headline(banner: str, expected: str) -> None:
    head = (
        "<title>Ferries return to the strait : Harbour Days by the Sea</title>"
        "<meta property='og:site_name' content='Harbour Days by the Sea'>"
    )
    page = (
        f"<html><head>{head}</head><body><div id='blog-head'><h1>{banner}</h1></div>"
        f"<h2 class='post-title'>Ferries return to the strait</h2><p>{LEDE}</p></body></html>"
    )
    assert extract_page(page, "https://harbourdaysbythesea.exblog.jp/241243743/").title == expected


def test_a_logo_h1_that_the_host_abbreviates_is_not_the_headline() -> None:
    page = (
        "<html><head><title>Ferries return to the strait</title></head><body><header><h1>The Los Angeles"
        " Times</h1></header><article><h2>Ferries return to the strait</h2>"
        f"<p>{LEDE}</p></article></body></html>"
    )
    assert (
        extract_page(page, "https://www.latimes.com/california/ferries").title
        == "Ferries return to the strait"
    )


@pytest.mark.parametrize(
    "head",
    [
        "<meta name='twitter:title' content='Ferries return to the strait'>",
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline":'
        ' "Ferries return to the strait"}'
        "</script>",
    ],
)
def test_a_title_that_is_only_the_sites_name_gives_way_to_the_declared_headline(head: str) -> None:
    page = f"<html><head><title>Example News</title>{head}</head><body><p>{LEDE}</p></body></html>"
    assert extract_page(page, URL).title == "Ferries return to the strait"


@pytest.mark.parametrize(
    ("social", "expected"),
    [
        ("ferries-return-spring-2026", "Ferries return to the strait"),  # an unfilled field: the slug
        ("Ferries return in spring", "Ferries return in spring"),
        ("Fähren-Comeback", "Fähren-Comeback"),  # one hyphenated word is a title
    ],
)
def test_an_og_title_written_as_an_addresss_slug_is_no_title(social: str, expected: str) -> None:
    head = (
        f"<title>Ferries return to the strait | Example</title><meta property='og:title' content='{social}'>"
    )
    page = f"<html><head>{head}</head><body><p>{LEDE}</p></body></html>"
    assert extract_page(page, URL).title == expected


def test_the_sites_name_in_its_feed_links_leaves_the_title() -> None:
    # no og:site_name and a host that names the site otherwise: WordPress's feed links still say
    # "Site » Feed" on every page, in the site's language
    head = (
        "<title>Ferries return to the strait &lsaquo; Harbour Conservation Project</title><link"
        " rel='alternate' type='application/rss+xml' title='Harbour Conservation Project &raquo; Flux'"
        " href='/feed/'>"
    )
    page = f"<html><head>{head}</head><body><h1>The Blog</h1><p>{LEDE}</p></body></html>"
    assert extract_page(page, "https://www.harbour-enforcement.org/ferries/").title == (
        "Ferries return to the strait"
    )


def test_a_page_titled_only_by_the_sites_name_takes_its_first_headline_from_the_h2s() -> None:
    # a blog whose <title> and <h1> are its name (a logo) shows its post's title as an <h2>; the
    # sidebar's and the menu's <h2>s before it, and a related story's after a paragraph, are not it
    page = (
        "<html><head><title>example.news</title></head><body><header><h1><a href='/'>"
        "<img src='/logo.svg' alt='example.news'></a></h1><nav><h2>Our sections and our newsletters</h2>"
        "</nav></header><aside><h2>The most read stories this week</h2></aside><div class='post'>"
        f"<h2><a href='/'>example.news</a></h2><p><a href='/tag/islands'>#Islands</a></p>"
        f"<h2>Ferries return to the strait after a decade</h2><p>{LEDE}</p><h2>Ferries stop again "
        "for the whole winter</h2></div></body></html>"
    )
    assert extract_page(page, "https://example.news/ferries/").title == (
        "Ferries return to the strait after a decade"
    )


@pytest.mark.parametrize(
    ("title", "shown", "cut"),
    [
        # no og:title, no heading: the page shows the title's start (or end) in a box of its own
        ("渡し船が十年ぶりに海峡へ戻る 港湾地区_海岸日報", "<span class='Title'><b>{}</b></span>", True),
        # a CMS marks its fields with comments around the headline's text
        (
            "渡し船が十年ぶりに海峡へ戻る 港湾地区_海岸日報",
            "<span class='Title'><b><!-- 文章标题 begin -->{}<!-- 文章标题 end --></b></span>",
            True,
        ),
        ("渡し船が十年ぶりに海峡へ戻る-海岸日報", "<h4>\n\t{}\t</h4>", True),
        ("海岸日報--渡し船が十年ぶりに海峡へ戻る", "<div class='title-text'>{}</div>", True),
        # not the title's most, or run into the rest with no separator
        ("渡し船が戻る 港湾地区の漁船組合が新しい係留地を探す_海岸日報", "<div>{}</div>", False),
        ("渡し船が十年ぶりに海峡へ戻る港湾地区", "<div>{}</div>", False),
        # a Latin title's parts are told by its separators: a shown start may cut a subtitle off
        ("Ferries return to the strait after a decade-Coast Daily", "<div class='title'>{}</div>", False),
    ],
)
def test_a_chinese_or_japanese_title_is_cut_to_the_part_shown(title: str, shown: str, cut: bool) -> None:
    headline = "渡し船が十年ぶりに海峡へ戻る" if "渡し船が十" in title else title.split("-")[0].split(" ")[0]
    headline = "Ferries return to the strait after a decade" if title.startswith("Ferries") else headline
    page = (
        f"<html><head><title>{title}</title></head><body>{shown.format(headline)}"
        f"<div class='text'><p>{LEDE}</p><p>{SECOND}</p></div></body></html>"
    )
    assert extract_page(page, "https://www.coast.example/a/1").title == (headline if cut else title)


@pytest.mark.parametrize(
    ("shown", "og_title", "expected"),
    [
        ("Ferries return to the strait - Coast Daily", True, "Ferries return to the strait"),
        ("Ferries return to the strait - Coast Daily", False, "Ferries return to the strait"),
        # a last part that is no site's name is the headline's own
        ("Ferries return to the strait - a decade on", False, "Ferries return to the strait - a decade on"),
    ],
)
def test_an_h1_that_is_a_title_with_the_sites_name_loses_the_name(
    shown: str, og_title: bool, expected: str
) -> None:
    # Sankei's visually hidden <h1> repeats its <title>, site's name and all; its og:title has none
    head = f"<title>{shown}</title><meta property='og:site_name' content='Coast Daily'>"
    head += "<meta property='og:title' content='Ferries return to the strait'>" if og_title else ""
    page = f"<html><head>{head}</head><body><h1 class='speech'>{shown}</h1><p>{LEDE}</p></body></html>"

    assert extract_page(page, URL).title == expected


@pytest.mark.parametrize(
    ("title", "shown", "expected"),
    [
        # a blog's <title>: the post's name and its author's (Svbtle's "Dear Mark Zuckerberg by …")
        ("Dear Harbour Master by Jo Doe", "Dear Harbour Master", "Dear Harbour Master"),
        # "by" and no name after it, or no heading of the words before it: the title stays
        ("Ferries run by the council", "Ferries run", "Ferries run by the council"),
        ("Dear Harbour Master by Jo Doe", "Letters", "Dear Harbour Master by Jo Doe"),
    ],
)
def test_a_title_with_its_author_after_by_is_the_headline_the_page_shows(
    title: str, shown: str, expected: str
) -> None:
    page = (
        f"<html><head><title>{title}</title></head><body><h1>Jo's blog</h1>"
        f"<h2><a href='/dear-harbour-master'>{shown}</a></h2><p>{LEDE}</p></body></html>"
    )
    assert extract_page(page, "https://jo.example/dear-harbour-master").title == expected


def test_headline_is_the_h1_when_the_title_holds_it() -> None:
    head = "<meta property='og:title' content='Ferries return to the strait after a decade - Example'>"
    page = html(f"<h1>Ferries return to the strait after a decade</h1><p>{LEDE}</p>", head)

    assert extract_page(page, URL).title == "Ferries return to the strait after a decade"


SEO_TITLE = "<meta property='og:title' content='Strait ferry service resumes in 2027 | Example'>"


def test_the_pages_only_h1_is_the_headline_even_when_the_titles_word_it_otherwise() -> None:
    # og:title is written for search; the <h1> is what the reader sees, and shares no words with it.
    page = html(f"<h1>The Boats Are Back, and the Island Is Waiting</h1><p>{LEDE}</p>", SEO_TITLE)
    assert extract_page(page, URL).title == "The Boats Are Back, and the Island Is Waiting"


@pytest.mark.parametrize(
    ("before", "shown"),
    [
        # the site's header holds a paragraph (its members' login box): no story's text before the <h1>
        (f"<div class='l-outer--nav'><div class='login'><p>{SECOND}</p></div></div>", True),
        (f"<nav><p>{SECOND}</p></nav>", True),
        # ... a story's text before it makes it another story's headline
        (f"<div class='teaser'><p>{SECOND}</p></div>", False),
    ],
)
def test_text_in_the_sites_header_before_the_only_h1_does_not_make_it_another_storys(
    before: str, shown: bool
) -> None:
    page = html(f"{before}<h1>The Boats Are Back, and the Island Is Waiting</h1><p>{LEDE}</p>", SEO_TITLE)
    title = extract_page(page, URL).title
    assert (title == "The Boats Are Back, and the Island Is Waiting") is shown


@pytest.mark.parametrize(
    ("after", "headline"),
    [
        # the <title> joins the headline and the subtitle set right under it: the headline is the <h1>
        ("<h2>A crossing closed for a decade reopens</h2>", "The Boats Are Back"),
        # a blog's name in its <h1>, the post's title further down: no headline of its own, the title
        (
            "<div class='post'><h3>A crossing closed for a decade reopens</h3></div>",
            "The Boats Are Back - A crossing closed for a decade reopens",
        ),
    ],
)
def test_an_h1_that_is_one_part_of_the_title_is_the_headline_when_the_other_is_its_subtitle(
    after: str, headline: str
) -> None:
    head = "<title>The Boats Are Back - A crossing closed for a decade reopens : example.org</title>"
    page = f"<html><head>{head}</head><body><h1>The Boats Are Back</h1>{after}<p>{LEDE}</p></body></html>"

    assert extract_page(page, URL).title == headline


@pytest.mark.parametrize(
    "crumbs",
    [
        "<ol class='breadcrumb__list'><li><a href='/'>Home</a></li><li><h1>{h1}</h1></li></ol>",
        "<nav aria-label='Breadcrumb'><a href='/'>Home</a> <h1>{h1}</h1></nav>",
        "<ul itemscope itemtype='https://schema.org/BreadcrumbList'><li><h1>{h1}</h1></li></ul>",
    ],
)
def test_an_h1_that_ends_the_breadcrumb_is_not_the_headline_the_page_shows(crumbs: str) -> None:
    # The page's name for search engines, in the trail; the reader's headline is shown below, bigger.
    head = "<meta property='og:title' content='With the new timetable, ferries return to the strait'>"
    shown = "<h2 class='article-headline'>With the new timetable, ferries return to the strait</h2>"
    crumb = crumbs.format(h1="The boats are back on the island at last")
    page = html(f"{crumb}<header>{shown}</header><p>{LEDE}</p>", head)

    assert extract_page(page, URL).title == "With the new timetable, ferries return to the strait"


# Japanese, written without spaces: a headline of thirteen characters has six words or so, a section's
# name of six characters three ("latest news").
JAPANESE_TITLE = "<meta property='og:title' content='\u30d5\u30a7\u30ea\u30fc\u306e\u904b\u822a\u518d\u958b'>"


@pytest.mark.parametrize(
    ("h1", "title"),
    [
        ("\u6771\u4eac\u306e\u65b0\u3057\u3044\u56f3\u66f8\u9928\u304c\u958b\u9928\u3078", "the h1"),
        ("\u6700\u65b0\u30cb\u30e5\u30fc\u30b9", "og:title"),
    ],
)
def test_a_japanese_h1_is_the_headline_when_it_has_a_headlines_words(h1: str, title: str) -> None:
    page = html(f"<h1>{h1}</h1><p>{LEDE}</p>", JAPANESE_TITLE)
    expected = h1 if title == "the h1" else "\u30d5\u30a7\u30ea\u30fc\u306e\u904b\u822a\u518d\u958b"

    assert extract_page(page, URL).title == expected


def test_a_japanese_h1_after_a_paragraph_of_text_is_a_related_storys_headline() -> None:
    # A paragraph of Japanese is as long as its characters make it, not one word long.
    text = (
        "\u5e02\u8b70\u4f1a\u306f\u706b\u66dc\u65e5\u3001\u8001\u673d\u5316\u3057\u305f\u6e2f\u3092\u51ac\u306e\u9593\u4fee\u7406\u306e\u305f\u3081\u9589\u9396\u3059\u308b\u3053\u3068\u3092\u6c7a\u3081\u305f\u3002"
        * 2
    )
    h1 = "\u6771\u4eac\u306e\u65b0\u3057\u3044\u56f3\u66f8\u9928\u304c\u958b\u9928\u3078"
    page = html(f"<article><p>{text}</p></article><h1>{h1}</h1><p>{LEDE}</p>", JAPANESE_TITLE)

    assert extract_page(page, URL).title == "\u30d5\u30a7\u30ea\u30fc\u306e\u904b\u822a\u518d\u958b"


# Two <h1>s neither of which is about the titles, one looking marked as the headline but not marked so.
UNMARKED = "<h1>Harbour Notes Weekly Edition</h1>"


@pytest.mark.parametrize(
    ("h1", "why"),
    [
        ("<h1>Harbour Notes</h1>", "too few words for a headline: a blog's or a section's name"),
        ("<h1><a href='/world/'>World News and Analysis Today</a></h1>", "a link to a section's page"),
        (f"{UNMARKED}<h1 class='headlines'>Top Stories Today</h1>", "a list of headlines"),
        (f"{UNMARKED}<h1 class='sub-hed'>Top Stories Today</h1>", "a subheading"),
        (f"{UNMARKED}<p>{LEDE} {LEDE}</p><h1 class='headline'>Top Stories</h1>", "after text: a promo"),
    ],
)
def test_an_h1_that_names_something_else_gives_way_to_the_title(h1: str, why: str) -> None:
    page = html(f"<header>{h1}</header><article><p>{LEDE}</p></article>", SEO_TITLE)
    assert extract_page(page, URL).title == "Strait ferry service resumes in 2027", why


def test_an_h1_that_is_one_part_of_the_title_names_what_the_article_is_in() -> None:
    title = "Notes From The Bay: Strait ferry service resumes in 2027"
    page = html(f"<h1>Notes From The Bay</h1><p>{LEDE}</p>", f"<meta property='og:title' content='{title}'>")
    assert extract_page(page, URL).title == title


def test_an_h1_that_ends_the_title_is_the_headline_when_it_is_too_long_for_a_sites_name() -> None:
    headline = "Ferries return to the strait after a decade away"
    head = f"<meta property='og:title' content='World | {headline}'>"
    page = html(f"<h1>{headline}</h1><p>{LEDE}</p>", head)
    assert extract_page(page, URL).title == headline


def blog(h1: str, post: str, title: str, head: str = "") -> str:
    """A blog's page: its name in an <h1>, the post's title in an <h2>."""
    return (
        f"<html><head><title>{title}</title>{head}</head><body><header><h1>{h1}</h1></header>"
        f"<article>{post}<p>{LEDE}</p></article></body></html>"
    )


def test_a_blogs_post_title_in_an_h2_is_the_headline_when_its_h1_is_the_blogs_name() -> None:
    head = "<meta property='og:site_name' content='Daily Curio'>"
    page = blog(
        "Daily Curio",
        "<h2>Ferries return to the strait</h2>",
        "Ferries return to the strait_World_Daily Curio",
        head,
    )
    assert extract_page(page, URL).title == "Ferries return to the strait"


def test_the_title_is_written_as_the_blogs_post_heading_shows_it_under_a_sections_h1() -> None:
    # the <h1> names the blog's section; the title spells the post's heading otherwise
    head = "<meta property='og:site_name' content='Daily Curio'>"
    post = "<h2>Island life: the ferry-boats return</h2>"
    page = blog("<span>Travel </span>Blog", post, "Island life: the Ferryboats return - Daily Curio", head)
    assert extract_page(page, URL).title == "Island life: the ferry-boats return"


def test_a_post_heading_with_its_kicker_run_into_it_is_written_as_the_title_says_it() -> None:
    head = "<meta property='og:site_name' content='Daily Curio'>"
    post = "<h2><span class='c-overline'>Island life</span> The ferry-boats return</h2>"
    page = blog("<span>Travel </span>Blog", post, "Island life: the Ferryboats return - Daily Curio", head)
    assert extract_page(page, URL).title == "Island life: the Ferryboats return"


@pytest.mark.parametrize("kicker", ["field--subline", "article-kicker", "overline"])
def test_an_h1_set_as_the_kicker_above_the_headline_is_not_the_headline(kicker: str) -> None:
    header = (
        f"<header><h1 class='{kicker}'>Island council reports on the state of the strait's ferries</h1>"
        "<h2 class='article__title'>The boats are back</h2></header>"
    )
    page = blog("Daily Curio", header, "The boats are back | Daily Curio")
    assert extract_page(page, URL).title == "The boats are back"


def test_an_h2_that_names_the_site_is_not_the_headline() -> None:
    head = "<meta property='og:site_name' content='The Long Official Name of Our Harbour Blog'>"
    title = "Ferries return_The Long Official Name of Our Harbour Blog"
    post = "<h2>The Long Official Name of Our Harbour Blog</h2>"
    assert (
        extract_page(blog("<a href='/'>Harbour Blog</a>", post, title, head), URL).title == "Ferries return"
    )


def test_an_h3_that_links_to_another_post_is_not_the_headline() -> None:
    title = "Ferries return to the strait after a decade_World_Daily Curio"
    head = "<meta property='og:site_name' content='Daily Curio'>"
    post = "<h3><a href='/2025/other-post'>Ferries return to the strait after a decade</a></h3>"
    page = blog("Daily Curio", post, title, head)
    assert extract_page(page, URL).title == "Ferries return to the strait after a decade"


def test_an_h1_linking_to_the_article_itself_is_still_the_headline() -> None:
    h1 = f"<h1><a href='{urlsplit(URL).path}'>The Boats Are Back, and the Island Is Waiting</a></h1>"
    page = html(f"{h1}<p>{LEDE}</p>", SEO_TITLE)
    assert extract_page(page, URL).title == "The Boats Are Back, and the Island Is Waiting"


@pytest.mark.parametrize("hidden", ["", "<span class='sr-only'>Read next: </span>"])
def test_an_h1_about_the_title_that_links_elsewhere_is_a_promo_not_the_headline(hidden: str) -> None:
    # A screen reader's words inside the link leave it the heading's whole text as shown.
    promo = f"<h1><a href='/2026/timetable'>{hidden}Strait ferry service resumes: the timetable</a></h1>"
    page = html(f"<aside>{promo}</aside><p>{LEDE}</p>", SEO_TITLE)
    assert extract_page(page, URL).title == "Strait ferry service resumes in 2027"


def test_an_h1_the_page_marks_as_its_headline_is_it_however_short() -> None:
    # A magazine's two-word display headline, before an <h1> that words the titles (set as a dek).
    headings = "<h1 class='hed'>Broken Pledge</h1><h1>Strait ferry service resumes in 2027</h1>"
    page = html(f"{headings}<p>{LEDE}</p>", SEO_TITLE)
    assert extract_page(page, URL).title == "Broken Pledge"


@pytest.mark.parametrize("mark", ["class='entry-title'", "itemprop='headline'", "class='Article__Headline'"])
def test_the_marked_one_of_several_h1s_is_the_headline(mark: str) -> None:
    page = html(f"{UNMARKED}<h1 {mark}>All Aboard</h1><p>{LEDE}</p>", SEO_TITLE)
    assert extract_page(page, URL).title == "All Aboard"


@pytest.mark.parametrize(
    "h1",
    [
        "<h1>Ferries return<br>to the strait</h1>",  # a line break set by the designer
        "<h1><div>Ferries return</div><div>to the strait</div></h1>",
        "<h1><span class='sr-only'>Breaking: </span>Ferries return to the strait</h1>",  # for screen readers
        "<h1>Ferries return to the strait<span style='display:none'> (updated)</span></h1>",
    ],
)
def test_the_headline_reads_as_it_is_shown(h1: str) -> None:
    assert extract_page(html(f"{h1}<p>{LEDE}</p>", SEO_TITLE), URL).title == "Ferries return to the strait"


@pytest.mark.parametrize(
    "h1",
    [
        # a newsroom's kicker inside the headline's element, before it or after it
        "<h1><span class='pretitle'>KNOWHOW</span> Ferries return to the strait</h1>",
        "<h1><span class='article__kicker'>Exclusive</span><span>Ferries return to the strait</span></h1>",
        "<h1>Ferries return to the strait <small class='eyebrow'>Analysis</small></h1>",
        "<h1><span class='dachzeile'>Verkehr:</span> Ferries return to the strait</h1>",
        "<h1><span class='c-header__topline'>Hafen</span><span>Ferries return to the strait</span></h1>",
        # ... or the part it marks as the headline
        "<h1><span>KNOWHOW</span> <span itemprop='headline'>Ferries return to the strait</span></h1>",
    ],
)
def test_a_kicker_inside_the_headlines_element_is_not_part_of_the_headline(h1: str) -> None:
    assert extract_page(html(f"{h1}<p>{LEDE}</p>", SEO_TITLE), URL).title == "Ferries return to the strait"


def test_a_section_label_set_before_the_title_inside_the_h1_is_not_part_of_the_headline() -> None:
    title = "<meta property='og:title' content='Letters: Ferries return | Tolls rise'>"
    h1 = (
        "<h1 class='entry-title'><div class='entry-section'><a href='/opinion/letters/'>Letters to the"
        " Editor | </a></div> <span>Letters: Ferries return | Tolls rise</span></h1>"
    )
    found = extract_page(html(f"{h1}<p>{LEDE}</p>", title), URL).title
    assert found == "Letters: Ferries return | Tolls rise"


def test_a_second_rank_heading_the_page_marks_as_its_headline_beats_an_unmarked_h1() -> None:
    title = "<meta property='og:title' content='Numbers, please! 100 ferries that crossed the strait'>"
    headline = "<h2 itemprop='headline'>Numbers, please! 100 ferries that crossed the strait</h2>"
    card = "<div class='teaser-card'><h1>100 ferries that crossed the strait</h1></div>"
    found = extract_page(html(f"{headline}<p>{LEDE}</p>{card}", title), URL).title
    assert found == "Numbers, please! 100 ferries that crossed the strait"


def test_the_marked_headline_that_is_the_title_wins_wherever_the_theme_sets_it() -> None:
    title = "<meta property='og:title' content='Five ferries worth the crossing in 2027 - Harbour Blog'>"
    story = (
        f"<h1>Five ferries of 2027</h1><p>{LEDE}</p><p>{SECOND}</p>"
        "<h1 class='entry-title'>Five ferries worth the crossing in 2027</h1>"
        "<h1 class='entry-title'>Ten quays to see before they go</h1>"  # a related post's, after the text
    )
    assert extract_page(html(story, title), URL).title == "Five ferries worth the crossing in 2027"


def test_the_structured_datas_headline_shown_as_a_heading_beats_an_seo_title_shown_nowhere() -> None:
    head = (
        "<meta property='og:title' content='Ferries back: the strait crossing returns!'>"
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "headline": "The boats are back: a strait crossing after eleven years"}</script>'
    )
    crumbs = "<nav class='breadcrumb'><h1>Ferries back: the strait crossing returns!</h1></nav>"
    story = f"{crumbs}<h2>The boats are back: a strait crossing after eleven years</h2><p>{LEDE}</p>"
    assert (
        extract_page(html(story, head), URL).title
        == "The boats are back: a strait crossing after eleven years"
    )


def test_words_after_the_title_inside_the_h1_are_the_headlines_second_line() -> None:
    title = "<meta property='og:title' content='Ferries return to the strait'>"
    h1 = "<h1><span>Ferries return to the strait</span><i>: </i><i>the first boat leaves at six</i></h1>"
    found = extract_page(html(f"{h1}<p>{LEDE}</p>", title), URL).title
    assert found == "Ferries return to the strait: the first boat leaves at six"


@pytest.mark.parametrize(
    ("h1", "shown"),
    [
        # a label its style sets apart: never "LiveFerries"
        ("<h1><span class='badge'>Live</span>Ferries return to the strait</h1>", "Live Ferries return"),
        (
            "<h1>Ferries return to the <em>Strait</em>s of Dover</h1>",
            "Ferries return to the Straits of Dover",
        ),
        (
            "<h1>Ferries return to the strait<span class='tag'>Updated</span></h1>",
            "Ferries return to the strait Updated",
        ),
    ],
)
def test_a_label_set_apart_before_a_capital_keeps_its_space(h1: str, shown: str) -> None:
    assert extract_page(html(f"{h1}<p>{LEDE}</p>", SEO_TITLE), URL).title.startswith(shown)


@pytest.mark.parametrize(
    ("head", "field", "read"),
    [
        (
            "<meta property='og:title' content='Ferries &amp;amp; buses return to the strait'>",
            "title",
            "Ferries & buses return to the strait",
        ),
        (
            "<meta name='description' content='Q&amp;amp;A: the crossing&amp;#8217;s return'>",
            "description",
            "Q&A: the crossing\u2019s return",
        ),
    ],
)
def test_a_title_or_meta_tag_escaped_twice_is_read_once_more(head: str, field: str, read: str) -> None:
    # Publishers escape their titles and meta tags twice; "&amp;" is never what they mean to show.
    assert getattr(extract_page(html(f"<p>{LEDE}</p>", head), URL), field) == read


def test_an_alt_of_an_entity_escaped_twice_says_nothing() -> None:
    head = "<meta property='og:image' content='https://news.example/photos/quay.jpg'>"
    body = f"<img src='/photos/quay.jpg' alt='&amp;nbsp'><p>{LEDE}</p>"
    info = extract_page(html(body, head), URL)
    assert (info.image_url, info.image_alt) == ("https://news.example/photos/quay.jpg", "")


def test_a_caption_reads_as_it_is_shown() -> None:
    hidden = "<span class='visually-hidden'>Image caption, </span>"
    figure = f"<figure><img src='/ferry.jpg'><figcaption>{hidden}The ferry at dawn</figcaption></figure>"
    assert extract_page(html(f"{figure}<p>{LEDE}</p>"), URL).image_caption == "The ferry at dawn"


def sectioned(section: str) -> str:
    """A page's JSON-LD giving its article's section."""
    return (
        f'<script type="application/ld+json">{{"@type": "NewsArticle", "articleSection": {section}}}</script>'
    )


@pytest.mark.parametrize(
    ("head", "section"),
    [
        (sectioned('"Science"'), "Science"),
        (sectioned('["Oceans", "Science"]'), "Oceans"),
        ("<meta property='article:section' content='World'>" + sectioned('"Science"'), "World"),
        ("<meta name='prism.section' content='News'>", "News"),
        ("<meta name='prism.section' content='News'>" + sectioned('"Science"'), "Science"),
        # a field that lists the story's sections and the home page it was put on: the first
        ("<meta property='article:section' content='Ports, Ferries, Harbour Homepage'>", "Ports"),
        ("<meta property='article:section' content='Arts, Culture'>", "Arts, Culture"),  # a name
    ],
)
def test_the_section_is_the_pages_own_or_its_structured_datas(head: str, section: str) -> None:
    assert extract_page(html(f"<p>{LEDE}</p>", head), URL).section == section


@pytest.mark.parametrize(("ahead", "restored"), [(1, 1), (3, 3), (4, 0)])
def test_a_box_ahead_of_the_body_gives_back_a_ledes_paragraphs_never_a_block_of_text(
    ahead: int, restored: int
) -> None:
    # The paragraphs of the box before the body's box, where the extractor's first paragraph is.
    box = "".join(f"<p>{LEDE}</p>" for _ in range(ahead))
    doc = lxml.html.fromstring(f"<article><div>{box}</div><div><p>{SECOND}</p></div></article>")
    first = doc.xpath("//div[2]/p")[0]
    assert len(extract_module._skipped_before(first, "")) == restored


@pytest.mark.parametrize(
    ("loose", "restored"),
    [
        # Aleteia: the lede written loose in the body's box, a link in it, then an empty <p>, a "Lire
        # aussi" box (removed as furniture) and the next paragraph, where the extractor starts
        (f"The ferry is back on the strait after <a href='/x'>eleven years</a>. {SECOND}", True),
        ("The ferry is back on the strait after eleven years, and the islanders are glad of it.", True),
        # ... a line too short for a paragraph (a date, a label) is no lede
        ("<a href='/ports'>Ports</a> Updated at noon", False),
    ],
)
def test_a_lede_written_loose_before_the_bodys_first_paragraph_is_read(loose: str, restored: bool) -> None:
    box = f"<div class='post-content'>{loose}<p></p><p>{THIRD}</p></div>"
    doc = lxml.html.fromstring(f"<article><h1>Ferries</h1>{box}</article>")
    first = doc.xpath("//p[2]")[0]
    found = extract_module._skipped_before(first, "")
    assert bool(found and found[0].startswith(("The ferry", "Ports"))) is restored


def test_an_image_address_its_page_escaped_twice_gets_its_ampersands_back() -> None:
    head = "<meta property='og:image' content='https://cdn.example/ferry.jpg?at=1&amp;amp;width=750'>"
    assert (
        extract_page(html(f"<p>{LEDE}</p>", head), URL).image_url
        == "https://cdn.example/ferry.jpg?at=1&width=750"
    )


def test_a_social_share_crop_declared_as_og_image_is_the_lead_image() -> None:
    head = "<meta property='og:image' content='https://cdn.example/.image/t_share/ferry.jpg'>"
    assert (
        extract_page(html(f"<p>{LEDE}</p>", head), URL).image_url
        == "https://cdn.example/.image/t_share/ferry.jpg"
    )


AUTHOR_BOX = (
    "<div class='author-info'><img alt='Jo Harbour' class='avatar avatar-512 photo'"
    " src='https://news.example/uploads/jo-harbour-portrait-512x512.jpg'></div>"
)


def test_the_authors_picture_in_the_authors_box_is_no_lead_image_of_a_page_that_declares_none() -> None:
    # Drupal's byline: <div class="node__author"><div class="user"><div class="user__image"><a><img>,
    # the portrait 100 px square, before the article's picture in a field of its own
    portrait = "<img src='/files/pictures/jo-harbour.jpg' width='100' height='100' alt='Jo Harbour'>"
    byline = (
        f"<div class='node__author'><div class='user'><div class='user__image'><a href='/u/jo'>{portrait}"
    )
    picture = "<div class='field'><img src='/files/2026-10/quay-at-dawn.png' width='800'></div>"
    page = html(
        f"<article><h1>Ferries return</h1>{byline}</a></div></div></div>{picture}<p>{LEDE}</p></article>"
    )

    assert extract_page(page, URL).image_url == "https://news.example/files/2026-10/quay-at-dawn.png"


@pytest.mark.parametrize(
    ("link", "stands_in"), [("https://news.google.com/publications/CAAq", False), ("", True)]
)
def test_a_figure_that_links_to_another_page_stands_in_for_no_declared_picture(
    link: str, stands_in: bool
) -> None:
    # Super Express declares a picture it does not show; its first figure is the "follow us on Google
    # News" promo, a link away, whose alt and empty credit label were given as the lead picture's.
    head = "<meta property='og:image' content='https://news.example/images/7b992ce0a94.jpg'>"
    figure = (
        "<figure><img src='/galleries/se-google-news-664x442.jpg' alt='Harbour Times Google News'>"
        "<figcaption><span class='author'>Autor: </span></figcaption></figure>"
    )
    promo = f"<a class='ctr_teaser_with_link' href='{link}'>{figure}</a>" if link else figure
    info = extract_page(html(f"<h1>Ferries return</h1><p>{LEDE}</p>{promo}<p>{SECOND}</p>", head), URL)

    assert info.image_url == "https://news.example/images/7b992ce0a94.jpg"
    assert (info.image_alt == "Harbour Times Google News") is stands_in


@pytest.mark.parametrize(
    ("href", "portrait"),
    [
        ("/by/jo-harbour-j7gc3", True),
        ("/author/jo-harbour/", True),
        # a link to a story about her, or her name in no byline: the figure may be the story's picture
        ("/news/jo-harbour-wins-the-regatta", False),
    ],
)
def test_a_figure_of_the_author_the_byline_links_is_no_lead_picture(href: str, portrait: bool) -> None:
    # A columnist's portrait in a figure beside the headline, its classes hashed; the page declares
    # its picture without showing it. The portrait is no stand-in for it: its alt is the author's.
    head = "<meta property='og:image' content='https://news.example/images/7b992ce0a94.jpg'>"
    figure = "<figure class='_1dxNW'><img alt='Jo Harbour' src='/images/bd554d2396.jpg'></figure>"
    byline = f"<span><a href='{href}'>Jo Harbour</a></span>"
    info = extract_page(html(f"{figure}<h1>Ferries return</h1>{byline}<p>{LEDE}</p>", head), URL)

    assert info.image_url == "https://news.example/images/7b992ce0a94.jpg"
    assert (info.image_alt == "") is portrait


def test_the_authors_portrait_declared_first_gives_way_to_the_articles_picture() -> None:
    # An SEO plugin's two og:images: the author's portrait (shown only in the author's box), then the
    # article's own picture.
    head = (
        "<meta property='og:image' content='https://news.example/uploads/jo-harbour-portrait.jpg'>"
        "<meta property='og:image' content='https://news.example/uploads/quay-at-dawn.jpg'>"
    )
    page = html(f"{AUTHOR_BOX}<p>{LEDE}</p>", head)
    assert extract_page(page, URL).image_url == "https://news.example/uploads/quay-at-dawn.jpg"


@pytest.mark.parametrize(
    ("first", "shown", "lead"),
    [
        ("share-card-0d06.png", "quay-at-dawn.jpg", "quay-at-dawn.jpg"),
        ("share-card-0d06.png", "", "share-card-0d06.png"),  # none shown: the first, as declared
        # one picture in two sizes, WordPress's 150x150 thumbnail declared first: the size shown
        ("quay-at-dawn-150x150.jpg", "quay-at-dawn.jpg", "quay-at-dawn.jpg"),
        # ... shown in neither size exactly: the first declared, as before
        ("quay-at-dawn-150x150.jpg", "quay-at-dawn-300x293.jpg", "quay-at-dawn-150x150.jpg"),
    ],
)
def test_of_several_declared_pictures_the_one_the_page_shows_is_the_lead(
    first: str, shown: str, lead: str
) -> None:
    head = (
        f"<meta property='og:image' content='https://news.example/uploads/{first}'>"
        "<meta property='og:image' content='https://news.example/uploads/quay-at-dawn.jpg'>"
    )
    figure = f"<figure><img src='/uploads/{shown}'></figure>" if shown else ""
    assert extract_page(html(f"<p>{LEDE}</p>{figure}", head), URL).image_url.endswith(f"/{lead}")


def test_a_portrait_the_article_shows_as_its_picture_is_its_picture() -> None:
    # a profile of the author's subject: the same picture in the body's figure, not only in a box
    head = "<meta property='og:image' content='https://news.example/uploads/jo-harbour-portrait.jpg'>"
    figure = "<figure><img src='/uploads/jo-harbour-portrait-1200x800.jpg'></figure>"
    page = html(f"{AUTHOR_BOX}{figure}<p>{LEDE}</p>", head)
    assert extract_page(page, URL).image_url == "https://news.example/uploads/jo-harbour-portrait.jpg"


@pytest.mark.parametrize(
    ("logo", "is_logo"),
    [
        ("<img src='/assets/ornament-78dc.gif' width='56' height='80' alt='News&amp;amp;'>", True),
        ("<img src='/assets/ornament-78dc.gif' width='56' height='80' alt='News'>", True),
        # the article's picture shown small (a lazy stand-in, a thumbnail), or large with the site's name
        ("<img src='/assets/ornament-78dc.gif' width='56' height='80' alt='The ferry at the quay'>", False),
        ("<img src='/assets/ornament-78dc.gif' width='1200' alt='News'>", False),
        # any logo its alt names so (a press office's sender), never a photo of one
        ("<img src='/assets/ornament-78dc.gif' width='1200' alt='institution logo'>", True),
        ("<img src='/assets/ornament-78dc.gif' width='1200' alt='The new logo unveiled at the quay'>", False),
    ],
)
def test_a_declared_picture_shown_only_as_the_sites_logo_is_no_lead_image(logo: str, is_logo: bool) -> None:
    # McSweeney's shares its ornament as every article's og:image; its header shows it, 56 by 80,
    # with the site's name as its alt
    head = "<meta property='og:image' content='https://news.example/assets/ornament-78dc.gif'>"
    page = html(f"<header><a href='/'>{logo}</a></header><h1>Ferries return</h1><p>{LEDE}</p>", head)
    expected = "" if is_logo else "https://news.example/assets/ornament-78dc.gif"
    assert extract_page(page, URL).image_url == expected


@pytest.mark.parametrize(
    "photo",
    [
        "<figure><img src='/photos/ferry.jpg'></figure>",
        # a photo's box named for its picture, after the first paragraphs, as a tabloid sets it
        "<div class='postpicture'><img src='/photos/ferry.jpg'>"
        "<div class='postpicturecaption'>The ferry</div></div>",
    ],
)
def test_a_logo_declared_as_og_image_gives_way_to_the_articles_photo(photo: str) -> None:
    head = "<meta property='og:image' content='https://cdn.example/static/site-logo.png'>"
    body = f"<p>{LEDE}</p>{photo}<p>{SECOND}</p>"
    assert extract_page(html(body, head), URL).image_url == "https://news.example/photos/ferry.jpg"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<p><img src='/photos/ferry.jpg' alt='The ferry'></p>", "https://news.example/photos/ferry.jpg"),
        (
            "<p><a href='/photos/ferry.jpg'><img src='/photos/ferry.jpg'></a></p>",
            "https://news.example/photos/ferry.jpg",
        ),
        ("<p>Tap <img src='/img/hand.png'> to open the timetable.</p>", ""),  # a picture in a line of text
        ("<p><img src='/img/a.png'><img src='/img/b.png'></p>", ""),  # a row of badges
        ("<p><img src='/img/divider.png'></p>", ""),  # decorations set out as pictures
        ("<p><img src='/img/jo-signature.png'></p>", ""),
        # a <div> of its own, as older editors centre a photo; a picture in a link there is a logo
        (
            "<div style='text-align: center'><img src='/photos/ferry.jpg'></div>",
            "https://news.example/photos/ferry.jpg",
        ),
        ("<div><a href='/'><img src='/img/masthead.png' alt='Daily'></a></div>", ""),
        # standing between two paragraphs, no line of text beside it
        (
            f"<p>{SECOND}</p><img src='/photos/ferry.jpg'><p>{SECOND}</p>",
            "https://news.example/photos/ferry.jpg",
        ),
        (f"<p>{SECOND}</p><strong>Listen</strong><img src='/img/speaker.png'><p>{SECOND}</p>", ""),
        (f"<p>{SECOND}</p>Tap <img src='/img/hand.png'><p>{SECOND}</p>", ""),
        # sized in its style, as an editor that drags a picture to size writes it, in a line of text
        (
            f"<p>{SECOND} <span><img src='/photos/quay.jpg' style='display:block;width:800px;"
            "height:384.04px'></span></p><p><img src='/photos/ferry.jpg'></p>",
            "https://news.example/photos/quay.jpg",
        ),
        (
            f"<p>{SECOND} <span><img src='/img/hand.png' style='max-width:800px;width:16px'></span></p>"
            "<p><img src='/photos/ferry.jpg'></p>",
            "https://news.example/photos/ferry.jpg",
        ),
    ],
)
def test_an_image_alone_in_its_paragraph_is_set_out_as_the_articles_picture(body: str, expected: str) -> None:
    page = f"<html><body><article><h1>Ferries return</h1>{body}<p>{LEDE}</p></article></body></html>"
    assert extract_page(page, URL).image_url == expected


# A page written before <article> and <main>: the body is the box whose paragraphs hold the text.
_BANNER = "<div class='top'><img src='/ads/banner.jpg' width='728'></div>"
_PICTURE = "<div class='image'><img src='/photos/ferry.jpg' width='300' alt='The ferry'></div>"
_FERRY_ZH = (
    "时隔十年\uff0c渡轮于本周一重新驶入海峡。港口管理部门表示\uff0c首班船上共有三百多名乘客"
    "\uff0c其中包括许多当年每天乘船上班的老居民。"
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # the picture in the body's box, the banner above it
        (f"{_BANNER}<div id='abody'>{_PICTURE}<p>{LEDE}</p><p>{SECOND}</p></div>", "/photos/ferry.jpg"),
        # a picture outside the body's box is not the article's
        (f"<div class='side'>{_PICTURE}</div><div id='abody'><p>{LEDE}</p><p>{SECOND}</p></div>", ""),
        # and a page with a line of text has no body to look into
        (f"<div>{_PICTURE}<p>Ferries are back.</p></div>", ""),
        # a box named for pictures ("img-container") sets one out as the photo's box does
        (
            f"<div id='abody'><p>{LEDE}</p><div class='img-container'><img src='/photos/ferry.jpg'></div>"
            f"<p>{SECOND}</p></div>",
            "/photos/ferry.jpg",
        ),
        # Chinese says in 110 characters what English says in 300: a body all the same
        (f"<div id='abody'>{_PICTURE}<p>{_FERRY_ZH}</p><p>{_FERRY_ZH}</p></div>", "/photos/ferry.jpg"),
        (f"<div id='abody'>{_PICTURE}<p>{_FERRY_ZH[:30]}</p></div>", ""),
    ],
)
def test_without_article_markup_the_picture_of_the_box_holding_the_text_is_the_lead_image(
    body: str, expected: str
) -> None:
    info = extract_page(f"<html><body>{body}</body></html>", URL)

    assert info.image_url == (f"https://news.example{expected}" if expected else "")


def test_an_image_url_asking_for_a_thumbnail_size_is_not_the_lead_image() -> None:
    body = (
        "<img src='https://img.example/a.img?h=17&w=0' width='600'>"
        f"<img src='/photos/ferry.jpg?w=1200' width='600'><p>{LEDE}</p>"
    )
    assert extract_page(html(body), URL).image_url == "https://news.example/photos/ferry.jpg?w=1200"


def test_an_h1_that_is_the_sites_name_is_not_the_headline() -> None:
    page = (
        "<html><head><title>Ferries return to the strait_World_Daily Curio</title></head><body>"
        f"<header><h1>Daily Curio</h1></header><article><p>{LEDE}</p></article></body></html>"
    )
    assert extract_page(page, URL).title == "Ferries return to the strait"


def test_only_what_the_budget_can_use_is_examined() -> None:
    body = [LEDE, SECOND, LEDE]
    result = teaser(article_of((*body, *["Share this article"] * 50_000)), TeaserConfig())

    assert result.paragraphs[0] == LEDE
    assert len(result.dropped) <= 200  # most of the 50,000 prompts were never looked at


def test_a_huge_paragraph_is_cut_at_a_sentence_within_the_budget() -> None:
    huge = "The ferry sailed on through the night. " * 200_000  # about 8 MB
    result = teaser(article_of((huge,)), TeaserConfig())

    assert result.truncated and result.paragraphs[0].endswith("…")
    assert 40 <= len(result.paragraphs[0].split()) <= 121


ITEMS = (
    "The ferry to the outer island runs twice a week again, from the old quay at the end of the harbour.",
    "Tickets can be bought on board, and children under twelve travel for free until the spring.",
    "The harbour master has asked drivers to leave the quay clear on sailing days.",
)


def test_an_article_that_is_all_lists_is_read_by_its_items() -> None:
    # Release notes and list articles have no <p>: read whole, the page gave one block that opened
    # with its own furniture ("Categories: News Ferries return Jo Doe December 18 …").
    header = "<header><div class='categories'>Categories: <a href='/news/'>News</a></div>"
    header += "<h1>Ferries return</h1><div class='entry-info'>Jo Doe, December 18, 2026</div></header>"
    items = "".join(f"<li>{i}</li>" for i in ITEMS)
    lists = "".join(f"<h3>Part {n}</h3><ul>{items}</ul>" for n in (1, 2))
    info = extract_page(html(f"{header}<div class='entry-content'>{lists}</div>"), URL)
    assert info.paragraphs[:3] == ITEMS


@pytest.mark.parametrize("sign", ["\u00b6", "#", "\u00a7", "\U0001f517"])
def test_a_headings_link_to_itself_is_not_part_of_the_title(sign: str) -> None:
    # Documentation and blog engines (Sphinx's "headerlink") put a sign after each heading, shown on hover.
    permalink = f"<a class='headerlink' href='#ferries' title='Permalink to this headline'>{sign}</a>"
    page = html(f"<article><h1>Ferries return to the islands{permalink}</h1><p>{LEDE}</p></article>")

    assert extract_page(page, URL).title == "Ferries return to the islands"


def test_a_heading_that_is_a_link_within_the_page_keeps_its_words() -> None:
    heading = "<h1><a href='#story'>Ferries return to the islands</a></h1>"
    page = html(f"<article>{heading}<p>{LEDE}</p></article>")

    assert extract_page(page, URL).title == "Ferries return to the islands"


# --------------------------------------------------------------------------- unseen pages, rev103-rev109


def test_a_photographers_file_that_names_its_copyright_is_the_lead_picture() -> None:
    # dbjr.de names its files after the photographer and the rights ("…@Jo_Harbour-Copyright-web.JPG"):
    # the page had no picture at all, as if the file were a copyright badge
    picture = "https://news.example/fileadmin/Fotos/0B3031%40Jo_Harbour-Copyright-web.JPG"
    head = f"<meta property='og:image' content='{picture}'>"

    assert extract_page(html(f"<p>{LEDE}</p>", head), URL).image_url == picture


def test_a_file_named_for_the_copyright_sign_is_no_picture() -> None:
    head = "<meta property='og:image' content='https://news.example/static/copyright-badge.png'>"

    assert extract_page(html(f"<p>{LEDE}</p>", head), URL).image_url == ""


@pytest.mark.parametrize(
    ("credited", "expected"),
    [
        ("Jo Harbour (Copyright)", "Jo Harbour"),  # that its rights are kept: the terms, no name
        ("Jo Harbour. All rights reserved.", "Jo Harbour"),
        ("Crown copyright", "Crown copyright"),  # a name
        ("Getty Images.", "Getty Images"),  # the line's full stop
        ("Jo Harbour Jr.", "Jo Harbour Jr."),  # an abbreviation's
        ("Harbour Ltd.", "Harbour Ltd."),
    ],
)
def test_a_credits_rights_and_its_lines_full_stop_are_left_out(credited: str, expected: str) -> None:
    assert clean_credit(credited) == expected


def test_a_headline_that_names_the_sites_brand_is_not_its_tagline() -> None:
    # tine.no's press release: its last part holds the host's "tine" among more words, as a tagline does
    # ("Site: news since 1901"), but it is the title's longest part, the headline; the title read "NFF"
    title = "NFF: TINE Fotballskole viktig for barneidretten gjennom pandemien"

    assert without_site_name(title, "", "https://www.tine.no/presserom/nff") == title
    assert without_site_name("The quay reopens | Tine: dairy since 1856", "", "https://www.tine.no/a") == (
        "The quay reopens"
    )


def test_a_related_storys_card_named_as_post_text_does_not_open_the_article() -> None:
    # auto-presse.de: the body is loose text after an ad, and the "more news" cards below it are named
    # "post_text", a name trafilatura reads first: the card's excerpt came out as the lede
    story = (
        "<div class='text_post_section'><div class='img_position_left'></div><p>"
        f"<div class='ad'><script>ads()</script></div><br/>{LEDE}<br /><br />{SECOND}<br /><br />"
        f"{THIRD}</p></div>"
    )
    card = (
        "<div class='section'><h3>More news</h3><div class='post_text'>"
        "<h2 class='post_title'><a href='/news/other-story.html'>Harbour fees rise</a></h2>"
        "<p>The harbour fees for the summer season rise by a tenth, the port authority said on ...</p>"
        "</div></div>"
    )
    page = (
        "<html><head><title>Ferries return</title></head><body><div class='content'>"
        f"<h1>Ferries return</h1>{story}{card}</div></body></html>"
    )

    info = extract_page(page, URL)
    assert info.paragraphs[0] == LEDE
    assert teaser(article_from_page(info, URL), TeaserConfig()).paragraphs[0].startswith(LEDE[:60])


def test_a_credits_name_in_a_field_whose_label_is_hidden_is_shown() -> None:
    # digitalcourage.de (Drupal): the credit box beside the picture holds its name in a field whose
    # "field--label-hidden" hides the field's label, not the name
    credit = (
        "<div class='node__teaser-image-copyright'><span class='prefix'>Bild: </span>"
        "<div class='field field--label-hidden'><a href='https://jo.example/'>Jo Harbour</a></div>"
        "<div class='field field--label-hidden'><a href='https://cc.example/by/4.0'>cc-by 4.0</a></div></div>"
    )
    picture = "<div class='teaser-image'><div><img src='/files/quay-harbour.jpg' alt='The quay'></div></div>"
    info = extract_page(html(f"<div class='node'>{picture}{credit}</div><p>{LEDE}</p><p>{SECOND}</p>"), URL)

    assert info.image_url == "https://news.example/files/quay-harbour.jpg"
    assert info.image_credit == "Jo Harbour"


def test_a_broadcasters_picture_linked_to_its_own_page_gives_its_alt_and_rights() -> None:
    # mdr.de (the German public broadcasters' CMS): og:image is one rendition, the page shows another
    # ("…_v-variantBig16x9_wm-true_zc-…" and "…_w-576_zc-…"), linked to the picture's own page
    # "bild-38974.html"; its rights are a box of their own ("Bildrechte: IMAGO")
    site = "https://www.broadcast.example/thema"
    head = f"<meta property='og:image' content='{site}/bild-38974_v-variantBig16x9_wm-true_zc-ecbbafc6.jpg'>"
    picture = (
        f"<div class='media'><a href='{site}/bild-38974.html'><div class='imageWrapper'>"
        "<img alt='A customer at a car dealer'"
        f" src='{site}/bild-38974_v-variantBig16x9_w-576_zc-915c23fa.jpg'>"
        "</div></a><div class='mediaInfo'><span class='mediaRights'>Bildrechte: IMAGO</span></div></div>"
    )
    info = extract_page(html(f"<p>{LEDE}</p>{picture}<p>{SECOND}</p>", head), URL)

    assert (info.image_alt, info.image_credit) == ("A customer at a car dealer", "IMAGO")


@pytest.mark.parametrize(
    "marked",
    ["<h1 itemprop='headline'>Ferries return</h1>", "<h1 class='story-lead-headline'>Ferries return</h1>"],
)
def test_a_headline_the_page_marks_is_no_site_name_after_the_titles_kicker(marked: str) -> None:
    # taz.de and wien.orf.at: og:title "Kicker: Headline", the <h1> the headline alone; as the title's
    # last part it was read as the site's name, and the title kept the kicker
    page = titled(
        "Harbour news: Ferries return - Example",
        "Harbour news: Ferries return",
        f"<h4>Harbour news</h4>{marked}",
    )

    assert extract_page(page, URL).title == "Ferries return"


def titled(title: str, og_title: str, heading: str = "") -> str:
    """A page with its <title>, an og:title (in single quotes: the text may hold double ones) and the
    article's heading before the lede."""
    head = f"<meta property='og:title' content='{og_title}'>"
    return (
        f"<html><head><title>{title}</title>{head}</head>"
        f"<body><article>{heading}<p>{LEDE}</p></article></body></html>"
    )


def test_a_credit_set_before_the_captions_words_is_the_credit() -> None:
    # ledevoir.com: "<figcaption><span>Photo: Jo Harbour Archives</span> The quay …</figcaption>"
    figure = (
        "<figure><img src='/photos/quay-harbour.jpg' alt='The quay'><figcaption>"
        "<span>Photo:  Jo Harbour Archives Le Port</span> The quay at dawn, before the first sailing."
        "</figcaption></figure>"
    )
    info = extract_page(html(f"{figure}<p>{LEDE}</p>"), URL)

    assert (info.image_caption, info.image_credit) == (
        "The quay at dawn, before the first sailing.",
        "Jo Harbour Archives Le Port",
    )


def test_a_copyright_sign_before_a_captions_credit_label_is_the_credits() -> None:
    # autohaus.de: "… at dawn. © Foto: Skoda": the caption kept a stray "©"
    assert split_credit("The quay at dawn. \u00a9 Foto: Port Authority") == (
        "The quay at dawn.",
        "Port Authority",
    )


def test_what_a_colon_sets_off_in_a_title_is_no_sites_tagline() -> None:
    # autohaus.de: 'VDA-Chefin Müller: "Das Autohaus ist alternativlos"' holds the host's "autohaus"
    title = 'Harbour master: "The Harbour Times was right"'

    assert without_site_name(title, "", "https://www.harbourtimes.example/story") == title


@pytest.mark.parametrize(
    "line", ["Article mis \u00e0 jour le 7 janvier 2020.", "Beitrag aktualisiert am Montag um zwölf Uhr."]
)
def test_a_line_that_says_when_the_article_was_updated_is_no_lede(line: str) -> None:
    # regards.fr: the teaser opened with "Article mis à jour le 7 janvier 2020."
    assert teaser(article_of((line, LEDE)), TeaserConfig()).paragraphs[0] == LEDE


def test_a_declared_thumbnail_gives_way_to_the_size_the_page_shows() -> None:
    # time.com declared "newsfeed_0824.jpg?w=150" and showed "…?w=455": the email would blow up 150 px
    picture = "https://files.example/2011/08/newsfeed_0824.jpg"
    head = f"<meta property='og:image' content='{picture}?w=150'>"
    shown = f"<img width='455' height='296' src='{picture}?w=455' alt='The quay'>"

    assert extract_page(html(f"{shown}<p>{LEDE}</p>", head), URL).image_url == f"{picture}?w=455"
    # a declared picture the page shows smaller stays as declared, and so does one wide enough
    small = f"<img src='{picture}?w=200' alt='The quay'>"
    head = f"<meta property='og:image' content='{picture}?w=300'>"
    assert extract_page(html(f"{small}<p>{LEDE}</p>", head), URL).image_url == f"{picture}?w=300"
    whole = f"<img src='{picture}' alt='The quay'>"
    head = f"<meta property='og:image' content='{picture}?w=800'>"
    assert extract_page(html(f"{whole}<p>{LEDE}</p>", head), URL).image_url == f"{picture}?w=800"


def test_a_pictures_source_beside_it_is_its_credit() -> None:
    # foxbusiness.com: "<div class=summary><span class=source>REUTERS</span></div>" under the picture,
    # in a slideshow's box of one; latino.foxnews.com's reads "AP2014", the agency and its year
    picture = "<div class='m'><a href='#'><img src='/photos/quay-harbour.jpg' alt='The quay'></a></div>"
    for source, credit in (("REUTERS", "REUTERS"), ("AP2014", "AP")):
        box = f"<div class='summary'><p>The quay at dawn.<span class='source'>{source}</span></p></div>"
        lead = f"<div class='slideshow'><ul><li>{picture}{box}</li></ul></div>"
        head = "<meta property='og:image' content='https://cdn.example/photos/0/0/quay-harbour.jpg'>"
        assert extract_page(html(f"{lead}<p>{LEDE}</p><p>{SECOND}</p>", head), URL).image_credit == credit


# science.org: the credit in an element of its own after the caption's last sentence, no space between
DAWN = "The quay at dawn."
CREDITS_AFTER = {
    "<span class='ml-2'>Rocco Ceselin/Google Quantum AI</span>": (DAWN, "Rocco Ceselin/Google Quantum AI"),
    "<span class='ml-2'>Harbour</span>": (DAWN, "Harbour"),
    " <span>Jo Harbour; Tom Quay/UCSB</span>": (DAWN, "Jo Harbour; Tom Quay/UCSB"),
    # NBC's "caption__source": a source box by its class word
    "<span class='caption__source'>Jo Harbour / AFP - Getty Images</span>": (
        DAWN,
        "Jo Harbour / AFP - Getty Images",
    ),
    # ... but a link's or a button's words, a date, or more of the caption's sentence stay the caption's
    "<a href='/gallery'>Harbour</a>": (f"{DAWN} Harbour", ""),
    "<button>Expand</button>": (f"{DAWN} Expand", ""),
    "<span>December 2026</span>": (f"{DAWN} December 2026", ""),
    "<span>Seen from the ferry</span>": (f"{DAWN} Seen from the ferry", ""),
    "<span>Jo Harbour</span> on the quay": (f"{DAWN} Jo Harbour on the quay", ""),
}


@pytest.mark.parametrize("after", CREDITS_AFTER)
def test_a_credit_set_after_the_captions_sentence_is_told_apart(after: str) -> None:
    figure = (
        "<figure><img src='/photos/quay.jpg' alt='The quay'><figcaption>"
        f"<span class='text-sm'>{DAWN}{after}</span></figcaption></figure>"
    )
    info = extract_page(html(f"{figure}<p>{LEDE}</p>"), URL)

    assert (info.image_caption, info.image_credit) == CREDITS_AFTER[after]


@pytest.mark.parametrize(
    ("said", "credit"),
    [
        # Vice's "short-form__lede-credit": the caption's sentence, then whose the pictures are
        ("Crowds wait on the quay at dawn. Photos via Jo Harbour.", "Jo Harbour"),
        ("Crowds wait on the quay at dawn. Photo: Jo Harbour", "Jo Harbour"),
        # ... a credit's own words stay whole
        (
            "Jo Harbour/ Port Authority Press Service photo via AP",
            "Jo Harbour/ Port Authority Press Service photo via AP",
        ),
        ("Dawn. Photo: Jo Harbour", "Dawn. Photo: Jo Harbour"),
    ],
)
def test_a_credit_box_that_holds_the_captions_sentence_gives_the_credit_after_it(
    said: str, credit: str
) -> None:
    picture = "<img src='/photos/quay.jpg' alt='The quay'>"
    box = f"<div class='lede'>{picture}<div class='lede-credit'>{said}</div></div>"
    head = "<meta property='og:image' content='https://example.com/photos/quay.jpg'>"

    assert extract_page(html(f"{box}<p>{LEDE}</p>", head), URL).image_credit == credit


def test_names_that_end_the_captions_sentence_are_the_captions() -> None:
    # "… at <span>Dover Harbour</span>": no sentence ends before the names, so they are its words
    figure = (
        "<figure><img src='/photos/quay.jpg' alt='The quay'><figcaption><span class='text-sm'>"
        "The quay at dawn, seen from <span>Dover Harbour</span></span></figcaption></figure>"
    )
    info = extract_page(html(f"{figure}<p>{LEDE}</p>"), URL)

    assert (info.image_caption, info.image_credit) == ("The quay at dawn, seen from Dover Harbour", "")


@pytest.mark.parametrize(
    ("lead", "after"),
    [
        # CNET: the figcaption right after the figure
        ("<figure><img src='/photos/quay.jpg'></figure>{caption}", ""),
        # NBC: after the box that holds the figure alone
        ("<div class='media'><figure><img src='/photos/quay.jpg'></figure></div>{caption}", ""),
        # PBS: named after the hero box around the figure, in an aside after the article
        (
            "<div class='post__hero'><figure><img src='/photos/quay.jpg'></figure></div>",
            "<aside><p class='post__hero-caption'>The quay at dawn. Photo by Jo Harbour/Reuters</p></aside>",
        ),
    ],
)
def test_a_figures_caption_set_apart_from_it_is_read(lead: str, after: str) -> None:
    caption = (
        "<figcaption><div class='caption'>The quay at dawn.</div>"
        "<div class='credit'>Jo Harbour/Reuters</div></figcaption>"
    )
    body = f"{lead.format(caption=caption)}<article><p>{LEDE}</p><p>{SECOND}</p></article>{after}"

    info = extract_page(html(body), URL)

    assert (info.image_caption, info.image_credit) == ("The quay at dawn.", "Jo Harbour/Reuters")


def test_a_caption_beside_a_wider_box_is_not_the_figures() -> None:
    # the figure shares its box with a paragraph: the caption after the box is another's
    caption = "<figcaption>The ferry at noon. Photo by Tom Quay/AP</figcaption>"
    box = f"<div class='media'><figure><img src='/photos/quay.jpg'></figure><p>{SECOND}</p></div>{caption}"

    info = extract_page(html(f"{box}<article><p>{LEDE}</p></article>"), URL)

    assert (info.image_caption, info.image_credit) == ("", "")


def test_an_og_title_cut_short_by_an_unescaped_quote_gives_way_to_the_pages_title() -> None:
    # eluniversal.com wrote 'content="… califica a Biden de "incapacitado""': the attribute ends at the quote
    page = titled('The harbour master calls the fees "unfair"', "The harbour master calls the fees ")

    assert extract_page(page, URL).title == 'The harbour master calls the fees "unfair"'


def test_a_spanish_sumario_is_a_dek() -> None:
    # eluniversal.com's "<p class=sum id=sumario>", a pull quote set under the headline before the text
    dek = '<p class="sum" id="sumario">"Be honest. The quay is ours. It always was", said the master</p>'
    info = extract_page(html(f"<header><h2>Ferries return</h2>{dek}</header><p>{LEDE}</p>"), URL)

    assert teaser(article_from_page(info, URL), TeaserConfig()).paragraphs[0].startswith(LEDE[:60])


def test_a_paragraph_the_page_repeats_stays_twice() -> None:
    # both copies are found at the first one's place: neither came before the page's order
    # (as a test page does: the same paragraph under each of its headings)
    body = f"<p>{LEDE}</p><h2>Pictures</h2><p>{LEDE}</p><h2>Figures</h2><p>{LEDE}</p>"
    assert extract_page(html(body), URL).paragraphs == (LEDE, LEDE, LEDE)


def test_a_byline_on_the_headlines_second_line_is_not_the_title() -> None:
    # nikkei.com: "<h1><span>headline</span><br><span>編集委員 中沢克二</span></h1>", og:title the headline
    # with its picture's credit after it
    h1 = "<h1 itemprop='headline'><span>Ferries return to the strait</span><br><span>By Jo Doe</span></h1>"
    page = titled(
        "Ferries return to the strait (Photo: Reuters)", "Ferries return to the strait (Photo: Reuters)", h1
    )
    assert extract_page(page, URL).title == "Ferries return to the strait"
    # a second line the title has too is the headline's own
    h1 = "<h1 itemprop='headline'><span>Ferries return to the strait at last</span><br><i>at dawn</i></h1>"
    page = titled(
        "Ferries return to the strait at last: at dawn | Example", "Ferries return … at dawn, today", h1
    )
    assert extract_page(page, URL).title == "Ferries return to the strait at last at dawn"


def test_a_lone_headlines_second_line_that_no_title_has_is_not_the_title() -> None:
    # kurz.at: "<h1><strong>headline.</strong><br> a line of its own</h1>", og:title the first line and
    # a <title> of the site's name: the <h1> is the page's headline for being its only one
    h1 = "<h1><strong>Shipbuilding renaissance.</strong><br> New pier opens at Kessan.</h1>"
    page = titled("Harbour Times", "Shipbuilding renaissance.", h1)
    assert extract_page(page, URL).title == "Shipbuilding renaissance."


def test_a_noscript_left_open_around_the_page_keeps_the_page() -> None:
    # parcoabruzzo.it: "<noscript><div id=mms_nojava></noscript>" keeps the parser inside the <noscript>
    # to the page's end; dropped as a fallback, it took the whole article with it
    body = "".join(f"<p>{p}</p>" for p in (LEDE, SECOND, THIRD) * 6)
    page = (
        "<html><head><title>Ferries return</title></head><body><noscript><div id='nojava'></noscript>"
        f"<div id='main'><h1>Ferries return</h1><div id='text'>{body}</div></div>"
        "<noscript></div></noscript></body></html>"
    )
    assert extract_page(page, URL).paragraphs[0] == LEDE
    # a fallback's own notice still goes
    notice = "<noscript><p>Please turn on JavaScript to see the comments.</p></noscript>"
    assert "JavaScript" not in " ".join(extract_page(html(f"<p>{LEDE}</p>{notice}"), URL).paragraphs)


@pytest.mark.parametrize(
    ("heading", "said", "title"),
    [
        # a badge for subscribers, or a tag, after the headline's words: no title has it
        (
            "<h1>Ferries return to Kessan <span class='label abo'>Abonn\u00e9s</span></h1>",
            "Ferries return to Kessan",
            "Ferries return to Kessan",
        ),
        (
            "<h1>Ferries return to the strait <em>Live</em></h1>",
            "Ferries return to the strait",
            "Ferries return to the strait",
        ),
        # a word the title has too is the headline's own
        (
            "<h1>Ferries return to Kessan <span>Again</span></h1>",
            "Ferries return to Kessan Again",
            "Ferries return to Kessan Again",
        ),
        # ... as is a second line of more words
        (
            "<h1>Ferries return to Kessan <span>as the strait opens</span></h1>",
            "Ferries return to Kessan",
            "Ferries return to Kessan as the strait opens",
        ),
    ],
)
def test_a_badge_after_the_headlines_words_is_not_part_of_the_title(
    heading: str, said: str, title: str
) -> None:
    page = titled(f"{said} | Harbour Times", f"{said} | Harbour Times", heading)

    assert extract_page(page, URL).title == title


@pytest.mark.parametrize(
    ("heading", "plain", "title"),
    [
        # the section's name set over the headline in a block of its own, which no title opens with
        # (Anime News Network's "<h1><div class=sub-title>News</div>School of Horns' …</h1>"); the
        # <title> names the section after the headline, as many do
        (
            "<h1><div class='sub-title'>News</div>Ferries return to Kessan</h1>",
            "Ferries return to Kessan - News | Harbour Times",
            "Ferries return to Kessan",
        ),
        # a label that opens a title is the headline's own
        (
            "<h1><span>Exclusive:</span> Ferries return to Kessan</h1>",
            "Exclusive: Ferries return to Kessan | Harbour Times",
            "Exclusive: Ferries return to Kessan",
        ),
        # ... and so is a first line of more words than a label's
        (
            "<h1><div>After eleven years apart,</div>Ferries return to Kessan</h1>",
            "Ferries return to Kessan | Harbour Times",
            "After eleven years apart, Ferries return to Kessan",
        ),
    ],
)
def test_a_label_over_the_headlines_words_is_not_part_of_the_title(
    heading: str, plain: str, title: str
) -> None:
    page = titled(plain, "Ferries return to Kessan", heading)

    assert extract_page(page, URL).title == title


def test_a_short_post_whose_box_is_marked_its_description_and_body_is_its_text() -> None:
    # Blogger marks every post's body itemprop="description articleBody": a dek's mark, and the body's
    post = "The ferry is back on the strait after eleven years, and the islanders are glad of it."
    page = html(f"<h3>Ferries return</h3><div itemprop='description articleBody'>{post}</div>")
    assert post in extract_page(page, URL).paragraphs[0]


def test_a_headline_that_links_to_its_own_page_is_not_the_sites_name() -> None:
    # goodform.ch: "<title>Blog - Schattiges Plätzchen</title>", the post's title an <h1> linking to the
    # post: the title's last part is the headline, its first the section's
    heading = f"<h1><a href='{urlsplit(URL).path}'>Ferries return</a></h1>"
    page = (
        f"<html><head><title>Blog - Ferries return</title></head><body>{heading}<p>{LEDE}</p></body></html>"
    )
    assert extract_page(page, URL).title == "Ferries return"


@pytest.mark.parametrize(
    ("title", "headline"),
    [
        # accu.org: "<title>ACCU :: Defining Concepts</title>", the <h1> its last part: the site's name
        # opens the title, so its last part is the headline, never the site's
        ("EXAMPLE :: Ferries return", "Ferries return"),
        ("News.example - Ferries return", "Ferries return"),
        # ... where a title that opens with a section's name ends with the site's ("World | Harbour
        # Times"): an <h1> of its last part is the site's logo, and the page's own heading is the headline
        ("Ferries return | Harbour", "Ferries return"),
    ],
)
def test_a_title_that_opens_with_the_sites_name_ends_with_the_headline(title: str, headline: str) -> None:
    heading = "<h1>Harbour</h1>" if "Harbour" in title else f"<h1>{headline}</h1>"
    page = (
        f"<html><head><title>{title}</title></head>"
        f"<body>{heading}<article><h2>Ferries return</h2><p>{LEDE}</p></article></body></html>"
    )
    assert extract_page(page, URL).title == headline


def test_the_headline_the_page_marks_is_read_where_a_hidden_h1_says_it_first() -> None:
    # ZDF: "<h1 class=visuallyhidden>" for screen readers at the top, then the "big-headline" with its
    # kicker; og:title "Update am Abend: Wenn der Chef …". Read as the title's last part, the hidden
    # <h1> was taken for the site's name and the title was the kicker alone.
    page = (
        "<html><head><meta property='og:title' content='Update: Ferries return to Kessan'></head><body>"
        "<article><h1 class='visuallyhidden'>Ferries return to Kessan</h1>"
        "<h1 class='big-headline'><span class='news-overline'>Update</span> Ferries return to Kessan</h1>"
        f"<p>{LEDE}</p></article></body></html>"
    )
    assert extract_page(page, URL).title == "Ferries return to Kessan"


@pytest.mark.parametrize("url", [URL, "https://news.example/"])
def test_a_logo_that_links_to_the_home_page_names_the_site(url: str) -> None:
    logo = "<h1><a href='/'>Harbour Times</a></h1>"
    page = (
        "<html><head><title>Ferries return | Harbour Times</title></head>"
        f"<body>{logo}<article><h2>Ferries return</h2><p>{LEDE}</p></article></body></html>"
    )
    assert extract_page(page, url).title == "Ferries return"


@pytest.mark.parametrize(
    ("where", "kept"),
    [
        ("<header>{quote}</header><article>{story}</article>", False),
        # inside the article, the story's own (its pull quotes are judged as such); and on a page without
        # an article's box, nothing says whose it is
        ("<article>{quote}{story}</article>", True),
        ("<header>{quote}</header><div>{story}</div>", True),
        # ... nor where the <article> is a card beside the story
        ("<header>{quote}</header><article><p>Other news</p></article><div>{story}</div>", True),
    ],
)
def test_a_quotation_outside_the_article_is_the_sites_not_the_storys(where: str, kept: bool) -> None:
    # la-bas.org: "<header><blockquote class=citationbandeau>« … »<cite>…</cite></blockquote></header>",
    # the same quotation on every page, above the article, which the extractor took for its start
    quote = "<blockquote>\u00ab Listen before you speak. \u00bb<cite>Jo Harbour</cite></blockquote>"
    story = f"<h1>Ferries return</h1><p>{LEDE}</p><p>{SECOND}</p><p>{THIRD}</p>"
    doc = lxml.html.fromstring(f"<html><body>{where.format(quote=quote, story=story)}</body></html>")
    strip_furniture(doc)
    assert bool(doc.xpath("//blockquote")) == kept


_FOOTNOTE = (
    "<div class='bigfoot-footnote__container'><button class='bigfoot-footnote__button'>"
    "<svg viewbox='0 0 6 6'></svg></button></div><sup><a href='#fn1'>1</a></sup>"
)


@pytest.mark.parametrize(
    ("opening", "rest", "first"),
    [
        # a footnote's button box, or an ad slot, the parser closed the paragraph at: the rest goes back
        (
            "The ferry did not sail on Monday;",
            f"{_FOOTNOTE} that was the strike's first day, and the harbour stayed shut.",
            "The ferry did not sail on Monday; that was the strike's first day, and the harbour stayed shut.",
        ),
        (
            "The harbour master said the",
            "<div class='ad-slot'></div> ferry would sail twice a week until the spring.",
            "The harbour master said the ferry would sail twice a week until the spring.",
        ),
        # ... never a sentence of its own, nor a paragraph that ended
        ("The ferry did not sail on Monday;", f"{_FOOTNOTE} The strike began.", "The strike began."),
        ("The ferry did not sail on Monday.", f"{_FOOTNOTE} and then it sailed.", "and then it sailed."),
    ],
)
def test_a_paragraph_a_box_inside_it_cut_gets_its_sentence_back(opening: str, rest: str, first: str) -> None:
    doc = parse_html(html(f"<p>{opening}{rest}</p><p>{LEDE}</p>"))
    assert doc is not None
    strip_furniture(doc)
    texts = [" ".join(p.text_content().split()) for p in doc.iter("p")]
    loose = [" ".join((element.tail or "").split()) for element in doc.iter()]

    assert first in texts + loose
    assert (first in texts) is first.startswith(opening)


def test_a_body_written_loose_after_its_pictures_caption_is_parted_at_its_blank_lines() -> None:
    # habr.com: the picture's link, its caption in grey italics, then the post's text between blank
    # lines, its subheadings and code boxes after; the text before the first block came out as one
    # paragraph, the caption at its head
    body = (
        "<div class='article-formatted-body'><a href='/post/1/'><div style='text-align:center'>"
        "<img src='/photos/ferry.png'></div></a><i><font color='#999999'>The ferry, more or less</font></i>"
        f"<br><br>{LEDE}<br><br>{SECOND}<br><br><h2>The timetable</h2>{THIRD}<br><br><pre>09:00</pre></div>"
    )

    info = extract_page(html(f"<h1>Ferries return</h1>{body}"), URL)

    assert LEDE in info.paragraphs
    assert info.paragraphs[info.paragraphs.index(LEDE) :][:3] == (LEDE, SECOND, THIRD)
    assert teaser(article_from_page(info, URL), TeaserConfig()).paragraphs[0] == LEDE


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        # a screen reader's label before the caption's paragraph and before the credit, as the BBC sets
        # them in every language (here English and Arabic): the words after it
        (
            "<span role='text'><span>Image caption,</span></span><p>Crowds on the quay</p>",
            "Crowds on the quay",
        ),
        (
            "<span>\u0627\u0644\u062a\u0639\u0644\u064a\u0642,</span><p>Crowds on the quay</p>",
            "Crowds on the quay",
        ),
        (
            "<span>\u0627\u0644\u062a\u0639\u0644\u064a\u0642\u060c</span><p>Crowds on the quay</p>",
            "Crowds on the quay",
        ),
        # ... never the caption's own first words, in its line
        ("<em>Left to right,</em> Jo, Tom and Ann", "Left to right, Jo, Tom and Ann"),
    ],
)
def test_a_hidden_label_before_a_caption_and_its_credit_is_no_part_of_them(
    caption: str, expected: str
) -> None:
    figure = (
        "<figure><img src='/photos/quay.jpg' width='640'><p role='text'><span>Image source,</span> "
        f"<span lang='en-GB'>Jo Harbour/Agency</span></p><figcaption>{caption}</figcaption></figure>"
    )

    info = extract_page(html(f"{figure}<p>{LEDE}</p>"), URL)

    assert (info.image_caption, info.image_credit) == (expected, "Jo Harbour/Agency")
