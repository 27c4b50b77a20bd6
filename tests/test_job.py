"""The weekly job across several runs with an injected clock: windows, never repeated, nothing new."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import httpx
from conftest import NOW, write_config

from digest import job
from digest.collect.fetch import Fetcher
from digest.config import Config, load_config
from digest.links import Links
from digest.providers.outbox import OutboxProvider
from digest.store import Store
from digest.store.subscribers import NewSubscriber


def refuse(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"unexpected request for {request.url}")


def run_at(config: Config, store: Store, outbox: Path, moment: object) -> job.RunReport:
    """One run of the weekly job at a given time, with every collaborator made here."""
    settings = config.newsletters["weekly"]
    links = Links(config.server.public_url, "secret", settings.sender)
    mirrors = [s.mirror for s in settings.sources if s.mirror]

    async def go() -> job.RunReport:
        fetcher = Fetcher(httpx.AsyncClient(transport=httpx.MockTransport(refuse)), mirrors)
        return await job.run(config, "weekly", fetcher, store, OutboxProvider(outbox), links, lambda: moment)  # type: ignore[arg-type,return-value]

    return asyncio.run(go())


def _project(tmp_path: Path, site: Path, store: Store) -> Config:
    config = load_config(write_config(tmp_path, site))
    store.subscribers.upsert([NewSubscriber("ana@example.org", "Ana")], "weekly", "test", NOW)
    return config


def test_next_days_run_finds_nothing_new_and_sends_nothing(
    tmp_path: Path, demo_site: Path, store: Store
) -> None:
    config = _project(tmp_path, demo_site, store)
    first = run_at(config, store, tmp_path / "outbox", NOW)
    assert first.delivery is not None and first.delivery.sent == 1
    stored = store.issues.get(first.issue_id)
    assert stored is not None and stored.subject.startswith("The Meridian Weekly: ")
    later = run_at(config, store, tmp_path / "outbox", NOW + timedelta(days=1))
    assert later.delivery is None
    assert later.outcome.startswith("nothing new")
    assert store.issues.get(later.issue_id) is None
    assert len(list((tmp_path / "outbox").rglob("*.eml"))) == 1


def _feed(path: Path, *items: tuple[str, str, object]) -> None:
    entries = "".join(
        f"<item><title>{title}</title><link>https://news.example/{slug}</link><guid>{slug}-{when:%s}</guid>"
        f"<description>{title}: a story told in a sentence or two for the feed.</description>"
        f"<pubDate>{when:%a, %d %b %Y %H:%M:%S} +0000</pubDate></item>"
        for title, slug, when in items
    )
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>N</title><link>https://news.example/</link>'
        f"<description>-</description>{entries}</channel></rss>"
    )


def test_next_issue_holds_only_articles_published_since_the_last_one(tmp_path: Path, store: Store) -> None:
    feed = tmp_path / "feed.xml"
    _feed(feed, ("Alpha", "alpha", NOW - timedelta(days=1)), ("Beta", "beta", NOW - timedelta(days=2)))
    config_path = write_config(tmp_path, tmp_path)
    config_path.write_text(config_path.read_text().replace("pages = true", "pages = false"))
    config = load_config(config_path)
    store.subscribers.upsert([NewSubscriber("ana@example.org", "Ana")], "weekly", "test", NOW)
    first = run_at(config, store, tmp_path / "outbox", NOW)
    assert first.delivery is not None and first.delivery.sent == 1
    # The site updates Alpha (new date, new GUID) and publishes Gamma.
    later = NOW + timedelta(days=2)
    _feed(
        feed,
        ("Alpha, updated", "alpha", later - timedelta(hours=2)),
        ("Gamma", "gamma", later - timedelta(hours=1)),
    )
    second = run_at(config, store, tmp_path / "outbox", later)
    assert second.delivery is not None and second.delivery.sent == 1
    sent = store.issues.sent_articles("weekly")
    assert sent["https://news.example/alpha"] == first.issue_id
    assert sent["https://news.example/gamma"] == second.issue_id
    stored = store.issues.get(second.issue_id)
    assert stored is not None and "Gamma" in stored.html and "Alpha" not in stored.html


def test_preview_uses_the_last_collect_offline(tmp_path: Path, demo_site: Path, store: Store) -> None:
    config = _project(tmp_path, demo_site, store)
    mirrors = [s.mirror for s in config.newsletters["weekly"].sources if s.mirror]

    async def collect_once() -> object:
        fetcher = Fetcher(httpx.AsyncClient(transport=httpx.MockTransport(refuse)), mirrors)
        return await job.gather(config, "weekly", fetcher, store, NOW)

    found = asyncio.run(collect_once())
    saved = store.collections.last("weekly")
    assert saved is not None and saved[0] == found and saved[1] == NOW
    # Without the mirror every read would fail: the preview must not read anything.
    offline = Fetcher(httpx.AsyncClient(transport=httpx.MockTransport(refuse)), [])
    prepared = asyncio.run(job.preview(config, "weekly", offline, store, NOW))
    assert prepared.rendered is not None
    assert "showing the articles collected 2026-11-25 12:00 UTC (11 articles)" in prepared.note
    assert len(prepared.collection.articles) == len(found.articles) == 11  # type: ignore[attr-defined]


def test_an_empty_issue_goes_out_only_when_skip_if_empty_is_off(
    tmp_path: Path, demo_site: Path, store: Store
) -> None:
    config = _project(tmp_path, demo_site, store)
    run_at(config, store, tmp_path / "outbox", NOW)
    quiet = NOW + timedelta(days=1)
    assert run_at(config, store, tmp_path / "outbox", quiet).delivery is None
    path = Path(config.path)
    path.write_text(
        path.read_text().replace(
            'timezone = "America/New_York"', 'timezone = "America/New_York"\nskip_if_empty = false'
        )
    )
    sent = run_at(load_config(path), store, tmp_path / "outbox", quiet)
    assert sent.delivery is not None and sent.delivery.sent == 1
    stored = store.issues.get(sent.issue_id)
    assert stored is not None and stored.subject == "The Meridian Weekly"
    assert "Nothing new was published" in stored.html and "Nothing new was published" in stored.text


def test_a_template_fills_each_recipients_attributes_and_the_reply_to_in_the_outbox(
    tmp_path: Path, demo_site: Path, store: Store
) -> None:
    schedule = write_config(tmp_path, demo_site)
    text = schedule.read_text(encoding="utf-8")
    schedule.write_text(text.replace("timezone =", 'reply_to = "desk@example.org"\ntimezone =', 1))
    greeting = 'Hello {{ recipient.first_name }} from {{ recipient.attributes.city | default("your town") }}!'
    layout = tmp_path / "templates" / "digest.mjml.j2"
    block = f"<mj-section><mj-column><mj-text>{greeting}</mj-text></mj-column></mj-section>"
    source = layout.read_text(encoding="utf-8")
    layout.write_text(re.sub(r"(<mj-body[^>]*>)", rf"\1{block}", source, count=1), encoding="utf-8")
    plain = tmp_path / "templates" / "digest.txt.j2"
    plain.write_text(f"{greeting}\n" + plain.read_text(encoding="utf-8"), encoding="utf-8")
    people = [
        NewSubscriber("ana@example.org", "Ana Lima", {"city": "Porto & Braga", "first_name": "Annie"}),
        NewSubscriber("bo@example.com", "Bo Berg"),
    ]
    store.subscribers.upsert(people, "weekly", "test", NOW)

    report = run_at(load_config(schedule), store, tmp_path / "outbox", NOW)

    assert report.delivery is not None and report.delivery.sent == 2
    found = [message_from_bytes(p.read_bytes(), policy=default) for p in (tmp_path / "outbox").rglob("*.eml")]
    messages = {m["To"]: m for m in found}
    for address, words in (
        ("ana@example.org", "Annie from Porto & Braga"),
        ("bo@example.com", "Bo from your town"),
    ):
        message = messages[address]
        html = message.get_body(("html",)).get_content()
        text = message.get_body(("plain",)).get_content()
        assert text.startswith(f"Hello {words}!")
        assert f"Hello {words.replace('&', '&amp;')}!" in html
        assert message["Reply-To"] == "desk@example.org"
