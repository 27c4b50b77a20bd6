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
    # No recipient on the web: no "because you subscribed with you", no Unsubscribe link to /archive/.
    assert "because you subscribed" not in page and "Unsubscribe" not in page
    assert "1 Example Street, Springfield" in page  # the postal address stays
    index = (out / "index.html").read_text()
    titles = [title for _, title in store.issues.articles(issue_id)]
    assert len(titles) >= 10 and all(t in html.unescape(index) for t in titles)
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not feed.bozo and [e.link for e in feed.entries] == [
        f"https://news.example.org/archive/{issue_id}/"
    ]
    text = (out / issue_id / "issue.txt").read_text()
    assert "%%digest:" not in text and "because you subscribed" not in text and "Unsubscribe" not in text
    assert titles[0] in text


def test_the_feed_carries_each_issue_as_html_without_personal_values(
    tmp_path: Path, demo_site: Path, store: Store
) -> None:
    issue_id = _sent_issue(tmp_path, demo_site, store)
    out = tmp_path / "archive"
    build_archive(load_config(tmp_path / "schedule.toml"), store, out)
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    (entry,) = feed.entries
    (content,) = entry.content
    assert content.type == "text/html"
    titles = [title for _, title in store.issues.articles(issue_id)]
    assert all(html.escape(t, quote=False) in content.value or t in content.value for t in titles[:3])
    assert "<table" in content.value and "<body" not in content.value
    for personal in ("%%digest:", "because you subscribed", "Unsubscribe", "/u/"):
        assert personal not in content.value


def test_archive_leaves_out_issues_not_yet_sent(tmp_path: Path, demo_site: Path, store: Store) -> None:
    issue_id = _sent_issue(tmp_path, demo_site, store)
    unsent = RenderedIssue("weekly-unsent", "weekly", "Unsent", "<p></p>", "")
    store.issues.create(unsent, "2026-12-02", "weekly", [], NOW)
    issues = build_archive(load_config(tmp_path / "schedule.toml"), store, tmp_path / "archive")
    assert [i.id for i in issues] == [issue_id]
    assert not (tmp_path / "archive" / "weekly-unsent").exists()


def test_the_archive_index_wears_the_newsletters_theme(tmp_path: Path, demo_site: Path, store: Store) -> None:
    _sent_issue(tmp_path, demo_site, store)
    config = tmp_path / "schedule.toml"
    theme = '\n[newsletters.weekly.theme]\nbrand_color = "#0a7d5a"\nfont_family = "Helvetica, sans-serif"\n'
    config.write_text(config.read_text() + theme)
    build_archive(load_config(config), store, tmp_path / "archive")
    index = (tmp_path / "archive" / "index.html").read_text()
    assert "h1{color:#0a7d5a;" in index and "font-family:Helvetica, sans-serif;" in index
