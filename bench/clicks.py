"""Benchmark: the click redirect on a real `digest serve`, and the report of a 100,000-recipient issue.

Per store (SQLite always; PostgreSQL too with ``--postgres URL``), in one run:

- redirect: ``python -m digest serve`` runs in a subprocess on loopback (``--port 0``, the signing
  secret in DIGEST_SECRET) over a store with two sent issues of 15 articles each. This process
  sends ``--requests`` valid ``GET /c/ISSUE/TOKEN`` (tokens made with click_token and the same
  secret, for random articles and subscribers of the first issue) one after another over one
  keep-alive httpx connection, redirects not followed: p50, p90, p99 and max in ms, and the
  server's CPU ms per request (from /proc). Side by side, on the same server and connection:
  ``GET /healthz``; ``HEAD /healthz`` (the same store check, answered without a body); and HEAD
  of a token signed with another secret (404 after the token check: no store, nothing recorded),
  so that the click's own cost shows (at most 2,000 requests each; ``GET /healthz`` is there to
  show that an answer with a body is not held back: its headers and body go in two sends, and
  without TCP_NODELAY the second waited ~40 ms for the client's delayed ACK). Then ``--requests``
  more clicks, and up to 2,000 forged HEADs, with
  ``--concurrency`` in flight: requests/s, and how busy the server was (its CPU seconds over the
  wall seconds; well below 1, the client is the limit). Every answer is checked (302 to the
  article at the token's position), and afterwards the events table must hold exactly one click
  row per click request sent.
- report: the second issue went to ``--recipients`` subscribers (bulk-inserted subscribers and
  "sent" ledger rows); 20% of them clicked 1 to 3 articles over a week, and a few are machines
  (a scanner's user agent, a click seconds after delivery, every link within seconds): about
  32,000 events. ``issue_report(store, issue, 30)`` is timed best of 3, its store calls timed
  alone (the rest is Python), and the plan of its events query (EXPLAIN) names the index it uses.
  The report's delivered, people and machine counts must be those generated.

Budgets: redirect p50 < 5 ms; report < 1 s. Loopback only; the temporary project, the server and
(on PostgreSQL) the database ``digest_bench_<pid>`` it creates are removed even on failure.

    python bench/clicks.py [--requests 10000] [--recipients 100000] [--concurrency 16]
                           [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
from sqlalchemy import event, func, insert, select
from sqlalchemy.engine import make_url

from digest.clicks import click_token
from digest.models import RenderedIssue
from digest.report import issue_report
from digest.store import Store, open_store
from digest.store.schema import deliveries, events, subscribers

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
CLICKED, REPORTED = "weekly-2026-11-18", "weekly-2026-11-25"  # the redirect's issue, the report's
ARTICLES = 15
SECTIONS = ("Europe", "Asia", "Africa", "Americas", "Economy")
CLICK_RECIPIENTS = 10_000  # who got the redirect's issue: the tokens name them
CLICKERS = 0.2  # the share of the report issue's recipients who click
MACHINE_SECONDS = 30
WARMUP = 200
BASELINE = 2_000  # requests per baseline at most: enough for its percentiles
BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Safari/605.1"
SCANNER = "Mozilla/5.0 (compatible; Barracuda Sentinel)"
BUDGETS = {"redirect_p50_ms": 5.0, "report_s": 1.0}  # both: lower is better
CHUNK = 20_000
T = TypeVar("T")
CONFIG = """
[store]
url = {url}

[provider]
name = "outbox"
outbox_dir = "outbox"

[server]
public_url = "https://news.example.org"
host = "127.0.0.1"
secret_env = "DIGEST_SECRET"

[newsletters.weekly]
title = "The Meridian Weekly"
from = "The Meridian <newsletter@example.org>"
list = "weekly"
postal_address = "1 Example Street, Springfield"

[[newsletters.weekly.sources]]
url = "https://example.org/feed.xml"  # never fetched: the bench needs the store only

[newsletters.weekly.links]
utm = true
track_clicks = true
machine_seconds = 30
"""


# --- the store -------------------------------------------------------------------------------------


def article_urls(issue_id: str) -> tuple[list[str], list[str]]:
    """An issue's article URLs and their tracked targets (UTM tags on)."""
    day = issue_id.removeprefix("weekly-").replace("-", "/")
    urls = [f"https://example.org/{day}/article-{n}" for n in range(ARTICLES)]
    tags = f"utm_source=weekly&utm_medium=email&utm_campaign={issue_id}"
    return urls, [f"{url}?{tags}" for url in urls]


def add_issue(store: Store, issue_id: str, made: datetime) -> None:
    """A sent 15-article issue, stored the way `digest run` stores it."""
    urls, targets = article_urls(issue_id)
    html = "".join(f'<p><a href="{t}">Article {n}</a></p>' for n, t in enumerate(targets))
    rendered = RenderedIssue(issue_id, "weekly", f"The Meridian Weekly, {issue_id}", html, "\n".join(urls),
                             links=tuple(targets))  # fmt: skip
    titles = [f"Article number {n} about the week's events" for n in range(ARTICLES)]
    sections = [SECTIONS[n % len(SECTIONS)] for n in range(ARTICLES)]
    store.issues.create(
        rendered, made.date().isoformat(), "weekly", urls, made, titles=titles, sections=sections
    )
    store.issues.mark_sent(issue_id, made + timedelta(minutes=5))


def add_subscribers(store: Store, count: int) -> list[int]:
    """``count`` active subscribers of the list (bulk insert); their ids."""
    joined = NOW - timedelta(days=30)
    with store.engine.begin() as conn:
        for start in range(0, count, CHUNK):
            rows = [
                {"list": "weekly", "email": f"reader{i}@example.org", "name": f"Reader {i}",
                 "status": "active", "source": "bench", "attributes": {}, "created_at": joined,
                 "updated_at": joined, "subscribed_at": joined}
                for i in range(start, min(count, start + CHUNK))
            ]  # fmt: skip
            conn.execute(insert(subscribers), rows)
        query = select(subscribers.c.id).where(subscribers.c.list == "weekly").order_by(subscribers.c.id)
        return list(conn.execute(query).scalars())


def sent_at(made: datetime, index: int) -> datetime:
    """When the ``index``-th recipient's message went out (100,000 in 20 s)."""
    return made + timedelta(minutes=5, microseconds=200 * index)


def add_deliveries(store: Store, issue_id: str, ids: Sequence[int], made: datetime) -> None:
    """A "sent" ledger row for each of ``ids`` (bulk insert)."""
    with store.engine.begin() as conn:
        for start in range(0, len(ids), CHUNK):
            rows = [
                {"issue_id": issue_id, "subscriber_id": sid, "email": f"reader{sid}@example.org",
                 "status": "sent", "attempts": 1, "message_id": f"<{issue_id}.{sid}@bench>", "error": "",
                 "updated_at": sent_at(made, i), "batch_key": f"b{i // 500}", "claimed_at": sent_at(made, i),
                 "sent_at": sent_at(made, i)}
                for i, sid in enumerate(ids[start : start + CHUNK], start)
            ]  # fmt: skip
            conn.execute(insert(deliveries), rows)


@dataclass
class Clicks:
    """The report issue's generated click rows, how many are machines', how many people clicked."""

    rows: list[dict[str, Any]]
    machine: int
    people: int


def browsers() -> list[str]:
    """200 distinct browser user agents (a list's readers use many; each is matched against SCANNERS)."""
    templates = (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/{v}.{m} Safari/605.1.15",
        "Mozilla/5.0 (iPhone; CPU iPhone OS {v}_{m} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/{v}.{m} Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/1{v}.0.{m}.0 Safari/537.36",
        "Mozilla/5.0 (Linux; Android 14; Pixel {m}) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/1{v}.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (X11; Linux x86_64; rv:1{v}.0) Gecko/20100101 Firefox/1{v}.{m}",
    )
    return [t.format(v=v, m=m) for t in templates for v in range(10, 30) for m in (0, 1)]


def reader_clicks(issue_id: str, ids: Sequence[int], made: datetime, rng: random.Random) -> Clicks:
    """20% of the recipients click: people 1-3 articles over a week; 1% of clickers are scanners (by
    user agent), 1% click seconds after delivery, 0.5% click every link within seconds."""
    weights = [1 / (n + 1) for n in range(ARTICLES)]  # the first articles draw the most clicks
    agents, clicks = browsers(), Clicks([], 0, 0)

    def add(sid: int, position: int, sent: datetime, seconds: float, agent: str) -> None:
        at = sent + timedelta(seconds=seconds)
        clicks.rows.append({"issue_id": issue_id, "kind": "click", "position": position, "subscriber_id": sid,
                            "source": "digest", "at": at, "user_agent": agent, "machine": ""})  # fmt: skip

    for index, sid in enumerate(ids):
        if rng.random() >= CLICKERS:
            continue
        sent, roll, before, agent = sent_at(made, index), rng.random(), len(clicks.rows), rng.choice(agents)
        if roll < 0.01:
            add(sid, rng.randrange(ARTICLES), sent, rng.uniform(60, 3600), SCANNER)
        elif roll < 0.02:
            add(sid, rng.randrange(ARTICLES), sent, rng.uniform(1, MACHINE_SECONDS - 5), agent)
        elif roll < 0.025:
            for position in range(ARTICLES):
                add(sid, position, sent, 120 + position / 2, agent)
        else:
            clicks.people += 1
            for position in set(rng.choices(range(ARTICLES), weights, k=rng.choice((1, 1, 1, 2, 2, 3)))):
                add(sid, position, sent, rng.uniform(300, 7 * 86_400), agent)
            continue
        clicks.machine += len(clicks.rows) - before
    return clicks


def build_store(url: str, recipients: int) -> tuple[Clicks, list[int]]:
    """Both issues, their recipients and ledgers, and the report issue's clicks; the clickable ids."""
    store = open_store(url)
    try:
        ids = add_subscribers(store, max(recipients, CLICK_RECIPIENTS))
        add_issue(store, CLICKED, NOW - timedelta(days=7))
        add_deliveries(store, CLICKED, ids[:CLICK_RECIPIENTS], NOW - timedelta(days=7))
        add_issue(store, REPORTED, NOW)
        add_deliveries(store, REPORTED, ids[:recipients], NOW)
        clicks = reader_clicks(REPORTED, ids[:recipients], NOW, random.Random(25))
        with store.engine.begin() as conn:
            for start in range(0, len(clicks.rows), CHUNK):
                conn.execute(insert(events), clicks.rows[start : start + CHUNK])
        if store.engine.url.get_backend_name() == "postgresql":
            with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")  # what autovacuum does after a bulk load
        return clicks, ids[:CLICK_RECIPIENTS]
    finally:
        store.close()


# --- the server and the client -----------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    """A running `digest serve`: where it answers, and its process."""

    base: str
    pid: int

    def cpu_s(self) -> float | None:
        """User + system CPU seconds the server has used so far (Linux /proc; None elsewhere)."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def serving(project: Path, secret: str) -> Iterator[Server]:
    """`digest serve` on a free loopback port, in a process of its own, stopped on the way out."""
    log = project / "serve.log"
    command = [sys.executable, "-m", "digest", "serve", "-c", str(project / "schedule.toml"), "--port", "0"]
    env = {**os.environ, "DIGEST_SECRET": secret, "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=project, env=env, stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT
        )
    try:
        yield Server(ready(process, log), process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def ready(process: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> str:
    """The server's base URL once it prints it and /healthz answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"digest serve exited {process.returncode}:\n{log.read_text(errors='replace')}")
        found = re.search(r"Serving on (http://\S+?)/? ", log.read_text(errors="replace"))
        if found:
            try:
                if httpx.get(f"{found.group(1)}/healthz", timeout=5).status_code == 200:
                    return found.group(1)
            except httpx.TransportError:
                pass
        time.sleep(0.05)
    raise SystemExit(f"digest serve did not answer within {timeout} s:\n{log.read_text(errors='replace')}")


Request = tuple[str, str, int, str | None]  # method, path, the status it must get, the Location it must name


def click_requests(secret: str, ids: Sequence[int], count: int, rng: random.Random) -> list[Request]:
    """``count`` valid clicks on random articles of the redirect's issue by random recipients."""
    _, targets = article_urls(CLICKED)
    picks = [(rng.randrange(ARTICLES), rng.choice(ids)) for _ in range(count)]
    return [
        ("GET", f"/c/{CLICKED}/{click_token(secret, CLICKED, p, sid)}", 302, targets[p]) for p, sid in picks
    ]


def baseline_requests(ids: Sequence[int], count: int, rng: random.Random) -> dict[str, list[Request]]:
    """The same server's cheaper answers: /healthz (GET, and HEAD: the same store check, no body), and
    HEAD of a token signed with another secret (404 after the token check; no store, nothing recorded)."""
    other = secrets.token_urlsafe(32)
    picks = [(rng.randrange(ARTICLES), rng.choice(ids)) for _ in range(count)]
    return {
        "healthz": [("GET", "/healthz", 200, None)] * count,
        "healthz_head": [("HEAD", "/healthz", 200, None)] * count,
        "forged_head": [
            ("HEAD", f"/c/{CLICKED}/{click_token(other, CLICKED, p, s)}", 404, None) for p, s in picks
        ],
    }


def answered(response: httpx.Response, status: int, location: str | None) -> str | None:
    """What is wrong with an answer (None: nothing)."""
    if response.status_code == status and response.headers.get("location") == location:
        return None
    request = response.request
    return f"{request.method} {request.url.path}: {response.status_code} {response.headers.get('location')}"


def sequential(client: httpx.Client, requests: Sequence[Request]) -> tuple[list[float], list[str]]:
    """Seconds per request, one after another on one keep-alive connection; the wrong answers."""
    samples, problems = [], []
    for method, path, status, location in requests:
        started = time.perf_counter()
        response = client.request(method, path)
        samples.append(time.perf_counter() - started)
        if (problem := answered(response, status, location)) is not None:
            problems.append(problem)
    return samples, problems


async def concurrent(base: str, requests: Sequence[Request], in_flight: int) -> tuple[float, list[str]]:
    """Wall seconds for the requests with ``in_flight`` at a time; the wrong answers."""
    limits = httpx.Limits(max_connections=in_flight, max_keepalive_connections=in_flight)
    problems: list[str] = []
    async with httpx.AsyncClient(base_url=base, headers={"user-agent": BROWSER}, limits=limits) as client:
        todo = iter(requests)

        async def worker() -> None:
            for method, path, status, location in todo:
                if (problem := answered(await client.request(method, path), status, location)) is not None:
                    problems.append(problem)

        await asyncio.gather(*(client.head("/healthz") for _ in range(in_flight)))  # open the connections
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(in_flight)))
        return time.perf_counter() - started, problems


def latency(samples: Sequence[float]) -> dict[str, float]:
    """p50, p90, p99, max and mean in ms."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    ms = {
        "p50": cuts[49],
        "p90": cuts[89],
        "p99": cuts[98],
        "max": max(samples),
        "mean": statistics.fmean(samples),
    }
    return {f"{name}_ms": round(value * 1000, 3) for name, value in ms.items()}


def measured(server: Server, run: Callable[[], T]) -> tuple[T, float | None]:
    """What a run returns, and the server's CPU seconds meanwhile."""
    before = server.cpu_s()
    result = run()
    after = server.cpu_s()
    return result, None if before is None or after is None else after - before


def redirect_figures(
    server: Server, secret: str, ids: Sequence[int], args: argparse.Namespace
) -> dict[str, Any]:
    """Clicks and the baselines one after another, then clicks and forged HEADs concurrently."""
    rng, n = random.Random(18), args.requests
    clicks = click_requests(secret, ids, WARMUP + 2 * n, rng)
    baselines = baseline_requests(ids, min(n, BASELINE), rng)
    problems: list[str] = []
    timed: dict[str, dict[str, Any]] = {}
    with httpx.Client(base_url=server.base, headers={"user-agent": BROWSER}, timeout=30) as client:
        for warmup in (clicks[:WARMUP], *(b[:WARMUP] for b in baselines.values())):
            problems += sequential(client, warmup)[1]
        for name, requests in {"redirect": clicks[WARMUP : WARMUP + n], **baselines}.items():
            (samples, wrong), cpu = measured(server, lambda r=requests: sequential(client, r))
            cpu_ms = None if cpu is None else round(cpu * 1000 / len(requests), 3)
            timed[name] = {"requests": len(requests), **latency(samples), "server_cpu_ms": cpu_ms}
            problems += wrong
    runs = {"click": clicks[WARMUP + n :], "forged_head": baselines["forged_head"]}
    concurrently = throughput(server, runs, args.concurrency, problems)
    p50 = timed["redirect"]["p50_ms"]
    return {
        "redirect": timed.pop("redirect"),
        "baselines": timed,
        "redirect_over_healthz_head_p50_ms": round(p50 - timed["healthz_head"]["p50_ms"], 3),
        "redirect_over_forged_head_p50_ms": round(p50 - timed["forged_head"]["p50_ms"], 3),
        "concurrent": concurrently,
        "clicks_sent": WARMUP + 2 * n,
        "wrong_answers": len(problems),
        "first_wrong_answers": problems[:3],
    }


def throughput(
    server: Server, runs: dict[str, list[Request]], in_flight: int, problems: list[str]
) -> dict[str, Any]:
    """Requests/s of each run with ``in_flight`` at a time, and how busy the server was (its CPU
    seconds over the wall seconds: near 1 it is the limit, well below 1 the client is)."""
    figures: dict[str, Any] = {"in_flight": in_flight}
    for name, requests in runs.items():
        (seconds, wrong), cpu = measured(
            server, lambda r=requests: asyncio.run(concurrent(server.base, r, in_flight))
        )
        problems += wrong
        figures[f"{name}_requests"] = len(requests)
        figures[f"{name}_per_s"] = round(len(requests) / seconds)
        figures[f"{name}_server_busy"] = None if cpu is None else round(cpu / seconds, 2)
    return figures


# --- the report ---------------------------------------------------------------------------------------


def best(call: Callable[[], object], runs: int = 3) -> float:
    """The fastest of ``runs`` calls, in seconds."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return min(samples)


def store_calls(store: Store) -> dict[str, float]:
    """Each store call issue_report makes, timed alone (best of 3, ms); the rest is Python."""
    start, end = store.events.window(REPORTED)
    assert start is not None
    calls: dict[str, Callable[[], object]] = {
        "issues.get": lambda: store.issues.get(REPORTED),
        "ledger.counts": lambda: store.ledger.counts(REPORTED),
        "events.window": lambda: store.events.window(REPORTED),
        "events.reactions": lambda: store.events.reactions(REPORTED, start, end),
        "events.articles": lambda: store.events.articles(REPORTED),
        "events.of_issue": lambda: store.events.of_issue(REPORTED),
        "events.totals": lambda: store.events.totals(REPORTED),
    }
    return {name: round(best(call) * 1000, 1) for name, call in calls.items()}


def events_plan(store: Store) -> tuple[str | None, list[str]]:
    """The index the report's events query uses, and its plan (EXPLAIN QUERY PLAN, or EXPLAIN on
    PostgreSQL) — of the very statement events.of_issue runs, caught on its way to the driver."""
    caught: list[tuple[str, Any]] = []

    def catch(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if "FROM events" in statement:
            caught.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", catch)
    try:
        store.events.of_issue(REPORTED)
    finally:
        event.remove(store.engine, "before_cursor_execute", catch)
    statement, parameters = caught[0]
    sqlite = store.engine.url.get_backend_name() == "sqlite"
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + statement, parameters)
        plan = [str(row[-1]) for row in rows]
    used = next((m.group(0) for line in plan if (m := re.search(r"\bix_events_\w+", line))), None)
    return used, plan


def report_figures(store: Store, clicks: Clicks, recipients: int) -> dict[str, Any]:
    """issue_report of the big issue, best of 3, with its store calls and the events query's plan."""
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        report = issue_report(store, REPORTED, MACHINE_SECONDS)
        runs.append(time.perf_counter() - started)
    assert report is not None
    calls = store_calls(store)
    index, plan = events_plan(store)
    return {
        "recipients": recipients,
        "events": store.events.count(REPORTED),
        "events_in_table": all_events(store),  # PostgreSQL scans the table when most rows match
        "machine_events": clicks.machine,
        "best_s": round(min(runs), 3),
        "runs_s": [round(r, 3) for r in runs],
        "store_calls_ms": calls,
        "python_ms": round(min(runs) * 1000 - sum(calls.values()), 1),
        "events_index": index,
        "events_query_plan": plan,
        "delivered": report.delivered,
        "people_clicked": report.people_clicked,
        "clicks": report.clicks,
        "machine_clicks": report.machine_clicks,
        "machine_reasons": report.machine_reasons,
        "counts_match": (report.delivered, report.people_clicked, report.machine_clicks)
        == (recipients, clicks.people, clicks.machine),
    }


# --- one store, then all of them -----------------------------------------------------------------------


def all_events(store: Store) -> int:
    """Every row of the events table (both issues')."""
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(events)).scalar() or 0)


def click_rows(store: Store) -> int:
    """The click rows of the redirect's issue."""
    query = (
        select(func.count()).select_from(events).where(events.c.issue_id == CLICKED, events.c.kind == "click")
    )
    with store.engine.connect() as conn:
        return int(conn.execute(query).scalar() or 0)


def measure(url: str, project: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Every figure on one store: build it, serve it, click, then report."""
    started = time.perf_counter()
    clicks, ids = build_store(url, args.recipients)
    setup_s = time.perf_counter() - started
    project.mkdir(parents=True, exist_ok=True)
    (project / "schedule.toml").write_text(CONFIG.format(url=json.dumps(url)), encoding="utf-8")
    secret = secrets.token_urlsafe(32)
    with serving(project, secret) as server:
        figures = redirect_figures(server, secret, ids, args)
    log = (project / "serve.log").read_text(errors="replace")
    store = open_store(url, create=False)
    try:
        figures["click_rows"] = click_rows(store)
        figures["rows_match"] = figures["click_rows"] == figures["clicks_sent"]
        figures["server_errors_logged"] = log.count("Traceback")
        figures["report"] = report_figures(store, clicks, args.recipients)
    finally:
        store.close()
    figures["setup_s"] = round(setup_s, 1)
    return figures


@contextmanager
def scratch_database(url: str) -> Iterator[str]:
    """A database of our own on the server ``url`` names, dropped on the way out; its URL."""
    import psycopg
    from psycopg import sql

    parsed = make_url(url)
    name = f"digest_bench_{os.getpid()}"
    admin = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def budgets(figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each budget with what was measured and whether it is met (PostgreSQL's prefixed)."""
    verdicts = {}
    for backend, prefix in (("sqlite", ""), ("postgresql", "postgresql_")):
        found = figures.get(backend)
        if found is None:
            continue
        measured = {"redirect_p50_ms": found["redirect"]["p50_ms"], "report_s": found["report"]["best_s"]}
        for key, value in measured.items():
            verdicts[prefix + key] = {"budget": BUDGETS[key], "measured": value, "met": value < BUDGETS[key]}
    return verdicts


def checks_passed(figures: dict[str, Any]) -> bool:
    """Every answer right, one click row per click sent, the report's counts as generated."""
    ran = [figures[b] for b in ("sqlite", "postgresql") if figures.get(b)]
    return all(f["rows_match"] and not f["wrong_answers"] and f["report"]["counts_match"] for f in ran)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """SQLite, then PostgreSQL when asked, each in a temporary project removed afterwards."""
    figures: dict[str, Any] = {
        "requests": args.requests, "recipients": args.recipients, "articles": ARTICLES,
        "cpus": os.cpu_count(), "load_1m_before": round(os.getloadavg()[0], 2),
    }  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="digest-bench-clicks-") as folder:
        root = Path(folder)
        figures["sqlite"] = measure(f"sqlite:///{root / 'sqlite' / 'store.sqlite3'}", root / "sqlite", args)
        figures["postgresql"] = None
        if args.postgres:
            with scratch_database(args.postgres) as url:
                figures["postgresql"] = measure(url, root / "postgresql", args)
    figures["load_1m_after"] = round(os.getloadavg()[0], 2)
    figures["budgets"] = budgets(figures)
    figures["checks_passed"] = checks_passed(figures)
    return figures


def summary(figures: dict[str, Any]) -> list[str]:
    """The figures for a person."""
    lines = ["Requests one after another on one connection to digest serve over loopback:"]
    for backend in ("sqlite", "postgresql"):
        f = figures.get(backend)
        if not f:
            continue
        c, rep = f["concurrent"], f["report"]
        lines.append(f"{backend}:")
        for name, row in {"GET /c/ (302)": f["redirect"], **f["baselines"]}.items():
            lines.append(
                "  {:<14} {requests:>6,} x  p50 {p50_ms:>7} ms  p90 {p90_ms:>7}  p99 {p99_ms:>7}"
                "  max {max_ms:>8}  server CPU {server_cpu_ms} ms".format(name, **row)
            )
        lines += [
            f"  {c['in_flight']} in flight: {c['click_per_s']:,} clicks/s (server busy "
            f"{c['click_server_busy']}), {c['forged_head_per_s']:,} forged HEADs/s",
            f"  click rows {f['click_rows']:,} of {f['clicks_sent']:,} clicks sent: "
            f"{'ok' if f['rows_match'] else 'MISMATCH'}; wrong answers: {f['wrong_answers']}",
            f"  report of {rep['recipients']:,} recipients, {rep['events']:,} events "
            f"({rep['machine_events']:,} machine): {rep['best_s']} s best of 3, events read through "
            f"{rep['events_index'] or 'no index'}; "
            f"counts {'as generated' if rep['counts_match'] else 'DIFFER'}",
        ]
    for key, verdict in figures["budgets"].items():
        met = "ok" if verdict["met"] else "MISSED"
        lines.append(f"budget {key} < {verdict['budget']}: {verdict['measured']} {met}")
    return lines


def main() -> None:
    """Parse the arguments, run, print; exit 1 when a correctness check failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requests", type=int, default=10_000, help="clicks timed one by one (and again concurrently)"
    )
    parser.add_argument("--recipients", type=int, default=100_000, help="recipients of the reported issue")
    parser.add_argument(
        "--concurrency", type=int, default=16, help="requests in flight in the throughput run"
    )
    parser.add_argument(
        "--postgres", metavar="URL", help="also run on this PostgreSQL server (in a database of its own)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    args = parser.parse_args()
    if args.requests < 2 or args.recipients < 1 or args.concurrency < 1:
        parser.error("--requests must be at least 2, --recipients and --concurrency at least 1")
    # A kill (a CI timeout) unwinds like Ctrl-C: the server stops, the files and database go.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    figures = run(args)
    print(json.dumps(figures) if args.json else "\n".join(summary(figures)))
    if not figures["checks_passed"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
