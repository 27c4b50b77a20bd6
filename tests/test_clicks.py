"""Article links: UTM tags, tracked clicks through digest serve, machine clicks, and the issue's report."""

from __future__ import annotations

import asyncio
import email
import re
from datetime import timedelta
from email.policy import default
from pathlib import Path

import httpx
import pytest
from conftest import NOW, write_config
from websupport import PUBLIC, SECRET, Harness, harness

from digest import job
from digest.clicks import click_token, read_click_token, utm_url
from digest.collect.fetch import Fetcher
from digest.config import load_config
from digest.links import Links
from digest.providers.outbox import OutboxProvider
from digest.report import issue_report
from digest.store import Store
from digest.store.subscribers import NewSubscriber

BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0"


def test_utm_tags_keep_the_links_own_query_and_fragment() -> None:
    tagged = utm_url("https://a.example/story?id=7&x=#part-2", "weekly", "email", "weekly-2026-11-25")
    assert tagged == (
        "https://a.example/story?id=7&x=&utm_source=weekly&utm_medium=email&utm_campaign=weekly-2026-11-25#part-2"
    )
    own = "https://a.example/?utm_source=partner"
    assert utm_url(own, "weekly", "email", "c") == own + "&utm_medium=email&utm_campaign=c"


def test_a_token_verifies_only_for_its_issue_and_as_made() -> None:
    token = click_token(SECRET, "weekly-2026-11-25", 3, 41)
    assert len(token) <= 16
    found = read_click_token(SECRET, "weekly-2026-11-25", token)
    assert found is not None and (found.position, found.subscriber_id) == (3, 41)
    anonymous = read_click_token(
        SECRET, "weekly-2026-11-25", click_token(SECRET, "weekly-2026-11-25", 3, None)
    )
    assert anonymous is not None and anonymous.subscriber_id is None
    assert read_click_token(SECRET, "weekly-2026-12-02", token) is None  # moved to another issue
    assert read_click_token("another-secret-0123456789-0123456789", "weekly-2026-11-25", token) is None
    for index in range(len(token)):  # any one character changed
        altered = token[:index] + ("A" if token[index] != "A" else "B") + token[index + 1 :]
        assert read_click_token(SECRET, "weekly-2026-11-25", altered) is None
    assert read_click_token(SECRET, "weekly-2026-11-25", token + "=") is None
    assert read_click_token(SECRET, "weekly-2026-11-25", "x" * 400) is None


LINKS = """
[newsletters.weekly.links]
utm = true
track_clicks = true
machine_seconds = 30
"""


def _send(tmp_path: Path, site: Path, store: Store, extra: str = LINKS) -> tuple[str, dict[str, str]]:
    """Send the demo issue to three readers through the outbox; their HTML by address."""
    config = load_config(write_config(tmp_path, site, extra=extra))
    people = [NewSubscriber(f"{n}@example.org", n.title()) for n in ("ana", "bo", "cy")]
    store.subscribers.upsert(people, "weekly", "test", NOW)
    settings = config.newsletters["weekly"]
    mirrors = [s.mirror for s in settings.sources if s.mirror]

    async def go() -> job.RunReport:
        refuse = httpx.MockTransport(lambda r: httpx.Response(599))
        fetcher = Fetcher(httpx.AsyncClient(transport=refuse), mirrors)
        links = Links(PUBLIC, SECRET, settings.sender)
        outbox = OutboxProvider(tmp_path / "outbox")
        return await job.run(config, "weekly", fetcher, store, outbox, links, lambda: NOW)  # type: ignore[arg-type,return-value]

    report = asyncio.run(go())
    assert report.delivery is not None and report.delivery.sent == 3
    bodies = {}
    for path in (tmp_path / "outbox").rglob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=default)
        bodies[str(message["To"])] = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    return report.issue_id, bodies


def _clicks(html: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r'href="(https://news\.example\.org/c/[^"]+)"', html)))


def _click(
    app: Harness, url: str, agent: str = BROWSER, after: timedelta = timedelta(hours=1)
) -> httpx.Response:
    app.clock.now = NOW + after
    return app.request("GET", url.removeprefix(PUBLIC), headers={"user-agent": agent})


def test_each_reader_gets_their_own_tracked_links_which_redirect_to_the_tagged_article(
    tmp_path: Path, demo_site: Path, store: Store
) -> None:
    issue_id, bodies = _send(tmp_path, demo_site, store)
    ana, bo = _clicks(bodies["ana@example.org"]), _clicks(bodies["bo@example.org"])
    articles = store.events.articles(issue_id)
    assert len(ana) == len(articles) >= 3 and set(ana).isdisjoint(bo)
    assert "/u/" in bodies["ana@example.org"]  # the unsubscribe link is not tracked
    assert all(
        not u.startswith(f"{PUBLIC}/c/")
        for u in re.findall(r'href="([^"]+/u/[^"]+)"', bodies["ana@example.org"])
    )
    app = harness(store)
    answer = _click(app, ana[0])
    assert answer.status_code == 302 and answer.headers["cache-control"] == "no-store"
    assert answer.headers["location"] == articles[0].target
    assert (
        articles[0].target.startswith(articles[0].url)
        and "utm_source=weekly&utm_medium=email" in articles[0].target
    )
    assert f"utm_campaign={issue_id}" in articles[0].target
    # the public copy has no recipient: its links go to the articles themselves, tagged
    stored = store.issues.get(issue_id)
    assert stored is not None
    from digest.archive import web_html

    public = web_html(load_config(tmp_path / "schedule.toml"), stored)
    assert f"{PUBLIC}/c/" not in public and articles[0].target.replace("&", "&amp;") in public


def test_forged_altered_and_cross_issue_tokens_never_redirect_and_are_not_counted(
    tmp_path: Path, demo_site: Path, store: Store
) -> None:
    issue_id, bodies = _send(tmp_path, demo_site, store)
    link = _clicks(bodies["ana@example.org"])[0]
    base, token = link.rsplit("/", 1)
    app = harness(store)
    forged = [
        f"{base}/{click_token('not-our-secret-0123456789-0123456789', issue_id, 0, 1)}",
        f"{base}/{token[:-1]}{'A' if token[-1] != 'A' else 'B'}",
        link.replace(issue_id, "weekly-2001-01-05"),
        f"{base}/{click_token(SECRET, issue_id, 999, 1)}",  # a position the issue does not have
        f"{PUBLIC}/c/{issue_id}/",
        f"{PUBLIC}/c/{issue_id}/https:%2F%2Fevil.example",
    ]
    for url in forged:
        answer = _click(app, url)
        assert answer.status_code in (404, 405), url
        assert "location" not in answer.headers
    assert store.events.count(issue_id) == 0


def test_the_report_counts_people_and_keeps_machine_clicks_apart(
    tmp_path: Path, demo_site: Path, store: Store
) -> None:
    issue_id, bodies = _send(tmp_path, demo_site, store)
    ana, bo, cy = (_clicks(bodies[f"{n}@example.org"]) for n in ("ana", "bo", "cy"))
    app = harness(store)
    assert _click(app, ana[0]).status_code == 302  # a reader, twice on the lead
    assert _click(app, ana[0], after=timedelta(hours=2)).status_code == 302
    assert _click(app, ana[1], after=timedelta(days=2)).status_code == 302  # and another, two days later
    assert _click(app, bo[0], after=timedelta(seconds=5)).status_code == 302  # a gateway, on delivery
    assert _click(app, bo[1], agent="Mozilla/5.0 (compatible; Mimecast URL scanner)").status_code == 302
    for offset, url in enumerate(cy):  # every link within seconds: a scanner walking the message
        assert _click(app, url, after=timedelta(hours=3, seconds=offset)).status_code == 302
    report = issue_report(store, issue_id, machine_seconds=30)
    assert report is not None
    assert (report.delivered, report.failed) == (3, 0)
    assert (report.people_clicked, report.clicks) == (1, 3)
    assert report.machine_clicks == 2 + len(cy)
    assert report.machine_reasons == {
        "too soon after delivery": 1,
        "scanner agent": 1,
        "every link at once": len(cy),
    }
    lead, second = report.articles[0], report.articles[1]
    assert (lead.people, lead.clicks, lead.machine) == (1, 2, 2)
    assert (second.people, second.clicks) == (1, 1)
    assert lead.rate == pytest.approx(1 / 3)
    assert report.by_day[:3] == (2, 0, 1)
    assert [a.position for a in report.top()] == [0, 1]
    assert sum(s.people for s in report.sections) >= 1


def test_anonymous_clicks_name_nobody(tmp_path: Path, demo_site: Path, store: Store) -> None:
    issue_id, bodies = _send(tmp_path, demo_site, store, LINKS + "anonymous = true\n")
    ana, bo = _clicks(bodies["ana@example.org"]), _clicks(bodies["bo@example.org"])
    assert ana == bo  # the same links for everyone: nothing in them says who clicked
    app = harness(store)
    assert _click(app, ana[0]).status_code == 302
    rows = store.events.of_issue(issue_id)
    assert len(rows) == 1 and rows[0].subscriber_id is None


def test_without_tracking_or_utm_the_links_are_the_articles(
    tmp_path: Path, demo_site: Path, store: Store
) -> None:
    issue_id, bodies = _send(tmp_path, demo_site, store, extra="")
    html = bodies["ana@example.org"]
    assert f"{PUBLIC}/c/" not in html and "utm_" not in html
    for article in store.events.articles(issue_id):
        assert article.target == article.url and f'href="{article.url}"' in html
