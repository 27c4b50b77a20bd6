"""Extract what a teaser needs from an article page: paragraphs, lead image, credit, section."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urljoin

import lxml.html

from digest.collect.canonical import canonical_url
from digest.collect.extract import body_paragraphs, parse_html, strip_furniture
from digest.collect.text import squash
from digest.models import Article

# Some sites print the bare word before the name: "Credit Jane Doe/Agency".
_CREDIT_WORD = re.compile(r"^credits?\b\s*:?\s*", re.IGNORECASE)
_IMAGE_BOX = re.compile(r"caption|figure|photo|image|media|gallery", re.IGNORECASE)
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
    doc = parse_html(html)
    if doc is None:
        return PageInfo()
    image_url, image_alt = _lead_image(doc, url)
    caption, credit = _caption_and_credit(doc)
    info = PageInfo(
        canonical=_link(doc, "canonical", url),
        title=_meta(doc, "og:title") or squash(doc.findtext(".//title") or ""),
        author=_meta(doc, "author"),
        section=_meta(doc, "article:section"),
        image_url=image_url,
        image_alt=image_alt,
        image_caption=caption,
        image_credit=credit,
        description=_meta(doc, "og:description") or _meta(doc, "description"),
    )
    strip_furniture(doc)  # after the image, caption and credit were read from the full page
    return replace(info, paragraphs=body_paragraphs(doc, url))


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
    """The lead figure's caption and credit, from the figcaption or a credit line near the image."""
    caption = credit = ""
    figures = doc.xpath("//article//figure") or doc.xpath("//figure")
    figcaption = figures[0].find(".//figcaption") if figures else None
    if figcaption is not None:
        credit = _credit_in(figcaption)
        caption = _text_of_class(figcaption, "caption") or squash(figcaption.text_content())
        if credit and caption.endswith(credit):
            caption = caption[: -len(credit)].strip()
    if not credit:
        credit = next(_credit_lines(doc), "")
    return caption, _CREDIT_WORD.sub("", credit)


def _credit_in(figcaption: lxml.html.HtmlElement) -> str:
    holders = figcaption.xpath(".//*[@itemprop='copyrightHolder']")
    return squash(holders[0].text_content()) if holders else _text_of_class(figcaption, "credit")


def _credit_lines(doc: lxml.html.HtmlElement) -> Iterator[str]:
    """Lines in the article that read as a credit, or are marked as one right beside an image."""
    for node in doc.xpath("//article//*[contains(@class, 'credit')] | //article//p"):
        text = squash(node.text_content())
        if _CREDIT_TEXT.match(text) or ("credit" in (node.get("class") or "") and _beside_image(node)):
            yield text


def _beside_image(node: lxml.html.HtmlElement) -> bool:
    """In a caption or an image's box, or right after the image (ad widgets have "credits" too)."""
    before, parent = node.getprevious(), node.getparent()
    if before is not None and (before.tag == "img" or before.find(".//img") is not None):
        return True
    boxes = [parent, *node.iterancestors()][:3] if parent is not None else []
    return any(box.find("img") is not None or _IMAGE_BOX.search(box.get("class", "")) for box in boxes)


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
