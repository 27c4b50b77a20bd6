"""Build the static demo site of The Meridian, a fictional foreign-affairs magazine.

The script reads ``articles.toml`` next to itself and writes, into an output folder:

* ``articles/<slug>.html`` - one page per article, marked up like a real news site
  (cookie banner, navigation, share buttons, newsletter prompts, related links, ...);
* ``index.html`` - a front page listing the articles, newest first;
* ``feed.xml`` - an RSS 2.0 feed and ``atom.xml`` - an Atom 1.0 feed of all articles;
* ``images/`` - a copy of the committed images, when the output is not ``site/`` itself.

Publication times are computed as ``now - age_hours``, so the output is deterministic
for a given ``now``. Only the standard library is used (Python >= 3.11), so the script
runs before anything is installed::

    python demo/build.py [--out DIR] [--now ISO8601]
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import shutil
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape as xml_escape

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "articles.toml"
DEFAULT_OUT = HERE / "site"
IMAGES = DEFAULT_OUT / "images"

SECTIONS = ("Europe", "Asia", "Africa", "Americas", "Economy")
IMAGE_WIDTH, IMAGE_HEIGHT = 600, 338
PLACEHOLDER_GIF = "data:image/gif;base64,R0lGODlhAQABAAAAACw="
INSERT_KINDS = ("newsletter", "related", "ad")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

COOKIE_BANNER = (
    '<div class="cookie-banner"><p>We use cookies to improve your experience. '
    "By continuing to browse you agree to our use of cookies. "
    '<a href="/privacy">Learn more</a></p></div>'
)
NEWSLETTER_PROMPT = (
    '<aside class="newsletter-prompt"><p>Sign up for The Meridian\'s weekly newsletter '
    "to get our best stories in your inbox every Friday.</p>"
    '<a href="/subscribe">Subscribe</a></aside>'
)
ADVERTISEMENT = '<div class="ad"><p>Advertisement</p></div>'

STYLE = """\
body { margin: 0; font: 18px/1.6 Georgia, serif; color: #1d1d1f; background: #fbfaf7; }
a { color: #14325c; }
.cookie-banner { background: #222; color: #eee; font: 14px sans-serif; padding: 8px 16px; }
.cookie-banner a { color: #f0c36a; }
.site-header { display: flex; align-items: center; gap: 24px; padding: 12px 24px;
  border-bottom: 1px solid #ddd; font-family: sans-serif; }
.site-header ul { display: flex; gap: 16px; list-style: none; margin: 0; padding: 0; }
.subscribe { background: #14325c; color: #fff; padding: 4px 10px; border-radius: 3px; }
main { max-width: 680px; margin: 0 auto; padding: 24px; }
.section-label { font: bold 13px sans-serif; letter-spacing: .08em; margin: 0; }
.section-label a { text-decoration: none; color: #a3341e; }
h1 { font-size: 36px; line-height: 1.2; margin: 8px 0; }
.dek { font-size: 21px; color: #555; margin-top: 0; }
.byline, .dateline, .share { font: 14px sans-serif; margin: 4px 0; }
.share a { margin-right: 8px; }
figure { margin: 20px 0; }
figure img { max-width: 100%; height: auto; display: block; }
figcaption, .credit { font: 13px sans-serif; color: #666; }
.newsletter-prompt, .ad { border: 1px solid #ddd; padding: 12px 16px; margin: 24px 0;
  font: 15px sans-serif; background: #f3f0e8; }
.ad { text-align: center; color: #999; font-size: 11px; text-transform: uppercase; }
.tags { list-style: none; padding: 0; display: flex; gap: 8px; font: 13px sans-serif; }
.author-bio { font-style: italic; color: #555; }
.related-links h2, .latest-heading { font: bold 15px sans-serif; letter-spacing: .1em; }
.latest { list-style: none; padding: 0; }
.latest li { border-bottom: 1px solid #e2e2e2; padding: 16px 0; overflow: hidden; }
.latest img { float: right; margin-left: 16px; width: 200px; height: auto; }
.latest h3 { margin: 4px 0; }
.site-footer { border-top: 1px solid #ddd; padding: 16px 24px; font: 13px sans-serif;
  color: #666; }
.site-footer ul { list-style: none; display: flex; gap: 16px; padding: 0; }
"""


@dataclass(frozen=True)
class Site:
    """Site-wide settings from the ``[site]`` and ``[authors]`` tables."""

    name: str
    base_url: str
    tagline: str
    bios: dict[str, str]

    def url(self, path: str) -> str:
        """Return the absolute URL of a site path such as ``/articles/x.html``."""
        return self.base_url.rstrip("/") + path


@dataclass(frozen=True)
class Insert:
    """A piece of boilerplate placed after body paragraph ``after`` (1-based)."""

    after: int
    kind: str
    slug: str = ""


@dataclass(frozen=True)
class Article:
    """One article, with its publication time already resolved against ``now``."""

    slug: str
    title: str
    dek: str
    section: str
    author: str
    published: dt.datetime
    image: str
    image_alt: str
    caption: str
    credit: str
    tags: tuple[str, ...]
    paragraphs: tuple[str, ...]
    lazy_image: bool = False
    credit_in_body: bool = False
    summary_paragraph: bool = False
    inserts: tuple[Insert, ...] = ()

    @property
    def path(self) -> str:
        """Site path of the article page."""
        return f"/articles/{self.slug}.html"

    @property
    def image_path(self) -> str:
        """Site path of the lead image ("" when the article has none)."""
        return f"/images/{self.image}" if self.image else ""


# --------------------------------------------------------------------------- helpers


def esc(value: str) -> str:
    """Escape text for use in HTML content or a double-quoted attribute.

    Apostrophes are left alone (attributes are always double-quoted), which keeps the
    markup close to what real sites serve.
    """
    return html.escape(value, quote=False).replace('"', "&quot;")


def xesc(value: str) -> str:
    """Escape text for use in XML content or a double-quoted attribute."""
    return xml_escape(value, {'"': "&quot;"})


def slugify(text: str) -> str:
    """Turn a name such as "Public finance" into a URL slug ("public-finance")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in ascii_text.lower()).split()
    return "-".join(words)


def to_utc(moment: dt.datetime) -> dt.datetime:
    """Return ``moment`` in UTC, whole seconds; naive values are taken to be UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def iso(moment: dt.datetime) -> str:
    """Format a UTC datetime as ISO 8601 / RFC 3339, e.g. ``2026-11-25T09:00:00Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def human_date(moment: dt.datetime) -> str:
    """Format a datetime as a reader-facing date, e.g. ``25 November 2026``."""
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


# --------------------------------------------------------------------------- loading


def parse_inserts(raw: Iterable[dict[str, Any]], slug: str) -> tuple[Insert, ...]:
    """Validate and convert the ``inserts`` list of an article's markup table."""
    inserts = []
    for item in raw:
        insert = Insert(int(item["after"]), str(item["kind"]), str(item.get("slug", "")))
        if insert.kind not in INSERT_KINDS:
            raise ValueError(f"{slug}: unknown insert kind {insert.kind!r}")
        if insert.kind == "related" and not insert.slug:
            raise ValueError(f"{slug}: a related insert needs a slug")
        inserts.append(insert)
    return tuple(inserts)


def parse_article(raw: dict[str, Any], now: dt.datetime) -> Article:
    """Build an :class:`Article` from one ``[[articles]]`` table."""
    markup = raw.get("markup", {})
    slug = raw["slug"]
    if raw["section"] not in SECTIONS:
        raise ValueError(f"{slug}: unknown section {raw['section']!r}")
    return Article(
        slug=slug,
        title=raw["title"],
        dek=raw["dek"],
        section=raw["section"],
        author=raw["author"],
        published=now - dt.timedelta(hours=raw["age_hours"]),
        image=raw.get("image", ""),
        image_alt=raw.get("image_alt", ""),
        caption=raw.get("caption", ""),
        credit=raw.get("credit", ""),
        tags=tuple(raw.get("tags", ())),
        paragraphs=tuple(raw["paragraphs"]),
        lazy_image=bool(markup.get("lazy_image", False)),
        credit_in_body=bool(markup.get("credit_in_body", False)),
        summary_paragraph=bool(markup.get("summary_paragraph", False)),
        inserts=parse_inserts(markup.get("inserts", ()), slug),
    )


def check_references(site: Site, articles: Sequence[Article]) -> None:
    """Fail early on unknown authors, duplicate slugs or dangling related links."""
    slugs = [a.slug for a in articles]
    if len(set(slugs)) != len(slugs):
        raise ValueError("duplicate article slugs")
    for article in articles:
        if article.author not in site.bios:
            raise ValueError(f"{article.slug}: no bio for author {article.author!r}")
        for insert in article.inserts:
            if insert.kind == "related" and insert.slug not in slugs:
                raise ValueError(f"{article.slug}: related slug {insert.slug!r} not found")


def load(source: Path, now: dt.datetime) -> tuple[Site, list[Article]]:
    """Read the TOML source; return the site and its articles, newest first."""
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    info = data["site"]
    site = Site(info["name"], info["base_url"], info["tagline"], dict(data.get("authors", {})))
    articles = [parse_article(raw, now) for raw in data["articles"]]
    articles.sort(key=lambda a: (-a.published.timestamp(), a.slug))
    check_references(site, articles)
    return site, articles


# --------------------------------------------------------------------------- page parts


def page_head(site: Site, title: str, meta: Sequence[str]) -> str:
    """Return the ``<head>`` element with the given extra meta/link lines."""
    lines = [
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        *meta,
        (
            f'<link rel="alternate" type="application/rss+xml" title="{esc(site.name)}" '
            f'href="{esc(site.url("/feed.xml"))}">'
        ),
        (
            f'<link rel="alternate" type="application/atom+xml" title="{esc(site.name)}" '
            f'href="{esc(site.url("/atom.xml"))}">'
        ),
        f"<style>\n{STYLE}</style>",
        "</head>",
    ]
    return "\n".join(lines)


def site_header(site: Site) -> str:
    """Return the masthead with the logo, section navigation and subscribe link."""
    items = [f'<li><a href="/section/{slugify(s)}">{esc(s)}</a></li>' for s in SECTIONS]
    items.append('<li><a class="subscribe" href="/subscribe">Subscribe</a></li>')
    return "\n".join(
        [
            '<header class="site-header">',
            (
                f'<a class="logo" href="/"><img src="/images/logo.png" alt="{esc(site.name)}" '
                'width="200" height="48"></a>'
            ),
            '<nav aria-label="Sections"><ul>',
            *items,
            "</ul></nav>",
            "</header>",
        ]
    )


def site_footer(site: Site, year: int) -> str:
    """Return the page footer with copyright, postal address and service links."""
    links = [
        ("/about", "About us"),
        ("/contact", "Contact"),
        ("/privacy", "Privacy policy"),
        ("/terms", "Terms of use"),
        ("/feed.xml", "RSS"),
    ]
    items = "".join(f'<li><a href="{href}">{label}</a></li>' for href, label in links)
    return "\n".join(
        [
            '<footer class="site-footer">',
            f"<p>&copy; {year} {esc(site.name)}. All rights reserved.</p>",
            "<address>1 Example Street, Springfield</address>",
            f"<ul>{items}</ul>",
            "</footer>",
        ]
    )


def section_label(section: str) -> str:
    """Return the small capitalised section link shown above headlines."""
    return f'<p class="section-label"><a href="/section/{slugify(section)}">{esc(section.upper())}</a></p>'


def share_buttons(site: Site, article: Article) -> str:
    """Return the share links (X, Facebook, email) for an article."""
    url = quote(site.url(article.path), safe="")
    title = quote(article.title, safe="")
    x_link = f"https://x.com/intent/post?url={url}&text={title}"
    fb_link = f"https://www.facebook.com/sharer/sharer.php?u={url}"
    mail_link = f"mailto:?subject={title}&body={url}"
    return (
        f'<div class="share"><a href="{esc(x_link)}">Share on X</a> '
        f'<a href="{esc(fb_link)}">Share on Facebook</a> '
        f'<a href="{esc(mail_link)}">Email</a></div>'
    )


def lead_image_tag(article: Article) -> str:
    """Return the ``<img>`` of the lead image, lazy-loaded when the markup asks for it."""
    size = f'width="{IMAGE_WIDTH}" height="{IMAGE_HEIGHT}"'
    alt = esc(article.image_alt)
    if article.lazy_image:
        return (
            f'<img data-src="{esc(article.image_path)}" src="{PLACEHOLDER_GIF}" '
            f'class="lazy" alt="{alt}" {size}>'
        )
    return f'<img src="{esc(article.image_path)}" alt="{alt}" {size}>'


def lead_figure(article: Article) -> str:
    """Return the lead figure, plus the credit paragraph when it sits outside the caption."""
    if not article.image:
        return ""
    caption = f'<span class="caption">{esc(article.caption)}</span>'
    if not article.credit_in_body:
        caption += f' <span class="credit">{esc(article.credit)}</span>'
    figure = f'<figure class="lead">{lead_image_tag(article)}<figcaption>{caption}</figcaption></figure>'
    if article.credit_in_body:
        figure += f'\n<p class="credit">{esc(article.credit)}</p>'
    return figure


def render_insert(insert: Insert, by_slug: dict[str, Article]) -> str:
    """Return the HTML of one boilerplate insert."""
    if insert.kind == "newsletter":
        return NEWSLETTER_PROMPT
    if insert.kind == "ad":
        return ADVERTISEMENT
    target = by_slug[insert.slug]
    return (
        '<p class="related"><strong>Related:</strong> '
        f'<a href="{esc(target.path)}">{esc(target.title)}</a></p>'
    )


def article_body(article: Article, by_slug: dict[str, Article]) -> str:
    """Return the ``article-body`` div: paragraphs interleaved with boilerplate.

    When the image credit is a paragraph of its own, the lead figure and that credit
    open the body, as on many publishing platforms.
    """
    lines = ['<div class="article-body">']
    if article.credit_in_body:
        lines.append(lead_figure(article))
    if article.summary_paragraph:
        lines.append(f'<p class="summary">{esc(article.dek)}</p>')
    for number, paragraph in enumerate(article.paragraphs, start=1):
        lines.append(f"<p>{esc(paragraph)}</p>")
        lines.extend(render_insert(i, by_slug) for i in article.inserts if i.after == number)
    lines.append("</div>")
    return "\n".join(lines)


def tags_list(article: Article) -> str:
    """Return the list of topic tags."""
    items = "".join(f'<li><a href="/tags/{slugify(t)}">{esc(t)}</a></li>' for t in article.tags)
    return f'<ul class="tags">{items}</ul>'


def pick_related(article: Article, articles: Sequence[Article], count: int = 3) -> list[Article]:
    """Choose ``count`` other articles: same section first, then the newest others."""
    others = [a for a in articles if a.slug != article.slug]
    same = [a for a in others if a.section == article.section]
    rest = [a for a in others if a.section != article.section]
    return (same + rest)[:count]


def related_links(article: Article, articles: Sequence[Article]) -> str:
    """Return the "Related" section at the foot of an article."""
    items = [f'<li><a href="{esc(a.path)}">{esc(a.title)}</a></li>' for a in pick_related(article, articles)]
    lines = ['<section class="related-links">', "<h2>Related</h2>", "<ul>", *items, "</ul>"]
    return "\n".join([*lines, "</section>"])


# --------------------------------------------------------------------------- pages


def article_head(site: Site, article: Article) -> str:
    """Return the ``<head>`` of an article page, with canonical and Open Graph data."""
    url = site.url(article.path)
    meta = [
        f'<link rel="canonical" href="{esc(url)}">',
        f'<meta name="description" content="{esc(article.dek)}">',
        f'<meta property="og:title" content="{esc(article.title)}">',
        f'<meta property="og:description" content="{esc(article.dek)}">',
    ]
    if article.image:
        meta.append(f'<meta property="og:image" content="{esc(site.url(article.image_path))}">')
    meta += [
        f'<meta property="og:url" content="{esc(url)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:site_name" content="{esc(site.name)}">',
        f'<meta property="article:section" content="{esc(article.section)}">',
        f'<meta property="article:published_time" content="{iso(article.published)}">',
        f'<meta name="author" content="{esc(article.author)}">',
    ]
    return page_head(site, f"{article.title} | {site.name}", meta)


def article_main(site: Site, article: Article, articles: Sequence[Article]) -> str:
    """Return the ``<main>`` element of an article page."""
    by_slug = {a.slug: a for a in articles}
    parts = [
        "<main>",
        "<article>",
        section_label(article.section),
        f"<h1>{esc(article.title)}</h1>",
        f'<p class="dek">{esc(article.dek)}</p>',
        (f'<p class="byline">By <a href="/authors/{slugify(article.author)}">{esc(article.author)}</a></p>'),
        (
            f'<p class="dateline"><time datetime="{iso(article.published)}">'
            f"{human_date(article.published)}</time></p>"
        ),
        share_buttons(site, article),
        "" if article.credit_in_body else lead_figure(article),
        article_body(article, by_slug),
        tags_list(article),
        f'<p class="author-bio">{esc(site.bios[article.author])}</p>',
        related_links(article, articles),
        "</article>",
        "</main>",
    ]
    return "\n".join(p for p in parts if p)


def document(head: str, body_parts: Sequence[str]) -> str:
    """Wrap a head and body parts into a complete HTML5 document."""
    body = "\n".join(body_parts)
    return f'<!DOCTYPE html>\n<html lang="en">\n{head}\n<body>\n{body}\n</body>\n</html>\n'


def article_page(site: Site, article: Article, articles: Sequence[Article], now: dt.datetime) -> str:
    """Return the full HTML of an article page."""
    body = [
        COOKIE_BANNER,
        site_header(site),
        article_main(site, article, articles),
        site_footer(site, now.year),
    ]
    return document(article_head(site, article), body)


def index_item(article: Article) -> str:
    """Return one entry of the front page's "LATEST" list."""
    image = ""
    if article.image:
        image = (
            f'<a href="{esc(article.path)}"><img src="{esc(article.image_path)}" '
            f'alt="{esc(article.image_alt)}" width="{IMAGE_WIDTH}" height="{IMAGE_HEIGHT}"></a>'
        )
    parts = [
        '<li class="story">',
        image,
        section_label(article.section),
        f'<h3><a href="{esc(article.path)}">{esc(article.title)}</a></h3>',
        f'<p class="dek">{esc(article.dek)}</p>',
        (
            f'<p class="dateline"><time datetime="{iso(article.published)}">'
            f"{human_date(article.published)}</time></p>"
        ),
        "</li>",
    ]
    return "\n".join(p for p in parts if p)


def index_page(site: Site, articles: Sequence[Article], now: dt.datetime) -> str:
    """Return the full HTML of the front page."""
    meta = [
        f'<link rel="canonical" href="{esc(site.url("/"))}">',
        f'<meta name="description" content="{esc(site.tagline)}">',
        f'<meta property="og:title" content="{esc(site.name)}">',
        f'<meta property="og:url" content="{esc(site.url("/"))}">',
        '<meta property="og:type" content="website">',
    ]
    head = page_head(site, f"{site.name} | {site.tagline}", meta)
    main = [
        "<main>",
        '<h2 class="latest-heading">LATEST</h2>',
        '<ul class="latest">',
        *(index_item(a) for a in articles),
        "</ul>",
        "</main>",
    ]
    body = [COOKIE_BANNER, site_header(site), "\n".join(main), site_footer(site, now.year)]
    return document(head, body)


# --------------------------------------------------------------------------- feeds


def rss_item(site: Site, article: Article) -> str:
    """Return one RSS ``<item>``; the description is the dek only."""
    lines = [
        "<item>",
        f"<title>{xesc(article.title)}</title>",
        f"<link>{xesc(site.url(article.path))}</link>",
        f'<guid isPermaLink="false">meridian-{xesc(article.slug)}</guid>',
        f"<pubDate>{format_datetime(article.published, usegmt=True)}</pubDate>",
        f"<dc:creator>{xesc(article.author)}</dc:creator>",
        f"<category>{xesc(article.section)}</category>",
        f"<description>{xesc(article.dek)}</description>",
    ]
    if article.image:
        lines.append(
            f'<media:content url="{xesc(site.url(article.image_path))}" medium="image" '
            f'type="image/jpeg" width="{IMAGE_WIDTH}" height="{IMAGE_HEIGHT}"/>'
        )
    lines.append("</item>")
    return "\n".join("  " + line for line in lines)


def rss_feed(site: Site, articles: Sequence[Article], now: dt.datetime) -> str:
    """Return the RSS 2.0 feed of all articles, newest first."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        (
            '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:media="http://search.yahoo.com/mrss/" '
            'xmlns:atom="http://www.w3.org/2005/Atom">'
        ),
        "<channel>",
        f"<title>{xesc(site.name)}</title>",
        f"<link>{xesc(site.url('/'))}</link>",
        f"<description>{xesc(site.tagline)}</description>",
        "<language>en</language>",
        f"<lastBuildDate>{format_datetime(now, usegmt=True)}</lastBuildDate>",
        f'<atom:link href="{xesc(site.url("/feed.xml"))}" rel="self" type="application/rss+xml"/>',
        *(rss_item(site, a) for a in articles),
        "</channel>",
        "</rss>",
    ]
    return "\n".join(lines) + "\n"


def atom_entry(site: Site, article: Article) -> str:
    """Return one Atom ``<entry>``; the summary is the dek only."""
    host = urlsplit(site.base_url).hostname or "localhost"
    stamp = iso(article.published)
    lines = [
        "<entry>",
        f"<id>tag:{xesc(host)},2026:articles/{xesc(article.slug)}</id>",
        f"<title>{xesc(article.title)}</title>",
        f'<link rel="alternate" type="text/html" href="{xesc(site.url(article.path))}"/>',
        f"<published>{stamp}</published>",
        f"<updated>{stamp}</updated>",
        f"<author><name>{xesc(article.author)}</name></author>",
        f'<category term="{xesc(article.section)}"/>',
        f"<summary>{xesc(article.dek)}</summary>",
        "</entry>",
    ]
    return "\n".join("  " + line for line in lines)


def atom_feed(site: Site, articles: Sequence[Article], now: dt.datetime) -> str:
    """Return the Atom 1.0 feed of all articles, newest first."""
    updated = iso(articles[0].published if articles else now)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<id>{xesc(site.url('/'))}</id>",
        f"<title>{xesc(site.name)}</title>",
        f"<subtitle>{xesc(site.tagline)}</subtitle>",
        f'<link rel="alternate" type="text/html" href="{xesc(site.url("/"))}"/>',
        f'<link rel="self" type="application/atom+xml" href="{xesc(site.url("/atom.xml"))}"/>',
        f"<updated>{updated}</updated>",
        *(atom_entry(site, a) for a in articles),
        "</feed>",
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- build


def write(path: Path, text: str) -> None:
    """Write UTF-8 text with Unix line endings, creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def build(out_dir: Path, now: dt.datetime) -> None:
    """Write the whole demo site for the moment ``now`` into ``out_dir``."""
    now = to_utc(now)
    site, articles = load(SOURCE, now)
    for article in articles:
        write(
            out_dir / "articles" / f"{article.slug}.html",
            article_page(site, article, articles, now),
        )
    write(out_dir / "index.html", index_page(site, articles, now))
    write(out_dir / "feed.xml", rss_feed(site, articles, now))
    write(out_dir / "atom.xml", atom_feed(site, articles, now))
    if out_dir.resolve() != DEFAULT_OUT.resolve():
        shutil.copytree(IMAGES, out_dir / "images", dirs_exist_ok=True)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description="Build The Meridian demo site.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: site/)")
    parser.add_argument(
        "--now",
        type=dt.datetime.fromisoformat,
        default=None,
        help="reference time, ISO 8601 (default: current UTC time)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point: ``python demo/build.py [--out DIR] [--now ISO8601]``."""
    args = parse_args(argv)
    now = args.now or dt.datetime.now(dt.UTC)
    build(args.out, now)
    print(f"Wrote The Meridian demo site to {args.out} (now = {iso(to_utc(now))})")


if __name__ == "__main__":
    main()
