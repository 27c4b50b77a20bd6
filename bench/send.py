"""Benchmark: send an issue to 100,000 subscribers (SQLite) through the Postmark stub, side by side.

The stub runs in a process of its own (so it does not share our GIL) and answers each request
after ``--latency`` (20 ms). Three ways to send the same list, in one run:

- digest: ``deliver`` with the Postmark provider, measured in a fresh subprocess (wall time,
  messages/s, peak RSS), ledger and all;
- sdk: what a user of the official Python SDK would write — postmarker's batch send of 500
  messages, one request after another (``pip install -e .[bench]``; null when it is missing);
- floor: pre-encoded 500-message bodies POSTed with raw httpx at digest's concurrency — only the
  stub and the loopback, nothing to personalize, encode or record.

With ``--million`` the digest send is repeated for 1,000,000 subscribers in another subprocess, to
show that memory stays flat as the list grows. The issue is a real 10-article digest (MJML
compiled once; about 38 KB of HTML and text per message).

The digest send is also repeated, in the same run, with templates that greet each reader by their
first name and an attribute with a default (half the list has a city), to the same list:
``personalized_msgs_per_s`` beside ``msgs_per_s``, and whether it is within 10%.
Budgets: ≤ 20 s and ≤ 200 MB for 100,000; ≥ 10x the SDK way; within 1.5x of the
floor; peak RSS at 1,000,000 within 1.3x of the 100,000 run; personalized ≥ 0.9x plain.

    python bench/send.py [--recipients 100000] [--latency 0.02] [--million] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the stub provider lives with the tests

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
ISSUE = "weekly-2026-11-25"
SENDER = "The Meridian <newsletter@example.org>"
TOKEN = "stub-token"
BUDGETS = {
    "wall_s": 20.0, "peak_rss_mb": 200.0, "speedup_vs_sdk": 10.0, "ratio_to_floor": 1.5, "rss_1m": 1.3,
    "personalized_ratio": 0.9,
}  # fmt: skip
GREETING = 'Hello {{ recipient.first_name }} in {{ recipient.attributes.city | default("your town") }}!'


def greeting_templates(folder: Path, defaults: Any) -> Path:
    """A folder whose layout and text part open with the greeting; the partials stay the defaults'."""
    import re

    from digest.render import HTML_TEMPLATE, TEXT_TEMPLATE

    found = [
        next(Path(d) / n for d in defaults if (Path(d) / n).is_file()) for n in (HTML_TEMPLATE, TEXT_TEMPLATE)
    ]
    layout, text = (path.read_text(encoding="utf-8") for path in found)
    block = f"<mj-section><mj-column><mj-text>{GREETING}</mj-text></mj-column></mj-section>"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / HTML_TEMPLATE).write_text(re.sub(r"(<mj-body[^>]*>)", rf"\1{block}", layout, count=1))
    (folder / TEXT_TEMPLATE).write_text(f"{GREETING}\n{text}")
    return folder


def rendered_issue(personal: Path | None = None) -> Any:
    """A 10-article issue rendered the way `digest run` renders it (bench/render.py's sample);
    with ``personal``, a folder of greeting templates (greeting_templates) goes first."""
    spec = importlib.util.spec_from_file_location("bench_render", ROOT / "bench" / "render.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    from dataclasses import replace

    from digest.config import LintConfig, ThemeConfig
    from digest.render import render

    issue = replace(module.make_issue(10), id=ISSUE)
    folders = tuple(module.TEMPLATES)
    if personal is not None:
        folders = (greeting_templates(personal, folders), *folders)
    return render(issue, module.NEWSLETTER, ThemeConfig(), folders, LintConfig())


def build_store(path: Path, count: int, personal: Path | None = None) -> None:
    """A SQLite store with ``count`` active subscribers (every other one with a city) and the issue,
    plain or with the greeting templates of ``personal`` (bulk insert: set-up only)."""
    from sqlalchemy import insert

    from digest.store import open_store
    from digest.store.schema import subscribers

    store = open_store(f"sqlite:///{path}")
    chunk = 20_000
    with store.engine.begin() as conn:
        for start in range(0, count, chunk):
            rows = [
                {"list": "weekly", "email": f"reader{i}@example.org", "name": f"Reader {i}",
                 "status": "active", "source": "bench", "created_at": NOW, "updated_at": NOW,
                 "attributes": {"city": f"City {i % 100}"} if i % 2 else {}}
                for i in range(start, min(count, start + chunk))
            ]  # fmt: skip
            conn.execute(insert(subscribers), rows)
    store.issues.create(rendered_issue(personal), "2026-11-25", "weekly", [], NOW)
    store.close()


def child(db: Path, base: str) -> dict[str, Any]:
    """The digest send, alone in this process: wall time of deliver, peak RSS of the process."""
    from digest.config import ProviderConfig
    from digest.deliver import Audience, deliver
    from digest.links import Links
    from digest.providers import create_provider
    from digest.service.runtime import provider_client
    from digest.store import open_store

    store = open_store(f"sqlite:///{db}")
    stored = store.issues.get(ISSUE)
    assert stored is not None
    config = ProviderConfig(name="postmark", base_url=base)
    audience = Audience("weekly", SENDER, "The Meridian Weekly")
    links = Links("https://news.example.org", "bench-secret", SENDER)

    async def main() -> Any:
        async with provider_client(config) as client:
            provider = create_provider(config, client=client, environ={"POSTMARK_TOKEN": TOKEN})
            return await deliver(stored.rendered(), audience, store, provider, links, lambda: NOW, config)

    started = time.perf_counter()
    report = asyncio.run(main())
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"sent": report.sent, "wall_s": wall, "peak_rss_mb": peak}


def measured(count: int, base: str, folder: Path, *, personal: bool = False) -> dict[str, Any]:
    """Build a store of ``count`` subscribers, then send it from a subprocess (``personal``: the
    issue greets each reader by first name and city)."""
    db = folder / f"bench-{count}{'-personal' if personal else ''}.sqlite3"
    build_store(db, count, folder / "greeting-templates" if personal else None)
    command = [sys.executable, __file__, "--child", str(db), "--base", base]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(f"the digest send failed:\n{result.stderr}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def messages(count: int, sdk: bool = False) -> Any:
    """The list personalized as digest does it (placeholder fill), as Postmark message dicts
    (headers as postmarker takes them, a dict, when ``sdk``; else as the API does, a list)."""
    from digest.deliver import Audience, addressing, letter_for
    from digest.links import Links
    from digest.store.ledger import Claimed

    rendered, audience = rendered_issue(), Audience("weekly", SENDER, "W")
    addressee_of = addressing(rendered, audience, Links("https://n.org", "s", SENDER))
    letter = letter_for(rendered, audience)
    for i in range(count):
        addressee = addressee_of(Claimed(i + 1, f"reader{i}@example.org", f"Reader {i}", "weekly", True))
        message = letter.message(addressee)
        headers = [{"Name": n, "Value": v} for n, v in message.headers]
        yield {
            "From": message.sender, "To": message.to, "Subject": message.subject, "HtmlBody": message.html,
            "TextBody": message.text, "Tag": ISSUE, "MessageStream": "broadcast",
            "Headers": dict(message.headers) if sdk else headers,
        }  # fmt: skip


def sdk_way(count: int, base: str) -> float | None:
    """postmarker's batch send, 500 at a time, one request after another."""
    try:
        from postmarker.core import PostmarkClient
    except ImportError:
        return None
    client = PostmarkClient(server_token=TOKEN, root_api_url=base + "/")
    batch: list[dict[str, Any]] = []
    started = time.perf_counter()
    for message in messages(count, sdk=True):
        batch.append(message)
        if len(batch) == 500:
            client.emails.send_batch(*batch)
            batch = []
    if batch:
        client.emails.send_batch(*batch)
    return time.perf_counter() - started


def floor(count: int, base: str, concurrency: int) -> float:
    """Pre-encoded 500-message bodies POSTed with raw httpx at the same concurrency."""
    source = messages(500 * concurrency)
    bodies = [orjson.dumps([next(source) for _ in range(500)]) for _ in range(concurrency)]
    requests = -(-count // 500)
    headers = {"X-Postmark-Server-Token": TOKEN, "Content-Type": "application/json"}

    async def main() -> float:
        queue = list(range(requests))
        async with httpx.AsyncClient(timeout=60) as client:

            async def worker(body: bytes) -> None:
                while queue:
                    queue.pop()
                    (
                        await client.post(f"{base}/email/batch", content=body, headers=headers)
                    ).raise_for_status()

            started = time.perf_counter()
            await asyncio.gather(*(worker(b) for b in bodies))
            return time.perf_counter() - started

    return asyncio.run(main())


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every measurement, against one stub process."""
    from stub_provider import Faults, spawn

    from digest.providers.postmark import PostmarkProvider

    concurrency = PostmarkProvider.limits.concurrency
    with tempfile.TemporaryDirectory() as folder, spawn(Faults(latency=args.latency), keep=False) as stub:
        before = stub.stats()
        ours = measured(args.recipients, stub.base, Path(folder))
        after = stub.stats()
        assert after["received"] - before["received"] == args.recipients == ours["sent"], (before, after)
        assert after["duplicates"] == 0
        personal = measured(args.recipients, stub.base, Path(folder), personal=True)
        assert stub.stats()["received"] - after["received"] == args.recipients == personal["sent"]
        big = measured(1_000_000, stub.base, Path(folder)) if args.million else None
        sdk = sdk_way(args.recipients, stub.base) if not args.no_sdk else None
        floor_s = floor(args.recipients, stub.base, concurrency)
    return {
        "recipients": args.recipients,
        "wall_s": round(ours["wall_s"], 2),
        "msgs_per_s": round(args.recipients / ours["wall_s"]),
        "personalized_msgs_per_s": round(args.recipients / personal["wall_s"]),
        "personalized_ratio": round(ours["wall_s"] / personal["wall_s"], 3),
        "personalized_within_10pct": ours["wall_s"] / personal["wall_s"] >= BUDGETS["personalized_ratio"],
        "peak_rss_mb": round(ours["peak_rss_mb"], 1),
        "sdk_wall_s": round(sdk, 2) if sdk else None,
        "floor_wall_s": round(floor_s, 2),
        "speedup_vs_sdk": round(sdk / ours["wall_s"], 2) if sdk else None,
        "ratio_to_floor": round(ours["wall_s"] / floor_s, 2),
        "rss_1m_over_100k": round(big["peak_rss_mb"] / ours["peak_rss_mb"], 3) if big else None,
        "wall_1m_s": round(big["wall_s"], 1) if big else None,
        "peak_rss_1m_mb": round(big["peak_rss_mb"], 1) if big else None,
        "latency_ms": args.latency * 1000,
        "concurrency": concurrency,
    }


def main() -> None:
    """Parse the arguments, run, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--latency", type=float, default=0.02, help="seconds the stub takes per request")
    parser.add_argument("--million", action="store_true", help="also send to 1,000,000 (memory check)")
    parser.add_argument("--no-sdk", action="store_true", help="skip the postmarker run")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.base)))
        return
    figures = run(args)
    if not args.json:
        for name, value in figures.items():
            print(f"{name:>18}: {value}")
        return
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
