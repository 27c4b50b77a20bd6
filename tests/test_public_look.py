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
