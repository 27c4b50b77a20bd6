# ruff: noqa: E501 -- each feed is written as its platform writes it, an element a line or none
"""Feeds in the shapes the big publishing platforms write them: each item's feed-only teaser and picture.

Written here by hand after what each platform is known to produce (a newsletter platform's subscribe
box, a blog theme's feature image, a blogging service's 72 px thumbnail, a video site's description,
a podcast host's notice, a fediverse post without a title, WordPress's "The post … appeared first on").
None is a captured feed. The subscribe box, the podcast notice, the episode's picture and the newsletter
platform's photo credit were wrong the first time these were tried, and the rules for them were written
then.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from digest.collect.feeds import read_entries
from digest.collect.fetch import Fetched
from digest.config import TeaserConfig
from digest.ledes import teaser
from digest.models import Article

NOW = datetime(2026, 12, 1, tzinfo=UTC)
LEDE = "The city council voted on Tuesday to close the old harbour for repairs through the winter, a decision that will leave dozens of fishing boats looking for moorings elsewhere along the coast."
P2 = "Officials said the work, which will cost about $4 million, is needed after storms last year damaged the sea wall in three places and left parts of the quay unsafe for heavy vehicles."
T = "Harbour to close for winter repairs"
DATE = "Mon, 30 Nov 2026 10:00:00 +0000"


FEEDS = {
    "substack.xml": f"""<?xml version="1.0" encoding="UTF-8"?><rss xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom" version="2.0"><channel><title><![CDATA[The Coast Letter]]></title><link>https://coast.substack.com</link><item><title><![CDATA[{T}]]></title><description><![CDATA[Dozens of boats will have to find new moorings]]></description><link>https://coast.substack.com/p/harbour</link><guid isPermaLink="false">https://coast.substack.com/p/harbour</guid><dc:creator><![CDATA[Jo Doe]]></dc:creator><pubDate>{DATE}</pubDate><enclosure url="https://substackcdn.com/image/fetch/w_1456,c_limit,f_auto/harbour.jpeg" length="0" type="image/jpeg"/><content:encoded><![CDATA[<div class="captioned-image-container"><figure><a class="image-link image2" href="https://substackcdn.com/harbour.jpeg"><div class="image2-inset"><picture><img src="https://substackcdn.com/image/fetch/w_1456,c_limit/harbour.jpeg" width="1456" height="970" alt=""></picture></div></a><figcaption class="image-caption">The harbour at dawn. Photo: Sam Lee</figcaption></figure></div><p>{LEDE}</p><div class="subscription-widget-wrap-editor" data-attrs="{{&quot;url&quot;:&quot;https://coast.substack.com/subscribe&quot;}}"><div class="subscription-widget show-subscribe"><div class="preamble"><p class="cta-caption">The Coast Letter is a reader-supported publication. To receive new posts and support my work, consider becoming a free or paid subscriber.</p></div><form class="subscription-widget-subscribe"><input type="email" class="email-input" name="email" placeholder="Type your email…" tabindex="-1"><input type="submit" class="button primary" value="Subscribe"></form></div></div><p>{P2}</p>]]></content:encoded></item></channel></rss>""",
    "ghost.xml": f'''<?xml version="1.0" encoding="UTF-8"?><rss xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/" version="2.0"><channel><title><![CDATA[Coast]]></title><link>https://coast.ghost.io/</link><item><title><![CDATA[{T}]]></title><description><![CDATA[<p>{LEDE}</p>]]></description><link>https://coast.ghost.io/harbour/</link><guid isPermaLink="false">6561</guid><category><![CDATA[News]]></category><dc:creator><![CDATA[Jo Doe]]></dc:creator><pubDate>{DATE}</pubDate><media:content url="https://coast.ghost.io/content/images/2026/11/harbour.jpg" medium="image"/><content:encoded><![CDATA[<img src="https://coast.ghost.io/content/images/2026/11/harbour.jpg" alt="{T}"><p>{LEDE}</p><figure class="kg-card kg-image-card kg-card-hascaption"><img src="https://coast.ghost.io/content/images/2026/11/quay.jpg" class="kg-image" alt loading="lazy" width="2000" height="1333"><figcaption>The quay. Photo by <a href="https://unsplash.com/@sam">Sam Lee</a> / <a href="https://unsplash.com">Unsplash</a></figcaption></figure><p>{P2}</p>]]></content:encoded></item></channel></rss>''',
    "medium.xml": f"""<?xml version="1.0" encoding="UTF-8"?><rss xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom" version="2.0" xmlns:cc="http://cyber.law.harvard.edu/rss/creativeCommonsRssModule.html"><channel><title><![CDATA[Coast - Medium]]></title><link>https://medium.com/coast?source=rss----abc---4</link><item><title><![CDATA[{T}]]></title><link>https://medium.com/coast/harbour-to-close-1a2b3c?source=rss----abc---4</link><guid isPermaLink="false">https://medium.com/p/1a2b3c</guid><category><![CDATA[news]]></category><dc:creator><![CDATA[Jo Doe]]></dc:creator><pubDate>{DATE}</pubDate><atom:updated>2026-11-30T10:00:00.000Z</atom:updated><content:encoded><![CDATA[<h3>{T}</h3><h4>Dozens of boats will have to find new moorings</h4><figure><img alt="" src="https://cdn-images-1.medium.com/max/1024/1*harbour.jpeg" /><figcaption>Photo by Sam Lee on Unsplash</figcaption></figure><p>{LEDE}</p><p>{P2}</p><img src="https://medium.com/_/stat?event=post.clientViewed&amp;referrerSource=full_rss&amp;postId=1a2b3c" width="1" height="1" alt=""><hr><p><a href="https://medium.com/coast/harbour-to-close-1a2b3c">{T}</a> was originally published in <a href="https://medium.com/coast">Coast</a> on Medium, where people are continuing the conversation by highlighting and responding to this story.</p>]]></content:encoded></item></channel></rss>""",
    "blogger.xml": f"""<?xml version='1.0' encoding='UTF-8'?><feed xmlns='http://www.w3.org/2005/Atom' xmlns:media='http://search.yahoo.com/mrss/'><title type='text'>Coast Blog</title><link rel='alternate' type='text/html' href='https://coast.blogspot.com/'/><entry><id>tag:blogger.com,1999:blog-1.post-2</id><published>2026-11-30T10:00:00.000+00:00</published><title type='text'>{T}</title><content type='html'>&lt;div class="separator" style="clear: both;"&gt;&lt;a href="https://blogger.googleusercontent.com/img/b/abc/s1600/harbour.jpg" style="display: block; padding: 1em 0; text-align: center; "&gt;&lt;img alt="" border="0" width="400" data-original-height="900" data-original-width="1600" src="https://blogger.googleusercontent.com/img/b/abc/s400/harbour.jpg"/&gt;&lt;/a&gt;&lt;/div&gt;{LEDE}&lt;br /&gt;&lt;br /&gt;{P2}</content><link rel='alternate' type='text/html' href='https://coast.blogspot.com/2026/11/harbour.html' title='{T}'/><author><name>Jo Doe</name></author><media:thumbnail xmlns:media='http://search.yahoo.com/mrss/' url='https://blogger.googleusercontent.com/img/b/abc/s72-c/harbour.jpg' height='72' width='72'/></entry></feed>""",
    "youtube.xml": f"""<?xml version="1.0" encoding="UTF-8"?><feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom"><title>Coast TV</title><link rel="alternate" href="https://www.youtube.com/channel/UC1"/><entry><id>yt:video:abc</id><yt:videoId>abc</yt:videoId><title>{T}</title><link rel="alternate" href="https://www.youtube.com/watch?v=abc"/><published>2026-11-30T10:00:00+00:00</published><media:group><media:title>{T}</media:title><media:content url="https://www.youtube.com/v/abc?version=3" type="application/x-shockwave-flash" width="640" height="390"/><media:thumbnail url="https://i1.ytimg.com/vi/abc/hqdefault.jpg" width="480" height="360"/><media:description>{LEDE}

Subscribe to our channel: https://youtube.com/coast
Follow us on Instagram: @coast</media:description></media:group></entry></feed>""",
    "mastodon.xml": f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:webfeeds="http://webfeeds.org/rss/1.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Coast Times</title><link>https://mastodon.example/@coast</link><item><guid isPermaLink="true">https://mastodon.example/@coast/1</guid><link>https://mastodon.example/@coast/1</link><pubDate>{DATE}</pubDate><description>&lt;p&gt;{LEDE} &lt;a href="https://coast.example/harbour" rel="nofollow noopener" target="_blank"&gt;&lt;span class="invisible"&gt;https://&lt;/span&gt;&lt;span class="ellipsis"&gt;coast.example/harbo&lt;/span&gt;&lt;span class="invisible"&gt;ur&lt;/span&gt;&lt;/a&gt;&lt;/p&gt;&lt;p&gt;&lt;a href="https://mastodon.example/tags/harbour" class="mention hashtag" rel="tag"&gt;#&lt;span&gt;harbour&lt;/span&gt;&lt;/a&gt;&lt;/p&gt;</description><media:content url="https://files.mastodon.example/media/harbour.jpg" type="image/jpeg" fileSize="100" medium="image"><media:rating scheme="urn:simple">nonadult</media:rating><media:description type="plain">Boats in the harbour</media:description></media:content></item></channel></rss>""",
    "podcast.xml": f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Coast Talk</title><link>https://coast.example/podcast</link><itunes:image href="https://coast.example/podcast/cover.jpg"/><item><title>Ep. 12: {T}</title><link>https://coast.example/podcast/12</link><pubDate>{DATE}</pubDate><enclosure url="https://cdn.example/ep12.mp3" length="1234" type="audio/mpeg"/><itunes:image href="https://coast.example/podcast/ep12.jpg"/><itunes:summary>{LEDE}</itunes:summary><description><![CDATA[<p>{LEDE}</p><p>Hosted on Acast. See acast.com/privacy for more information.</p>]]></description></item></channel></rss>""",
    "wordpress.xml": f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>The Coast Times</title><link>https://coast.example</link><item><title>{T}</title><link>https://coast.example/2026/11/30/harbour/</link><dc:creator><![CDATA[Jo Doe]]></dc:creator><pubDate>{DATE}</pubDate><category><![CDATA[News]]></category><description><![CDATA[<p>The city council voted on Tuesday to close the old harbour for repairs through the winter, a decision that will leave dozens of fishing boats looking for moorings [&#8230;]</p>
<p>The post <a href="https://coast.example/2026/11/30/harbour/">{T}</a> appeared first on <a href="https://coast.example">The Coast Times</a>.</p>]]></description><content:encoded><![CDATA[<figure class="wp-block-image size-large"><img decoding="async" width="1024" height="683" src="https://coast.example/wp-content/uploads/2026/11/harbour-1024x683.jpg" alt="Boats in the harbour" class="wp-image-12" srcset="https://coast.example/wp-content/uploads/2026/11/harbour-1024x683.jpg 1024w, https://coast.example/wp-content/uploads/2026/11/harbour-300x200.jpg 300w, https://coast.example/wp-content/uploads/2026/11/harbour.jpg 2000w" sizes="(max-width: 1024px) 100vw, 1024px" /><figcaption class="wp-element-caption">Boats in the harbour. (Photo: Sam Lee/The Coast Times)</figcaption></figure>
<p>{LEDE}</p>
<div class="wp-block-buttons"><div class="wp-block-button"><a class="wp-block-button__link" href="/donate">Support our journalism</a></div></div>
<p>{P2}</p>
<p>The post <a href="https://coast.example/2026/11/30/harbour/">{T}</a> appeared first on <a href="https://coast.example">The Coast Times</a>.</p>]]></content:encoded></item></channel></rss>""",
}

# (title, picture, credit) each item gets; every teaser opens with LEDE and holds no platform text. An
# untitled post is called by its first words.
EXPECTED = {
    "substack.xml": (T, "https://substackcdn.com/image/fetch/w_1456,c_limit,f_auto/harbour.jpeg", "Sam Lee"),
    "ghost.xml": (T, "https://coast.ghost.io/content/images/2026/11/harbour.jpg", ""),
    "medium.xml": (T, "https://cdn-images-1.medium.com/max/1024/1*harbour.jpeg", "Sam Lee on Unsplash"),
    "blogger.xml": (T, "https://blogger.googleusercontent.com/img/b/abc/s400/harbour.jpg", ""),
    "youtube.xml": (T, "https://i1.ytimg.com/vi/abc/hqdefault.jpg", ""),
    "mastodon.xml": (
        "The city council voted on Tuesday to close the old",
        "https://files.mastodon.example/media/harbour.jpg",
        "",
    ),
    "podcast.xml": (f"Ep. 12: {T}", "https://coast.example/podcast/ep12.jpg", ""),
    "wordpress.xml": (
        T,
        "https://coast.example/wp-content/uploads/2026/11/harbour.jpg",
        "Sam Lee/The Coast Times",
    ),
}
PLATFORM_WORDS = (
    "subscri",
    "Subscribe",
    "Acast",
    "appeared first",
    "originally published",
    "Instagram",
    "#harbour",
    "support my work",
)


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_each_platforms_item_gets_its_lede_title_and_picture(name: str) -> None:
    (item,) = read_entries(Fetched(f"https://feeds.example/{name}", FEEDS[name].encode()), name, NOW).articles
    written = teaser(item, TeaserConfig())

    assert written.paragraphs[0].startswith(LEDE[:80])
    assert not any(word in p for p in written.paragraphs for word in PLATFORM_WORDS)
    title, picture, credit = EXPECTED[name]
    assert (written.title.removesuffix(" \u2026"), written.image_url, written.image_credit) == (
        title,
        picture,
        credit,
    )


# A photo's caption where an editor set it by hand, outside a <figure>: WordPress's classic editor's
# caption box, a line in italics under the image, small print beside it.
CAPTION = "Fishermen unload their catch at the old harbour on Monday morning before the storm."
SET_CAPTIONS = {
    "wp_caption": f"<div id='attachment_12' class='wp-caption aligncenter'><img src='https://coast.example/h.jpg' width='800'><p class='wp-caption-text'>{CAPTION}</p></div>",
    "italics_after": f"<p><img src='https://coast.example/h.jpg'></p><p><em>{CAPTION}</em></p>",
    "small_beside": f"<p><img src='https://coast.example/h.jpg'><br><small>{CAPTION}</small></p>",
}


def item_with(content: str) -> Article:
    """The one item of a feed whose content:encoded is ``content``."""
    feed = f'<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Coast</title><link>https://coast.example/</link><item><title>{T}</title><link>https://coast.example/2026/harbour</link><pubDate>{DATE}</pubDate><content:encoded><![CDATA[{content}]]></content:encoded></item></channel></rss>'
    (item,) = read_entries(Fetched("https://coast.example/feed", feed.encode()), "coast", NOW).articles
    return item


@pytest.mark.parametrize("caption", SET_CAPTIONS.values(), ids=SET_CAPTIONS)
def test_a_photos_caption_set_by_hand_is_not_the_items_lede(caption: str) -> None:
    content = f"{caption}<p>{LEDE}</p><p>{P2}</p>"
    item = item_with(content)
    written = teaser(item, TeaserConfig())

    assert written.paragraphs[0].startswith(LEDE[:80])
    assert not any("Fishermen" in p for p in written.paragraphs)


def test_a_paragraph_in_italics_that_no_image_comes_before_is_text() -> None:
    content = f"<p><em>{LEDE}</em></p><p><img src='https://coast.example/h.jpg'></p><p><em>{P2}</em></p>"
    item = item_with(content)

    assert item.paragraphs[0] == LEDE  # the one after the image, of a caption's length, is taken for one


def test_a_subheading_set_in_bold_in_an_items_content_is_not_its_lede() -> None:
    item = item_with(f"<p><b>Where will the boats go this winter, and who will pay?</b></p><p>{LEDE}</p>")
    assert item.paragraphs == (LEDE,)


def test_a_short_lede_set_in_bold_in_an_items_content_stays() -> None:
    short = "Ferry fares rose by 0.1% in October, figures show."
    item = item_with(f"<p><b>{short}</b></p><p>{LEDE}</p>")
    assert item.paragraphs == (short, LEDE)


def test_a_relative_picture_in_atom_content_is_read_against_its_xml_base() -> None:
    body = f"&lt;p&gt;&lt;img src='img/harbour.jpg' width='800'&gt;&lt;/p&gt;&lt;p&gt;{LEDE}&lt;/p&gt;"
    feed = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://coast.example/blog/">'
        "<title>Coast</title><id>coast</id><updated>2026-11-30T10:00:00Z</updated><entry><title>Harbour</title>"
        f'<link href="2026/harbour"/><id>a</id><updated>2026-11-30T10:00:00Z</updated><content type="html">{body}'
        "</content></entry></feed>"
    )
    (item,) = read_entries(Fetched("https://coast.example/feed.atom", feed.encode()), "coast", NOW).articles
    assert (item.url, item.image_url) == (
        "https://coast.example/blog/2026/harbour",
        "https://coast.example/blog/img/harbour.jpg",  # not against the entry's page, /blog/2026/
    )
