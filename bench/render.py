"""Benchmark: render a 30-article issue once, then personalize it per recipient; MRML against JS mjml.

Side by side in one run: our way (compile MJML once, fill placeholders per recipient) against
compiling the MJML for every recipient, and mjml-python (MRML, Rust) against the official JS mjml on
the identical MJML string (both without comments). JS mjml runs in one long-lived node process that
compiles the document 50 times untimed (V8 warm-up), then ``--repeat`` times, so node's start-up is
not counted; it is installed with npm on first use into ``<tempdir>/digest-bench-mjml`` and reused
from there. Without node or npm, or if the install fails, the JS figures are null.
Budgets: issue ≤ 20 ms, personalization ≥ 50,000 messages/s, ≥ 20x faster than JS mjml.
``issue_ms`` is digest.render.render end to end; ``jinja_ms``, ``mrml_ms`` and ``text_ms`` are its
stages timed alone with warm templates, and ``other_ms`` is the rest (environment set-up, template
compilation, lint).

    python bench/render.py [--articles 30] [--recipients 100000] [--repeat 30] [--js-mjml mjml] [--json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from digest.compose import group_sections
from digest.config import DEFAULT_TEMPLATES, NewsletterConfig, ThemeConfig
from digest.models import Issue, RenderedIssue
from digest.personalize import Template
from digest.render import compile_mjml, environment, render, render_template, template_context
from digest.sample import sample_issue

ROOT = Path(__file__).resolve().parent.parent
# looked up as in a run from this checkout: its templates/ first, the packaged defaults last
TEMPLATES = (ROOT / "templates", DEFAULT_TEMPLATES)
HTML_TEMPLATE, TEXT_TEMPLATE = "digest.mjml.j2", "digest.txt.j2"
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
BUDGETS = {"issue_ms": 20, "personalize_per_s": 50_000, "speedup_vs_js": 20}
JS_FOLDER = Path(tempfile.gettempdir()) / "digest-bench-mjml"
JS_WARMUP = 50  # untimed compiles first: V8 keeps getting faster for the first ~50 (15 ms → 10 ms here)
# One node process: read the MJML file, compile it warm-up + N times, print the timings as JSON and
# write the last HTML next to the input. `await` also covers mjml 5, where mjml2html returns a Promise.
JS_RUNNER = """
const fs = require("fs");
const mjml2html = require("mjml");
(async () => {
  const [file, repeat, warmup] = process.argv.slice(2);
  const source = fs.readFileSync(file, "utf8");
  const options = { keepComments: false };
  let result;
  for (let i = 0; i < Number(warmup); i++) result = await mjml2html(source, options);
  const samples = [];
  for (let i = 0; i < Number(repeat); i++) {
    const start = process.hrtime.bigint();
    result = await mjml2html(source, options);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  fs.writeFileSync(file + ".html", result.html);
  console.log(JSON.stringify({ samples, errors: result.errors.length }));
})().catch((error) => { console.error(String(error && error.stack || error)); process.exit(1); });
"""


class JsMjmlError(Exception):
    """JS mjml could not be installed or run; the message says why."""


def make_issue(articles: int) -> Issue:
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
    return replace(base, sections=group_sections(teasers))


def timed(func: Callable[[], object], repeat: int) -> float:
    """Median seconds of ``repeat`` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def stage_times(issue: Issue, repeat: int) -> tuple[str, dict[str, float]]:
    """The issue's MJML source, and median ms of its Jinja, MJML and text stages."""
    env = environment(TEMPLATES)
    context = template_context(issue, NEWSLETTER, ThemeConfig())
    source = render_template(env, HTML_TEMPLATE, context)
    compile_mjml(source, HTML_TEMPLATE)  # warm-up
    return source, {
        "jinja_ms": timed(lambda: render_template(env, HTML_TEMPLATE, context), repeat) * 1000,
        "mrml_ms": timed(lambda: compile_mjml(source, HTML_TEMPLATE), repeat) * 1000,
        "text_ms": timed(lambda: render_template(env, TEXT_TEMPLATE, context), repeat) * 1000,
    }


def personalize_rate(rendered: RenderedIssue, recipients: int) -> float:
    """Messages per second: fill the HTML and the text part for ``recipients`` recipients."""
    html, text = Template(rendered.html, escape=True), Template(rendered.text, escape=False)
    start = time.perf_counter()
    for i in range(recipients):
        values = {
            "email": f"person{i}@example.org",
            "name": f"Person {i}",
            "unsubscribe_url": f"https://news.example.org/u/token{i}",
            "web_url": "https://news.example.org/archive/weekly-2026-11-25/",
        }
        html.fill(values)
        text.fill(values)
    return recipients / (time.perf_counter() - start)


def install_js_mjml(folder: Path, spec: str) -> str:
    """Install JS mjml (``spec``, as npm takes it) into ``folder`` unless it is there; its version."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise JsMjmlError("node or npm is not on PATH")
    marker, package = folder / ".installed-spec", folder / "node_modules" / "mjml" / "package.json"
    if not (package.exists() and marker.exists() and marker.read_text() == spec):
        folder.mkdir(parents=True, exist_ok=True)
        # its own package.json, so npm installs here and not into a package.json further up
        (folder / "package.json").write_text('{"private": true}\n')
        print(f"Installing {spec} with npm into {folder} …", file=sys.stderr)
        command = [npm, "install", "--no-audit", "--no-fund", "--loglevel=error", spec]
        run(command, folder, timeout=600)
        marker.write_text(spec)
    try:
        return str(json.loads(package.read_text())["version"])
    except (OSError, ValueError, KeyError) as exc:
        raise JsMjmlError(f"cannot read {package}: {exc}") from None


def run(command: list[str], folder: Path, timeout: float) -> str:
    """Run a command in ``folder``; its stdout, or JsMjmlError with the tail of its stderr."""
    try:
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise JsMjmlError(f"'{' '.join(command[:2])}' failed: {exc}") from None
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-3:]
        raise JsMjmlError(f"'{' '.join(command[:2])}' exited {done.returncode}: {' | '.join(tail)}")
    return done.stdout


def js_mjml_ms(folder: Path, source: str, repeat: int) -> tuple[float, int]:
    """Median ms per compile of ``source`` in one node process, and how many errors mjml reported."""
    (folder / "bench.js").write_text(JS_RUNNER)
    document = folder / "issue.mjml"
    document.write_text(source, encoding="utf-8")
    node = shutil.which("node") or "node"
    output = run([node, "bench.js", str(document), str(repeat), str(JS_WARMUP)], folder, timeout=600)
    try:
        result = json.loads(output.strip().splitlines()[-1])
        return statistics.median(result["samples"]), int(result["errors"])
    except (ValueError, LookupError, TypeError) as exc:
        raise JsMjmlError(f"unexpected output from bench.js {output[-200:]!r}: {exc}") from None


def js_figures(source: str, spec: str, repeat: int) -> dict[str, Any]:
    """JS mjml's version and median compile time; nulls (and the reason on stderr) if it cannot run."""
    try:
        version = install_js_mjml(JS_FOLDER, spec)
        median_ms, errors = js_mjml_ms(JS_FOLDER, source, repeat)
    except JsMjmlError as exc:
        print(f"JS mjml is not available: {exc}; its figures are null", file=sys.stderr)
        return {"js_mjml_version": None, "js_mjml_ms": None}
    if errors:
        print(f"JS mjml {version} reported {errors} validation errors on the issue", file=sys.stderr)
    return {"js_mjml_version": version, "js_mjml_ms": median_ms}


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """All figures of one run, rounded for printing."""
    issue = make_issue(args.articles)
    render(issue, NEWSLETTER, ThemeConfig(), TEMPLATES)  # warm-up: template compilation, imports
    issue_s = timed(lambda: render(issue, NEWSLETTER, ThemeConfig(), TEMPLATES), args.repeat)
    rendered = render(issue, NEWSLETTER, ThemeConfig(), TEMPLATES)
    source, stages = stage_times(issue, args.repeat)
    personalize_per_s = personalize_rate(rendered, args.recipients)
    per_recipient_ms = stages["jinja_ms"] + stages["mrml_ms"]
    js = js_figures(source, args.js_mjml, args.repeat)
    js_ms = js["js_mjml_ms"]
    return {
        "articles": args.articles,
        "issue_ms": round(issue_s * 1000, 2),
        **{key: round(value, 2) for key, value in stages.items()},
        # render() builds a new Jinja environment, so it recompiles the templates, and then lints
        "other_ms": round(issue_s * 1000 - sum(stages.values()), 2),
        "html_kb": round(len(rendered.html.encode()) / 1024, 1),
        "mjml_kb": round(len(source.encode()) / 1024, 1),
        "recipients": args.recipients,
        "personalize_per_s": round(personalize_per_s),
        "compile_per_recipient_per_s": round(1000 / per_recipient_ms),
        "speedup_vs_compile_per_recipient": round(personalize_per_s * per_recipient_ms / 1000, 1),
        "js_mjml_version": js["js_mjml_version"],
        "js_mjml_ms": None if js_ms is None else round(js_ms, 2),
        "speedup_vs_js": None if js_ms is None else round(js_ms / stages["mrml_ms"], 1),
        "budgets": BUDGETS,
    }


def within_budget(figures: dict[str, Any]) -> dict[str, bool | None]:
    """Whether each budgeted figure is within its budget (None when it could not be measured)."""
    verdicts: dict[str, bool | None] = {}
    for key, budget in BUDGETS.items():
        value = figures[key]
        lower_is_better = key.endswith("_ms")
        verdicts[key] = None if value is None else (value <= budget if lower_is_better else value >= budget)
    return verdicts


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=30)
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per median (default 30)")
    parser.add_argument("--js-mjml", default="mjml", help="what npm installs (default: mjml, the latest)")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    args = parser.parse_args()

    figures = measure(args)
    figures["within_budget"] = within_budget(figures)
    if args.json:
        print(json.dumps(figures))
        return
    for key, value in figures.items():
        if key not in ("budgets", "within_budget"):
            verdict = figures["within_budget"].get(key)
            note = f"  (budget {BUDGETS[key]}: {'ok' if verdict else 'MISSED'})" if key in BUDGETS else ""
            print(f"{key:>34}: {value}{note if verdict is not None else ''}")


if __name__ == "__main__":
    main()
