"""What a feed entry offers as its image: Media RSS, enclosures, the content's first <img>.

feedparser flattens Media RSS and loses which media:credit and media:description belong to which
image, so one small pass over the feed's XML recovers them; the widest image wins, by its declared
width, else by the size its URL asks for, and a thumbnail only when it is declared wider.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from digest.collect.canonical import file_name
from digest.collect.images import MIN_SIDE, split_credit
from digest.collect.text import plain_text, squash

_MRSS = ("http://search.yahoo.com/mrss/", "http://search.yahoo.com/mrss")


@dataclass(frozen=True, slots=True)
class Media:
    """What feedparser loses of an entry's Media RSS: which credit and description go with which image."""

    credits: dict[str, str] = field(default_factory=dict)  # image URL → its media:credit
    alts: dict[str, str] = field(default_factory=dict)  # image URL → its media:description or title
    credit: str = ""  # the entry's own media:credit
    alt: str = ""
    descriptions: frozenset[str] = frozenset()  # feedparser files these under the entry's content
    # The entry's content or description as the feed wrote it: feedparser's sanitizer drops srcset
    # and data-src, which are where a WordPress feed's large and lazy-loaded images are.
    content: str = ""


@dataclass(frozen=True, slots=True)
class FeedImage:
    url: str
    width: int  # declared, else read from the URL; 0 when unknown
    thumbnail: bool
    alt: str = ""
    credit: str = ""


def lead_image(entry: Any, page_url: str, media: Media) -> FeedImage | None:
    """The largest image the entry offers, preferring full images to thumbnails; never an icon.

    An image known to be narrower than MIN_SIDE (a commit feed's 30 px avatar, Blogger's 72 px
    thumbnail) is an icon, not a picture of the item: shown at a teaser's width it is a blur.
    """
    offered = (i for i in _offered_images(entry, page_url, media) if is_web(i.url))
    images = [i for i in offered if not 0 < i.width < MIN_SIDE]
    if not images:
        return None
    full = [i for i in images if not i.thumbnail] or images
    best = max(full, key=lambda i: i.width)  # max keeps the first of equals: the feed's own order
    # A thumbnail wins only by a declared size: an image of unknown size is presumed the full one.
    bigger = [i for i in images if i.thumbnail and best.width and i.width > best.width]
    return _described_as_offered(max(bigger, key=lambda i: i.width) if bigger else best, images)


def _described_as_offered(chosen: FeedImage, images: list[FeedImage]) -> FeedImage:
    """The chosen image with the alt and credit another offer of the same picture gives it.

    A feed offers one picture several times, at addresses that differ in their size or crop but not in
    the file's name (an enclosure, and the content's <img> under its caption): the caption's alt and
    credit describe the enclosure's picture too.
    """
    name = file_name(chosen.url)
    same = [i for i in images if i is not chosen and name and file_name(i.url) == name]
    alt = chosen.alt or next((i.alt for i in same if i.alt), "")
    credit = chosen.credit or next((i.credit for i in same if i.credit), "")
    return replace(chosen, alt=alt, credit=credit)


def _offered_images(entry: Any, page_url: str, media: Media) -> Iterator[FeedImage]:
    fallback_credit = media.credit or _feedparser_credit(entry)
    for kind, items in (("content", entry.get("media_content")), ("thumbnail", entry.get("media_thumbnail"))):
        for item in items or []:
            raw = str(item.get("url") or "")
            if raw and _is_image(item.get("medium"), item.get("type"), raw):
                yield _image(
                    urljoin(page_url, raw), item.get("width"), kind == "thumbnail",
                    media.alts.get(raw, media.alt), media.credits.get(raw, fallback_credit),
                )  # fmt: skip
    for link in entry.get("links") or []:
        is_image = str(link.get("type", "")).startswith("image/")
        if link.get("rel") == "enclosure" and is_image and link.get("href"):
            yield _image(urljoin(page_url, str(link["href"])), None, False, media.alt, fallback_credit)
    episode = entry.get("image")  # a podcast episode's own itunes:image (the show's cover is the feed's)
    href = episode.get("href") if isinstance(episode, dict) else None
    if isinstance(href, str) and href.strip():
        yield _image(urljoin(page_url, href.strip()), None, False, media.alt, fallback_credit)
    html = media.content or entry_content(entry, media) or str(entry.get("summary", ""))
    first = _first_img(html, _content_base(entry, page_url))
    if first:
        yield first


def _content_base(entry: Any, page_url: str) -> str:
    """What the addresses in an entry's content are relative to: its xml:base (Atom), else its page."""
    for detail in [*(entry.get("content") or [])[:1], entry.get("summary_detail")]:
        base = detail.get("base") if isinstance(detail, dict) else None
        if isinstance(base, str) and is_web(base):
            return base
    return page_url


def _feedparser_credit(entry: Any) -> str:
    credits = [c.get("content", "") for c in entry.get("media_credit") or [] if isinstance(c, dict)]
    return squash(credits[0]) if credits else ""


_NOT_IMAGE = re.compile(r"\.(?:mp3|mp4|m4a|m4v|mov|webm|ogg|ogv|wav|pdf|swf|flv)$", re.IGNORECASE)


def _is_image(medium: object, kind: object, url: str) -> bool:
    if medium and medium != "image":
        return False
    if kind and not str(kind).startswith("image/"):
        return False
    return not _NOT_IMAGE.search(urlsplit(url).path)


def _image(url: str, declared: object, thumbnail: bool, alt: str = "", credit: str = "") -> FeedImage:
    hinted, looks_small = size_hint(url)
    return FeedImage(url, _int(declared) or hinted, thumbnail or looks_small, alt, credit)


def _int(value: object) -> int:
    match = re.match(r"\s*(\d{1,5})(?:px)?\s*$", str(value or ""))
    return int(match.group(1)) if match else 0


# Pixels and share buttons that are images too: feedburner's, WordPress's, 1x1 trackers.
_PIXEL = re.compile(r"feeds\.feedburner\.com/~|/~(?:r|ff|a)/|pixel\.wp\.com|stats\.wordpress\.com", re.I)


def _first_img(fragment: str, page_url: str) -> FeedImage | None:
    """The first real <img> of the entry's HTML, at its largest srcset size when it has one."""
    if "<img" not in fragment.lower():
        return None
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return None
    for img in root.iter("img"):
        src = _source(img)
        wide, wide_url = _widest_source(img.get("data-srcset") or img.get("srcset") or "")
        if not (src or wide_url) or _is_pixel(img, src):
            continue
        caption, credit = split_credit(_caption(img))
        alt = squash(img.get("alt") or "") or caption
        if wide > _int(img.get("width")) and is_web(urljoin(page_url, wide_url)):
            return _image(urljoin(page_url, wide_url), wide, False, alt, credit)
        return _image(urljoin(page_url, src), img.get("width"), False, alt, credit)
    return None


# WordPress's classic captions: <div class="wp-caption"><img><p class="wp-caption-text">…</p></div>.
_CAPTION_BOX = re.compile(r"\bwp-caption\b")
_CAPTION_TEXT = re.compile(r"\bwp-caption-text\b")


# How far up from an <img> its <figure> may be: a newsletter platform nests it in a link, a box and a
# <picture> (figure > a > div > picture > img).
_CAPTION_DEPTH = 5


def _caption(img: Any) -> str:
    """The caption of a content <img>: its <figure>'s <figcaption>, or the WordPress caption around it."""
    for holder, _ in zip(img.iterancestors(), range(_CAPTION_DEPTH), strict=False):
        if holder.tag == "figure":
            found = next(holder.iter("figcaption"), None)
        elif _CAPTION_BOX.search(holder.get("class") or ""):
            found = next((e for e in holder.iter() if _CAPTION_TEXT.search(e.get("class") or "")), None)
        else:
            continue
        return squash(found.text_content()) if found is not None else ""
    return ""


def _is_pixel(img: Any, src: str) -> bool:
    """A tracker or a share button: feedburner's or WordPress's, or an image one pixel wide or high."""
    return bool(_PIXEL.search(src)) or _int(img.get("width")) == 1 or _int(img.get("height")) == 1


def _source(img: Any) -> str:
    """An <img>'s address: a lazy-loading attribute's before src, which then holds a placeholder."""
    for attr in ("data-src", "data-lazy-src", "data-original", "src"):
        value = str(img.get(attr) or "").strip()
        if value and not value.startswith("data:"):
            return value
    return ""


def _widest_source(srcset: str) -> tuple[int, str]:
    """The widest candidate of a srcset ("a.jpg 480w, b.jpg 1024w")."""
    found = [(int(w), u) for u, w in re.findall(r"(\S+)\s+(\d{1,5})w\b", srcset)]
    return max(found, default=(0, ""))


# Widths that image services and CMSs write into their URLs, most specific first.
_SIZE_HINTS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # ?w=140, ?resize=1024,683 (Photon), an avatar's ?s=30
        r"[?&](?:w|width|imwidth|resize|fit|sz|s|size)=(\d{2,5})\b",
        r"[-_](\d{2,5})x\d{2,5}\.\w{3,4}$",  # WordPress: photo-140x93.jpg
        r"/(\d{2,5})x\d{2,5}/",  # /1024x683/
        r"[/,]w_(\d{2,5})[,/]",  # Cloudinary: /w_1024/
        r"/(\d{2,5})px-[^/]+$",  # Wikimedia: /thumb/…/220px-Name.jpg
        r"_(\d{3,4})\.\w{3,4}$",  # Tumblr, Flickr-like: photo_1280.jpg
        r"/(?:width|w)/(\d{2,5})/",  # /width/800/
        r"/s(\d{2,4})(?:-c)?/|=[sw](\d{2,4})\b",  # Blogger, Google: /s1600/, /s72-c/, =s640, =w1200
        r"/(?<!\d/)(\d{2,4})/(?!\d+/)",  # BBC: /news/976/cpsprodpb/… (not /2018/01/ dates)
    )
)
_THUMBNAIL_HINT = re.compile(r"/thumbs?/|/thumbnails?/|[-_.]thumb(?:nail)?s?\b|/small/|/tiny/", re.I)


def size_hint(url: str) -> tuple[int, bool]:
    """The image width its URL declares (0 when none), and whether the URL names a thumbnail."""
    width = 0
    for pattern in _SIZE_HINTS:
        match = pattern.search(url)
        found = int(next((g for g in match.groups() if g), "0")) if match else 0
        if 16 <= found <= 8000:
            width = found
            break
    return width, bool(_THUMBNAIL_HINT.search(urlsplit(url).path))


# ---------------------------------------------------------------------------------- Media RSS


def media_details(body: bytes, count: int) -> list[Media]:
    """Each entry's Media RSS credits and descriptions, read again with lxml (by document order)."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError:
        root = None
    items = [] if root is None else [e for e in root.iter() if _local(e) in ("item", "entry")]
    if len(items) != count:  # recovered differently from feedparser: entries cannot be paired
        return [Media()] * count
    return [_media_of(item) for item in items]


def _local(element: Any) -> str:
    return qualified_name(element)[1]


def qualified_name(element: Any) -> tuple[str, str]:
    """An element's namespace and local name ("", "" for a comment or processing instruction).

    Read from the tag itself, not with etree.QName: a recovering parser keeps tag names that QName
    refuses ("Rdf:li"), and one odd element must not cost the whole feed.
    """
    tag = element.tag
    if not isinstance(tag, str):
        return "", ""
    namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return namespace, local


def _media_children(element: Any, name: str) -> list[Any]:
    return [child for child in element if _is_media(child, name)]


def _media_text(element: Any, name: str) -> str:
    found = _media_children(element, name)
    return squash(plain_text(found[0].text or "")) if found else ""


def _media_of(item: Any) -> Media:
    credits, alts = {}, {}
    groups = [item, *_media_children(item, "group")]
    for holder in groups:
        for media in _media_children(holder, "content") + _media_children(holder, "thumbnail"):
            url = str(media.get("url") or "")
            credit, alt = (
                _media_text(media, "credit") or _media_text(holder, "credit"),
                _alt(media) or _alt(holder),
            )
            if credit:
                credits[url] = credit
            if alt:
                alts[url] = alt
    descriptions = {squash(plain_text(e.text or "")) for e in item.iter() if _is_media(e, "description")}
    return Media(
        credits, alts, _media_text(item, "credit"), _alt(item), frozenset(descriptions), _raw_content(item)
    )


# Where an item's HTML is, in the order feedparser takes it: content:encoded or Atom content, then
# the description or Atom summary.
_CONTENT_NAMES = (
    ("http://purl.org/rss/1.0/modules/content/", "encoded"),
    ("http://www.w3.org/2005/Atom", "content"),
    ("", "description"),
    ("http://purl.org/rss/1.0/", "description"),
    ("http://www.w3.org/2005/Atom", "summary"),
)


def _raw_content(item: Any) -> str:
    """The item's content as the feed wrote it: escaped HTML or CDATA as text, XHTML as markup."""
    children = {qualified_name(child): child for child in reversed(item)}  # the first of each name
    for name in _CONTENT_NAMES:
        element = children.get(name)
        if element is None:
            continue
        if len(element):  # Atom's type="xhtml", or HTML a feed left unescaped
            markup = (etree.tostring(child, encoding="unicode", with_tail=True) for child in element)
            return str(element.text or "") + "".join(markup)
        if element.text and element.text.strip():
            return str(element.text)
    return ""


def _alt(element: Any) -> str:
    """An image's alt from its media:description, unless that describes more than a picture; else its title.

    A video site's media:description is the video's whole description (links, "Subscribe to our
    channel"): as an alt, a screen reader would read all of it out for one picture.
    """
    described = _media_text(element, "description")
    if described and len(described) <= MAX_ALT and not _URL_IN_TEXT.search(described):
        return described
    return _media_text(element, "title")


MAX_ALT = 250  # characters: past this an alt is a text of its own (alt text guidance: about 125)
_URL_IN_TEXT = re.compile(r"https?://", re.IGNORECASE)


def _is_media(element: Any, name: str) -> bool:
    namespace, local = qualified_name(element)
    return namespace in _MRSS and local == name


def is_web(url: str) -> bool:
    """A web address: http or https, with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:  # a malformed IPv6 host ("https://[::1")
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def entry_content(entry: Any, media: Media) -> str:
    """The entry's full content (content:encoded, Atom content) when the feed carries it."""
    return entry_content_typed(entry, media)[0]


def entry_content_typed(entry: Any, media: Media) -> tuple[str, str]:
    """The entry's full content and its type ("text/html", or "text/plain" for Atom's type="text")."""
    for content in entry.get("content") or []:
        value = content.get("value") if isinstance(content, dict) else None
        # feedparser files an item's media:description under content too; that is an image's text.
        if value and squash(plain_text(str(value))) not in media.descriptions:
            return str(value), str(content.get("type") or "text/html")
    return "", ""
