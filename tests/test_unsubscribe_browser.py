"""A reader in a real browser follows the footer's unsubscribe link, confirms, and is off the list.

The email is the sample issue rendered and personalized as digest.deliver does; the server is
`digest serve` itself on 127.0.0.1, with public_url pointing at it. Debian's Chromium runs headless.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from chromium import launch
from conftest import NOW
from websupport import free_port, serving

from digest.config import load_config
from digest.deliver import Audience, addressing, letter_for
from digest.links import Links
from digest.models import SubscriberStatus
from digest.render import render
from digest.sample import sample_issue
from digest.store import Store, open_store
from digest.store.ledger import Claimed
from digest.store.subscribers import NewSubscriber

SECRET = "browser-test-secret-long-enough-to-sign"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A publication whose public pages are served on a free port of 127.0.0.1."""
    port = free_port()
    (tmp_path / "schedule.toml").write_text(f"""
[store]
url = "sqlite:///subscribers/digest.sqlite3"

[server]
public_url = "http://127.0.0.1:{port}"
host = "127.0.0.1"
port = {port}

[newsletters.weekly]
title = "The Meridian Weekly"
from = "The Meridian <newsletter@example.org>"
list = "weekly"
postal_address = "1 Example Street, Springfield"

[[newsletters.weekly.sources]]
url = "feed.xml"
""")
    return tmp_path


@pytest.fixture
def server(project: Path) -> Iterator[str]:
    """`digest serve` running on the configured port; its base URL."""
    with serving(project / "schedule.toml", SECRET) as url:
        yield url


def _email_for(project: Path, store: Store, email: str) -> str:
    """The sample issue's HTML as this subscriber receives it (compiled once, then personalized)."""
    config = load_config(project / "schedule.toml")
    name, newsletter = config.newsletter(None)
    rendered = render(
        sample_issue(name, newsletter, NOW), newsletter, config.theme, config.template_dirs(name)
    )
    person = store.subscribers.find(newsletter.list_name, email)
    assert person is not None
    links = Links(config.server.public_url, SECRET, newsletter.sender)
    audience = Audience(newsletter.list_name, newsletter.sender, newsletter.title)
    row = Claimed(person.id, person.email, person.name, person.list, True)
    return letter_for(rendered, audience).message(addressing(rendered, audience, links)(row)).html


def test_a_reader_unsubscribes_from_the_email_footer_in_a_browser(project: Path, server: str) -> None:
    from playwright.sync_api import sync_playwright

    store = open_store(f"sqlite:///{project / 'subscribers' / 'digest.sqlite3'}")
    store.subscribers.upsert([NewSubscriber("ada@example.org", "Ada")], "weekly", "test", NOW)
    email = project / "email.html"
    email.write_text(_email_for(project, store, "ada@example.org"), encoding="utf-8")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            page.goto(email.as_uri())
            page.get_by_role("link", name="Unsubscribe").click()
            page.wait_for_url(f"{server}/u/*")
            assert page.get_by_role("button", name="Unsubscribe").is_visible()
            assert store.subscribers.find("weekly", "ada@example.org").status == SubscriberStatus.ACTIVE  # type: ignore[union-attr]
            page.get_by_role("button", name="Unsubscribe").click()
            page.get_by_role("heading", name="Unsubscribed").wait_for()
            assert "ada@example.org will receive no more" in page.content()
        finally:
            browser.close()
    person = store.subscribers.find("weekly", "ada@example.org")
    assert person is not None and person.status == SubscriberStatus.UNSUBSCRIBED
    store.close()
