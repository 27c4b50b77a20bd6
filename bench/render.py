"""Benchmark: render a 30-article issue once, then personalize it per recipient.

Side by side in one run: our way (compile MJML once, fill placeholders per recipient) against
compiling the MJML for every recipient. Budgets (DESIGN.md): render ≤ 20 ms, personalization
≥ 50,000 messages/s.

    python bench/render.py [--articles 30] [--recipients 20000] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from digest.config import NewsletterConfig, ThemeConfig
from digest.personalize import Template
from digest.render import compile_mjml, environment, render, render_template, template_context
from digest.sample import sample_issue

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
NEWSLETTER = NewsletterConfig.model_validate(
    {
        "title": "The Meridian Weekly",
        "from": "The Meridian <newsletter@example.org>",
        "list": "weekly",
        "postal_address": "1 Example Street, Springfield",
        "sources": [{"url": "https://example.org/feed.xml"}],
    }
)
LEDE = (
    "When the parliament reconvened in January, few deputies expected the coalition to survive the "
    "winter. The three parties that govern share little beyond a dislike of the opposition, and their "
    "finance ministers have spent months arguing over a deficit of 3.5 percent of output."
)


def make_issue(articles: int):  # type: ignore[no-untyped-def]
    """A sample issue with ``articles`` teasers in five sections."""
    base = sample_issue("weekly", NEWSLETTER, NOW)
    template = base.teasers[0]
    teasers = [
        replace(
            template,
            url=f"https://example.org/articles/{i}",
            title=f"Article number {i} about the week's events",
            section=("Europe", "Asia", "Africa", "Americas", "Economy")[i % 5],
            paragraphs=(LEDE,),
        )
        for i in range(articles)
    ]
    from digest.compose import group_sections

    return replace(base, sections=group_sections(teasers))


def timed(func, repeat: int) -> float:  # type: ignore[no-untyped-def]
    """Median seconds of ``repeat`` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=30)
    parser.add_argument("--recipients", type=int, default=20000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    issue = make_issue(args.articles)
    templates = ROOT / "templates"
    render_s = timed(lambda: render(issue, NEWSLETTER, ThemeConfig(), templates), 20)
    rendered = render(issue, NEWSLETTER, ThemeConfig(), templates)

    html, text = Template(rendered.html, escape=True), Template(rendered.text, escape=False)
    start = time.perf_counter()
    for i in range(args.recipients):
        values = {
            "email": f"person{i}@example.org",
            "name": f"Person {i}",
            "unsubscribe_url": f"https://news.example.org/u/token{i}",
            "web_url": "https://news.example.org/archive/weekly-2026-11-25/",
        }
        html.fill(values)
        text.fill(values)
    personalize_per_s = args.recipients / (time.perf_counter() - start)

    env = environment(templates)
    context = template_context(issue, NEWSLETTER, ThemeConfig())
    per_recipient_s = timed(
        lambda: compile_mjml(render_template(env, "digest.mjml.j2", context), "digest.mjml.j2"), 20
    )
    figures = {
        "articles": args.articles,
        "render_ms": round(render_s * 1000, 2),
        "render_budget_ms": 20,
        "html_kb": round(len(rendered.html.encode()) / 1024, 1),
        "personalize_per_s": round(personalize_per_s),
        "personalize_budget_per_s": 50000,
        "compile_per_recipient_per_s": round(1 / per_recipient_s),
        "speedup_vs_compile_per_recipient": round(personalize_per_s * per_recipient_s, 1),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>34}: {value}")


if __name__ == "__main__":
    main()
