"""The report page: figures, tables, SVG charts, hostile data escaped, nothing loaded; in a real browser."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from chromium import launch
from playwright.sync_api import Browser, Page, sync_playwright

from digest.report import ArticleLine, IssueReport, SectionLine, TrendLine
from digest.report_page import report_html

SENT = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
SHOT = Path("/tmp/report-page.png")
# Attributes that hold SVG coordinates: each must be a finite number (or, for points, a list of them).
NUMERIC = {"x", "y", "width", "height", "cx", "cy", "r", "x1", "x2", "y1", "y2", "points", "viewbox"}
LOADING_TAGS = {
    "script",
    "link",
    "img",
    "iframe",
    "object",
    "embed",
    "image",
    "use",
    "audio",
    "video",
    "source",
}


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, and the text inside each <style>."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.styles: list[str] = []
        self._in_style = False
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)

    def count(self, tag: str, cls: str, within: str) -> int:
        """How many ``tag`` elements of class ``cls`` are inside the svg of class ``within``."""
        inside, found = False, 0
        for name, attrs in self.tags:
            if name == "svg":
                inside = within in attrs.get("class", "").split()
            elif inside and name == tag and cls in attrs.get("class", "").split():
                found += 1
        return found


def article(position: int, title: str, people: int, *, url: str = "", section: str = "News") -> ArticleLine:
    return ArticleLine(
        position=position - 1,  # numbered from 1 here, as the page shows them; the store counts from 0
        title=title,
        url=url or f"https://news.example.org/{position}",
        section=section,
        people=people,
        clicks=people + position,
        machine=position % 3,
        rate=people / 1240,
    )


def issue(**changes: object) -> IssueReport:
    """A delivered issue of six articles in two sections, with a week of clicks."""
    articles = (
        article(1, "City council approves the new tram line after a decade of debate", 96),
        article(2, "Heat pumps: what the subsidy covers", 71),
        article(3, "The bakery that never closes", 40, section="Life"),
        article(4, "Interview: the last lighthouse keeper", 22, section="Life"),
        article(5, "Letters", 5, section="Life"),
        article(6, "Weather", 0),
    )
    fields: dict[str, object] = {
        "issue_id": "weekly-2026-48",
        "newsletter": "weekly",
        "subject": "The tram is coming",
        "sent_at": SENT,
        "delivered": 1240,
        "failed": 3,
        "bounced": 7,
        "complained": 1,
        "unsubscribed": 4,
        "people_opened": 612,
        "opens": 903,
        "apple_opens": 410,
        "machine_opens": 433,
        "people_clicked": 187,
        "clicks": 255,
        "machine_clicks": 58,
        "articles": articles,
        "sections": (SectionLine("News", 150, 170, 150 / 1240), SectionLine("Life", 60, 85, 60 / 1240)),
        "by_day": (121, 64, 31, 18, 9, 7, 5),
        "machine_reasons": {"scanner agent": 41, "too soon after delivery": 17},
    }
    return IssueReport(**{**fields, **changes})  # type: ignore[arg-type]


def trend(count: int = 8) -> list[TrendLine]:
    return [
        TrendLine(
            issue_id=f"weekly-2026-{41 + i}",
            subject=f"Issue {41 + i}",
            made=SENT - timedelta(weeks=count - 1 - i),
            delivered=1100 + 20 * i,
            people_clicked=130 + 7 * i,
            click_rate=(130 + 7 * i) / (1100 + 20 * i),
            people_opened=560 + 6 * i,
            unsubscribed=i % 3,
        )
        for i in range(count)
    ]


def figures(page: str) -> dict[str, str]:
    """Each headline figure's value by its data-figure name."""
    found = re.findall(r'data-figure="(\w+)">\s*<span class="value">([^<]*)</span>', page)
    return dict(found)


def test_page_shows_the_issue_and_its_headline_figures() -> None:
    page = report_html(issue(), [], title="Weekly report")

    assert figures(page) == {
        "delivered": "1,240",
        "failed": "3",
        "bounced": "7",
        "complained": "1",
        "unsubscribed": "4",
        "opened": "612",
        "clicked": "187",
        "machine": "58",
    }
    assert "49.4% open rate" in page and "15.1% click rate" in page
    assert "scanner agent: 41 · too soon after delivery: 17" in page
    assert "<title>Weekly report</title>" in page and "The tram is coming" in page
    assert "weekly-2026-48" in page and "2026-11-24 07:00 UTC" in page


def test_page_is_standalone_html5() -> None:
    page = report_html(issue(), trend(), title="Weekly report")

    assert page.startswith("<!doctype html>")
    assert '<meta charset="utf-8">' in page
    assert '<meta name="viewport"' in page
    assert '<meta name="color-scheme" content="light dark">' in page
    assert "@media (prefers-color-scheme: dark)" in page
    assert page.count("<style>") == 1


def test_tables_list_every_article_and_section() -> None:
    page = report_html(issue(), [], title="Weekly report")
    tags = Tags(page)

    links = [a["href"] for tag, a in tags.tags if tag == "a"]
    assert links == [f"https://news.example.org/{n}" for n in range(1, 7)]
    assert ">Heat pumps: what the subsidy covers</a>" in page
    assert '<td class="title">Life</td><td class="n">60</td>' in page
    assert page.count('<span class="rank">top ') == 3


def test_article_chart_has_one_bar_per_article() -> None:
    tags = Tags(report_html(issue(), [], title="Weekly report"))

    assert tags.count("rect", "bar", within="chart-articles") == 6


def test_article_bars_are_as_long_as_their_people() -> None:
    tags = Tags(report_html(issue(), [], title="Weekly report"))
    widths = [float(a["width"]) for tag, a in tags.tags if tag == "rect" and a.get("class") == "bar"]

    assert widths[5] == 0
    assert widths[0] / widths[1] == pytest.approx(96 / 71, rel=0.01)


def test_long_titles_are_cut_in_the_chart_and_whole_in_the_table() -> None:
    page = report_html(issue(), [], title="Weekly report")

    assert ">1. City council approves the new…</text>" in page
    assert ">4. Interview: the last lighthouse…</text>" in page
    assert ">City council approves the new tram line after a decade of debate</a>" in page


def test_day_chart_has_a_point_per_day() -> None:
    page = report_html(issue(), [], title="Weekly report")
    tags = Tags(page)

    assert tags.count("circle", "point", within="chart-days") == 7
    assert tags.count("polyline", "line", within="chart-days") == 1
    ticks = re.findall(r'text-anchor="end">(\d+)</text>', page.split("chart-days", 1)[1].split("</svg>")[0])
    assert ticks == ["0", "50", "100", "150"]


def test_trend_chart_has_a_bar_and_a_point_per_issue() -> None:
    page = report_html(issue(), trend(8), title="Weekly report")
    tags = Tags(page)

    assert tags.count("circle", "point", within="chart-trend") == 8
    assert tags.count("rect", "bar", within="chart-trend") == 8
    assert "Delivered (left axis)" in page and "Click rate (right axis)" in page
    assert page.count('<tr><td class="n">2026-') == 8


def test_trend_only_page_has_no_issue_parts() -> None:
    page = report_html(None, trend(12), title="weekly: last 12 issues")
    tags = Tags(page)

    assert tags.count("circle", "point", within="chart-trend") == 12
    assert "chart chart-articles" not in page and "chart chart-days" not in page and "data-figure" not in page
    assert "<h1>weekly: last 12 issues</h1>" in page


def test_issue_page_without_trend_has_no_trend_chart() -> None:
    page = report_html(issue(), [], title="Weekly report")

    assert 'class="chart chart-trend"' not in page
    assert 'class="chart chart-articles"' in page and 'class="chart chart-days"' in page


def test_page_with_nothing_says_so() -> None:
    page = report_html(None, [], title="weekly")

    assert "Nothing to report" in page and "<svg" not in page


def test_all_zero_report_draws_finite_numbers() -> None:
    zero = issue(
        delivered=0, failed=0, bounced=0, complained=0, unsubscribed=0, people_opened=0, opens=0,
        apple_opens=0, machine_opens=0, people_clicked=0, clicks=0, machine_clicks=0, machine_reasons={},
        articles=(ArticleLine(0, "One", "https://a.example/", "", 0, 0, 0, 0.0), article(2, "Two", 0)),
        sections=(SectionLine("More", 0, 0, 0.0),), by_day=(0,) * 7, sent_at=None,
    )  # fmt: skip
    flat = [TrendLine("w-1", "One", SENT, 0, 0, 0.0, 0, 0), TrendLine("w-2", "Two", SENT, 0, 0, 0.0, 0, 0)]
    page = report_html(zero, flat, title="Weekly report")
    tags = Tags(page)

    assert not re.search(r"nan|inf", " ".join(v for _, a in tags.tags for v in a.values()), re.IGNORECASE)
    for _, attrs in tags.tags:
        for name, value in attrs.items():
            if name in NUMERIC:
                assert all(math.isfinite(float(n)) for n in re.split(r"[ ,]+", value.strip())), (name, value)
    assert tags.count("rect", "bar", within="chart-articles") == 2
    assert tags.count("circle", "point", within="chart-days") == 7
    assert tags.count("circle", "point", within="chart-trend") == 2
    assert "0.0% click rate" in page and "not sent yet" in page


def test_hostile_titles_and_urls_are_escaped_and_not_linked() -> None:
    hostile = issue(
        subject='"><svg onload=alert(1)>',
        articles=(
            article(1, "<script>alert(1)</script>", 3, url="javascript:alert(1)", section="<img src=x>"),
            article(2, "Data", 2, url="data:text/html,<b>hi</b>"),
            article(3, "Quote", 1, url='https://ok.example/"onmouseover="alert(1)'),
            article(4, "a \u202eevil", 0, url="vbscript:x"),
        ),
        sections=(SectionLine("<b>Bold</b>", 1, 1, 0.1),),
    )  # fmt: skip
    page = report_html(hostile, [], title="<i>report</i>")
    tags = Tags(page)

    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;svg onload=alert(1)&gt;" in page
    assert "<title>&lt;i&gt;report&lt;/i&gt;</title>" in page
    assert '<span class="url">javascript:alert(1)</span>' in page
    assert "\u202e" not in page and "a evil" in page
    assert [a["href"] for tag, a in tags.tags if tag == "a"] == ['https://ok.example/"onmouseover="alert(1)']
    assert not [
        tag for tag, attrs in tags.tags if tag in LOADING_TAGS or any(k.startswith("on") for k in attrs)
    ]


def test_page_loads_nothing_from_anywhere() -> None:
    page = report_html(issue(), trend(), title="Weekly report")
    tags = Tags(page)

    assert not [tag for tag, _ in tags.tags if tag in LOADING_TAGS]
    assert not [
        attrs for _, attrs in tags.tags if {"src", "srcset", "xlink:href", "background"} & attrs.keys()
    ]
    assert all(
        attrs["href"].startswith("https://") for tag, attrs in tags.tags if "href" in attrs and tag == "a"
    )
    assert not [tag for tag, attrs in tags.tags if "href" in attrs and tag != "a"]
    assert "url(" not in "".join(tags.styles) and "@import" not in "".join(tags.styles)
    assert "default-src 'none'" in page


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        yield launch(playwright)


def opened(browser: Browser, path: Path, scheme: str = "light") -> tuple[Page, list[str]]:
    """The page opened from its file, and every URL the browser asked for."""
    page = browser.new_page(viewport={"width": 1100, "height": 900}, color_scheme=scheme)  # type: ignore[arg-type]
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(path.as_uri())
    return page, asked


def overflowing(page: Page) -> list[str]:
    """The texts of the charts that run out of their chart."""
    found: list[str] = page.evaluate(
        """() => [...document.querySelectorAll("svg.chart text")].filter(t => {
            const b = t.getBoundingClientRect(), s = t.ownerSVGElement.getBoundingClientRect();
            return b.left < s.left || b.right > s.right || b.top < s.top || b.bottom > s.bottom;
        }).map(t => t.textContent)"""
    )
    return found


def test_page_opens_offline_in_chromium_with_its_charts(browser: Browser, tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_text(report_html(issue(), trend(10), title="weekly: issue report"), encoding="utf-8")
    page, asked = opened(browser, path)

    assert asked == [path.as_uri()]
    for name, bars, points in (("articles", 6, 0), ("days", 0, 7), ("trend", 10, 10)):
        chart = page.locator(f"svg.chart-{name}")
        assert chart.is_visible()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 600 and box["height"] > 150
        assert chart.locator("rect.bar").count() == bars
        assert chart.locator("circle.point").count() == points
        for point in chart.locator("circle.point").all():
            assert point.is_visible()
    assert overflowing(page) == []
    page.screenshot(path=tmp_path / "report.png", full_page=True)
    page.screenshot(path=SHOT, full_page=True)
    page.close()


def test_cut_titles_fit_their_chart_whatever_their_letters(browser: Browser, tmp_path: Path) -> None:
    titles = [
        "W" * 80,
        "m" * 80,
        "x" * 300,
        "日本語のニュース" * 10,
        "Ünïcödé ÀÉÎÕÜ " * 8,
        "1" * 90,
        "A" * 60,
        "n" * 90,
        "D" * 60,
        "0" * 90,
        "Ωμέγα Жизнь " * 6,
    ]
    wide = issue(articles=tuple(article(n, title, 10 * n) for n, title in enumerate(titles, 1)))
    path = tmp_path / "wide.html"
    path.write_text(report_html(wide, [], title="wide"), encoding="utf-8")
    page, _ = opened(browser, path)

    assert page.locator("svg.chart-articles rect.bar").count() == len(titles)
    assert overflowing(page) == []
    page.close()


def test_page_turns_dark_in_dark_mode(browser: Browser, tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_text(report_html(issue(), trend(), title="weekly: issue report"), encoding="utf-8")
    backgrounds = []
    for scheme in ("light", "dark"):
        page, _ = opened(browser, path, scheme)
        backgrounds.append(page.evaluate("getComputedStyle(document.body).backgroundColor"))
        if scheme == "dark":
            page.screenshot(path=tmp_path / "report-dark.png", full_page=True)
        page.close()

    assert backgrounds == ["rgb(245, 246, 248)", "rgb(16, 19, 23)"]
