"""The live preview in a real browser: Debian's Chromium driven by Playwright, a real `digest` server."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import httpx
import pytest
from chromium import launch
from conftest import demo_builder, write_config
from playwright.sync_api import Browser, Frame, Page, Route, expect, sync_playwright

TEASER = Path("templates") / "partials" / "teaser.mjml.j2"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo site built as of now (the server reads the real clock)."""
    folder = tmp_path_factory.mktemp("live-site")
    demo_builder().build(folder, datetime.now(UTC))
    return folder


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, site: Path) -> Path:
    """A demo project: schedule.toml and the templates."""
    folder = tmp_path_factory.mktemp("project")
    write_config(folder, site)
    return folder


@pytest.fixture(scope="module")
def server(project: Path) -> Iterator[str]:
    """`digest preview --serve --port 0` running in the project; its URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "digest", "preview", "--serve", "--port", "0"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if " at http" not in line:
        process.kill()
        pytest.fail(f"the preview server did not start: {line}{process.communicate()[1]}")
    yield line.split(" at ", 1)[1].split()[0]
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=10)
    finally:
        process.kill()
        process.communicate()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        yield launch(playwright)


def _loopback_only(route: Route) -> None:
    """The email links and images point at the publication's site: never let the browser go there."""
    if urlsplit(route.request.url).hostname == "127.0.0.1":
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", _loopback_only)
    page = context.new_page()
    page.goto(server)
    page.evaluate("window.loadedOnce = true")  # gone if the page is ever reloaded
    yield page
    context.close()


@pytest.fixture
def templates(project: Path, server: str) -> Iterator[Path]:
    """The project's templates folder, put back as it was (and rebuilt) after the test."""
    backup = project.parent / "templates-backup"
    shutil.copytree(project / "templates", backup, dirs_exist_ok=True)
    good = httpx.get(f"{server}email").text
    yield project / "templates"
    shutil.copytree(backup, project / "templates", dirs_exist_ok=True)
    deadline = time.monotonic() + 10
    while httpx.get(f"{server}email").text != good or "Build failed" in httpx.get(server).text:
        assert time.monotonic() < deadline, "the server did not rebuild the restored templates"
        time.sleep(0.05)


def mobile(page: Page) -> Frame:
    """The email as shown in the 375 px frame, once loaded."""
    frame = page.locator("iframe#mobile").element_handle().content_frame()
    assert frame is not None
    frame.wait_for_load_state()
    return frame


def test_preview_page_loads_with_subject_and_both_widths(page: Page) -> None:
    expect(page.locator("h1.subject")).to_contain_text("The Meridian Weekly: ")
    expect(page.locator(".preheader")).to_contain_text("Preheader: ")
    expect(page.locator("iframe#desktop")).to_have_attribute("width", "680")
    expect(page.locator("iframe#mobile")).to_have_attribute("width", "375")
    expect(page.locator("#lint")).to_contain_text("Lint")
    expect(page.locator("pre.text")).to_contain_text("keep reading")
    assert page.locator(".error").count() == 0


def test_email_at_375px_has_no_horizontal_scroll(page: Page) -> None:
    frame = mobile(page)
    widths = frame.evaluate(
        "[document.documentElement.clientWidth, document.documentElement.scrollWidth,"
        " Math.max(...[...document.images].map((i) => i.getBoundingClientRect().right))]"
    )
    client, scroll, rightmost_image = widths
    assert client == 375
    assert scroll <= 375, f"the email is {scroll} px wide at 375 px"
    assert rightmost_image <= 375


def test_every_teaser_title_links_to_its_article(page: Page, site: Path) -> None:
    articles = {e.title: e.link for e in feedparser.parse((site / "feed.xml").read_bytes()).entries}
    titles = mobile(page).evaluate(
        "[...document.querySelectorAll('h2')].map((h) => [h.innerText.trim(),"
        " h.querySelector('a') && h.querySelector('a').href])"
    )
    assert len(titles) >= 10
    for title, href in titles:
        assert href == articles[title], title
        assert href.startswith("https://meridian.example/articles/")


def test_saving_a_template_updates_the_page_without_a_reload(page: Page, templates: Path) -> None:
    teaser = templates.parent / TEASER
    teaser.write_text(teaser.read_text().replace("{{ teaser.title }}", "Edited: {{ teaser.title }}"))
    edited = page.frame_locator("iframe#mobile").locator("h2 a").first
    expect(edited).to_contain_text("Edited: ", timeout=5000)
    expect(page.frame_locator("iframe#desktop").locator("h2 a").first).to_contain_text("Edited: ")
    assert page.evaluate("window.loadedOnce") is True


def test_a_broken_template_shows_the_error_panel_with_file_and_line(page: Page, templates: Path) -> None:
    teaser = templates.parent / TEASER
    source = teaser.read_text()
    line = source[: source.index("{{ teaser.title }}")].count("\n") + 1
    teaser.write_text(source.replace("{{ teaser.title }}", "{{ teaser.titel }}"))
    panel = page.locator(".error")
    expect(panel).to_contain_text(f"Template 'partials/teaser.mjml.j2' line {line}", timeout=5000)
    expect(panel).to_contain_text("a Teaser has no 'titel'")
    expect(panel).to_contain_text("showing the last good build")
    assert mobile(page).locator("h2 a").count() >= 10  # the last good email stays
    teaser.write_text(source)
    expect(panel).to_have_count(0, timeout=5000)
    assert page.evaluate("window.loadedOnce") is True
