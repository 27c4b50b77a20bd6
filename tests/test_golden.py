"""Golden files: the demo issue's HTML and text, rendered with a fixed clock.

A change to the templates, the teasers or the renderer shows up here as a diff to review. Regenerate
the files on purpose with `UPDATE_GOLDEN=1 make test` and read the diff before committing it.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import httpx
import pytest
from conftest import NOW

from digest.collect import Window, collect
from digest.collect.fetch import Fetcher
from digest.compose import compose
from digest.config import DEFAULT_TEMPLATES, MirrorConfig, NewsletterConfig, SourceConfig, ThemeConfig
from digest.render import render
from digest.summarize import summarize

GOLDEN = Path(__file__).resolve().parent / "golden"


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
    issue = compose(
        "weekly", newsletter, summarize(found.articles, newsletter.teaser), "weekly-2026-11-25", NOW
    )
    rendered = render(issue, newsletter, ThemeConfig(), DEFAULT_TEMPLATES)
    return rendered.html, rendered.text


@pytest.mark.parametrize(("name", "part"), [("demo-issue.html", 0), ("demo-issue.txt", 1)])
def test_demo_issue_matches_its_golden_file(demo_issue: tuple[str, str], name: str, part: int) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(demo_issue[part], encoding="utf-8")
    assert path.exists(), f"{path} is missing: run UPDATE_GOLDEN=1 make test once and commit it"
    assert demo_issue[part] == path.read_text(encoding="utf-8"), (
        f"{name} changed: review, then UPDATE_GOLDEN=1"
    )
