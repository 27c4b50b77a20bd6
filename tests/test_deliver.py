"""Delivery via the outbox provider: once per recipient, list headers, resumable, unsubscribes honoured."""

from __future__ import annotations

import asyncio
import email
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from conftest import NOW

from digest.config import ProviderConfig
from digest.deliver import Audience, DeliveryReport, deliver
from digest.errors import ProviderError
from digest.links import Links
from digest.models import RenderedIssue, SubscriberStatus
from digest.personalize import placeholder
from digest.providers.base import Provider, SendOutcome
from digest.providers.letter import Batch
from digest.providers.outbox import OutboxProvider
from digest.store import Store
from digest.store.subscribers import NewSubscriber
from digest.tokens import verify_token

AUDIENCE = Audience("weekly", "The Meridian <newsletter@example.org>", "The Meridian Weekly")
LINKS = Links("https://news.example.org", "test-secret", AUDIENCE.sender)
UNSUB = placeholder("unsubscribe_url")
HTML = f'<p>Hello {placeholder("name")}</p><a href="{UNSUB}">Unsubscribe</a>'
TEXT = f"Hello {placeholder('name')}\nUnsubscribe: {UNSUB}\n"


def _issue(store: Store, issue_id: str = "weekly-2026-11-25") -> RenderedIssue:
    rendered = RenderedIssue(issue_id, "weekly", "This week", HTML, TEXT)
    store.issues.create(rendered, issue_id[-10:], "weekly", [], NOW)
    return rendered


def _deliver(rendered: RenderedIssue, store: Store, provider: Provider, batch_size: int) -> DeliveryReport:
    settings = ProviderConfig(batch_size=batch_size)
    return asyncio.run(deliver(rendered, AUDIENCE, store, provider, LINKS, lambda: NOW, settings))


def _subscribe(store: Store, count: int) -> None:
    people = [NewSubscriber(f"p{i}@example.org", f"P<{i}>") for i in range(count)]
    store.subscribers.upsert(people, "weekly", "test", NOW)


def _read(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=default)
    assert isinstance(message, EmailMessage)
    return message


def test_each_subscriber_gets_one_eml_with_list_unsubscribe_headers(store: Store, tmp_path: Path) -> None:
    _subscribe(store, 3)
    rendered = _issue(store)
    report = _deliver(rendered, store, OutboxProvider(tmp_path), 2)
    assert (report.sent, report.failed, report.already_sent) == (3, 0, 0)
    files = sorted((tmp_path / rendered.issue_id).glob("*.eml"))
    assert len(files) == 3
    raw = files[0].read_bytes().decode()
    assert "=?utf-8?" not in raw.split("\n\n", 1)[0]
    assert "<mailto:unsubscribe@example.org?subject=unsubscribe%20" in raw
    message = _read(files[0])
    assert message["To"] == "p0@example.org"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url, mailto = (part.strip(" <>") for part in message["List-Unsubscribe"].split(","))
    assert url.startswith("https://news.example.org/u/") and mailto.startswith(
        "mailto:unsubscribe@example.org"
    )
    assert verify_token("test-secret", url.rsplit("/", 1)[1], "p0@example.org")
    assert not verify_token("test-secret", url.rsplit("/", 1)[1], "p1@example.org")
    assert message.get_content_type() == "multipart/alternative"
    html = message.get_body(("html",))
    text = message.get_body(("plain",))
    assert html is not None and text is not None
    assert f'href="{url}"' in html.get_content() and "Hello P&lt;0&gt;" in html.get_content()
    assert f"Unsubscribe: {url}" in text.get_content() and "Hello P<0>" in text.get_content()


def test_second_delivery_of_the_same_issue_sends_nothing(store: Store, tmp_path: Path) -> None:
    _subscribe(store, 3)
    rendered = _issue(store)
    _deliver(rendered, store, OutboxProvider(tmp_path), 10)
    again = _deliver(rendered, store, OutboxProvider(tmp_path / "second"), 10)
    assert (again.sent, again.already_sent) == (0, 3)
    assert not (tmp_path / "second").exists()
    stored = store.issues.get(rendered.issue_id)
    assert stored is not None and stored.status == "sent"


def test_new_subscriber_after_a_send_gets_the_issue_on_the_next_run(store: Store, tmp_path: Path) -> None:
    _subscribe(store, 2)
    rendered = _issue(store)
    _deliver(rendered, store, OutboxProvider(tmp_path), 10)
    store.subscribers.upsert([NewSubscriber("late@example.org")], "weekly", "test", NOW)
    report = _deliver(rendered, store, OutboxProvider(tmp_path), 10)
    assert (report.sent, report.already_sent) == (1, 2)


class _UnsubscribingProvider(OutboxProvider):
    """Unsubscribes a listed address while the first batch is being sent."""

    def __init__(self, folder: Path, store: Store, victim: int) -> None:
        super().__init__(folder)
        self.store, self.victim, self.batches = store, victim, 0

    async def send(self, batch: Batch) -> SendOutcome:
        self.batches += 1
        if self.batches == 1:
            self.store.subscribers.set_status(self.victim, SubscriberStatus.UNSUBSCRIBED, NOW)
        return await super().send(batch)


def test_unsubscribe_during_a_send_skips_that_address(store: Store, tmp_path: Path) -> None:
    _subscribe(store, 4)
    last = max(s.id for s in store.subscribers.stream("weekly"))
    rendered = _issue(store)
    provider = _UnsubscribingProvider(tmp_path, store, last)
    report = _deliver(rendered, store, provider, 2)
    assert (report.sent, report.suppressed) == (2 + 1, 1)
    assert not list((tmp_path / rendered.issue_id).glob("*p3@example.org*"))
    assert store.ledger.counts(rendered.issue_id) == {"sent": 3, "suppressed": 1}


class _FailingProvider(OutboxProvider):
    """Refuses the second batch as a provider does with a bad key."""

    calls = 0

    async def send(self, batch: Batch) -> SendOutcome:
        self.calls += 1
        if self.calls == 2:
            raise ProviderError("outbox", "refused the batch: 401 bad token")
        return await super().send(batch)


def test_provider_error_stops_the_send_and_a_later_run_finishes_it(store: Store, tmp_path: Path) -> None:
    _subscribe(store, 5)
    rendered = _issue(store)
    with pytest.raises(ProviderError, match="401 bad token"):
        _deliver(rendered, store, _FailingProvider(tmp_path), 2)
    assert store.ledger.counts(rendered.issue_id) == {"sent": 2, "pending": 3}
    report = _deliver(rendered, store, OutboxProvider(tmp_path), 2)
    assert (report.sent, report.already_sent) == (3, 2)
    assert len(list((tmp_path / rendered.issue_id).glob("*.eml"))) == 5


def test_each_recipient_gets_the_links_own_mailto_and_url() -> None:
    from digest.deliver import addressing
    from digest.store.ledger import Claimed

    rendered = RenderedIssue("weekly-2026-11-25", "weekly", "This week", HTML, TEXT)
    row = Claimed(42, "ana+news@example.org", "Ana", "weekly", True)
    addressee = addressing(rendered, AUDIENCE, LINKS)(row)
    url = LINKS.unsubscribe_url("weekly", 42, "ana+news@example.org")
    mailto = LINKS.unsubscribe_mailto("weekly", 42, "ana+news@example.org")
    assert addressee.headers == (("List-Unsubscribe", f"<{url}>, <{mailto}>"),)
    assert addressee.values["unsubscribe_url"] == url
