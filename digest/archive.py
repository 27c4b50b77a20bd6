"""The archive: every sent issue's web version (no personal values), its text and its articles.

`digest archive build OUT` writes a static site — an index, one page per issue and an Atom feed of
issues — laid out as the public URL expects: the email's "view in browser" link is
``{public_url}/archive/{issue}/``, so OUT is what gets served at ``/archive/``.

A web copy has no recipient: the HTML loses the lines its templates marked as personal (the
"because you subscribed with …" line and the unsubscribe link, see render.personal), the text part every
line that holds the reader's address or unsubscribe link, and what is left is filled with public values.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from digest.config import Config, ThemeConfig
from digest.personalize import Template, placeholder, public_values
from digest.render.personal import public_copy
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
        (folder / "index.html").write_text(web_html(config, issue), encoding="utf-8")
        (folder / "issue.txt").write_text(web_text(config, issue), encoding="utf-8")
    (out / "index.html").write_text(_index(config, store, sent), encoding="utf-8")
    (out / "feed.xml").write_text(_atom(config, base, sent), encoding="utf-8")
    return sent


def web_html(config: Config, issue: StoredIssue) -> str:
    """The issue's HTML as the archive shows it: no personal lines, public values in the placeholders."""
    values = public_values(config.server.public_url, issue.id)
    return Template(public_copy(issue.html), escape=True).fill(values)


# A line that speaks to one reader (their address, their unsubscribe link) says nothing on the web.
_PERSONAL = (placeholder("email"), placeholder("unsubscribe_url"))


def web_text(config: Config, issue: StoredIssue) -> str:
    """The text part as the archive shows it: without the lines that only make sense to a recipient."""
    kept = [line for line in issue.text.splitlines(keepends=True) if not any(p in line for p in _PERSONAL)]
    return Template("".join(kept), escape=False).fill(public_values(config.server.public_url, issue.id))


_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)


def feed_html(config: Config, issue: StoredIssue) -> str:
    """What an Atom entry carries: the web copy's body (a feed reader brings its own page around it)."""
    page = web_html(config, issue)
    found = _BODY.search(page)
    return found.group(1).strip() if found else page


_INDEX = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="alternate" type="application/atom+xml" href="feed.xml">
<style>body{font-family:{{ font }};max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5;
background:{{ theme.background_color }};color:{{ theme.text_color }}}
h1{color:{{ theme.brand_color }};border-bottom:4px solid {{ theme.brand_color }}}
a{color:{{ theme.brand_color }}}.date{color:#666;margin-top:-.5rem}
@media (prefers-color-scheme:dark){body{background:#121212;color:#e8e6e3}.date{color:#a0a0a0}
h1,a{color:color-mix(in srgb,{{ theme.brand_color }} 45%,#fff)}}</style></head>
<body><h1>{{ title }}</h1>
{% for issue in issues %}<section><h2><a href="{{ issue.href }}">{{ issue.subject }}</a></h2>
<p class="date">{{ issue.when }}</p><ul>
{% for url, name in issue.articles %}<li><a href="{{ url }}">{{ name }}</a></li>
{% endfor %}</ul></section>
{% else %}<p>No issue has gone out yet.</p>
{% endfor %}</body></html>
"""
_FEED = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>{{ base }}</id><title>{{ title }}</title>
<link rel="self" href="{{ base }}feed.xml"/><updated>{{ newest }}</updated>
{% for entry in entries %}<entry><id>{{ entry.link }}</id><title>{{ entry.subject }}</title>
<link rel="alternate" href="{{ entry.link }}"/><updated>{{ entry.updated }}</updated>
<content type="html">{{ entry.content }}</content></entry>
{% endfor %}</feed>
"""
# Both are escaped as HTML, which is also right for XML text and attributes.
_PAGES = jinja2.Environment(
    loader=jinja2.DictLoader({"index.html": _INDEX, "feed.xml": _FEED}),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def _titles(config: Config) -> str:
    return " · ".join(sorted({n.title for n in config.newsletters.values()}))


def _index(config: Config, store: Store, issues: list[StoredIssue]) -> str:
    listed = [
        {
            "href": f"{quote(issue.id)}/",
            "subject": issue.subject,
            "when": (issue.sent or issue.created).strftime("%d %B %Y"),
            "articles": [(url, title or url) for url, title in store.issues.articles(issue.id)],
        }
        for issue in issues
    ]
    theme = _theme(config)
    return _PAGES.get_template("index.html").render(
        title=f"{_titles(config)} — archive", issues=listed, theme=theme, font=Markup(theme.css_font())
    )


def _theme(config: Config) -> ThemeConfig:
    """The index's look: the first newsletter's theme (one archive serves every newsletter)."""
    first = next(iter(config.newsletters), None)
    return config.theme_for(first) if first is not None else config.theme


def _atom(config: Config, base: str, issues: list[StoredIssue]) -> str:
    entries = []
    for issue in issues:
        entries.append(
            {
                "link": f"{base}{quote(issue.id)}/",
                "subject": issue.subject,
                "updated": (issue.sent or issue.created).isoformat(),
                "content": feed_html(config, issue),
            }
        )
    newest = (issues[0].sent or issues[0].created).isoformat() if issues else "1970-01-01T00:00:00+00:00"
    return _PAGES.get_template("feed.xml").render(
        base=base, title=_titles(config), newest=newest, entries=entries
    )
