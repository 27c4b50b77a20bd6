"""The starting point `digest init` writes: a schedule.toml, the templates and a small sample site.

The sample site (three articles and an RSS feed dated relative to today) lets `digest preview` work
at once, offline; replace its source with your publication's feed when you are ready.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

from digest.config import DEFAULT_TEMPLATES
from digest.errors import DigestError

SAMPLE_BASE = "https://sample.example/"
SAMPLE = (
    ("harbour-reopens", "World", "The Old Harbour Reopens to Ferries",
     ("After eleven years without a scheduled crossing, the first ferry left the old harbour on "
      "Monday morning with two hundred passengers and a brass band on the quay. Port officials said "
      "the service would run twice a day through the winter.",
      "The route was closed when its operator went bankrupt, and for a decade the only way across "
      "was a four-hour drive around the bay.")),
    ("rice-and-salt", "Climate", "Salt Is Creeping Into the Rice Fields",
     ("Farmers in the lower delta have always planted by the river's rhythm. This year the readings "
      "that matter most come from a salinity meter, and they are rising faster than anyone "
      "expected.",
      "Hydrologists say the saltwater front has moved inland by more than a kilometre a year.")),
    ("quiet-year-banks", "Economy", "Why Central Banks Are Hoping for a Quiet Year",
     ("After three years of emergencies, the people who set interest rates would like nothing more "
      "than a dull twelve months. Inflation is falling, wages are steady, and for once the forecasts "
      "agree with each other.",
      "That calm may not last, but for now the policymakers are enjoying it.")),
)  # fmt: skip

CONFIG = """\
# digest configuration. Every key is described in digest's README; secrets never go here.
# The sample source below lets `digest preview` work at once: replace it with your own feed.

[store]
url = "sqlite:///subscribers/digest.sqlite3"

[provider]
name = "outbox"            # writes one .eml per recipient under outbox/; no account needed
outbox_dir = "outbox"

[server]
public_url = "https://news.example.org"   # where unsubscribe links and the archive are served
secret_env = "DIGEST_SECRET"

[newsletters.{name}]
title = "{title}"
from = "{title} <newsletter@example.org>"
list = "{name}"
postal_address = "1 Example Street, Springfield"
timezone = "UTC"
window_days = 7

[[newsletters.{name}.sources]]
url = "sample/feed.xml"
pages = true
mirror = {{ url = "{base}", dir = "sample" }}

[theme]
brand_color = "#1d3557"
accent_color = "#e63946"
"""


def scaffold(folder: Path, now: datetime, name: str = "weekly", title: str = "The Weekly") -> list[Path]:
    """Write a new publication into folder (which must not hold a schedule.toml yet)."""
    config = folder / "schedule.toml"
    if config.exists():
        raise DigestError(f"'{config}' already exists", "choose an empty folder, or edit that file")
    folder.mkdir(parents=True, exist_ok=True)
    config.write_text(CONFIG.format(name=name, title=title, base=SAMPLE_BASE), encoding="utf-8")
    shutil.copytree(DEFAULT_TEMPLATES, folder / "templates", dirs_exist_ok=True)
    (folder / "subscribers").mkdir(exist_ok=True)
    (folder / "subscribers" / "example.csv").write_text("email,name\nreader@example.org,A Reader\n")
    write_sample_site(folder / "sample", now)
    return [config, folder / "templates", folder / "subscribers", folder / "sample"]


def write_sample_site(folder: Path, now: datetime) -> None:
    """Three article pages and an RSS feed of them, published in the last few days."""
    (folder / "articles").mkdir(parents=True, exist_ok=True)
    items = []
    for index, (slug, section, title, paragraphs) in enumerate(SAMPLE):
        url = f"{SAMPLE_BASE}articles/{slug}.html"
        published = now - timedelta(days=index + 1)
        (folder / "articles" / f"{slug}.html").write_text(_page(url, section, title, paragraphs))
        items.append(
            f"<item><title>{escape(title)}</title><link>{url}</link><category>{section}</category>"
            f"<pubDate>{format_datetime(published)}</pubDate></item>"
        )
    (folder / "feed.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Sample</title>'
        f"<link>{SAMPLE_BASE}</link><description>Sample articles</description>"
        f"{''.join(items)}</channel></rss>"
    )


def _page(url: str, section: str, title: str, paragraphs: tuple[str, ...]) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<link rel="canonical" href="{url}"><meta property="article:section" content="{section}"></head>'
        f"<body><main><article><h1>{escape(title)}</h1>{body}</article></main></body></html>"
    )
