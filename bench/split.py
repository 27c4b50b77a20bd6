"""Benchmark: sentence splitting on hostile text, and a teaser of a huge page beside its parse.

    python bench/split.py [--mb 1] [--page-mb 5] [--json]

Issue #13 found the abbreviation check quadratic (12 KB took 2.2 s, 96 KB 177 s). Two cases, side by
side in one run:

* ``--mb`` of abbreviation-dense text ("Dr. A. B. Smith met Gen. X. at 5 p.m. in the U.S. …" again
  and again): digest.ledes.sentence_ends over all of it, and cut_at_sentence to a teaser's 120 words.
  Budget: each under 1 s for 1 MB.
* a ``--page-mb`` article page whose body is one paragraph of that text: extract_page (the parse)
  against the teaser written from what it found. Budget: the teaser takes no longer than the parse.

Each figure is the best of three runs.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

from digest.collect.pages import article_from_page, extract_page
from digest.config import TeaserConfig
from digest.ledes import teaser
from digest.sentences import cut_at_sentence, sentence_ends

SENTENCE = (
    "Dr. A. B. Smith met Gen. X. at 5 p.m. in the U.S. on Jan. 3, i.e. before Mr. Jones Jr. and "
    "Prof. Y. Z. Lee, Ph.D., of St. Louis arrived with approx. 3.5 bn. dollars vs. the est. 2.1 bn. "
)
URL = "https://news.example/world/huge"


def dense_text(size: int) -> str:
    """Abbreviation-dense text of about ``size`` characters."""
    return (SENTENCE * (size // len(SENTENCE) + 1))[:size]


def huge_page(size: int) -> bytes:
    """An article page of about ``size`` bytes, its body one enormous paragraph."""
    head = "<html><head><title>Huge | News</title></head><body><article><h1>Huge</h1><p>"
    return (head + dense_text(size) + "</p></article></body></html>").encode()


def best_of(work: Callable[[], object], runs: int = 3) -> float:
    """The fastest of ``runs`` runs, in seconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return round(min(times), 4)


def measure(mb: float, page_mb: float) -> dict[str, Any]:
    """Every figure, and whether each budget is met."""
    text = dense_text(int(mb * 1024 * 1024))
    body = huge_page(int(page_mb * 1024 * 1024))
    page = extract_page(body, URL)
    settings = TeaserConfig()
    figures: dict[str, Any] = {
        "text_mb": mb,
        "sentences": len(sentence_ends(text)),
        "split_s": best_of(lambda: sentence_ends(text)),
        "cut_s": best_of(lambda: cut_at_sentence(text, settings.max_words)),
        "page_mb": round(len(body) / 1024 / 1024, 2),
        "parse_s": best_of(lambda: extract_page(body, URL)),
        "teaser_s": best_of(lambda: teaser(article_from_page(page, URL), settings)),
    }
    per_mb = 1.0 * mb  # the budget is 1 s per MB
    figures["budgets_met"] = {
        "split <= 1 s per MB": figures["split_s"] <= per_mb,
        "cut <= 1 s per MB": figures["cut_s"] <= per_mb,
        "teaser <= parse": figures["teaser_s"] <= figures["parse_s"],
    }
    return figures


def main() -> None:
    """Run both cases and compare with the budgets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0, help="megabytes of dense text to split")
    parser.add_argument("--page-mb", type=float, default=5.0, help="megabytes of the huge page")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    args = parser.parse_args()
    figures = measure(args.mb, args.page_mb)
    if args.json:
        print(json.dumps(figures))
        return
    print(f"{figures['text_mb']} MB of dense text, {figures['sentences']:,} sentence ends")
    print(f"  sentence_ends    {figures['split_s']:.3f} s")
    print(f"  cut_at_sentence  {figures['cut_s']:.3f} s")
    print(f"{figures['page_mb']} MB page")
    print(f"  extract_page     {figures['parse_s']:.3f} s")
    print(f"  teaser           {figures['teaser_s']:.3f} s")
    for name, met in figures["budgets_met"].items():
        print(f"  {'met ' if met else 'MISS'} {name}")


if __name__ == "__main__":
    main()
