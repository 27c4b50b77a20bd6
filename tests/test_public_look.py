"""The public pages (unsubscribe, subscribe, confirm) and the archive index wear the newsletter's theme."""

from __future__ import annotations

from pathlib import Path

from conftest import write_config
from test_unsubscribe import _path
from websupport import harness, subscribe

from digest.cli.serve import public_site
from digest.config import ThemeConfig, load_config
from digest.providers import create_provider
from digest.store import Store

GREEN = ThemeConfig(
    brand_color="#0a7d5a", background_color="#eef6f2", font_family="Helvetica, Arial, sans-serif"
)
PLUM = ThemeConfig(brand_color="#5b2a86")


def _wears(html: str, theme: ThemeConfig) -> bool:
    """Whether a page's style sheet uses the theme's brand colour, background and font."""
    return (
        f"background: {theme.brand_color};" in html
        and f"background: {theme.background_color};" in html
        and f"font: 17px/1.5 {theme.css_font()};" in html
    )


def test_the_unsubscribe_page_wears_its_lists_theme(store: Store) -> None:
    (ada,) = subscribe(store, "ada@example.org")
    app = harness(store, themes={"weekly": GREEN})
    page = app.request("GET", _path("weekly", ada.id, ada.email)).text
    assert _wears(page, GREEN) and "#1d3557" not in page
    done = app.request("POST", _path("weekly", ada.id, ada.email), data={"List-Unsubscribe": "One-Click"})
    assert _wears(done.text, GREEN)


def test_the_subscribe_form_wears_the_first_lists_theme_and_the_confirm_page_its_own(store: Store) -> None:
    lists = {"weekly": "The Meridian Weekly", "daily": "The Meridian Daily"}
    app = harness(store, lists=lists, themes={"weekly": GREEN, "daily": PLUM})
    assert _wears(app.request("GET", "/subscribe").text, GREEN)
    answer = app.request("POST", "/subscribe", data={"email": "bo@example.org", "list": "daily"})
    assert _wears(answer.text, PLUM)
    confirmed = app.request("GET", app.outbox.link().removeprefix("https://news.example.org"))
    assert confirmed.status_code == 200 and "Subscribed" in confirmed.text and _wears(confirmed.text, PLUM)


def test_pages_without_a_theme_keep_the_default_look(store: Store) -> None:
    page = harness(store).request("GET", "/subscribe").text
    assert _wears(page, ThemeConfig())
    assert _wears(harness(store).request("GET", "/u/not-a-token").text, ThemeConfig())


def test_a_font_family_cannot_break_out_of_the_style_sheet(store: Store) -> None:
    hostile = ThemeConfig(font_family="Georgia; } body { display: none } </style><script>x</script>")
    page = harness(store, themes={"weekly": hostile}).request("GET", "/subscribe").text
    assert "<script>" not in page and "display: none" not in page and "}" not in hostile.css_font()


def test_the_server_gives_each_list_its_first_newsletters_theme(
    tmp_path: Path, demo_site: Path, store: Store
) -> None:
    extra = """
[newsletters.weekly.theme]
brand_color = "#0a7d5a"

[newsletters.digest]
title = "The Meridian Digest"
from = "The Meridian <newsletter@example.org>"
list = "weekly"
postal_address = "1 Example Street, Springfield"
sources = [{ url = "https://example.org/feed.xml" }]

[newsletters.digest.theme]
brand_color = "#5b2a86"
"""
    config = load_config(write_config(tmp_path, demo_site, extra=extra))
    site = public_site(config, store, create_provider(config.provider))
    assert site.theme("weekly").brand_color == "#0a7d5a"


def _looks(html: str, scheme: str) -> dict[str, str]:
    """The computed colours of a page in Chromium, with the reader's colour scheme set to ``scheme``."""
    from chromium import launch
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(color_scheme=scheme)  # type: ignore[arg-type]
            page.set_content(html)
            return dict(
                page.evaluate(
                    """() => { const s = (q, p) => getComputedStyle(document.querySelector(q))[p];
                    return {body: s('body', 'backgroundColor'), text: s('body', 'color'),
                            heading: s('h1', 'color')}; }"""
                )
            )
        finally:
            browser.close()


def test_public_pages_follow_the_readers_dark_setting_in_a_browser(
    store: Store, tmp_path: Path, demo_site: Path
) -> None:
    from digest.archive import build_archive

    subscribe_page = harness(store, themes={"weekly": GREEN}).request("GET", "/subscribe").text
    config = load_config(write_config(tmp_path, demo_site))
    build_archive(config, store, tmp_path / "archive")
    index = (tmp_path / "archive" / "index.html").read_text(encoding="utf-8")
    for html in (subscribe_page, index):
        assert '<meta name="color-scheme" content="light dark">' in html
        light, dark = _looks(html, "light"), _looks(html, "dark")
        assert dark["body"] == "rgb(18, 18, 18)" and dark["text"] == "rgb(232, 230, 227)"
        assert light["body"] != dark["body"] and light["heading"] != dark["heading"]
    assert _looks(subscribe_page, "light")["body"] == "rgb(238, 246, 242)"  # GREEN's background
