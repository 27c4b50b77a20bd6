"""Every collected article ends in one state per issue: in it, listed, carried over or dropped, with why."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import digest

from digest.compose import compose
from digest.config import NewsletterConfig
from digest.drafts import Draft, DraftArticle, load_draft, render_draft
from digest.errors import ConfigError
from digest.models import Fate, Placement, Teaser
from digest.service import issues, sending
from digest.service.runtime import Runtime
from digest.store.subscribers import NewSubscriber

OWN, WIRE = "https://meridian.example/articles/", "https://wire.example/news/"


def _rss(path: Path, base: str, count: int, newest: datetime) -> list[str]:
    """A feed of ``count`` articles an hour apart, newest first; their URLs."""
    urls = [f"{base}{n}" for n in range(count)]
    entries = "".join(
        f"<item><title>{base.split('/')[2]} story {n}</title><link>{url}</link>"
        f"<description>Story {n}: what happened, told in a sentence for the feed.</description>"
        f"<pubDate>{newest - timedelta(hours=n):%a, %d %b %Y %H:%M:%S} +0000</pubDate></item>"
        for n, url in enumerate(urls)
    )
    path.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{base}</title><link>{base}</link>'
        f"<description>-</description>{entries}</channel></rss>"
    )
    return urls


def _project(folder: Path, now: datetime, overflow: str = "") -> tuple[Path, list[str], list[str]]:
    """The magazine's own feed (10, priority 1, older) and a busy aggregator (40, newer), max 12."""
    own = _rss(folder / "own.xml", OWN, 10, now - timedelta(days=2))
    wire = _rss(folder / "wire.xml", WIRE, 40, now - timedelta(minutes=5))
    config = folder / "schedule.toml"
    config.write_text(
        f"""
[store]
url = "sqlite:///digest.sqlite3"

[provider]
name = "outbox"

[server]
public_url = "https://news.example.org"

[newsletters.weekly]
title = "The Meridian Weekly"
from = "The Meridian <newsletter@example.org>"
list = "weekly"
postal_address = "1 Example Street, Springfield"
max_articles = 12
{overflow}

[[newsletters.weekly.sources]]
url = "own.xml"
priority = 1

[[newsletters.weekly.sources]]
url = "wire.xml"
""",
        encoding="utf-8",
    )
    return config, own, wire


def test_collect_accounts_for_every_article_and_lists_the_overflow(tmp_path: Path) -> None:
    _, own, wire = _project(tmp_path, datetime.now(UTC))

    result = digest(tmp_path, "collect", "--json")

    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    states = {p["url"]: p["state"] for p in found["placements"]}
    assert len(found["placements"]) == len(states) == 50  # one state each
    assert set(states) == set(own + wire)
    in_issue = [p["url"] for p in found["placements"] if p["state"] == "issue"]
    assert in_issue == own + wire[:2]  # the publication's own first (priority), then the newest
    assert [url for url, state in states.items() if state == "listed"] == wire[2:]
    assert found["counts"] == {"issue": 12, "listed": 38, "carried": 0, "dropped": 0}
    by_source = {Path(s["source"]).name: s for s in found["sources"]}
    assert by_source["own.xml"] | {"source": ""} == {
        "source": "", "items": 10, "issue": 10, "listed": 0, "carried": 0, "dropped": 0,
    }  # fmt: skip
    assert (by_source["wire.xml"]["items"], by_source["wire.xml"]["listed"]) == (40, 38)
    text = digest(tmp_path, "collect").stdout
    assert "12 issue, 38 listed, 0 carried, 0 dropped" in text
    assert 'Listed in "More this week" (38):' in text


def _run(config: Path, moment: datetime) -> tuple[str, list[str], str]:
    """The weekly job at ``moment``: its issue, the articles it recorded as sent, its text part."""
    with Runtime.open(config, clock=lambda: moment) as runtime:
        runtime.store.subscribers.upsert([NewSubscriber("ana@example.org", "Ana")], "weekly", "t", moment)
        report = sending.run(runtime, "weekly")
        assert report.outcome == "sent", report.outcome
        stored = runtime.store.issues.get(report.issue_id)
        assert stored is not None
        return (
            report.issue_id,
            [url for url, _ in runtime.store.issues.articles(report.issue_id)],
            stored.text,
        )


def test_carried_articles_are_offered_next_week_and_sent_once(tmp_path: Path) -> None:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    config, own, wire = _project(tmp_path, now, 'overflow = "carry"')

    first, sent_first, text = _run(config, now)

    assert sent_first == own + wire[:2] and "MORE THIS WEEK" not in text
    later = now + timedelta(days=7)
    with Runtime.open(config, clock=lambda: later) as runtime:
        offered = issues.collect(runtime, "weekly")
    states = {p.url: (p.state.value, p.reason) for p in offered.placements}
    assert len(states) == 50
    # The carried ones come back although published before this window, with their own dates.
    assert [a.url for a in offered.collection.candidates] == wire[2:]
    assert offered.collection.candidates[0].published == now - timedelta(minutes=5 + 2 * 60)
    assert Counter(state for state, _ in states.values()) == {"issue": 12, "carried": 26, "dropped": 12}
    assert {states[url] for url in sent_first} == {("dropped", f"already sent (issue {first})")}

    # The editor lists the rest this week instead of carrying them again.
    config.write_text(config.read_text().replace('overflow = "carry"', 'overflow = "more"'))
    second, sent_second, text = _run(config, later)

    assert second != first and not set(sent_first) & set(sent_second)
    assert sorted(sent_first + sent_second) == sorted(own + wire)  # 50 over two issues, none twice
    assert all(url in text for url in wire[2:])


def test_carried_articles_come_back_even_when_their_feed_has_moved_on(tmp_path: Path) -> None:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    config, _own, wire = _project(tmp_path, now, 'overflow = "carry"')
    _run(config, now)
    later = now + timedelta(days=7)
    # A week on, the busy feed lists only this week's stories: none of the 38 it carried over.
    fresh = _rss(tmp_path / "wire.xml", "https://wire.example/latest/", 5, later - timedelta(minutes=5))

    with Runtime.open(config, clock=lambda: later) as runtime:
        offered = issues.collect(runtime, "weekly")

    states = {p.url: p.state.value for p in offered.placements}
    assert set(wire[2:]) <= set(states)  # every carried article is accounted for again
    assert all(states[url] in ("issue", "carried") for url in wire[2:])
    assert set(fresh) <= set(states)


# ------------------------------------------------------------------------------------- drafts

NEWSLETTER = NewsletterConfig.model_validate(
    {
        "title": "Weekly",
        "from": "W <w@example.org>",
        "list": "weekly",
        "postal_address": "1 Example Street",
        "sources": [{"url": "https://example.org/feed.xml"}],
        "max_articles": 2,
    }
)
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TEASERS = [
    Teaser(f"https://example.org/{n}", f"Story {n}", "", (f"Story {n}.",), NOW - timedelta(hours=n))
    for n in range(1, 5)
]


def test_a_draft_matches_articles_by_canonical_address() -> None:
    draft = Draft(articles=[DraftArticle(url="http://www.example.org/3/?utm_source=x", pin=True)])
    issue = compose("weekly", NEWSLETTER, TEASERS, "w-1", NOW, draft)
    assert [t.title for t in issue.teasers] == ["Story 3", "Story 1"]  # new since the draft follow


def test_dropping_an_article_brings_in_no_candidate(tmp_path: Path) -> None:
    written = compose("weekly", NEWSLETTER, TEASERS, "w-1", NOW)
    candidates = [p for p in written.placements if p.state is Fate.LISTED]
    left_out = [Placement("https://example.org/old", "Old", Fate.DROPPED, "already sent (issue w-0)")]
    text = render_draft("w-1", "S", "P", "", written.teasers, candidates, left_out)
    assert text.count("\n[[candidates]]") == 2 and "#   dropped: already sent (issue w-0): Old" in text
    path = tmp_path / "draft.toml"
    path.write_text(text.replace("drop = false", "drop = true", 1))

    issue = compose("weekly", NEWSLETTER, TEASERS, "w-1", NOW, load_draft(path))

    assert [t.title for t in issue.teasers] == ["Story 2"]  # the freed place stays free
    assert [t.title for t in issue.more] == ["Story 3", "Story 4"]
    assert issue.placed(Fate.DROPPED)[0].reason == "by the editor"
    # Moving a candidate's block under [[articles]] brings it in.
    path.write_text(text.replace("\n[[candidates]]", "\n[[articles]]", 1))
    brought = compose("weekly", NEWSLETTER, TEASERS, "w-1", NOW, load_draft(path))
    assert [t.title for t in brought.teasers] == ["Story 1", "Story 2"]  # max_articles still holds
    assert [p.title for p in brought.placed(Fate.LISTED)] == ["Story 3", "Story 4"]


def test_a_draft_entry_that_matches_nothing_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "draft.toml"
    path.write_text(
        '[[articles]]\nurl = "https://example.org/1"\n\n[[candidates]]\nurl = "https://example.org/gone"\n'
    )
    with pytest.raises(ConfigError) as caught:
        compose("weekly", NEWSLETTER, TEASERS, "w-1", NOW, load_draft(path))
    assert "line 5: candidates[0]: 'https://example.org/gone' matches no article of this issue" in str(
        caught.value
    )


def test_overflow_drop_reports_each_article_left_out() -> None:
    dropping = NEWSLETTER.model_copy(update={"overflow": "drop"})
    issue = compose("weekly", dropping, TEASERS, "w-1", NOW)
    assert issue.more == ()
    assert [(p.title, p.reason) for p in issue.placed(Fate.DROPPED)] == [
        ("Story 3", 'the issue is full (over max_articles = 2; overflow = "drop")'),
        ("Story 4", 'the issue is full (over max_articles = 2; overflow = "drop")'),
    ]
