"""The desk in a real browser: Debian's Chromium drives every action, the draft file holds each change."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from chromium import launch
from conftest import write_config
from playwright.sync_api import Page, Route, expect, sync_playwright
from test_desk_web import DESK

from digest.drafts import Draft, load_draft

SHOTS = Path("/tmp/desk-shots")
EXTRA = '\n[desk]\ntest_addresses = ["editor@example.org"]\n'


@pytest.fixture
def project(tmp_path: Path, live_site: Path) -> Path:
    config = write_config(tmp_path, live_site, extra=EXTRA)
    zone = 'timezone = "America/New_York"'
    config.write_text(config.read_text().replace(zone, f'{zone}\napproval = "required"'))
    return tmp_path


@pytest.fixture
def desk_url(project: Path) -> Iterator[str]:
    server = subprocess.Popen(
        [sys.executable, "-c", DESK, "desk", "--port", "0"], cwd=project, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    assert server.stdout is not None
    line = server.stdout.readline()
    if " at http" not in line:
        server.kill()
        pytest.fail(f"the desk did not start: {line}{server.communicate()[1]}")
    yield line.split(" at ", 1)[1].split()[0]
    server.send_signal(signal.SIGINT)
    server.communicate(timeout=10)


def _loopback_only(route: Route) -> None:
    if urlsplit(route.request.url).hostname == "127.0.0.1":
        route.continue_()
    else:
        route.abort()


def draft(project: Path) -> Draft:
    [path] = (project / "drafts" / "weekly").glob("*.toml")
    loaded = load_draft(path)
    assert loaded is not None
    return loaded


def article(page: Page, index: int) -> str:
    return str(page.locator("li.article").nth(index).get_attribute("data-url"))


def click(page: Page, url: str, button: str, said: str) -> None:
    """Press one of an article's buttons and wait for the desk to say it saved."""
    page.locator(f'li.article[data-url="{url}"] button', has_text=button).first.click()
    expect(page.locator(".flash")).to_contain_text(said)


def test_the_desk_drives_every_action_into_the_draft_file(project: Path, desk_url: str) -> None:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route("**/*", _loopback_only)
        page = context.new_page()
        page.goto(desk_url)
        first, second, third = article(page, 0), article(page, 1), article(page, 2)
        click(page, first, "Down", "Saved: down")
        assert [a.url for a in draft(project).articles][:2] == [second, first]
        click(page, third, "Pin to top", "Saved: pin")
        assert draft(project).articles[0].url == third and draft(project).articles[0].pin
        page.locator(f'li.article[data-url="{second}"] input[name="reason"]').fill("old news")
        click(page, second, "Drop", "Saved: drop")
        dropped = next(a for a in draft(project).articles if a.url == second)
        assert dropped.drop and dropped.reason == "old news"
        expect(page.locator(f'li.article[data-url="{second}"] .reason')).to_contain_text("old news")
        click(page, second, "Restore", "Saved: restore")
        assert not next(a for a in draft(project).articles if a.url == second).drop
        item = page.locator(f'li.article[data-url="{first}"]')
        item.locator("summary").click()
        expect(item.locator(".lede")).not_to_be_empty()
        item.locator("textarea[name=text]").fill("A lede rewritten at the desk.")
        click(page, first, "Save text", "Saved: edit")
        assert (
            next(a for a in draft(project).articles if a.url == first).text == "A lede rewritten at the desk."
        )
        expect(page.frame_locator("iframe#mobile").locator("body")).to_contain_text(
            "A lede rewritten at the desk.", timeout=5000
        )
        page.locator("#fields input[name=subject]").fill("Chosen at the desk")
        page.locator("#fields button").click()
        expect(page.locator(".flash")).to_contain_text("Saved: fields")
        assert draft(project).subject == "Chosen at the desk"
        page.locator("#send button", has_text="Send a test").click()
        expect(page.locator(".flash")).to_contain_text("Sent a test to editor@example.org")
        [sent] = (project / "outbox").rglob("*.eml")
        assert "[Test] Chosen at the desk" in sent.read_text()
        page.locator("#send button", has_text="Approve").click()
        expect(page.locator(".flash")).to_contain_text("Approved weekly ")
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "desk-1280.png"), full_page=False)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(SHOTS / "desk-390.png"), full_page=False)
        browser.close()


def test_a_hand_edit_of_the_draft_shows_up_on_the_page(project: Path, desk_url: str) -> None:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()
        page.route("**/*", _loopback_only)
        page.goto(desk_url)
        click(page, article(page, 0), "Pin to top", "Saved: pin")
        [path] = (project / "drafts" / "weekly").glob("*.toml")
        path.write_text(path.read_text().replace("# subject = ", 'subject = "Typed by hand"\n# was: ', 1))
        expect(page.locator("#fields input[name=subject]")).to_have_value("Typed by hand", timeout=5000)
        browser.close()
