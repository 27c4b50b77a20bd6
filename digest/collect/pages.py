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
    """The article's headline: the page's <h1> when the title holds it, else the title without the site."""
    declared = meta_content(doc, "og:title") or squash(doc.findtext(".//title") or "")
    heading, site = _first_heading(doc), meta_content(doc, "og:site_name")
    parts = _TITLE_SEPARATORS.split(declared)
    if heading and len(parts) > 1 and _fold(heading) == _fold(parts[-1]):
        heading, site = "", site or heading  # the <h1> is the site's name in its logo
    if heading and _fold(heading) != _fold(declared) and _fold(heading) in _fold(declared):
        return heading
    return without_site_name(declared, site, url) or heading


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


def _first_heading(doc: lxml.html.HtmlElement) -> str:
    for query in ("//article//h1", "//main//h1", "//h1"):
        for node in doc.xpath(query):
            text = squash(node.text_content())
            if len(text) > 3:
                return text
    return ""


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
