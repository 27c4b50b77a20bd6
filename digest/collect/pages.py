"""Extract what a teaser needs from an article page: paragraphs, lead image, credit, section."""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import lxml.html

from digest.collect.bounds import MAX_CAPTION, MAX_DESCRIPTION, MAX_NAME, MAX_TITLE, clipped
from digest.collect.canonical import canonical_url, escaped_url, is_page_link, same_site
from digest.collect.extract import (
    as_served,
    body_paragraphs,
    declared_body,
    in_page_furniture,
    is_article,
    json_ld,
    meta_content,
    parse_html,
    shown_block_text,
    strip_furniture,
)
from digest.collect.images import LeadImage, lead_image
from digest.collect.text import folded as _fold
from digest.collect.text import named_section, plain_text, squash, unescaped_twice
from digest.models import Article
from digest.words import HAN_KANA_CHARS, estimated_words

# Between a headline and the site's name in a <title>: " | ", " - ", " — ", a full-width bar, ":", "_",
# " « " ("Headline « Blog"), " • ", " / " ("Meritech Capital / 2022 SaaS Crash").
_TITLE_SEPARATORS = re.compile(
    # bars, dashes, colons, middle dots, slashes, and WordPress's guillemets, bullets and angle quotes
    r"\s+[|\-\u2013\u2014:\u00b7\u00ab\u00bb\u2022\u2039\u203a/]{1,2}\s+|\s*[\uff5c|_]\s*"
    r"|(?<=[^\x00-\x7f]):|(?<=\w):\s+"
)
_HOST_NOISE = frozenset(["www", "com", "co", "net", "org", "news", "html", "jp", "uk", "de", "fr", "info"])
# <h1> elements compared with the titles: a page has one or two, and each costs a pass over the titles.
_MAX_HEADINGS = 20


@dataclass(frozen=True, slots=True)
class PageInfo:
    """What an article page says about itself."""

    canonical: str = ""
    title: str = ""
    author: str = ""
    section: str = ""
    paragraphs: tuple[str, ...] = ()
    image_url: str = ""
    image_alt: str = ""
    image_caption: str = ""
    image_credit: str = ""
    description: str = ""


def extract_page(html: bytes | str, url: str, content_type: str = "") -> PageInfo:
    """Read one article page, in the charset its server's ``content_type`` names if it names one;
    an empty or unparsable page gives an empty PageInfo.

    Decoding is part of the work: a page transcoded here is transcoded in the worker that parses it,
    off the event loop.
    """
    doc = parse_html(as_served(html, content_type) if isinstance(html, bytes) else html)
    if doc is None:
        return PageInfo()
    image = _lead_image(doc, url)
    info = PageInfo(
        canonical=_canonical(doc, url),
        title=_read(headline(doc, url), MAX_TITLE),
        author=_read(meta_content(doc, "author"), MAX_NAME),
        # ... or PRISM's, as scholarly and science publishers name it (nature.com's "News")
        section=_read(
            named_section(
                meta_content(doc, "article:section")
                or _declared_section(doc)
                or meta_content(doc, "prism.section")
            ),
            MAX_NAME,
        ),
        image_url=image.url,
        image_alt=_read(image.alt, MAX_CAPTION),
        image_caption=_read(image.caption, MAX_CAPTION),
        image_credit=_read(image.credit, MAX_NAME),
        description=_read_markup(
            meta_content(doc, "og:description") or meta_content(doc, "description"), MAX_DESCRIPTION
        ),
    )
    declared = declared_body(doc)
    # after the image, caption, credit and structured data were read from the full page
    strip_furniture(doc, image.shown)
    return replace(info, paragraphs=body_paragraphs(doc, url, declared, squash(info.description)))


def _read(text: str, limit: int) -> str:
    """A title's or meta tag's text, clipped; read once more where its publisher escaped it twice
    ("Q&amp;amp;A"), as titles and meta tags often are and no reader means to see."""
    return clipped(unescaped_twice(text), limit)


def _read_markup(text: str, limit: int) -> str:
    """A meta tag's text that its publisher wrote as escaped markup ("… ideas on &lt;a href=…&gt;how to stop
    spending&lt;/a&gt;, check out …"): its words, without the tags the reader was never meant to see."""
    read = unescaped_twice(text)
    return clipped(plain_text(read) if _TAG.search(read) else read, limit)


_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,500}>")


def _lead_image(doc: lxml.html.HtmlElement, url: str) -> LeadImage:
    """The lead image when its address is one the page may name (is_page_link); no image otherwise."""
    try:
        image = lead_image(doc, url)
    except ValueError:  # an image address that cannot even be joined to the page's (a bad IPv6 host)
        return LeadImage()
    image = replace(image, url=escaped_url(image.url))
    return image if is_page_link(image.url, url) else LeadImage()


def _canonical(doc: lxml.html.HtmlElement, url: str) -> str:
    """The page's canonical link, when it is a web address on the page's own site.

    The article is known by it: in the email's links, and in the ledger of what was sent. Another
    site's address would let one page speak for an article it is not (and keep that one out later).
    """
    canonical = _link(doc, "canonical", url)
    return canonical if canonical and same_site(canonical, url) else ""


def _link(doc: lxml.html.HtmlElement, rel: str, base: str) -> str:
    """The page's link of a kind, when the page may name it (a web address: never javascript: or data:)."""
    for node in doc.xpath("//link[@rel=$rel][@href]", rel=rel):
        try:
            url = escaped_url(urljoin(base, str(node.get("href")).strip()))
        except ValueError:  # a malformed IPv6 host
            return ""
        return url if is_page_link(url, base) else ""
    return ""


def headline(doc: lxml.html.HtmlElement, url: str) -> str:
    """The article's headline: the page's own <h1> when it is about what its titles say, else the title.

    og:title and <title> are often written for search and sharing ("It's been a rough few months for
    Elon Musk's SpaceX"), while the page shows its reader another headline ("What's the Hold-Up at
    SpaceX?"): the teaser keeps the one the reader sees on arriving. An <h1> counts as the headline
    when it is one of the titles, lies inside one, or shares most of its words with one — never when
    it is the site's name (a logo) or a link to another page (a section, a promo). When no <h1> is
    about the titles, the page's only other <h1> is still its headline if it reads like one
    (_displayed). An <h1> the page marks as its headline (itemprop="headline", class "hed") comes
    first, however short: it is the one the page's own designers call so.
    """
    social = clipped(meta_content(doc, "og:title") or meta_content(doc, "twitter:title"), MAX_TITLE)
    social = "" if _SLUG.fullmatch(social) else social  # "adac-kindersitztest-herbst-2018" is a slug
    plain = clipped(squash(doc.findtext(".//title") or ""), MAX_TITLE)
    social = "" if _cut_by_a_quote(social, plain) else social
    site = clipped(meta_content(doc, "og:site_name") or _feeds_site_name(doc), MAX_NAME)
    names = _site_names(site, url)
    # A <title> of the site's name alone says nothing of the article: its structured data's headline does.
    if not social and (not plain or _is_site(plain, names, "")):
        social = _declared_headline(doc) or social
    declared = social or plain
    titles = [t for t in (social, plain) if t]
    others: list[_Heading] = []
    own = _own_paths(doc, url)  # asked of every heading the page has: worked out once
    headings = _headings(doc, url, own)
    about: list[_Heading] = []
    for heading in headings:
        # a title's last part is the site's name ("Ferries return | Harbour Times"), not the headline
        # the page marks as its own ("Chronik: <h1 itemprop=headline>Lotte Tobisch ist tot</h1>")
        # ... nor one that links to this very page (a blog's post title, "<h1><a href=/this-post>")
        told = _marked(heading.node) or heading.here
        if _is_site(heading.text, names, "" if told else declared):
            site = site or heading.text  # the <h1> is the site's name in its logo
        elif heading.elsewhere:
            continue
        elif any(_about(heading.text, title) for title in titles):
            about.append(heading)
        else:
            others.append(heading)
    # a heading the page marks is no related story's when it is the page's title: wherever it stands
    marked = [
        h
        for h in about + others
        if _marked(h.node) and (_is_title(h.text, titles) or not _after_text(h.node))
    ]
    if len(marked) == 1:
        # the page names it its headline, however short ("Broken Pledge")
        return _title_part(marked[0], titles, site, url)
    if about:
        return _title_part(about[0], titles, site, url)
    if len(others) == 1 and _displayed(others[0], titles):
        return _title_part(others[0], titles, site, url)
    if not others:  # no <h1>, or only the site's name and links: a blog's post titles are <h2>s
        shown = _subheading(doc, url, own, declared, names)
        # ... and where the titles are the site's name alone, the first that reads as a headline
        if not shown and (not declared or _is_site(declared, names, "")):
            shown = _first_headline(doc, url, own, names)
        if shown:
            return shown
    title = without_site_name(declared, site, url)
    # No <h1> is the headline (one may name the blog or section): the title as the page shows it, an
    # <h2> or <h3> of the same words ("iPhone-Hülle" where the title has "Iphonehülle").
    # ... or, when the page shows no heading of the title's words, the one its structured data names
    # its headline (an SEO title above a visible <h2> of other words)
    shown = _shown_as(doc, url, own, title) or _shown_as(doc, url, own, _declared_headline(doc))
    # ... or a blog's title with its author after the headline ("Dear Mark Zuckerberg by Dalton
    # Caldwell"), when the page shows the headline alone
    shown = shown or _shown_as(doc, url, own, _without_author(title))
    if not shown and title == declared:  # nothing said which part is the site's: what the page shows
        shown = _shown_part(doc, title)
    return shown or title or (headings[0].text if headings else "")


def _cut_by_a_quote(social: str, plain: str) -> bool:
    """Whether the og:title stops where the <title> goes on with a quotation mark: the page wrote the
    headline's quotes unescaped in the attribute, which ended there ('content="… califica a Biden de
    "incapacitado""' on eluniversal.com), and only the <title> holds the whole headline."""
    cut = social.rstrip()
    return bool(cut) and plain.startswith(cut) and plain[len(cut) :].lstrip()[:1] in _QUOTE_MARKS


_QUOTE_MARKS = frozenset('"\u201c\u201d\u00ab\u00bb\u201e')


def _feeds_site_name(doc: lxml.html.HtmlElement) -> str:
    """The site's name as its feed links give it: "Site » Feed", "Site » Comments Feed" (WordPress
    writes them so on every page, in the site's language: "Site » Flux"); "" when none does."""
    for title in doc.xpath(_FEED_TITLES):
        name, separator, _ = str(title).partition(" \u00bb ")
        if separator and name.strip():
            return squash(name)
    return ""


_FEED_TITLES = (
    "(//head/link[@rel='alternate'][contains(@type, 'rss') or contains(@type, 'atom')]/@title)"
    "[position() <= 5]"  # a page links a feed or two: the site's, its comments'
)


def _without_author(title: str) -> str:
    """A title's words before the " by " that names its author, a name of a few capitalized words;
    "" when it names none."""
    head, by, name = title.rpartition(" by ")
    words = name.split()
    if (
        not by
        or not head.strip()
        or not 1 <= len(words) <= _NAME_WORDS
        or not all(w[:1].isupper() for w in words)
    ):
        return ""
    return head


_NAME_WORDS = 4  # words of an author's name at most


def _is_title(heading: str, titles: list[str]) -> bool:
    """Whether a heading is one of the titles, or most of one with the site's name beside it."""
    folded = _fold(heading)
    return bool(folded) and any(
        (whole.startswith(folded) or whole.endswith(folded)) and len(folded) * 5 >= len(whole) * 3
        for whole in (_fold(t) for t in titles)
    )


def _title_part(heading: _Heading, titles: list[str], site: str, url: str) -> str:
    """The part of an <h1> that is one of the page's titles word for word, set in an element of its own
    after a label ("<h1><div><a href=/letters>Letters to the Editor | </a></div><span>Letters:
    Coddling criminals …</span></h1>"); the whole <h1> when no part of it is.

    Only a label before it: words after the title's are the headline's own second line ("Ferries return
    <i>:</i> <i>the first boat leaves at six</i>"), which the page shows as one headline.
    """
    wanted = {_fold(t) for t in titles} - {""}
    whole = _fold(heading.text)
    if not wanted:
        return heading.text
    # An <h1> that is one of the titles with the site's name, as a page's <title> has it: the name goes,
    # as it goes from the title (Sankei's visually hidden <h1> "… - 産経ニュース", beside its og:title).
    named = without_site_name(heading.text, site, url)
    if named != heading.text and (_fold(named) in wanted or whole in wanted):
        return named
    if whole not in wanted and (first := _first_line(heading, wanted, whole)):
        return first
    if whole not in wanted and (unbadged := _without_badge(heading, wanted)):
        return unbadged
    if whole not in wanted and (unlabelled := _without_label(heading, wanted)):
        return unlabelled
    if whole in wanted or not any(whole.endswith(t) for t in wanted):
        return heading.text
    for _, text in _parts(heading):
        if _fold(text) in wanted and whole.endswith(_fold(text)):
            return text
    return heading.text


def _without_badge(heading: _Heading, wanted: set[str]) -> str:
    """An <h1>'s words without the label set after them in an element of its own, a word or two that
    no title has: a badge for subscribers ("… Balkany <span class='label abo'>Abonnés</span>"), a
    "Live" or "Video" tag. Its words must open a title."""
    last = next((c for c in reversed(heading.node) if isinstance(c.tag, str)), None)
    if last is None or (last.tail or "").strip():
        return ""
    badge = squash(last.text_content())
    if not badge or len(badge.split()) > _BADGE_WORDS or not heading.text.endswith(badge):
        return ""
    rest = heading.text[: -len(badge)].strip()
    folded, mark = _fold(rest), _fold(badge)
    if not folded or not mark or any(mark in title for title in wanted):
        return ""
    return rest if any(title.startswith(folded) for title in wanted) else ""


_BADGE_WORDS = 2


def _without_label(heading: _Heading, wanted: set[str]) -> str:
    """An <h1>'s words without the label set before them in an element of its own, a word or two that
    no title opens with: the section's name over the headline ("<h1><div class=sub-title>News</div>
    School of Horns' Mito Aoi …</h1>", its og:title the headline alone, its <title> "… - News - Anime
    News Network"). The rest must be a title, word for word."""
    first = next((c for c in heading.node if isinstance(c.tag, str)), None)
    if first is None or (heading.node.text or "").strip() or first.tag not in _LABEL_TAGS:
        return ""
    label = squash(first.text_content())
    if not label or len(label.split()) > _BADGE_WORDS or not heading.text.startswith(label):
        return ""
    rest = heading.text[len(label) :].strip()
    mark = _fold(label)
    if not mark or any(title.startswith(mark) for title in wanted):
        return ""
    return rest if _fold(rest) in wanted else ""


_LABEL_TAGS = frozenset({"div", "p", "span", "small", "strong", "b", "em", "i", "a"})


def _parts(heading: _Heading) -> Iterator[tuple[lxml.html.HtmlElement, str]]:
    """Each element inside a heading (its first _MAX_PARTS) with the text it shows."""
    for node in itertools.islice(heading.node.iterdescendants(), _MAX_PARTS):
        yield node, (clipped(shown_block_text(node), MAX_TITLE) if isinstance(node.tag, str) else "")


_MAX_PARTS = 50  # elements of an <h1> looked into for its title part: a headline has a few


def _first_line(heading: _Heading, wanted: set[str], whole: str) -> str:
    """The part of an <h1> set in an element of its own that a title starts with, when what the <h1>
    shows besides it is in no title: a byline on the headline's second line (Nikkei's "<h1><span>米朝
    首脳直通電話 …</span><br><span>編集委員 中沢克二</span></h1>", its og:title the headline and the
    picture's credit after it); "" when there is none."""
    for node, text in _parts(heading):
        part = _fold(text)
        if len(part) * 2 < len(whole) or not whole.startswith(part) or part == whole:
            continue
        rest = whole[len(part) :]
        if (
            _broken_after(node)
            and any(t.startswith(part) for t in wanted)
            and not any(rest in t for t in wanted)
        ):
            return text
    return ""


def _broken_after(node: lxml.html.HtmlElement) -> bool:
    """Whether a line break follows an element before anything else the heading shows: the next line
    is set apart ("Ferries return<i>: </i><i>the first boat …</i>" runs on as one headline)."""
    if (node.tail or "").strip():
        return False
    for following in itertools.islice(node.itersiblings(), _MAX_PARTS):
        if following.tag == "br":
            return True
        shown = isinstance(following.tag, str) and following.text_content().strip()  # (a comment shows none)
        if shown or (following.tail or "").strip():
            return False
    return False


def _declared_section(doc: lxml.html.HtmlElement) -> str:
    """The section the page's JSON-LD gives its article (articleSection: a name, or a list's first)."""
    for item in json_ld(doc):
        section = item.get("articleSection") if is_article(item) else None
        names = section if isinstance(section, list) else [section]
        name = next((squash(n) for n in names if isinstance(n, str) and n.strip()), "")
        if name:
            return name
    return ""


def _declared_headline(doc: lxml.html.HtmlElement) -> str:
    """The headline the page's JSON-LD gives its article, if any."""
    for item in json_ld(doc):
        headline = item.get("headline")
        if is_article(item) and isinstance(headline, str) and headline.strip():
            return clipped(squash(headline), MAX_TITLE)
    return ""


def _subheading(doc: lxml.html.HtmlElement, url: str, own: set[str], title: str, names: set[str]) -> str:
    """The <h2> or <h3> that is the title's headline part ("Headline_Section_Site"), written as shown.

    The headline part is the title's longest; a heading that names the site, or links to another
    page (a sidebar's list of posts), is not it.
    """
    parts = [part for part in _TITLE_SEPARATORS.split(title) if _fold(part)]
    if len(parts) < 2:
        return ""  # the title is all headline: it is taken as it is
    headline = max(parts, key=lambda part: len(_fold(part)))
    return "" if _is_site(headline, names, title) else _shown_as(doc, url, own, headline)


def _first_headline(doc: lxml.html.HtmlElement, url: str, own: set[str], names: set[str]) -> str:
    """The first <h2> or <h3> that reads as a headline: a headline's words, before any paragraph of
    text, outside the page's navigation and sidebars, neither the site's name nor a link elsewhere (a
    blog whose <title> and <h1> are its name shows its post's title so)."""
    for node in itertools.islice(doc.iter("h2", "h3"), _MAX_HEADINGS):
        text = clipped(shown_block_text(node), MAX_TITLE)
        if (
            estimated_words(text) >= _DISPLAY_WORDS
            and not node.xpath(_IN_FURNITURE)
            and not _is_site(text, names, "")
            and not _links_elsewhere(node, text, url, own)
            and not _after_text(node)
        ):
            return text
    return ""


_IN_FURNITURE = "ancestor::nav or ancestor::aside or ancestor::footer"


def _shown_as(doc: lxml.html.HtmlElement, url: str, own: set[str], words: str) -> str:
    """The first <h2> or <h3> that reads ``words`` (case, spaces and punctuation aside), as it is shown;
    "" when there is none or it links to another page."""
    folded = _fold(words)
    for node in itertools.islice(doc.iter("h2", "h3"), _MAX_HEADINGS) if folded else ():
        text = clipped(shown_block_text(node), MAX_TITLE)
        if _fold(text) == folded:
            if _links_elsewhere(node, text, url, own):
                return ""
            # a kicker set in it reads run into the headline ("<span class=overline>Linde</span>
            # Gasekonzern …"): the title says it with its separator ("Linde: Gasekonzern …")
            return words if any(_is_kicker(child) for child in node.iterdescendants()) else text
    return ""


def _shown_part(doc: lxml.html.HtmlElement, title: str) -> str:
    """The start or end of a title that the page shows as an element's whole text, the rest set off by
    a separator: the headline, where no heading holds it and no part was told for the site's name
    ("… 一块顶十块GPU-EDN 电子技术设计", whose headline is a <span> or a styled <div>).

    Most of the title, at least a headline's words; a space sets off the rest too, since these titles
    put none between words ("… 东区办事处_中山网"). Only in Chinese or Japanese: a Latin title's parts
    are told by its spaced separators, and the start a page shows may be its headline without the
    subtitle or chapter the title goes on with (Mozilla's archive-of-our-own page lost its chapter).
    """
    whole = squash(title)
    body = doc.find("body")
    if body is None or len(whole) < 2 or not _CJK.search(whole):
        return ""
    for node in itertools.islice(body.iter(), _MAX_SHOWN_ELEMENTS):
        start = _first_text(node) if isinstance(node.tag, str) and node.tag not in _UNREAD else ""
        # its own first text a good part of the title before its whole text is read: a box of the
        # whole page whose first words are in the title would be read for each such box
        if len(start) * 4 < len(whole) or not (whole.startswith(start) or start in whole):
            continue
        text = squash(node.text_content())
        if len(_fold(text)) * 2 < len(_fold(whole)) or estimated_words(text) < _DISPLAY_WORDS:
            continue
        if whole.startswith(text) and _sets_off(whole[len(text) :], whole[len(text) - 1], at_start=True):
            return text
        if whole.endswith(text) and _sets_off(whole[: -len(text)], whole[-len(text)], at_start=False):
            return text
    return ""


def _first_text(node: lxml.html.HtmlElement) -> str:
    """An element's text before its first child element: comments pass, as a CMS marks its fields
    with them ("<b><!-- 文章标题 begin -->顺德区…<!-- 文章标题 end --></b>")."""
    texts = [node.text or ""]
    for child in node:
        if isinstance(child.tag, str):
            break
        texts.append(child.tail or "")
    return squash("".join(texts))


def _sets_off(rest: str, beside: str, *, at_start: bool) -> bool:
    """Whether the rest of a title is set off from the shown part: by a separator next to it, or, in
    Chinese or Japanese, a space."""
    edge = rest.lstrip() if at_start else rest.rstrip()
    if not edge:
        return False
    mark = edge[0] if at_start else edge[-1]
    spaced = (rest[0] if at_start else rest[-1]).isspace()
    return mark in _SEPARATOR_MARKS or (spaced and bool(_CJK.match(beside)))


_MAX_SHOWN_ELEMENTS = 3_000  # elements looked through for the shown part: a headline is near the top
_UNREAD = frozenset(["script", "style", "title", "noscript", "template"])
_SEPARATOR_MARKS = frozenset("-_|:\u2013\u2014\u00b7\u2022\u00bb\u00ab/\uff5c\uff1a")
_CJK = re.compile(f"[{HAN_KANA_CHARS}\uff00-\uffef]")  # and the full-width forms


# Words a headline shown on its own has at least: a lone <h1> of fewer is a section's or a blog's name
# ("Minecraft News", "Allergies Health Center", "Silicon Exposed"), not what the article is called.
_DISPLAY_WORDS = 4
# Words of a <p> that is the article's text: a headline comes before it (a related story's comes after).
_TEXT_WORDS = 25


# A title written as an address's last part, lower case, words joined by hyphens or underscores: a
# publishing system's field left unfilled, never a headline a reader is shown.
_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+){2,}")


def _displayed(heading: _Heading, titles: list[str]) -> bool:
    """Whether a page's only <h1> that is no title is its display headline (not a blog's or section's name).

    It has the words of a headline; it is not one part of a title ("Silicon Exposed" of "Silicon
    Exposed: Open Verilog flow …"), which would make it the name of what the title's other part is
    in; and no paragraph of text comes before it, as one does before a related story's headline.
    """
    # Chinese and Japanese by their characters: "東京の新しい図書館が開館へ" is six words, "最新ニュース"
    # (latest news) three.
    if estimated_words(heading.text) < _DISPLAY_WORDS:
        return False
    folded = _fold(heading.text)
    for title in titles:
        parts = [_fold(part) for part in _TITLE_SEPARATORS.split(title)]
        if folded in parts and not _subtitled(heading.node, set(parts) - {folded}):
            return False
    return not _after_text(heading.node)


def _subtitled(node: lxml.html.HtmlElement, rest: set[str]) -> bool:
    """Whether the heading right after an <h1> is another part of the title: the headline and its
    subtitle, which the <title> joins ("Vom Boden aus gedacht - Ann Cotten verwebt … : Site")."""
    following = node.getnext()
    while following is not None and not isinstance(following.tag, str):
        following = following.getnext()  # a comment between them
    if following is None or following.tag not in ("h2", "h3", "h4"):
        return False
    return _fold(clipped(shown_block_text(following), MAX_TITLE)) in rest


def _after_text(node: lxml.html.HtmlElement) -> bool:
    """Whether a paragraph of text comes before a heading, as one does before a related story's."""
    return any(
        estimated_words(p.text_content()) >= _TEXT_WORDS and not in_page_furniture(p)
        for p in node.xpath("preceding::p")
    )


# A class that names its element the headline: newsrooms' "hed", "headline", hAtom's "entry-title",
# "post-title", "article__title", "ArticleTitle" (never "subhed" or "headlines", a list of them).
_HEADLINE_CLASS = re.compile(
    r"(?i)(?<![a-z])(?<!sub-)(?<!sub_)(?:hed|headline|(?:entry|post|article|story)[_-]*title)(?![a-z])"
)


def _marked(node: lxml.html.HtmlElement) -> bool:
    """Whether the page marks a heading as the article's headline: itemprop="headline", or its class."""
    return node.get("itemprop") == "headline" or bool(_HEADLINE_CLASS.search(node.get("class") or ""))


def _own_paths(doc: lxml.html.HtmlElement, url: str) -> set[str]:
    """The paths this page is known by: its address's and its canonical link's."""
    paths = {urlsplit(url).path.rstrip("/")}
    canonical = _link(doc, "canonical", url)
    if canonical:
        paths.add(urlsplit(canonical).path.rstrip("/"))
    return paths


def _site_names(site: str, url: str) -> set[str]:
    """The site's name folded, and its host's telling labels ("salon" of www.salon.com)."""
    host = urlsplit(url).hostname or ""
    # folded as the names are: "die-partei" of die-partei.net is "diepartei"
    labels = {_fold(label) for label in host.split(".") if label not in _HOST_NOISE and len(label) > 2}
    return {_fold(site)} - {""} | labels


def _is_site(heading: str, names: set[str], title: str) -> bool:
    """Whether an <h1> names the site: its name, a host label (give or take a word, or written out),
    the title's last part."""
    folded = _fold(heading)
    if _names_the_site(heading, names):
        return True
    # ... or its names together: a blog's banner with its name and its address ("jujuの日々
    # junmacaron.exblog.jp")
    found = sorted((n for n in names if n and n in folded), key=len, reverse=True)
    rest = folded
    for name in found:
        rest = rest.replace(name, "")
    if len(found) > 1 and len(rest) <= _NAME_LEFT:
        return True
    # The title's last part, unless it is too long for a name: "World | <headline>" ends with the headline;
    # ... or unless the title's first part is the site's name ("ACCU :: Defining Concepts" on accu.org)
    parts = _TITLE_SEPARATORS.split(title)
    return (
        len(parts) > 1
        and folded == _fold(parts[-1])
        and len(heading.split()) <= _SITE_WORDS
        and not _names_the_site(parts[0], names)
    )


def _names_the_site(text: str, names: set[str]) -> bool:
    """Whether a text is the site's name: a host label, give or take a word, or written out."""
    folded = _fold(text)
    return any((n and n in folded and len(folded) <= len(n) + _NAME_SLACK) or _spells(n, text) for n in names)


_NAME_LEFT = 4  # characters of a heading besides the site's names: a "jp" or "com" of its address


def _about(heading: str, title: str) -> bool:
    """Whether an <h1> is the headline a title gives: most of it, or sharing most of its words."""
    folded, whole = _fold(heading), _fold(title)
    if folded in whole and len(folded) * 5 >= len(whole) * 2:  # a blog's name inside is no headline
        return True
    ours, theirs = _words(heading), _words(title)
    shared = ours & theirs
    return len(shared) >= 3 and len(shared) >= len(ours) / 2


def _words(text: str) -> set[str]:
    # Words of four letters or more: "you", "who", "the" are shared by headlines about anything.
    return {w for w in re.findall(r"\w+", text.casefold()) if len(w) > 3}


_SITE_WORDS = 6  # words of a site's name at most ("The New York Times en Español")
_NAME_SLACK = 4  # characters a site's name may have beyond a host label ("nytimes" in "NYTimes.com")


def without_site_name(title: str, site: str, url: str) -> str:
    """A title without the site's name before or after it ("Headline | Site", "Site - Headline").

    What follows the name goes with it ("Headline | Site | News since 1901"), and so do the short
    section names set between the headline and the name with the same separator ("Headline - Local
    News - Site").
    """
    pieces = _SEPARATED.split(title)  # part, separator, part, …
    parts, separators = pieces[0::2], [sep.strip() for sep in pieces[1::2]]
    if len([p for p in parts if p.strip()]) < 2:
        return title
    host = urlsplit(url).hostname or ""
    names = [_fold(site)] if site else []
    names += [_fold(label) for label in host.split(".") if label not in _HOST_NOISE and len(label) > 2]
    names += [_fold(host), _fold(host.removeprefix("www."))] if host else []  # "www.Heimicke.de - …"
    folded = [_fold(part) for part in parts]
    # A name that opens a title stands alone there ("BBC News - Headline"); a first part that only
    # holds it ("JVNDB-2018-013542 - JVN iPedia") is the article's own.
    labels = host.split(".")
    opens = _a_name_of(parts[0], names, labels, _NAME_SLACK)
    # a last part that holds the name among more words is the name and its tagline, unless the title
    # opens with the name alone: then it is a headline that names the site ("gipfelbuch.ch - News -
    # Hochauflösende Schneekarten auf Gipfelbuch.ch")
    # ... nor when it is the title's longest part and longer than any name: that is the headline, naming
    # the site's brand ("NFF: TINE Fotballskole viktig for barneidretten gjennom pandemien" on tine.no);
    # nor what a colon sets off, what the words before it announce ('VDA-Chefin Müller: "Das Autohaus
    # ist alternativlos"' on autohaus.de)
    alone = _a_name_of(parts[-1], names, labels, _NAME_SLACK)
    headline = len(parts[-1].split()) > _SITE_WORDS and len(folded[-1]) >= max(map(len, folded[:-1]))
    tagline = not opens and not headline and separators[-1] not in _COLONS
    if alone or (tagline and _a_name_of(parts[-1], names, labels, len(folded[-1]))):
        return _rejoin(title, _without_sections(parts[:-1], separators))
    if opens:
        # the section names that start the rest are found as those that end a title before its name
        after = parts[1:]
        return _rejoin(title, _without_sections(after[::-1], separators[: len(after)][::-1])[::-1])
    for index in range(1, len(parts) - 1):  # the name in the middle, a tagline after it
        part = folded[index]
        if any(name and name in part and len(part) <= len(name) + _NAME_SLACK for name in names):
            return _rejoin(title, _without_sections(parts[:index], separators))
    return title


# The separators of _TITLE_SEPARATORS, kept when a title is split by them.
_SEPARATED = re.compile(f"({_TITLE_SEPARATORS.pattern})")
_SECTION_WORDS = 3  # words of a section's name at most ("Local News", "Opinion")
_COLONS = frozenset(":\uff1a")


def _without_sections(parts: list[str], separators: list[str]) -> list[str]:
    """The parts before a site's name, without the section names that end them.

    A section's name is short and set off as the site's name is (the same separator after it):
    "Ferries return: Day 2 | Site" keeps its colon's part.
    """
    last = len(parts) - 1  # the separator before the site's name is separators[last]
    while (
        last >= 1
        and parts[last].strip()
        and last < len(separators)
        and separators[last - 1] == separators[last]
        and len(parts[last].split()) <= _SECTION_WORDS
    ):
        parts, last = parts[:-1], last - 1
    return [p for p in parts if p.strip()]


def _spells(label: str, name: str) -> bool:
    """Whether a host's label is a name written out, each word's start in turn ("nytimes" of "The New
    York Times", "latimes" of "Los Angeles Times", "scmp" of "South China Morning Post")."""
    words = [w for w in re.findall(r"[^\W_]+", name.casefold()) if w not in _ARTICLES]
    if not 2 <= len(words) <= _SITE_WORDS or len(label) < 3:
        return False
    return _starts_in_turn(label, tuple(words))


def _a_name_of(part: str, names: list[str], labels: list[str], slack: int) -> bool:
    """Whether a part of a title is the site's name: a name (with ``slack`` characters more), one a
    host's label spells, or one whose words a hyphenated label starts."""
    folded = _fold(part)
    if any(_names_site(folded, name, slack) or _spells(name, part) for name in names):
        return True
    return any(_words_of_host(label, part) for label in labels)


def _words_of_host(label: str, part: str) -> bool:
    """Whether a title's first part is the name a host's hyphenated label abbreviates: each of the
    label's words starts one of the part's, in turn, with a word or two more between them
    ("CDU-Fraktion im Erfurter Stadtrat" of cdu-fraktion-erfurt.de)."""
    wanted = label.casefold().split("-")
    words = re.findall(r"[^\W_]+", part.casefold())
    if len(wanted) < 2 or any(not w for w in wanted) or len(words) > len(wanted) + _HOST_SLACK_WORDS:
        return False
    found = iter(words)
    return all(any(word.startswith(w) for word in found) for w in wanted)


_HOST_SLACK_WORDS = 2  # words of a site's name a host leaves out ("im", "Stadtrat")


def _starts_in_turn(label: str, words: tuple[str, ...]) -> bool:
    """Whether ``label`` is the start of each word in turn, one letter of each at least."""
    if not words:
        return not label
    first, rest = words[0], words[1:]
    common = 0
    while common < min(len(first), len(label)) and first[common] == label[common]:
        common += 1
    return any(_starts_in_turn(label[taken:], rest) for taken in range(common, 0, -1))


_ARTICLES = frozenset(["the"])  # "The Wall Street Journal" is "wsj"


def _names_site(part: str, name: str, slack: int) -> bool:
    """Whether a folded part of a title is the site's name: the name with at most ``slack`` more, or in it
    as its start or half of it at least ("heise" of "heiseonline"; a word the name ends with is the
    title's own: "Report: …" on greencarreports.com)."""
    within = part in name and (name.startswith(part) or 2 * len(part) >= len(name))
    return bool(name) and ((name in part and len(part) <= len(name) + slack) or within)


def _rejoin(title: str, parts: list[str]) -> str:
    """The span of the original title that the kept parts cover, separators inside it kept."""
    if not parts:
        return title
    start = title.find(parts[0])
    stop = title.rfind(parts[-1]) + len(parts[-1])
    return squash(title[start:stop]) if 0 <= start < stop else squash(" ".join(parts))


@dataclass(frozen=True, slots=True)
class _Heading:
    """One of a page's <h1>s: its text, where it is, and whether it is a link to another page or to
    this one."""

    text: str
    node: lxml.html.HtmlElement
    elsewhere: bool  # a logo, a section's name or a promo for another article names that page
    here: bool  # a blog's post title links to its own page (a link to the home page is a logo's)


def _headings(doc: lxml.html.HtmlElement, url: str, own: set[str]) -> list[_Heading]:
    """The page's <h1>s, those of its article (or main part) first, each text once (``own``: _own_paths)."""
    found: dict[str, _Heading] = {}
    # ... and a heading of another rank the page marks as the headline (<h2 itemprop="headline">, where
    # its <h1>s are the breadcrumb's and the cards' of other stories)
    for query in ("//article//h1", "//main//h1", "//h1", "//*[self::h2 or self::h3][@itemprop='headline']"):
        for node in doc.xpath(f"{query}[not({_IN_BREADCRUMB})]"):
            text = clipped(_headline_text(node), MAX_TITLE)
            # ... the one the page marks its headline, where a visually hidden <h1> says it first
            # (ZDF: "<h1 class=visuallyhidden>" for screen readers, then its "big-headline")
            again = text in found and _marked(node) and not _marked(found[text].node)
            if len(text) > 3 and (text not in found or again) and not _is_kicker(node):
                paths = _linked_paths(node, text, url)
                found[text] = _Heading(text, node, bool(paths - own), bool((paths & own) - {""}))
            if len(found) == _MAX_HEADINGS:
                return list(found.values())
    return list(found.values())


# The breadcrumb's last item, the page's name, set as an <h1> for search engines ("Home / Liebe /
# <h1>Ikigai macht dich glücklich!</h1>"): the headline the reader sees is shown elsewhere, bigger.
_LOWERED = "translate({}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
_IN_BREADCRUMB = (
    f"ancestor::*[contains({_LOWERED.format('@class')}, 'breadcrumb')"
    f" or contains({_LOWERED.format('@id')}, 'breadcrumb')"
    f" or contains({_LOWERED.format('@aria-label')}, 'breadcrumb')"
    " or contains(@itemtype, 'BreadcrumbList')]"
)


# A label set inside the headline's own element, before or after it, or an <h1> of its own: a
# newsroom's kicker ("KNOWHOW", "Exclusive"), by the names newsrooms give it (the German "Dachzeile",
# "Spitzmarke", "Topline" and "Subline", the French "surtitre", the Spanish "antetítulo", the Italian
# "occhiello").
_KICKER = re.compile(
    r"(?i)kicker|eyebrow|pre-?title|super-?title|over-?line|top-?line|roof-?line|sub-?line|dachzeile"
    "|spitzmarke|surtitre|antetitulo|occhiello"
)


def _headline_text(node: lxml.html.HtmlElement) -> str:
    """An <h1>'s text as its headline: the part it marks itemprop="headline" if it marks one, else its
    text without the kicker set inside it ("<h1><span class=pretitle>KNOWHOW</span> Wie …</h1>")."""
    marked = node.find(".//*[@itemprop='headline']")
    own = shown_block_text(marked) if marked is not None else ""
    if own:
        return own
    if not any(_is_kicker(child) for child in node.iterdescendants()):
        return shown_block_text(node)
    bare = copy.deepcopy(node)
    for child in [c for c in bare.iterdescendants() if _is_kicker(c)]:
        if child.getparent() is not None:
            child.drop_tree()  # its tail, the headline's next words, stays
    return shown_block_text(bare) or shown_block_text(node)


def _is_kicker(node: lxml.html.HtmlElement) -> bool:
    return isinstance(node.tag, str) and bool(_KICKER.search(f"{node.get('class', '')} {node.get('id', '')}"))


def _linked_paths(node: lxml.html.HtmlElement, text: str, url: str) -> set[str]:
    """The paths of the links that hold an <h1>'s whole text ("" the home page's), "\\x00" for one
    that cannot be read."""
    folded = _fold(text)
    paths = set()
    for link in node.xpath(".//a[@href] | ancestor::a[@href]"):
        if _fold(shown_block_text(link)) != folded:  # read as the heading's text is, hidden words aside
            continue
        try:
            paths.add(urlsplit(urljoin(url, str(link.get("href")).strip())).path.rstrip("/"))
        except ValueError:  # a malformed IPv6 host: no page of this site
            paths.add("\x00")
    return paths


def _links_elsewhere(node: lxml.html.HtmlElement, text: str, url: str, own: set[str]) -> bool:
    """Whether an <h1>'s whole text is a link to a page other than this one (known by the ``own`` paths)."""
    return bool(_linked_paths(node, text, url) - own)


def article_from_page(page: PageInfo, url: str, title: str = "") -> Article:
    """An article made from its page alone (what `digest teaser` looks at)."""
    return Article(
        url=canonical_url(page.canonical or url),
        title=title or page.title or url,
        published=datetime.now(UTC),
        source=url,
        section=page.section,
        author=page.author,
        summary=page.description,
        paragraphs=page.paragraphs,
        image_url=page.image_url,
        image_alt=page.image_alt,
        image_caption=page.image_caption,
        image_credit=page.image_credit,
    )
