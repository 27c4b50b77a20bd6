"""Report page: an issue's report and a newsletter's trend as one HTML file, charts drawn as inline SVG.

The page opens from a file with no network: its styles are inline, its charts are SVG laid out here,
it has no script, and its Content-Security-Policy forbids loading anything should a resource slip in.
Titles, URLs and subjects come from feeds, so all data goes through Jinja's autoescape and only
http(s) URLs become links.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate
from unicodedata import east_asian_width
from urllib.parse import urlsplit

import jinja2

from digest.report import IssueReport, TrendLine

WIDTH = 800  # every chart's viewBox width; the page's CSS scales charts to fit
ROW = 26  # one article's row in the bar chart
LABEL_EMS = 19.0  # the bar chart's label column holds this many ems of its text; the table has titles whole
DATE_LABELS = 12  # the trend chart names at most this many issues under its axis
# Control characters and bidi overrides: feeds send them, and an override can turn a title around.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
# Widths (in ems) of letters in DejaVu Sans, among the widest sans-serif fonts: cuts made for it fit the rest.
_THIN, _NARROW, _WIDE = frozenset(" .,:;'!|ijl"), frozenset("()[]frtI"), frozenset("mwMW@%…")


@dataclass(frozen=True, slots=True)
class Tick:
    """A value marked on an axis: where it falls (SVG units along the axis) and what it reads."""

    at: float
    label: str


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar, in SVG units; ``tip`` shows on hover and ``value`` is written at its end."""

    x: float
    y: float
    width: float
    height: float
    tip: str
    value: str = ""


@dataclass(frozen=True, slots=True)
class Point:
    """One point of a line; ``value`` is written above it."""

    x: float
    y: float
    tip: str
    value: str = ""


@dataclass(frozen=True, slots=True)
class Box:
    """A chart's plot area: its edges in SVG units."""

    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart laid out in SVG units: the template draws it, adding only the offsets of its labels."""

    name: str  # its class is "chart chart-<name>"
    caption: str  # shown above it
    label: str  # its <title> and aria-label: what a reader who cannot see it needs
    height: float
    box: Box
    x_title: str
    y_title: str
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    grid: str  # "x": grid lines stand at the x ticks; "y": they lie at the y ticks
    bars: tuple[Bar, ...] = ()
    points: tuple[Point, ...] = ()
    y2_title: str = ""  # a second value axis, on the right
    y2_ticks: tuple[Tick, ...] = ()
    legend: tuple[tuple[str, str], ...] = ()  # (swatch "bar" or "line", text)

    @property
    def line(self) -> str:
        """The points as an SVG polyline's ``points``."""
        return " ".join(f"{p.x},{p.y}" for p in self.points)


@dataclass(frozen=True, slots=True)
class Figure:
    """One headline figure: ``key`` names it for tests and styles."""

    key: str
    name: str
    value: str
    note: str = ""


def report_html(report: IssueReport | None, trend: Sequence[TrendLine], *, title: str) -> str:
    """The standalone page: the issue's figures, tables and charts, then the trend when one is given."""
    return _TEMPLATE.render(
        title=title,
        report=report,
        delivery=_delivery(report) if report else (),
        reactions=_reactions(report) if report else (),
        ranks={a.position: rank for rank, a in enumerate(report.top(3), 1)} if report else {},
        charts=_issue_charts(report) if report else (),
        trend=trend,
        trend_chart=_trend_chart(trend) if trend else None,
        width=WIDTH,
        link=_link,
        percent=_percent,
        count=_count,
        when=_when,
        plain=_plain,
    )


def _delivery(r: IssueReport) -> tuple[Figure, ...]:
    return (
        Figure("delivered", "Delivered", f"{r.delivered:,}"),
        Figure("failed", "Failed", f"{r.failed:,}"),
        Figure("bounced", "Bounced", f"{r.bounced:,}"),
        Figure("complained", "Complained", f"{r.complained:,}"),
        Figure("unsubscribed", "Unsubscribed", f"{r.unsubscribed:,}"),
    )


def _reactions(r: IssueReport) -> tuple[Figure, ...]:
    reasons = sorted(r.machine_reasons.items(), key=lambda item: (-item[1], item[0]))
    ignored = f"{r.machine_opens:,} machine opens left out ({r.apple_opens:,} Apple privacy)"
    return (
        Figure("opened", "People who opened", f"{r.people_opened:,}",
               f"{_percent(r.open_rate)} open rate · {r.opens:,} opens; {ignored}"),
        Figure("clicked", "People who clicked", f"{r.people_clicked:,}",
               f"{_percent(r.click_rate)} click rate · {r.clicks:,} clicks"),
        Figure("machine", "Machine clicks", f"{r.machine_clicks:,}",
               " · ".join(f"{why}: {n:,}" for why, n in reasons) or "none; not in any rate"),
    )  # fmt: skip


def _issue_charts(report: IssueReport) -> tuple[Chart, ...]:
    days = (_day_chart(report.by_day),) if report.by_day else ()
    return ((_article_chart(report),) if report.articles else ()) + days


def _article_chart(report: IssueReport) -> Chart:
    articles = report.articles
    box = Box(250, 8, WIDTH - 48, 8 + ROW * len(articles))
    ticks = _ticks(max(a.people for a in articles), 1)
    across = _scale(ticks, box.left, box.right)
    rows = [box.top + ROW * i for i in range(len(articles))]
    bars = tuple(
        Bar(box.left, y + 5, round(across(a.people) - box.left, 1), ROW - 10, value=f"{a.people:,}",
            tip=f"{_plain(a.title)}: {a.people:,} people, {a.clicks:,} clicks, {_percent(a.rate)}")
        for y, a in zip(rows, articles, strict=True)
    )  # fmt: skip
    best = max(articles, key=lambda a: (a.people, -a.position))
    return Chart(
        name="articles",
        caption="People who clicked each article",
        label=f"Bar chart: people who clicked each of {len(articles)} articles, in issue order; "
        f"most: {_clip(best.title, 60)} ({best.people:,})",
        height=box.bottom + 44,
        box=box,
        x_title="People who clicked",
        y_title="",
        x_ticks=_axis(ticks, _counts(ticks), across),
        y_ticks=tuple(
            Tick(y + ROW / 2, _clip(f"{a.position + 1}. {a.title}"))
            for y, a in zip(rows, articles, strict=True)
        ),
        grid="x",
        bars=bars,
    )


def _day_chart(by_day: Sequence[int]) -> Chart:
    box = Box(56, 24, WIDTH - 24, 200)
    ticks = _ticks(max(by_day), 1)
    up = _scale(ticks, box.bottom, box.top)
    slot = (box.right - box.left) / len(by_day)
    xs = [round(box.left + slot * (day + 0.5), 1) for day in range(len(by_day))]
    return Chart(
        name="days",
        caption="Human clicks per day, first week after sending",
        label=f"Line chart: human clicks on each of the first {len(by_day)} days after sending: "
        + ", ".join(f"{n:,}" for n in by_day),
        height=box.bottom + 48,
        box=box,
        x_title="Day after sending (day 1 is the first 24 hours)",
        y_title="Human clicks",
        x_ticks=tuple(Tick(x, f"Day {day}") for day, x in enumerate(xs, 1)),
        y_ticks=_axis(ticks, _counts(ticks), up),
        grid="y",
        points=tuple(
            Point(x, up(n), tip=f"Day {day}: {n:,} human clicks", value=f"{n:,}")
            for day, (x, n) in enumerate(zip(xs, by_day, strict=True), 1)
        ),
    )


def _trend_chart(trend: Sequence[TrendLine]) -> Chart:
    box = Box(64, 40, WIDTH - 60, 220)
    counts = _ticks(max(t.delivered for t in trend), 1)
    rates = _ticks(max(t.click_rate for t in trend), 0.001)  # an axis step under 0.1% says nothing
    up, rate_up = _scale(counts, box.bottom, box.top), _scale(rates, box.bottom, box.top)
    slot = (box.right - box.left) / len(trend)
    centres = [round(box.left + slot * (i + 0.5), 1) for i in range(len(trend))]
    every = math.ceil(len(trend) / DATE_LABELS)  # crowded dates overlap: name every n-th issue
    dates = [
        Tick(c, _day(t.made)) for i, (c, t) in enumerate(zip(centres, trend, strict=True)) if i % every == 0
    ]
    return Chart(
        name="trend",
        caption="Deliveries and click rate per issue",
        label=f"Trend of the last {len(trend)} issues: messages delivered as bars, click rate as a line",
        height=box.bottom + 48,
        box=box,
        x_title="Issue (date made)",
        y_title="Delivered",
        x_ticks=tuple(dates),
        y_ticks=_axis(counts, _counts(counts), up),
        grid="y",
        bars=_columns(
            centres, [t.delivered for t in trend], min(slot * 0.6, 36), up, [_trend_tip(t) for t in trend]
        ),
        points=tuple(
            Point(c, rate_up(t.click_rate), _trend_tip(t)) for c, t in zip(centres, trend, strict=True)
        ),
        y2_title="Click rate",
        y2_ticks=_axis(rates, _percents(rates), rate_up),
        legend=(("bar", "Delivered (left axis)"), ("line", "Click rate (right axis)")),
    )


def _columns(
    centres: Sequence[float],
    values: Sequence[int],
    width: float,
    up: Callable[[float], float],
    tips: Sequence[str],
) -> tuple[Bar, ...]:
    """Upright bars standing on the axis at ``up(0)``, one per value, centred where given."""
    base = up(0)
    return tuple(
        Bar(round(c - width / 2, 1), up(v), round(width, 1), round(base - up(v), 1), tip)
        for c, v, tip in zip(centres, values, tips, strict=True)
    )


def _trend_tip(t: TrendLine) -> str:
    return (
        f"{_plain(t.subject)} ({t.issue_id}, {t.made:%Y-%m-%d}): {t.delivered:,} delivered, "
        f"{t.people_clicked:,} clicked, {_percent(t.click_rate)} click rate"
    )


def _ticks(high: float, least: float) -> tuple[float, ...]:
    """Axis values from 0 up to ``high`` or past it, in about five steps of 1, 2 or 5 times a power of ten.

    ``least`` is the smallest step (1 for counts): an all-zero chart still gets an axis from 0 to it,
    so no scale divides by zero.
    """
    wanted = max(high, least) / 5
    power = 10.0 ** math.floor(math.log10(wanted))
    step = max(least, next(m * power for m in (1, 2, 5, 10) if m * power >= wanted * (1 - 1e-9)))
    steps = max(1, math.ceil(high / step - 1e-9))
    return tuple(round(step * i, 12) for i in range(steps + 1))


def _scale(ticks: Sequence[float], start: float, end: float) -> Callable[[float], float]:
    """Where a value falls between ``start`` (for 0) and ``end`` (for the last tick), in SVG units."""
    return lambda value: round(start + (end - start) * value / ticks[-1], 1)


def _axis(ticks: Sequence[float], labels: Sequence[str], place: Callable[[float], float]) -> tuple[Tick, ...]:
    return tuple(Tick(place(v), label) for v, label in zip(ticks, labels, strict=True))


def _counts(ticks: Sequence[float]) -> list[str]:
    return [f"{round(v):,}" for v in ticks]


def _percents(ticks: Sequence[float]) -> list[str]:
    # As many decimals as the step needs: steps of 0.1% read 0.1%, 0.2%; steps of 5% read 5%, 10%.
    decimals = max(0, -math.floor(math.log10(ticks[1] * 100) + 1e-9))
    return [f"{v * 100:.{decimals}f}%" for v in ticks]


def _count(number: int) -> str:
    return f"{number:,}"


def _percent(rate: float) -> str:
    return f"{rate:.1%}"


def _link(url: str) -> str | None:
    """The URL when it may be an href (http or https to a host), else None: it is then shown as text."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def _plain(text: str) -> str:
    """Text on one line, without control characters (feeds send both)."""
    return " ".join(_CONTROL.sub("", text).split())


def _clip(text: str, ems: float = LABEL_EMS) -> str:
    """Text cut to about ``ems`` wide, at a word when one ends near the cut, an ellipsis marking the cut."""
    text = _plain(text)
    widths = list(accumulate(_em(char) for char in text))
    if not widths or widths[-1] <= ems:
        return text
    end = sum(1 for width in widths if width <= ems - 1)  # room for the ellipsis
    space = text.rfind(" ", 0, end)
    return (text[:space] if space > end * 2 // 3 else text[:end]).rstrip(" ,;:.-\u2013\u2014") + "…"


def _em(char: str) -> float:
    """About how wide a character is in a sans-serif font, in ems: SVG text cannot wrap or measure itself."""
    if char in _THIN or char in _NARROW:
        return 0.3 if char in _THIN else 0.42
    if char in _WIDE or east_asian_width(char) in ("W", "F"):
        return 1.0
    return 0.8 if char.isupper() else 0.64


def _when(moment: datetime | None) -> str:
    return "sent " + moment.strftime("%Y-%m-%d %H:%M %Z").strip() if moment else "not sent yet"


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%b}"


_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{{ title }}</title>
<style>
  :root { --bg: #f5f6f8; --card: #fff; --ink: #1c2127; --muted: #5d6772; --rule: #dde1e6;
          --accent: #2f6fdf; --bar: #5b8def; --bar2: #c9d6f2; --apart: #9a6200; }
  @media (prefers-color-scheme: dark) {
    :root { --bg: #101317; --card: #191d23; --ink: #e4e7eb; --muted: #99a3ad; --rule: #2d343c;
            --accent: #82a9ff; --bar: #4b78d8; --bar2: #2f3d5c; --apart: #e0a84a; }
  }
  * { box-sizing: border-box; }
  body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.45 system-ui, sans-serif; }
  main { max-width: 980px; margin: 0 auto; padding: 24px 20px 40px; }
  h1 { font-size: 24px; margin: 0 0 4px; overflow-wrap: anywhere; }
  h2 { font-size: 16px; margin: 32px 0 10px; }
  .eyebrow, .meta, .note { color: var(--muted); font-size: 13px; margin: 0; }
  figcaption { font-weight: 600; margin: 0 0 8px; }
  .figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(110px, 1fr)); gap: 10px;
             margin: 12px 0; }
  .figures.reactions { grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); }
  .figure { background: var(--card); border: 1px solid var(--rule); border-radius: 8px; padding: 10px 12px; }
  .figure .value { display: block; font-size: 24px; font-weight: 600; font-variant-numeric: tabular-nums; }
  .figure .name { display: block; font-size: 13px; color: var(--muted); }
  .figure .note { margin-top: 4px; font-size: 12px; }
  .figure.machine { border-style: dashed; }
  .figure.machine .value { color: var(--apart); }
  .scroll { overflow-x: auto; }
  table { width: 100%; border-collapse: collapse; background: var(--card); font-size: 14px;
          border: 1px solid var(--rule); border-radius: 8px; }
  th, td { padding: 6px 10px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
  th { font-size: 12px; color: var(--muted); font-weight: 600; }
  td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  td.title { overflow-wrap: anywhere; unicode-bidi: isolate; }
  a { color: var(--accent); }
  .url { display: block; color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
  .rank { font-size: 11px; color: var(--accent); border: 1px solid currentColor; border-radius: 4px;
          padding: 0 4px; margin-left: 4px; white-space: nowrap; }
  figure { margin: 0 0 20px; background: var(--card); border: 1px solid var(--rule); border-radius: 8px;
           padding: 12px; }
  /* On a phone a chart keeps a legible size and scrolls sideways, as the tables do. */
  svg.chart { display: block; width: 100%; min-width: 560px; height: auto; font-size: 12px; }
  svg text { fill: var(--muted); unicode-bidi: isolate; }
  svg .value { fill: var(--ink); font-weight: 600; }
  svg .axis-title { fill: var(--ink); }
  svg .grid { stroke: var(--rule); }
  svg .axis { stroke: var(--muted); }
  svg .bar, svg .swatch.bar { fill: var(--bar); }
  svg.chart-trend .bar, svg .swatch.trend-bar { fill: var(--bar2); }
  svg .line { fill: none; stroke: var(--accent); stroke-width: 2.5; stroke-linejoin: round; }
  svg .point, svg .swatch-dot { fill: var(--card); stroke: var(--accent); stroke-width: 2.5; }
  svg .bar:hover { fill: var(--accent); }
</style>
</head>
<body>
<main>
{% macro draw(c) %}
<figure>
<figcaption>{{ c.caption }}</figcaption>
<div class="scroll">
<svg class="chart chart-{{ c.name }}" viewBox="0 0 {{ width }} {{ c.height }}" width="{{ width }}"
     height="{{ c.height }}" role="img" aria-label="{{ c.label }}">
<title>{{ c.label }}</title>
{% for t in c.y_ticks %}
{% if c.grid == "y" %}<line class="grid" x1="{{ c.box.left }}" x2="{{ c.box.right }}" y1="{{ t.at }}" \
y2="{{ t.at }}"/>{% endif %}
<text class="tick" x="{{ c.box.left - 8 }}" y="{{ t.at + 4 }}" text-anchor="end">{{ t.label }}</text>
{% endfor %}
{% for t in c.y2_ticks %}
<text class="tick" x="{{ c.box.right + 8 }}" y="{{ t.at + 4 }}">{{ t.label }}</text>
{% endfor %}
{% for t in c.x_ticks %}
{% if c.grid == "x" %}<line class="grid" x1="{{ t.at }}" x2="{{ t.at }}" y1="{{ c.box.top }}" \
y2="{{ c.box.bottom }}"/>{% endif %}
<text class="tick" x="{{ t.at }}" y="{{ c.box.bottom + 18 }}" text-anchor="middle">{{ t.label }}</text>
{% endfor %}
{% set box = c.box %}
<line class="axis" x1="{{ box.left }}" x2="{{ box.right }}" y1="{{ box.bottom }}" y2="{{ box.bottom }}"/>
<line class="axis" x1="{{ box.left }}" x2="{{ box.left }}" y1="{{ box.top }}" y2="{{ box.bottom }}"/>
{% for b in c.bars %}
<rect class="bar" x="{{ b.x }}" y="{{ b.y }}" width="{{ b.width }}" height="{{ b.height }}">\
<title>{{ b.tip }}</title></rect>
{% if b.value %}<text class="value" x="{{ (b.x + b.width + 6) | round(1) }}" \
y="{{ b.y + b.height / 2 + 4 }}">{{ b.value }}</text>{% endif %}
{% endfor %}
{% if c.points %}<polyline class="line" points="{{ c.line }}"/>{% endif %}
{% for p in c.points %}
<circle class="point" cx="{{ p.x }}" cy="{{ p.y }}" r="4.5"><title>{{ p.tip }}</title></circle>
{% if p.value %}<text class="value" x="{{ p.x }}" y="{{ (p.y - 10) | round(1) }}" text-anchor="middle">\
{{ p.value }}</text>{% endif %}
{% endfor %}
<text class="axis-title" x="{{ (c.box.left + c.box.right) / 2 }}" y="{{ c.height - 8 }}" \
text-anchor="middle">{{ c.x_title }}</text>
{% if c.y_title %}<text class="axis-title" text-anchor="middle" \
transform="translate(14 {{ (c.box.top + c.box.bottom) / 2 }}) rotate(-90)">{{ c.y_title }}</text>{% endif %}
{% if c.y2_title %}<text class="axis-title" text-anchor="middle" \
transform="translate({{ width - 6 }} {{ (c.box.top + c.box.bottom) / 2 }}) rotate(-90)">\
{{ c.y2_title }}</text>{% endif %}
{% for kind, text in c.legend %}
<g class="legend" transform="translate({{ c.box.left + 200 * loop.index0 }} 10)">
{% if kind == "bar" %}<rect class="swatch trend-bar" width="14" height="12"/>{% else %}\
<line class="line" x1="0" x2="18" y1="6" y2="6"/><circle class="swatch-dot" cx="9" cy="6" r="3.5"/>{% endif %}
<text x="24" y="11">{{ text }}</text>
</g>
{% endfor %}
</svg>
</div>
</figure>
{% endmacro %}
<header>
{% if report %}
<p class="eyebrow">{{ title }}</p>
<h1 class="subject">{{ plain(report.subject) }}</h1>
<p class="meta">{{ report.newsletter }} · issue <code>{{ report.issue_id }}</code> · \
{{ when(report.sent_at) }}</p>
{% else %}
<h1>{{ title }}</h1>
{% endif %}
</header>
{% if report %}
{% for name, figures in (("delivery", delivery), ("reactions", reactions)) %}
<section class="figures {{ name }}" aria-label="{{ name | capitalize }}">
{% for f in figures %}
<div class="figure {{ f.key }}" data-figure="{{ f.key }}">
<span class="value">{{ f.value }}</span><span class="name">{{ f.name }}</span>
{% if f.note %}<p class="note">{{ f.note }}</p>{% endif %}
</div>
{% endfor %}
</section>
{% endfor %}
<p class="note">Rates count people, over messages delivered. Machine clicks (link scanners, clicks too soon
after delivery, every link at once) and machine opens (Apple's privacy preloads) are kept apart, never in a
rate.{% if report.kept_totals %} Some counts come from totals kept after their raw events passed retention.\
{% endif %}</p>
<h2>Articles</h2>
{% if report.articles %}
<div class="scroll"><table class="articles">
<thead><tr><th class="n">#</th><th>Article</th><th>Section</th><th class="n">People</th>
<th class="n">Clicks</th><th class="n">Rate</th><th class="n">Machine clicks</th></tr></thead>
<tbody>
{% for a in report.articles %}{% set href = link(a.url) %}
<tr><td class="n">{{ a.position + 1 }}</td>
<td class="title">{% if href %}<a href="{{ href }}" rel="noopener noreferrer">{{ plain(a.title) }}</a>\
{% else %}\
{{ plain(a.title) }}{% if a.url != a.title %}<span class="url">{{ a.url }}</span>{% endif %}{% endif %}\
{% if a.position in ranks %}<span class="rank">top {{ ranks[a.position] }}</span>{% endif %}</td>
<td>{{ plain(a.section) }}</td><td class="n">{{ count(a.people) }}</td>
<td class="n">{{ count(a.clicks) }}</td><td class="n">{{ percent(a.rate) }}</td>
<td class="n">{{ count(a.machine) }}</td></tr>
{% endfor %}
</tbody></table></div>
{% else %}<p class="note">This issue has no articles on record.</p>{% endif %}
{% if report.sections %}
<h2>Sections</h2>
<div class="scroll"><table class="sections">
<thead><tr><th>Section</th><th class="n">People</th><th class="n">Clicks</th><th class="n">Rate</th>
</tr></thead>
<tbody>
{% for s in report.sections %}
<tr><td class="title">{{ plain(s.title) }}</td><td class="n">{{ count(s.people) }}</td>
<td class="n">{{ count(s.clicks) }}</td><td class="n">{{ percent(s.rate) }}</td></tr>
{% endfor %}
</tbody></table></div>
{% endif %}
<h2>Charts</h2>
{% for c in charts %}{{ draw(c) }}{% endfor %}
{% endif %}
{% if trend_chart %}
<h2>Trend: the last {{ trend | length }} issues</h2>
{{ draw(trend_chart) }}
<div class="scroll"><table class="trend">
<thead><tr><th>Made</th><th>Issue</th><th class="n">Delivered</th><th class="n">People clicked</th>
<th class="n">Click rate</th><th class="n">People opened</th><th class="n">Unsubscribed</th></tr></thead>
<tbody>
{% for t in trend %}
<tr><td class="n">{{ t.made.strftime("%Y-%m-%d") }}</td><td class="title">{{ plain(t.subject) }}
<span class="url">{{ t.issue_id }}</span></td><td class="n">{{ count(t.delivered) }}</td>
<td class="n">{{ "{:,}".format(t.people_clicked) }}</td><td class="n">{{ percent(t.click_rate) }}</td>
<td class="n">{{ "{:,}".format(t.people_opened) }}</td><td class="n">{{ count(t.unsubscribed) }}</td></tr>
{% endfor %}
</tbody></table></div>
{% elif not report %}
<p class="note">Nothing to report: no issue has been sent yet.</p>
{% endif %}
</main>
</body>
</html>
"""
_TEMPLATE = jinja2.Environment(
    autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True
).from_string(_PAGE)
