"""A reader in a real browser follows the footer's unsubscribe link, confirms, and is off the list.

The email is the sample issue rendered and personalized as digest.deliver does; the server is
`digest serve` itself on 127.0.0.1, with public_url pointing at it. Debian's Chromium runs headless.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from chromium import launch
from conftest import NOW, ROOT

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A publication whose public pages are served on a free port of 127.0.0.1."""
    port = _free_port()
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
    config = load_config(project / "schedule.toml")
    env = {**os.environ, "DIGEST_SECRET": SECRET, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "digest", "serve", "-c", str(project / "schedule.toml")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for(config.server.host, config.server.port, process)
        yield config.server.public_url
    finally:
        process.terminate()
        process.wait(timeout=15)
        if process.stdout:
            process.stdout.close()


def _wait_for(host: str, port: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"digest serve exited: {process.stdout.read() if process.stdout else ''}")
        try:
            socket.create_connection((host, port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"digest serve did not listen on {host}:{port}")


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
