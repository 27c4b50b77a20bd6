"""Benchmark: `digest send --dry-run` against a real outbox send of the same issue to the same list.

    python bench/dry_run.py [--recipients 2000] [--json]

A project is made in a temporary folder (the demo site, built by demo/build.py, and a CSV of
``--recipients`` subscribers). The dry run writes every subscriber's message under
outbox/dry-run/<issue>/; then `digest run` sends the same issue through the outbox provider. Both are
timed as whole commands, side by side. Budget (issue #12): the dry run goes at outbox speed, i.e. at
least 0.9 times the messages per second of the outbox send.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = """
[store]
url = "sqlite:///subscribers/digest.sqlite3"
[provider]
name = "outbox"
outbox_dir = "outbox"
[server]
public_url = "https://news.example.org"
[newsletters.weekly]
title = "Bench Weekly"
from = "Bench <newsletter@example.org>"
list = "weekly"
postal_address = "1 Example Street"
[[newsletters.weekly.sources]]
url = "{site}/feed.xml"
pages = true
mirror = {{ url = "https://meridian.example/", dir = "{site}" }}
"""


def digest(folder: Path, *args: str) -> float:
    """Run one digest command in the project; its wall time in seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "digest", *args], cwd=folder, check=True, capture_output=True)
    return time.perf_counter() - started


def project(folder: Path, recipients: int) -> None:
    """The demo site, a config and a list of subscribers; the articles collected once."""
    site = folder / "site"
    build = [sys.executable, str(ROOT / "demo" / "build.py"), "--out", str(site)]
    subprocess.run(build, check=True, capture_output=True)
    (folder / "schedule.toml").write_text(CONFIG.format(site=site))
    rows = "\n".join(f"reader{i}@example.org,Reader {i}" for i in range(recipients))
    (folder / "list.csv").write_text(f"email,name\n{rows}\n")
    digest(folder, "subscribers", "import", "list.csv")
    digest(folder, "collect")


def main() -> None:
    """Time the dry run and the outbox send, and compare."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        project(folder, args.recipients)
        dry = digest(folder, "-q", "send", "--dry-run")
        sent = digest(folder, "-q", "run")
        written = len(list((folder / "outbox" / "dry-run").rglob("*.eml")))
        delivered = len([p for p in (folder / "outbox").glob("weekly-*/*.eml")])
    figures = {
        "recipients": args.recipients,
        "dry_run_s": round(dry, 2),
        "outbox_run_s": round(sent, 2),
        "dry_run_per_s": round(written / dry),
        "outbox_per_s": round(delivered / sent),
        "written": written,
        "delivered": delivered,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    figures["ratio"] = round(figures["dry_run_per_s"] / max(figures["outbox_per_s"], 1), 2)
    figures["budgets_met"] = {
        "dry_run_at_outbox_speed": figures["ratio"] >= 0.9 and written == args.recipients
    }
    if args.json:
        print(json.dumps(figures))
        return
    print(f"dry run      {written:,} messages in {dry:.1f} s ({figures['dry_run_per_s']:,}/s)")
    print(f"outbox send  {delivered:,} messages in {sent:.1f} s ({figures['outbox_per_s']:,}/s)")
    met = figures["budgets_met"]["dry_run_at_outbox_speed"]
    print(f"ratio {figures['ratio']}  budget (>= 0.9): {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    main()
