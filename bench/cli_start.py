"""Benchmark: how long the CLI takes to start, side by side with a bare Python.

    python bench/cli_start.py [--runs 5] [--json]

Each command runs ``--runs`` times in a fresh process; the figure is the median CPU time (user +
system, from getrusage of the children) and the median wall time. ``python -c pass`` runs beside it
as the floor. Budgets (DESIGN.md and issue #12): `digest --help` <= 0.3 s CPU, `digest next` <= 0.5 s
CPU, run on a config written to a temporary folder (one newsletter, no network, no store).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
CONFIG = """
[newsletters.weekly]
title = "Bench"
list = "weekly"
from = "Bench <news@example.org>"
postal_address = "1 Example Street"
send_at = "fri 09:00"
[[newsletters.weekly.sources]]
url = "feed.xml"
"""
BUDGETS = {"digest --help": 0.3, "digest next": 0.5}


def measure(command: list[str], runs: int, cwd: Path) -> dict[str, float]:
    """Median CPU and wall seconds of ``runs`` fresh runs of a command."""
    cpu, wall = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
        wall.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return {"cpu_s": round(statistics.median(cpu), 3), "wall_s": round(statistics.median(wall), 3)}


def main() -> None:
    """Time each command and compare with the budgets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per command (the median is reported)")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        (cwd / "schedule.toml").write_text(CONFIG)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "digest --help": [str(BIN / "digest"), "--help"],
            "digest next": [str(BIN / "digest"), "next"],
        }
        figures: dict[str, Any] = {name: measure(cmd, args.runs, cwd) for name, cmd in commands.items()}
    figures["budgets_met"] = {name: figures[name]["cpu_s"] <= limit for name, limit in BUDGETS.items()}
    if args.json:
        print(json.dumps(figures))
        return
    for name in commands:
        print(f"{name:<16} cpu {figures[name]['cpu_s']:.3f} s   wall {figures[name]['wall_s']:.3f} s")
    for name, met in figures["budgets_met"].items():
        print(f"  {'met ' if met else 'MISS'} {name} <= {BUDGETS[name]} s CPU")


if __name__ == "__main__":
    main()
