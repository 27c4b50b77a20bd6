"""Read a sitemap.xml as a source: each <url> is an article, dated and titled by its Google News tags.

Many sites publish a news sitemap (``news:title``, ``news:publication_date``) and no feed worth the
name; a plain sitemap gives ``lastmod`` only, and the article page (``pages = true``) gives the rest.
The XML is parsed without entities, DTDs or network access, like a feed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree

from digest.collect.canonical import canonical_url
from digest.collect.feed_media import is_web, qualified_name
from digest.collect.feeds import FeedReport
from digest.collect.fetch import Fetched
from digest.collect.text import plain_text, squash
from digest.errors import SourceError
from digest.models import Article, Skipped

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
)


def read_sitemap(fetched: Fetched, source: str, now: datetime) -> FeedReport:
    """The sitemap's pages as articles; entries without a web address are left out with the reason."""
    try:
        root = etree.fromstring(fetched.body, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise SourceError(source, f"is not a sitemap (malformed XML: {exc})") from None
    kind = qualified_name(root)[1]
    if kind == "sitemapindex":
        raise SourceError(source, "is a sitemap index", "add the sitemaps it lists as sources, one each")
    if kind != "urlset":
        raise SourceError(source, f"is not a sitemap (its root element is <{kind}>, not <urlset>)")
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for entry in root.iterchildren("{*}url"):
        try:
            found: Article | Skipped = _article(entry, fetched.url, source, now)
        except ValueError as exc:  # a port out of range, a bad IPv6 host: this entry only
            found = Skipped(_text(entry, "loc"), "", f"the address is malformed ({exc})")
        (articles if isinstance(found, Article) else skipped).append(found)  # type: ignore[arg-type]
    return FeedReport(tuple(articles), tuple(skipped))


def _article(entry: etree._Element, base: str, source: str, now: datetime) -> Article | Skipped:
    link = _text(entry, "loc")
    title = squash(plain_text(_text(entry, "news", "title")))
    url = canonical_url(urljoin(base, link)) if link else ""
    if urlsplit(url).scheme not in ("http", "https"):
        return Skipped(link, title, "no web address (its <loc> is not an http or https URL)")
    published = _moment(_text(entry, "news", "publication_date") or _text(entry, "lastmod"))
    image = _text(entry, "image", "loc")
    return Article(
        url=url,
        title=title or url,
        published=published or now,
        dated=published is not None,
        source=source,
        image_url=_image(url, image),
    )


def _image(page: str, image: str) -> str:
    """The entry's image as an absolute web address; none when it gives none (never the page itself)."""
    absolute = urljoin(page, image) if image else ""
    return absolute if is_web(absolute) else ""


def _text(entry: etree._Element, *path: str) -> str:
    """The text at a path of local names (namespaces vary between sitemaps), or ''."""
    node: etree._Element | None = entry
    for name in path:
        node = next(node.iterchildren(f"{{*}}{name}"), None) if node is not None else None
    return (node.text or "").strip() if node is not None else ""


def _moment(text: str) -> datetime | None:
    """A W3C datetime ("2026-11-30", "2026-11-30T08:00:00Z"); a date alone is midnight UTC."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
