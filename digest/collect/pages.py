"""Extract what a teaser needs from an article page: paragraphs, lead image, credit, section."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

import lxml.html
import trafilatura
from lxml.etree import ParserError

from digest.collect.canonical import canonical_url
from digest.collect.text import squash
from digest.models import Article

_CREDIT_TEXT = re.compile(
    r"^(?:top\s+)?(?:image|photo|picture|illustration)?\s*(?:credit|photograph|photo)s?\s*:",
    re.IGNORECASE,
)


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
    try:
        doc = lxml.html.document_fromstring(html)
    except (ParserError, ValueError):
        return PageInfo()
    image_url, image_alt = _lead_image(doc, url)
    caption, credit = _caption_and_credit(doc)
    return PageInfo(
        canonical=_link(doc, "canonical", url),
        title=_meta(doc, "og:title"),
        author=_meta(doc, "author"),
        section=_meta(doc, "article:section"),
        paragraphs=_paragraphs(html, url),
        image_url=image_url,
        image_alt=image_alt,
        image_caption=caption,
        image_credit=credit,
        description=_meta(doc, "og:description") or _meta(doc, "description"),
    )


def _paragraphs(html: bytes | str, url: str) -> tuple[str, ...]:
    """The article body's paragraphs, as trafilatura separates them from page furniture."""
    document = trafilatura.bare_extraction(
        html, url=url, include_comments=False, include_tables=False, favor_recall=True
    )
    body = getattr(document, "body", None)
    if body is None:
        return ()
    texts = (squash("".join(p.itertext())) for p in body.iter("p"))
    return tuple(text for text in texts if text)


def _meta(doc: lxml.html.HtmlElement, name: str) -> str:
    for attr in ("property", "name"):
        for node in doc.xpath(f"//meta[@{attr}=$name]", name=name):
            content = squash(node.get("content", ""))
            if content:
                return content
    return ""


def _link(doc: lxml.html.HtmlElement, rel: str, base: str) -> str:
    for node in doc.xpath("//link[@rel=$rel][@href]", rel=rel):
        return urljoin(base, str(node.get("href")).strip())
    return ""


def _lead_image(doc: lxml.html.HtmlElement, url: str) -> tuple[str, str]:
    """og:image first, else the first real image in the article (lazy-loading resolved)."""
    scope = doc.xpath("//article") or [doc]
    images = scope[0].xpath(".//img")
    alt = squash(images[0].get("alt", "")) if images else ""
    og = _meta(doc, "og:image")
    if og:
        return urljoin(url, og), alt
    for img in images:
        src = _image_source(img)
        if src:
            return urljoin(url, src), squash(img.get("alt", ""))
    return "", ""


def _image_source(img: lxml.html.HtmlElement) -> str:
    for attr in ("data-src", "data-lazy-src", "data-original", "src"):
        value = (img.get(attr) or "").strip()
        if value and not value.startswith("data:"):
            return value
    srcset = (img.get("data-srcset") or img.get("srcset") or "").strip()
    return srcset.split(",")[0].split()[0] if srcset else ""


def _caption_and_credit(doc: lxml.html.HtmlElement) -> tuple[str, str]:
    """The lead figure's caption and credit, from the figcaption or a credit line near it."""
    caption = credit = ""
    figures = doc.xpath("//article//figure") or doc.xpath("//figure")
    if figures:
        figcaption = figures[0].find(".//figcaption")
        if figcaption is not None:
            credit = _text_of_class(figcaption, "credit")
            caption = _text_of_class(figcaption, "caption") or squash(figcaption.text_content())
            if credit and caption.endswith(credit):
                caption = caption[: -len(credit)].strip()
    if not credit:
        for node in doc.xpath("//article//*[contains(@class, 'credit')] | //article//p"):
            text = squash(node.text_content())
            if _CREDIT_TEXT.match(text) or "credit" in (node.get("class") or ""):
                credit = text
                break
    return caption, credit


def _text_of_class(node: lxml.html.HtmlElement, name: str) -> str:
    found = node.xpath(".//*[contains(concat(' ', normalize-space(@class), ' '), $c)]", c=f" {name} ")
    return squash(found[0].text_content()) if found else ""


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
