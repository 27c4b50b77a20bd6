"""The archive: every sent issue's web version (no personal values), its text and its articles.

`digest archive build OUT` writes a static site — an index, one page per issue and an Atom feed of
issues — laid out as the public URL expects: the email's "view in browser" link is
``{public_url}/archive/{issue}/``, so OUT is what gets served at ``/archive/``.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape as xml_escape

from digest.config import Config
from digest.personalize import Template, public_values
from digest.store import Store
from digest.store.issues import StoredIssue


def build_archive(config: Config, store: Store, out: Path) -> list[StoredIssue]:
    """Write the archive of every sent issue into ``out``; returns the issues, newest first."""
    sent = [issue for issue in store.issues.recent(limit=10_000) if issue.status == "sent"]
    out.mkdir(parents=True, exist_ok=True)
    base = f"{config.server.public_url}/archive/"
    for issue in sent:
        folder = out / issue.id
        folder.mkdir(exist_ok=True)
        values = public_values(config.server.public_url, issue.id)
        (folder / "index.html").write_text(Template(issue.html, escape=True).fill(values), encoding="utf-8")
        (folder / "issue.txt").write_text(Template(issue.text, escape=False).fill(values), encoding="utf-8")
    (out / "index.html").write_text(_index(config, store, sent), encoding="utf-8")
    (out / "feed.xml").write_text(_atom(config, base, sent), encoding="utf-8")
    return sent


def _index(config: Config, store: Store, issues: list[StoredIssue]) -> str:
    items = []
    for issue in issues:
        articles = "".join(
            f'<li><a href="{escape(url)}">{escape(title or url)}</a></li>'
            for url, title in store.issues.articles(issue.id)
        )
        when = (issue.sent or issue.created).strftime("%d %B %Y")
        items.append(
            f'<section><h2><a href="{quote(issue.id)}/">{escape(issue.subject)}</a></h2>'
            f"<p class='date'>{when}</p><ul>{articles}</ul></section>"
        )
    titles = sorted({n.title for n in config.newsletters.values()})
    title = escape(" · ".join(titles)) + " — archive"
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="alternate" type="application/atom+xml" href="feed.xml">'
        "<style>body{font-family:Georgia,serif;max-width:40rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.5}"
        ".date{color:#666;margin-top:-.5rem}</style></head>"
        f"<body><h1>{title}</h1>{''.join(items) or '<p>No issue has gone out yet.</p>'}</body></html>"
    )


def _atom(config: Config, base: str, issues: list[StoredIssue]) -> str:
    entries = []
    for issue in issues:
        link = f"{base}{quote(issue.id)}/"
        updated = (issue.sent or issue.created).isoformat()
        text = Template(issue.text, escape=False).fill(public_values(config.server.public_url, issue.id))
        entries.append(
            f"<entry><id>{xml_escape(link)}</id><title>{xml_escape(issue.subject)}</title>"
            f'<link rel="alternate" href="{xml_escape(link)}"/><updated>{updated}</updated>'
            f"<summary>{xml_escape(text[:600])}</summary></entry>"
        )
    newest = (issues[0].sent or issues[0].created).isoformat() if issues else "1970-01-01T00:00:00+00:00"
    titles = " · ".join(sorted({n.title for n in config.newsletters.values()}))
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{xml_escape(base)}</id><title>{xml_escape(titles)}</title>"
        f'<link rel="self" href="{xml_escape(base)}feed.xml"/><updated>{newest}</updated>'
        f"{''.join(entries)}</feed>"
    )
