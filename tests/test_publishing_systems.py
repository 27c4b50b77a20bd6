# ruff: noqa: E501 -- each page's markup is one line per block, as the systems write it
"""Article pages in the shapes the big publishing systems give them: each one's teaser, headline and photo.

Written here by hand after the markup those systems are known to produce (a blog theme, a newsletter
platform, an agency's and a broadcaster's site, a CMS with hashed class names…), with their furniture
around the article: a cookie banner, a dek, a byline, a newsletter box, a share bar, an advertisement,
a paywall prompt; and pages in German, French, Spanish and Japanese with their own furniture words
and credits. None is a captured page. Every shape's teaser and headline came out right the first
time they were tried; four shapes' photo credits did not, nor the Japanese one, and the figure and
credit rules were written for them.
"""

from __future__ import annotations

import pytest

from digest.collect.extract import _without_headline
from digest.collect.pages import article_from_page, extract_page
from digest.config import TeaserConfig
from digest.ledes import teaser

LEDE = (
    "The city council voted on Tuesday to close the old harbour for repairs through the winter, a decision"
    " that will leave dozens of fishing boats looking for moorings elsewhere along the coast."
)
P2 = (
    "Officials said the work, which will cost about $4 million, is needed after storms last year damaged"
    " the sea wall in three places and left parts of the quay unsafe for heavy vehicles."
)
P3 = (
    "Fishermen have asked for a temporary pier at the north beach, which the council said it would"
    " consider at its next meeting in January."
)
DEK = "Dozens of boats will have to find new moorings as the council orders urgent work on the storm-damaged sea wall"
TITLE = "Harbour to close for winter repairs"
PHOTO = "https://coast.example/img/harbour.jpg"
HEAD = (
    f'<head><meta charset="utf-8"><title>{TITLE} | The Coast Times</title>'
    f'<meta property="og:title" content="{TITLE}"><meta property="og:description" content="{DEK}">'
    f'<meta property="og:image" content="{PHOTO}"></head>'
)


def page(body: str) -> str:
    """A whole page: the site's navigation, the article's markup, the site's footer."""
    return (
        f"<!DOCTYPE html><html>{HEAD}<body><nav><a href='/'>Home</a><a href='/news'>News</a></nav>{body}"
        "<footer><p>\u00a9 2026 The Coast Times. All rights reserved.</p></footer></body></html>"
    )


SHAPES = {
    "wordpress": f"""<article class="post type-post"><header class="entry-header"><span class="cat-links"><a href="/news">News</a></span><h1 class="entry-title">{TITLE}</h1><div class="entry-meta"><span class="byline">By <span class="author vcard"><a href="/author/jo">Jo Doe</a></span></span> <time class="entry-date published">November 30, 2026</time></div></header>
<figure class="wp-block-image size-large"><img src="https://coast.example/img/harbour.jpg" alt="The harbour at dawn"><figcaption class="wp-element-caption">The harbour at dawn. Photo: Sam Lee/The Coast Times</figcaption></figure>
<div class="entry-content"><p>{LEDE}</p><div class="wp-block-group newsletter-signup"><h3>Get the Coast Times in your inbox</h3><p>Sign up for our free morning newsletter.</p></div><p>{P2}</p><p>{P3}</p>
<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3><ul><li><a href="#">Facebook</a></li></ul></div></div></article>""",
    "ghost": f"""<main class="site-main"><article class="gh-article post"><header class="gh-article-header gh-canvas"><a class="gh-article-tag" href="/tag/news/">News</a><h1 class="gh-article-title">{TITLE}</h1><p class="gh-article-excerpt">{DEK}</p><div class="gh-article-meta"><div class="gh-article-author-image"><img src="/content/images/jo.jpg" alt="Jo Doe"></div><h4 class="gh-article-author-name"><a href="/author/jo/">Jo Doe</a></h4><div class="gh-article-meta-content"><time datetime="2026-11-30">Nov 30, 2026</time><span class="gh-article-meta-length"><span class="bull">—</span> 4 min read</span></div></div><figure class="gh-article-image"><img src="https://coast.example/img/harbour.jpg" alt="The harbour"><figcaption>Photo by <a href="https://unsplash.com/@sam">Sam Lee</a> / <a href="https://unsplash.com">Unsplash</a></figcaption></figure></header>
<section class="gh-content gh-canvas"><p>{LEDE}</p><p>{P2}</p><div class="kg-card kg-cta-card"><p>Enjoying this? Subscribe to get every story.</p></div><p>{P3}</p></section></article></main>""",
    "substack": f"""<div class="single-post"><div class="post-header"><h1 class="post-title published">{TITLE}</h1><h3 class="subtitle">{DEK}</h3><div class="post-meta"><div class="profile-hover-card-target"><a href="/profile/jo">Jo Doe</a></div><div class="pencraft">Nov 30, 2026</div></div></div>
<div class="available-content"><div class="body markup" dir="auto"><p>{LEDE}</p><div class="subscription-widget-wrap"><div class="subscription-widget"><div class="preamble"><p>Thanks for reading The Coast Letter! Subscribe for free to receive new posts and support my work.</p></div><form><input type="email"><button>Subscribe</button></form></div></div><p>{P2}</p><p>{P3}</p></div></div></div>""",
    "medium": f"""<article><div><section><div><div><h1 class="pw-post-title" data-testid="storyTitle">{TITLE}</h1><h2 class="pw-subtitle-paragraph">{DEK}</h2><div><div class="speechify-ignore"><a href="/@jo">Jo Doe</a><span>Follow</span><span>Published in The Coast</span><span>4 min read</span><span>·</span><span>Nov 30, 2026</span></div></div>
<figure><div><picture><img alt="" src="https://miro.medium.com/v2/resize:fit:1400/1*harbour.jpeg" width="700"></picture></div><figcaption>The harbour at dawn (Photo by Sam Lee)</figcaption></figure>
<p class="pw-post-body-paragraph">{LEDE}</p><p class="pw-post-body-paragraph">{P2}</p><p class="pw-post-body-paragraph">{P3}</p></div></div></section></div></article>""",
    "ap": f"""<main class="Page-main"><div class="Page-headline"><h1 class="Page-headline">{TITLE}</h1></div><div class="Page-byline"><div class="Page-authors">By <a class="Link">JO DOE</a></div><div class="Page-dateModified">Updated 10:04 AM UTC, November 30, 2026</div></div>
<div class="Page-lead"><figure class="Figure"><picture><img class="Image" src="https://coast.example/img/harbour.jpg" alt="Boats in the harbour"></picture><div class="Figure-caption"><p>Boats are moored in the harbour, Tuesday, Nov. 24, 2026. (AP Photo/Sam Lee)</p></div></figure></div>
<div class="RichTextStoryBody RichTextBody"><p>PORTLAND, Maine (AP) — {LEDE}</p><div class="Advertisement"><p>ADVERTISEMENT</p></div><p>{P2}</p><p>{P3}</p></div></main>""",
    "bbc": f"""<main id="main-content"><article><header data-component="headline-block"><h1 id="main-heading" class="ssrcss-15xko80-StyledHeading">{TITLE}</h1></header><div data-component="byline-block"><div class="ssrcss-68pt20-Text-TextContributorName">By Jo Doe</div><div>BBC News, Portland</div></div>
<div data-component="image-block"><figure><img src="https://coast.example/img/harbour.jpg" alt="Boats moored in a harbour"><span class="ssrcss-1qvnyz6-Copyright">Getty Images</span><figcaption>The harbour was damaged in storms last year</figcaption></figure></div>
<div data-component="text-block"><p class="ssrcss-1q0x1qg-Paragraph"><b class="ssrcss-hmf8ql-BoldText">{LEDE}</b></p></div><div data-component="text-block"><p>{P2}</p></div><div data-component="links-block"><h2>Related topics</h2><ul><li><a href="/topics/x">Portland</a></li></ul></div><div data-component="text-block"><p>{P3}</p></div></article></main>""",
    "guardian": f"""<main><article><div data-gu-name="headline"><h1>{TITLE}</h1></div><div data-gu-name="standfirst"><div class="dcr-1yi1cnj"><p>{DEK}</p></div></div><div data-gu-name="meta"><address><a rel="author" href="/profile/jo">Jo Doe</a></address><div>Mon 30 Nov 2026 10.00 GMT</div></div>
<div data-gu-name="media"><figure><img src="https://coast.example/img/harbour.jpg" alt="Boats in the harbour"><figcaption><span>The harbour was damaged in storms last year.</span> Photograph: Sam Lee/The Guardian</figcaption></figure></div>
<div data-gu-name="body"><div id="maincontent"><div class="article-body-commercial-selector"><p class="dcr-s23rjr">{LEDE}</p><p class="dcr-s23rjr">{P2}</p><aside data-spacefinder-role="supporting"><a href="/x">Read more: Storm damage across the coast</a></aside><p class="dcr-s23rjr">{P3}</p></div></div></div></article></main>""",
    "drupal": f"""<div class="layout-content"><div class="region region-content"><article role="article" class="node node--type-article node--view-mode-full"><h1 class="page-title"><span class="field field--name-title">{TITLE}</span></h1><div class="node__meta"><span class="field field--name-uid">Submitted by Jo Doe on Mon, 11/30/2026 - 10:00</span></div>
<div class="node__content"><div class="field field--name-field-image"><img src="https://coast.example/img/harbour.jpg" alt="Harbour" width="1200" height="800"></div><div class="clearfix text-formatted field field--name-body field--type-text-with-summary field--label-hidden field__item"><p>{LEDE}</p><p>{P2}</p><p>{P3}</p></div>
<div class="field field--name-field-tags"><div class="field__label">Tags</div><div class="field__items"><div class="field__item"><a href="/tags/harbour">Harbour</a></div></div></div></div></article></div></div>""",
    "cookiebanner": f"""<div id="onetrust-banner-sdk" class="otFlat"><div id="onetrust-policy"><p id="onetrust-policy-text">We use cookies to improve your experience on our site and to show you relevant advertising. By clicking “Accept all”, you agree to the storing of cookies on your device.</p></div><button id="onetrust-accept-btn-handler">Accept all</button></div>
<article><h1>{TITLE}</h1><p class="article-dek">{DEK}</p><p class="byline">By Jo Doe | November 30, 2026 at 10:00 a.m.</p><p>{LEDE}</p><p>{P2}</p><p>{P3}</p></article>""",
    "paywall": f"""<article><h1>{TITLE}</h1><div class="paywall-teaser"><p>{LEDE}</p></div><div class="paywall-prompt"><p>Subscribe now to continue reading. Already a subscriber? Log in.</p></div><div class="article-body hidden-until-paid" style="display:none"><p>{P2}</p></div></article>""",
    "liveblog": f"""<article><h1>{TITLE}: live updates</h1><div class="live-blog"><div class="key-events"><h2>Key events</h2><ul><li><a href="#b1">2h ago Council votes to close harbour</a></li><li><a href="#b2">3h ago Fishermen protest</a></li></ul></div><div class="block" id="b1"><p class="block-time"><time>10:42</time></p><h2>Council votes to close harbour</h2><p>{LEDE}</p></div><div class="block" id="b2"><p class="block-time"><time>09:15</time></p><p>{P2}</p></div></div></article>""",
    "nyt": f"""<main id="site-content"><article id="story"><header class="css-1vkm6nb ehdk2mb0"><div class="css-1vkm6nb"><p class="css-1d8a290"><a href="/section/us">U.S.</a></p></div><h1 data-testid="headline" class="css-1j5ig2m">{TITLE}</h1><p id="article-summary" class="css-1n0orw4">{DEK}</p>
<div class="css-1xdhyk6"><figure class="sizeMedium"><div><picture><img alt="Boats in the harbour." src="https://coast.example/img/harbour.jpg"></picture></div><figcaption class="css-1l44abu"><span class="css-jevhma">Boats in the harbour on Tuesday.</span><span class="css-cnj6d5"><span class="css-1ly73wi">Credit...</span><span>Sam Lee for The New York Times</span></span></figcaption></figure></div>
<div class="css-1vxca1d"><div class="css-233int"><p class="css-aknsld">By <a href="/by/jo-doe">Jo Doe</a></p></div><time datetime="2026-11-30">Nov. 30, 2026</time></div></header>
<section name="articleBody" class="meteredContent css-1r7ky0e"><div class="css-53u6y8"><div class="css-at9mc1"><p class="css-at9mc1 evys1bk0">{LEDE}</p><p class="css-at9mc1 evys1bk0">{P2}</p></div></div><div id="NYT_MAIN_CONTENT_1_REGION" class="ad"><div>Advertisement</div></div><div class="css-53u6y8"><p class="css-at9mc1 evys1bk0">{P3}</p></div></section></article></main>""",
}

# The photo's credit as each shape sets it out ("" where the page gives none).
CREDITS = {
    "wordpress": "Sam Lee/The Coast Times",
    "ghost": "Sam Lee / Unsplash",
    "substack": "",
    "medium": "Sam Lee",
    "ap": "AP Photo/Sam Lee",
    "bbc": "Getty Images",
    "guardian": "Sam Lee/The Guardian",
    "drupal": "",
    "cookiebanner": "",
    "paywall": "",
    "liveblog": "",
    "nyt": "Sam Lee for The New York Times",
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_each_shapes_teaser_opens_with_the_lede_under_its_headline_and_photo(shape: str) -> None:
    url = f"https://coast.example/news/{shape}"
    info = extract_page(page(SHAPES[shape]), url)
    written = teaser(article_from_page(info, url), TeaserConfig())

    assert written.paragraphs[0].startswith((LEDE, f"PORTLAND, Maine (AP) \u2014 {LEDE}"))
    assert not any(DEK in p or "Subscribe" in p or "cookies" in p for p in written.paragraphs)
    assert written.title.startswith(TITLE)
    assert (written.image_url, written.image_credit) == (PHOTO, CREDITS[shape])


# --------------------------------------------------------------------------- furniture inside the body

# What sites put around and between an article's paragraphs (after the headline, in a plain <article>),
# and two pages of the kind older sites still serve: a table layout, and text set with <br> breaks.
FURNITURE = {
    "keypoints": f"<div class='key-points'><h2>Key points:</h2><ul><li>The harbour closes in December</li><li>Boats must find new moorings</li><li>Repairs cost $4 million</li></ul></div><p>{LEDE}</p><p>{P2}</p>",
    "listen": f"<div class='audio-player'><p>Listen to this article</p><span>4 min</span></div><p>{LEDE}</p><p>{P2}</p>",
    "oldbanner": f"<div class='age-warning'><p>This article is more than 5 years old</p></div><p>{LEDE}</p><p>{P2}</p>",
    "appeal": f"<p>{LEDE}</p><div class='contributions-epic'><p>Our journalism needs your support. Every contribution, however big or small, keeps our reporting free for everyone.</p></div><p>{P2}</p>",
    "pullquote": f"<p>{LEDE}</p><blockquote class='pullquote'><p>“We had no choice,” the mayor said.</p></blockquote><p>{P2}</p>",
    "brtext": f"<div class='story'>{LEDE}<br><br>{P2}<br><br>{P3}</div>",
    "inlinead": f"<p>{LEDE}</p><div class='ad-slot'><span>Advertisement</span></div><p>{P2}</p><div class='newsletter-inline'><p>Sign up for The Morning Tide, our daily newsletter.</p></div><p>{P3}</p>",
    "updated": f"<p class='timestamp'>Updated Nov. 30, 2026, 10:04 a.m. ET</p><p>{LEDE}</p><p>{P2}</p>",
    "gallery": f"<div class='gallery'><figure><img src='/g1.jpg'><figcaption>1 of 12. The harbour at dawn.</figcaption></figure></div><p>{LEDE}</p><p>{P2}</p>",
    "tldr": f"<aside class='tldr'><p><strong>TL;DR:</strong> The harbour closes for the winter.</p></aside><p>{LEDE}</p><p>{P2}</p>",
    "dropcap": f"<p><span class='dropcap'>T</span>he city council voted on Tuesday to close the old harbour for repairs through the winter, a decision that will leave dozens of fishing boats looking for moorings elsewhere along the coast.</p><p>{P2}</p>",
    "qanda": f"<p>{LEDE}</p><p><strong>Q: Why now?</strong></p><p>A: {P2}</p>",
    "byline_in_body": f"<p>By Jo Doe, Staff Writer</p><p>Nov. 30, 2026</p><p>{LEDE}</p><p>{P2}</p>",
    "share_top": f"<div class='share-tools'><a>Share on Facebook</a><a>Share on X</a><a>Email</a></div><p>{LEDE}</p><p>{P2}</p>",
    "photo_first_credit_p": f"<img src='/p.jpg'><p>Photo: Sam Lee/The Coast Times</p><p>{LEDE}</p><p>{P2}</p>",
    "section_label": f"<p class='kicker'>Local news</p><p>{LEDE}</p><p>{P2}</p>",
    "dropcap_image": f"<p><img src='/dropcaps/t.gif' alt='T' class='initial'>{LEDE[1:]}</p><p>{P2}</p>",
    "caption_italics": f"<p><img src='/h.jpg'></p><p><em>Fishermen unload their catch at the old harbour on Monday morning.</em></p><p>{LEDE}</p><p>{P2}</p>",
    "caption_small": f"<p><img src='/h.jpg'><br><small>Fishermen unload their catch at the old harbour on Monday morning.</small></p><p>{LEDE}</p><p>{P2}</p>",
    "affiliate": f"<p><em>This post may contain affiliate links. As an Amazon Associate I earn from qualifying purchases.</em></p><p>{LEDE}</p><p>{P2}</p>",
    "paywall_meter": f"<div class='meter'><p>You have 3 free articles remaining this month.</p></div><p>{LEDE}</p><p>{P2}</p>",
}
OLD_PAGES = {
    "table_layout": f"<table width='100%'><tr><td colspan=2><img src='/logo.gif'> <b>The Coast Times</b></td></tr><tr><td class='nav' width='150'><a href='/a'>Sports</a><br><a href='/b'>Weather</a><br><a href='/c'>Letters</a></td><td valign='top'><h2>{TITLE}</h2><p>{LEDE}</p><p>{P2}</p><p>{P3}</p></td></tr></table>",
    "br_breaks": f"<div id='nav'><a href='/a'>Sports</a> | <a href='/b'>Weather</a></div><div id='content'><h2>{TITLE}</h2><font size=2>By Jo Doe<br>November 30, 2026<br><br>{LEDE}<br><br>{P2}<br><br>{P3}</font></div>",
}
# Words of the furniture above: none of them is ever in a teaser.
FURNITURE_WORDS = (
    "support",
    "Sign up",
    "Advertisement",
    "Listen",
    "5 years",
    "Key points",
    "TL;DR",
    "Photo:",
    "Share",
    "By Jo Doe",
    "Updated",
    "Local news",
    "no choice",
    "1 of 12",
    "affiliate",
    "free articles",
    "Fishermen unload",
)


def furnished(body: str) -> str:
    """A page whose <article> holds the headline and ``body``."""
    return page(f"<main><article><h1>{TITLE}</h1>{body}</article></main>")


def first_paragraph(body: str) -> str:
    """The first paragraph of the teaser of a page whose <article> holds the headline and ``body``."""
    return opening(furnished(body))


def opening(html: str, described: str = DEK) -> str:
    """The first paragraph of a page's teaser, the page's description (the DEK of HEAD) ``described``."""
    url = "https://coast.example/news/story"
    html = html.replace(f'content="{DEK}"', f'content="{described}"')
    return teaser(article_from_page(extract_page(html, url), url), TeaserConfig()).paragraphs[0]


@pytest.mark.parametrize(
    "html",
    [furnished(body) for body in FURNITURE.values()]
    + [f"<html>{HEAD}<body>{body}</body></html>" for body in OLD_PAGES.values()],
    ids=[*FURNITURE, *OLD_PAGES],
)
def test_furniture_in_and_around_the_body_never_enters_the_teaser(html: str) -> None:
    url = "https://coast.example/news/story"
    written = teaser(article_from_page(extract_page(html, url), url), TeaserConfig())

    assert written.paragraphs[0].startswith(LEDE[:60])
    assert not any(word in p for p in written.paragraphs for word in FURNITURE_WORDS)


@pytest.mark.parametrize(
    ("initial", "opening"),
    [
        ("<img src='/dropcaps/t.gif' alt='T'>he", "The"),
        ("<span class='initial'><img src='/dropcaps/a.gif' alt='A'></span>", "A"),
    ],
)
def test_a_first_letter_set_as_an_image_stays_the_first_words(initial: str, opening: str) -> None:
    assert first_paragraph(
        f"<p>{initial} city council voted on Tuesday to close the old harbour.</p><p>{P2}</p>"
    ).startswith(f"{opening} city council voted")


@pytest.mark.parametrize(
    "body",
    [
        f"<p><em>{LEDE}</em></p><p>{P2}</p>",  # an opening set in italics, no image before it
        f"<p><img src='/h.jpg'></p><p><em>{LEDE} {P2} {P3}</em></p>",  # longer than any caption
        f"<p><img src='/h.jpg'></p><p>{LEDE} <em>Storm warning.</em></p>",  # in part only
    ],
)
def test_a_paragraph_in_italics_that_is_no_caption_is_text(body: str) -> None:
    assert first_paragraph(body).startswith(LEDE[:60])


def test_a_paragraph_that_introduces_a_list_is_followed_by_the_list_not_by_what_comes_after() -> None:
    url = "https://coast.example/news/story"
    opening = "Here is what we know so far about the harbour closure the council voted for on Tuesday:"
    items = "<ul><li>It starts in December and lasts all winter.</li><li>Boats must move to the north beach.</li></ul>"
    html = furnished(f"<p>{opening}</p>{items}<p>{P2}</p><p>{P3}</p>")
    written = teaser(article_from_page(extract_page(html, url), url), TeaserConfig())

    assert written.paragraphs[0] == f"{opening} It starts in December and lasts all winter."


# Deks that newsrooms name otherwise than "standfirst" or "summary", set beside the body's paragraphs.
DEK_NAMES = [
    "t-content__chapo",
    "article-deck",
    "entry-excerpt",
    "ArticleDek_root__P3Ka",
    "sommario",
    "texto-bajada",
]


@pytest.mark.parametrize("name", DEK_NAMES)
def test_a_dek_by_another_name_beside_the_body_is_not_the_lede(name: str) -> None:
    assert first_paragraph(f"<p class='{name}'>{DEK}.</p><p>{LEDE}</p><p>{P2}</p>").startswith(LEDE[:60])


def test_body_paragraphs_named_for_a_description_are_the_body() -> None:
    url = "https://coast.example/news/story"
    html = furnished(f"<p class='sub_desc'>{LEDE}</p><p class='sub_desc'>{P2}</p>")  # a list post's items
    written = teaser(article_from_page(extract_page(html, url), url), TeaserConfig())

    assert written.paragraphs[0].startswith(LEDE[:60])


SHORT_LEDE = "The harbour's ferry fares rose by 0.1% in October, figures show."

# Subheadings set by hand, a paragraph wholly in bold: an English question, a Chinese page's ("Before
# going abroad: what will the politics exam ask?").
SUBHEADINGS = [
    "<p><strong>Where will the boats go this winter, and who will pay for it?</strong></p>",
    "<p>\u3000\u3000<strong>\u51fa\u56fd\u524d\uff1a\u653f\u6cbb\u79d1\u76ee\u4f1a\u51fa\u5565\u8003\u9898\uff1f</strong></p>",
]


@pytest.mark.parametrize("subheading", SUBHEADINGS)
def test_a_subheading_set_in_bold_is_not_the_lede(subheading: str) -> None:
    assert first_paragraph(f"{subheading}<p>{LEDE}</p><p>{P2}</p>").startswith(LEDE[:60])


@pytest.mark.parametrize(
    ("body", "opening"),
    [
        (
            f"<p><strong>PORTLAND, Maine \u2014</strong></p><p>{LEDE}</p>",
            f"PORTLAND, Maine \u2014 {LEDE[:40]}",
        ),
        (f"<p><b>{LEDE}</b></p><p>{P2}</p>", LEDE[:60]),  # a lede set in bold, as a broadcaster sets it
        # ... however short: a full stop ends a sentence, which a heading never is
        (f"<p><b>{SHORT_LEDE}</b></p><p>{LEDE}</p>", SHORT_LEDE),
        (f"<p><b>{SHORT_LEDE[:-1]} in 2024.</b></p><p>{LEDE}</p>", f"{SHORT_LEDE[:-1]} in 2024."),
    ],
)
def test_a_dateline_or_a_lede_in_bold_stays(body: str, opening: str) -> None:
    assert first_paragraph(body).startswith(opening)


# The lede set in a box of its own ahead of the body's ("article-intro", a Czech site's "perex"): the
# extractor settles on the body's box and would start the teaser at the second paragraph.
LEDE_BOXES = {
    "text_box": f"<div class='article-intro'>{LEDE}</div>",
    "paragraph_box": f"<div class='intro'><p>{LEDE}</p></div>",
}


@pytest.mark.parametrize("box", LEDE_BOXES.values(), ids=LEDE_BOXES)
def test_a_lede_in_a_box_of_its_own_before_the_bodys_box_opens_the_teaser(box: str) -> None:
    url = "https://coast.example/news/story"
    html = furnished(f"{box}<div class='article-text'><p>{P2}</p><p>{P3}</p></div>")
    written = teaser(article_from_page(extract_page(html, url), url), TeaserConfig())

    assert [p[:40] for p in written.paragraphs[:2]] == [LEDE[:40], P2[:40]]


# What such a box may hold instead, about the article rather than of it: the dek (the page's own
# description, word for word), the author's note.
NOT_LEDE_BOXES = {
    "dek": f"<div class='intro'><p>{DEK}.</p></div>",
    "author": "<div class='author-box'><p>Jo Doe is a staff reporter who covers the waterfront, the council and the weather for The Coast Times.</p></div>",
}


@pytest.mark.parametrize("box", NOT_LEDE_BOXES.values(), ids=NOT_LEDE_BOXES)
def test_a_dek_or_an_authors_box_before_the_bodys_box_stays_out(box: str) -> None:
    html = furnished(f"{box}<div class='article-text'><p>{LEDE}</p><p>{P2}</p></div>")

    assert opening(html, described=f"{DEK}.").startswith(LEDE[:60])  # the description is the dek


@pytest.mark.parametrize(
    "intro",
    [
        "<p class='m-entry__intro intro'><span class='large'>{dek}.</span></p>",
        "<div class='ce_articleIntro'><p>{dek}.</p></div>",
    ],
)
def test_an_intro_that_is_the_description_set_apart_from_the_body_is_its_dek(intro: str) -> None:
    # Polygon: the byline, the intro (the page's description word for word), then the body in a box
    body = f"<div class='chorus-snippet'><p>{LEDE}</p><p>{P2}</p><p>{P3}</p></div>"
    html = furnished(f"<div class='byline'>By Jo Doe</div>{intro.format(dek=DEK)}{body}")

    assert opening(html, described=f"{DEK}.").startswith(LEDE[:60])


@pytest.mark.parametrize(
    "intro",
    [
        # the body's paragraphs beside the intro box: Herald Sun sets its lede in bold in "story-intro"
        "<div class='story-intro'><p><strong>{lede}</strong></p></div><p>{p2}</p><p>{p3}</p>",
        "<figure><img src='/quay.jpg'></figure><p class='intro'>{lede}</p><p>{p2}</p><p>{p3}</p>",
    ],
)
def test_an_intro_that_is_the_description_but_stands_with_the_body_is_the_lede(intro: str) -> None:
    html = furnished(intro.format(lede=LEDE, p2=P2, p3=P3))

    assert opening(html, described=LEDE).startswith(LEDE[:60])


@pytest.mark.parametrize("cut", [False, True])
def test_an_intro_above_the_paragraph_the_description_opens_with_is_the_standfirst(cut: bool) -> None:
    # a Drupal page: its "intro" field, a figure, then the body, whose first paragraph the site's
    # description opens with (whole, or cut with an ellipsis)
    described = f"{LEDE[:90]}\u2026" if cut else LEDE
    body = f"<div class='field-body'><p>{LEDE}</p><p>{P2}</p><p>{P3}</p></div>"
    html = furnished(f"<div class='intro'><p>{DEK}.</p></div><figure><img src='/quay.jpg'></figure>{body}")

    assert opening(html, described=described).startswith(LEDE[:60])


@pytest.mark.parametrize("pictured", [False, True])
def test_an_intro_box_stays_the_lede_unless_the_lead_picture_sets_it_apart(pictured: bool) -> None:
    # the description is of the body's second paragraph: it does not say the box is no lede; but set
    # between the headline and the lead picture, above the body, a reader takes the box for the dek
    figure = "<figure><img src='/quay.jpg'></figure>"
    body = f"<div class='field-body'><p>{P2}</p><p>{P3}</p></div>"
    html = furnished(f"<div class='intro'><p>{LEDE}</p></div>{figure if pictured else ''}{body}")

    assert opening(html, described=P3).startswith(P2[:60] if pictured else LEDE[:60])


# --------------------------------------------------------------------------- other languages' pages

DE = (  # German
    "Der Stadtrat hat am Dienstag beschlossen, den alten Hafen über den Winter für Reparaturen zu schließen, womit Dutzende Fischerboote neue Liegeplätze entlang der Küste suchen müssen.",
    "Die Arbeiten kosten nach Angaben der Stadt rund vier Millionen Euro und sind nötig, weil Stürme im vergangenen Jahr die Kaimauer an drei Stellen beschädigt haben.",
)
FR = (
    "Le conseil municipal a voté mardi la fermeture du vieux port pour des travaux pendant tout l'hiver, une décision qui obligera des dizaines de bateaux de pêche à trouver un autre mouillage.",
    "Les travaux, qui coûteront environ quatre millions d'euros, sont nécessaires après les tempêtes de l'an dernier qui ont endommagé la digue à trois endroits.",
)
ES = (
    "El ayuntamiento votó el martes cerrar el viejo puerto durante todo el invierno para hacer reparaciones, una decisión que obligará a decenas de barcos pesqueros a buscar otro amarre.",
    "Las obras, que costarán unos cuatro millones de euros, son necesarias después de que los temporales del año pasado dañaran el rompeolas en tres puntos.",
)
JA = (
    "市議会は火曜日、老朽化した港を冬の間修理のため閉鎖することを決めた。数十隻の漁船が沿岸の別の係留地を探さなければならなくなる。",
    "市によると、工事費は約4億円で、昨年の嵐で防波堤が3か所損傷したため必要になったという。",
)


# A paragraph's length is told in words: Japanese, written without spaces, by its characters (two a
# word or so), or a Japanese paragraph would be one word long and never long enough to be text.
JA_BODY = (
    JA[1],
    "漁協は、春までに工事が終わるよう市に要望した。市は北側の浜に仮設の桟橋を設けることも検討している。",
    "港の周辺では、冬の間も観光客向けの遊覧船が別の港から運航を続ける予定で、市は利用者に案内を出すという。",
    "地元の商店街からは、工事の期間中に客足が遠のくことを心配する声も上がっている。",
)
JA_TITLE = "港、冬の間閉鎖へ"


def test_a_japanese_lede_in_a_box_of_its_own_before_the_bodys_box_opens_the_teaser() -> None:
    url = "https://coast.example/news/story"
    body = "".join(f"<p>{p}</p>" for p in JA_BODY * 2)  # of a length trafilatura reads as an article
    html = in_language(
        "ja", JA_TITLE, f"<div class='article-intro'>{JA[0]}</div><div class='article-text'>{body}</div>"
    )
    written = teaser(article_from_page(extract_page(html, url), url), TeaserConfig())

    assert written.paragraphs[0] == JA[0]


def test_a_long_japanese_paragraph_in_italics_after_a_photo_is_text_not_its_caption() -> None:
    italic = f"<p><img src='/h.jpg'></p><p><em>{JA[0] * 2}</em></p><p>{JA[1]}</p>"
    html = in_language("ja", JA_TITLE, italic)

    assert extract_page(html, "https://coast.example/news/story").paragraphs[0] == JA[0] * 2


def test_a_japanese_paragraph_beside_a_photo_in_a_box_without_paragraphs_is_text() -> None:
    # A photo and a line or two is an image box; a photo and a paragraph's length of Japanese is not.
    body = "".join(f"<p>{p}</p>" for p in JA_BODY * 2)
    html = in_language("ja", JA_TITLE, f"<div><img src='/h.jpg'>{JA[0] * 2}</div>{body}")

    assert extract_page(html, "https://coast.example/news/story").paragraphs[0] == JA[0] * 2


def test_a_short_article_read_as_one_block_loses_the_headline_it_opens_with() -> None:
    # Under trafilatura's size for an article, its last fallback reads the whole <article> as one
    # block, headline first: "Harbour to close for winter The council voted …".
    intro = "The council voted on Tuesday to close the old harbour for the winter."
    body = f"<div class='article-intro'>{intro}</div><div class='article-text'><p>Repairs will cost about four million, the city said.</p><p>Fishermen asked for a temporary pier at the north beach.</p></div>"
    html = in_language("en", "Harbour to close for winter", body)

    assert extract_page(html, "https://coast.example/news/story").paragraphs[0].startswith(intro)


def test_a_paragraph_whose_first_word_is_a_headings_keeps_it() -> None:
    headings = frozenset(["Background", "Harbour to close for winter"])

    assert _without_headline("Background checks were made on every applicant.", headings).startswith(
        "Background"
    )
    assert (
        _without_headline("Harbour to close for winter The council voted.", headings) == "The council voted."
    )
    # a shorter heading that opens the longer one is not the one taken off, whatever the set's order
    both = frozenset(["Harbour", "Harbour Closes For Winter"])
    assert _without_headline("Harbour Closes For Winter The council voted.", both) == "The council voted."


def in_language(lang: str, title: str, body: str) -> str:
    """A page in ``lang``, its article holding the headline and ``body``."""
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title>"
        f"<meta property='og:title' content='{title}'></head><body><nav><a href='/'>Start</a></nav>"
        f"<main><article><h1>{title}</h1>{body}</article></main></body></html>"
    )


LANGUAGES = {
    "de": in_language(
        "de",
        "Hafen wird im Winter geschlossen",
        f"<p class='dek'>Fischer müssen neue Liegeplätze suchen</p><p>Von Jo Doe</p><p>Aktualisiert am 30.11.2026, 10:04 Uhr</p><figure><img src='/h.jpg'><figcaption>Boote im Hafen. Foto: dpa</figcaption></figure><p>Lesezeit: 3 Min.</p><p>Hamburg (dpa) - {DE[0]}</p><p>Lesen Sie auch: Sturmschäden an der Küste</p><p>Anzeige</p><p>{DE[1]}</p><p>Artikel teilen</p>",
    ),
    "fr": in_language(
        "fr",
        "Le port fermera cet hiver",
        f"<p>Par Jo Doe</p><p>Publié le 30 novembre 2026 à 10h04, mis à jour à 11h00</p><figure><img src='/h.jpg'><figcaption>Des bateaux au port. Photo : AFP</figcaption></figure><p>Temps de lecture : 3 min.</p><p>{FR[0]}</p><p>Lire aussi : Les tempêtes ont endommagé la côte</p><p>Publicité</p><p>{FR[1]}</p><p>Abonnez-vous à notre newsletter</p>",
    ),
    "es": in_language(
        "es",
        "El puerto cerrará este invierno",
        f"<p>Por Jo Doe</p><p>Actualizado: 30/11/2026 10:04</p><figure><img src='/h.jpg'><figcaption>Barcos en el puerto. Foto: EFE</figcaption></figure><p>Lee también: Los temporales dañan la costa</p><p>{ES[0]}</p><p>Publicidad</p><p>{ES[1]}</p>",
    ),
    "ja": in_language(
        "ja",
        "港、冬の間閉鎖へ",
        f"<p>2026年11月30日 10時04分</p><figure><img src='/h.jpg'><figcaption>港の漁船\uff08写真\uff1a共同\uff09</figcaption></figure><p>{JA[0]}</p><p>関連記事</p><p>{JA[1]}</p><p>この記事をシェアする</p>",
    ),
    "de_dateline": in_language(
        "de", "Hafen wird im Winter geschlossen", f"<p>HAMBURG (dpa) \u2013</p><p>{DE[0]}</p><p>{DE[1]}</p>"
    ),
    "fr_dateline": in_language(
        "fr", "Le port fermera cet hiver", f"<p>Marseille (AFP) -</p><p>{FR[0]}</p><p>{FR[1]}</p>"
    ),
}
LANGUAGE_LEDES = {"de": DE, "fr": FR, "es": ES, "ja": JA}
LANGUAGE_CREDITS = {"de": "dpa", "fr": "AFP", "es": "EFE", "ja": "共同", "de_dateline": "", "fr_dateline": ""}


@pytest.mark.parametrize("shape", sorted(LANGUAGES))
def test_a_pages_furniture_is_told_apart_in_its_own_language(shape: str) -> None:
    url = f"https://coast.example/{shape}"
    info = extract_page(LANGUAGES[shape], url)
    written = teaser(article_from_page(info, url), TeaserConfig())

    lede, second = LANGUAGE_LEDES[shape[:2]]
    opening = written.paragraphs[0]
    assert opening.endswith(lede) and len(opening) - len(lede) < 25  # a dateline may open it
    assert all(p in (opening, second) for p in written.paragraphs)
    assert info.image_credit == LANGUAGE_CREDITS[shape]
