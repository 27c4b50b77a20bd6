"""Extract what a teaser needs from an article page: paragraphs, lead image, credit, section."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import lxml.html

from digest.collect.canonical import canonical_url, is_web_url
from digest.collect.extract import body_paragraphs, meta_content, parse_html, strip_furniture
from digest.collect.images import LeadImage, lead_image
from digest.collect.text import squash
from digest.models import Article

# Between a headline and the site's name in a <title>: " | ", " - ", " — ", a full-width bar, ":", "_".
_TITLE_SEPARATORS = re.compile(
    r"\s+[|\-\u2013\u2014:\u00b7]{1,2}\s+|\s*[\uff5c|_]\s*|(?<=[^\x00-\x7f]):|(?<=\w):\s+"
)
_HOST_NOISE = frozenset(["www", "com", "co", "net", "org", "news", "html", "jp", "uk", "de", "fr", "info"])


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


def extract_page(html: bytes | str, url: str) -> PageInfo:
    """Read one article page; an empty or unparsable page gives an empty PageInfo."""
    doc = parse_html(html)
    if doc is None:
        return PageInfo()
    image = _lead_image(doc, url)
    info = PageInfo(
        canonical=_link(doc, "canonical", url),
        title=headline(doc, url),
        author=meta_content(doc, "author"),
        section=meta_content(doc, "article:section"),
        image_url=image.url,
        image_alt=image.alt,
        image_caption=image.caption,
        image_credit=image.credit,
        description=meta_content(doc, "og:description") or meta_content(doc, "description"),
    )
    strip_furniture(doc)  # after the image, caption and credit were read from the full page
    return replace(info, paragraphs=body_paragraphs(doc, url))


def _lead_image(doc: lxml.html.HtmlElement, url: str) -> LeadImage:
    """The lead image when its address is a well-formed web address; no image otherwise."""
    try:
        image = lead_image(doc, url)
    except ValueError:  # an image address that cannot even be joined to the page's (a bad IPv6 host)
        return LeadImage()
    return image if is_web_url(image.url) else LeadImage()


def _link(doc: lxml.html.HtmlElement, rel: str, base: str) -> str:
    """The page's link of a kind, when it is a well-formed web address (never javascript: or data:)."""
    for node in doc.xpath("//link[@rel=$rel][@href]", rel=rel):
        try:
            url = urljoin(base, str(node.get("href")).strip())
        except ValueError:  # a malformed IPv6 host
            return ""
        return url if is_web_url(url) else ""
    return ""


def headline(doc: lxml.html.HtmlElement, url: str) -> str:
    """The article's headline: the page's own <h1> when it is about what its titles say, else the title.

    og:title and <title> are often written for search and sharing ("It's been a rough few months for
    Elon Musk's SpaceX"), while the page shows its reader another headline ("What's the Hold-Up at
    SpaceX?"): the teaser keeps the one the reader sees on arriving. An <h1> counts as the headline
    when it is one of the titles, lies inside one, or shares most of its words with one — never when
    it is the site's name (a logo) — so a section heading or a promo <h1> is never taken.
    """
    social = meta_content(doc, "og:title")
    plain = squash(doc.findtext(".//title") or "")
    declared = social or plain
    site = meta_content(doc, "og:site_name")
    names = _site_names(site, url)
    titles = [t for t in (social, plain) if t]
    for heading in _headings(doc):
        if _is_site(heading, names, declared):
            site = site or heading  # the <h1> is the site's name in its logo
            continue
        if any(_about(heading, title) for title in titles):
            return heading
    return without_site_name(declared, site, url) or next(iter(_headings(doc)), "")


def _site_names(site: str, url: str) -> set[str]:
    """The site's name folded, and its host's telling labels ("salon" of www.salon.com)."""
    host = urlsplit(url).hostname or ""
    labels = {label for label in host.split(".") if label not in _HOST_NOISE and len(label) > 2}
    return {_fold(site)} - {""} | labels


def _is_site(heading: str, names: set[str], title: str) -> bool:
    """Whether an <h1> names the site: its name, a host label (give or take a word), the title's last part."""
    folded = _fold(heading)
    if any(n and n in folded and len(folded) <= len(n) + 4 for n in names):
        return True
    parts = _TITLE_SEPARATORS.split(title)
    return len(parts) > 1 and folded == _fold(parts[-1])


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


def without_site_name(title: str, site: str, url: str) -> str:
    """A title without the site's name before or after it ("Headline | Site", "Site - Headline")."""
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    if len(parts) < 2:
        return title
    host = urlsplit(url).hostname or ""
    names = [_fold(site)] if site else []
    names += [label for label in host.split(".") if label not in _HOST_NOISE and len(label) > 2]
    for end in (-1, 0):
        folded = _fold(parts[end])
        if any(name and (name in folded or folded in name) for name in names):
            rest = parts[:-1] if end == -1 else parts[1:]
            return _rejoin(title, rest)
    return title


def _rejoin(title: str, parts: list[str]) -> str:
    """The span of the original title that the kept parts cover, separators inside it kept."""
    start = title.find(parts[0])
    stop = title.rfind(parts[-1]) + len(parts[-1])
    return squash(title[start:stop]) if 0 <= start < stop else squash(" ".join(parts))


def _headings(doc: lxml.html.HtmlElement) -> list[str]:
    """The page's <h1> texts, those of its article (or main part) first, each once."""
    found: dict[str, None] = {}
    for query in ("//article//h1", "//main//h1", "//h1"):
        for node in doc.xpath(query):
            text = squash(node.text_content())
            if len(text) > 3:
                found.setdefault(text, None)
    return list(found)


def _fold(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


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
