"""Golden files: the demo issue's HTML and text, rendered with a fixed clock.

A change to the templates, the teasers or the renderer shows up here as a diff to review. Regenerate
the files on purpose with `UPDATE_GOLDEN=1 make test` and read the diff before committing it. The HTML
is stored one tag per line (see ``pretty_html``) so that its diff can be read; the versions of the
libraries that shape it (mjml-python, Jinja2, nh3, trafilatura, lxml) are pinned in constraints.txt.
"""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path

import httpx
import pytest
from conftest import NOW

from digest.collect import Window, collect
from digest.collect.fetch import Fetcher
from digest.compose import compose
from digest.config import DEFAULT_TEMPLATES, MirrorConfig, NewsletterConfig, SourceConfig, ThemeConfig
from digest.ledes import ledes
from digest.render import render

GOLDEN = Path(__file__).resolve().parent / "golden"
_BETWEEN_TAGS = re.compile(r">(\n*)<")


def pretty_html(html: str) -> str:
    """One tag per line where two tags meet; a line break the HTML had shows as an extra empty line.

    Each run of n line breaks between two tags becomes n + 1, so the form is one-to-one: two documents
    are equal exactly when their pretty forms are, and no whitespace the renderer writes is hidden.
    """
    return _BETWEEN_TAGS.sub(lambda found: ">\n" + found[1] + "<", html)


def stored_form(name: str, content: str) -> str:
    """What the golden file holds for a rendered part: the HTML pretty-printed, the text as it is."""
    return pretty_html(content) if name.endswith(".html") else content


def refuse(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"unexpected request for {request.url}")


@pytest.fixture(scope="module")
def demo_issue(demo_site: Path) -> tuple[str, str]:
    mirror = MirrorConfig(url="https://meridian.example/", dir=str(demo_site))
    newsletter = NewsletterConfig.model_validate(
        {
            "title": "The Meridian Weekly",
            "from": "The Meridian <newsletter@meridian.example>",
            "list": "weekly",
            "postal_address": "The Meridian, 1 Example Street, Springfield",
            "intro": "This week: the stories our correspondents filed, in their own words.",
            "sources": [
                SourceConfig(url=str(demo_site / "feed.xml"), pages=True, mirror=mirror).model_dump()
            ],
        }
    )
    fetcher = Fetcher(httpx.AsyncClient(transport=httpx.MockTransport(refuse)), [mirror])
    found = asyncio.run(collect(newsletter.sources, fetcher, Window(NOW.replace(day=18), NOW)))
    issue = compose("weekly", newsletter, ledes(found.articles, newsletter.teaser), "weekly-2026-11-25", NOW)
    rendered = render(issue, newsletter, ThemeConfig(), DEFAULT_TEMPLATES)
    return rendered.html, rendered.text


@pytest.mark.parametrize(("name", "part"), [("demo-issue.html", 0), ("demo-issue.txt", 1)])
def test_demo_issue_matches_its_golden_file(demo_issue: tuple[str, str], name: str, part: int) -> None:
    path = GOLDEN / name
    expected = stored_form(name, demo_issue[part])
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(expected, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run UPDATE_GOLDEN=1 make test once and commit it"
    assert expected == path.read_text(encoding="utf-8"), f"{name} changed: review, then UPDATE_GOLDEN=1"


def test_pretty_html_keeps_the_whitespace_between_tags_apart() -> None:
    forms = [pretty_html(html) for html in ("<p>a</p><p>b</p>", "<p>a</p>\n<p>b</p>", "<p>a</p> <p>b</p>")]
    assert forms[0] == "<p>a</p>\n<p>b</p>"
    assert len(set(forms)) == 3
