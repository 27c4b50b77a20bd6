"""The archive of sent issues: web versions without personal values, an index and an Atom feed."""

from __future__ import annotations

import asyncio
import html
from pathlib import Path

import feedparser
import httpx
from conftest import NOW, write_config
from test_job import refuse

from digest import job
from digest.archive import build_archive
from digest.collect.fetch import Fetcher
from digest.config import load_config
from digest.models import RenderedIssue
from digest.store import Store
from digest.store.subscribers import NewSubscriber


def _sent_issue(tmp_path: Path, site: Path, store: Store) -> str:
    """Collect, build and record the demo issue as sent (delivery itself is tested elsewhere)."""
    config = load_config(write_config(tmp_path, site))
    mirrors = [s.mirror for s in config.newsletters["weekly"].sources if s.mirror]

    async def prepare() -> job.Prepared:
        fetcher = Fetcher(httpx.AsyncClient(transport=httpx.MockTransport(refuse)), mirrors)
        return job.build(config, "weekly", await job.gather(config, "weekly", fetcher, store, NOW), NOW)

    prepared = asyncio.run(prepare())
    assert prepared.rendered and prepared.issue
    teasers = prepared.issue.teasers
    store.issues.create(
        prepared.rendered,
        "2026-11-25",
        "weekly",
        [t.url for t in teasers],
        NOW,
        None,
        [t.title for t in teasers],
    )
    store.issues.mark_sent(prepared.rendered.issue_id, NOW)
    return prepared.rendered.issue_id


def test_archive_has_every_sent_issue_without_personal_values(
    tmp_path: Path, demo_site: Path, store: Store
) -> None:
    store.subscribers.upsert([NewSubscriber("ana@example.org")], "weekly", "test", NOW)
    issue_id = _sent_issue(tmp_path, demo_site, store)
    config = load_config(tmp_path / "schedule.toml")
    out = tmp_path / "archive"
    issues = build_archive(config, store, out)
    assert [i.id for i in issues] == [issue_id]
    page = (out / issue_id / "index.html").read_text()
    assert "%%digest:" not in page and "ana@example.org" not in page and "/u/" not in page
    assert f'href="https://news.example.org/archive/{issue_id}/"' in page  # "view in browser" points here
    index = (out / "index.html").read_text()
    titles = [title for _, title in store.issues.articles(issue_id)]
    assert len(titles) >= 10 and all(t in html.unescape(index) for t in titles)
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not feed.bozo and [e.link for e in feed.entries] == [
        f"https://news.example.org/archive/{issue_id}/"
    ]
    assert "%%digest:" not in (out / issue_id / "issue.txt").read_text()


def test_archive_leaves_out_issues_not_yet_sent(tmp_path: Path, demo_site: Path, store: Store) -> None:
    issue_id = _sent_issue(tmp_path, demo_site, store)
    unsent = RenderedIssue("weekly-unsent", "weekly", "Unsent", "<p></p>", "")
    store.issues.create(unsent, "2026-12-02", "weekly", [], NOW)
    issues = build_archive(load_config(tmp_path / "schedule.toml"), store, tmp_path / "archive")
    assert [i.id for i in issues] == [issue_id]
    assert not (tmp_path / "archive" / "weekly-unsent").exists()
