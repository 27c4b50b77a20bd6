"""Subscriber files at scale and the list commands: import, export, add, remove, list, count."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import NOW

from digest.cli import cli
from digest.store import Store
from digest.store.subscribers import NewSubscriber
from digest.subscriber_csv import CsvReport, escape_cell, parse_csv

ROWS = 100_000


@pytest.fixture(scope="module")
def big_file() -> CsvReport:
    """100,000 rows with two extra columns, a few broken rows and duplicates (parsed once)."""
    lines = ["Email,Name,City,Plan"]
    lines += [
        f"Reader{i}@Example.org,Reader {i},City {i % 50},{'pro' if i % 3 else 'free'}" for i in range(ROWS)
    ]
    lines += ["not-an-address,Broken", "reader7@example.org,Reader Seven,,"]
    return parse_csv("\n".join(lines), "big.csv")


def test_a_100k_row_import_adds_everyone_once_and_a_reimport_changes_only_what_differs(
    store: Store, big_file: CsvReport
) -> None:
    assert (len(big_file.rows), big_file.duplicates) == (ROWS, 1)
    assert [str(p) for p in big_file.rejected] == [
        "big.csv line 100002: 'not-an-address' is not a valid address: An email address must have an @-sign."
    ]
    counts = store.subscribers.upsert(big_file.rows, "weekly", "import:big.csv", NOW)
    assert (counts.added, counts.updated, counts.unchanged) == (ROWS, 0, 0)
    assert store.subscribers.count_by_status("weekly") == {"active": ROWS}
    gone = store.subscribers.find("weekly", "reader5@example.org")
    assert gone is not None
    store.subscribers.unsubscribe(gone.id, NOW)
    again = [
        NewSubscriber(f"reader{i}@example.org", "", {"Plan": "gold"} if i < 10 else {}) for i in range(2000)
    ]
    counts = store.subscribers.upsert(again, "weekly", "import:again.csv", NOW)
    assert (counts.added, counts.updated, counts.unchanged, counts.kept_out) == (0, 10, 1990, 1)
    seven = next(
        r
        for r in store.subscribers.records("weekly", batch=20)
        if r.subscriber.email == "reader7@example.org"
    )
    assert seven.subscriber.name == "Reader Seven" and seven.attributes == {"City": "City 7", "Plan": "gold"}
    assert store.subscribers.count_by_status("weekly") == {"active": ROWS - 1, "unsubscribed": 1}


# --------------------------------------------------------------------------- the commands

CONFIG = """
[store]
url = "sqlite:///subscribers/digest.sqlite3"

[newsletters.weekly]
title = "The Weekly"
from = "News <news@example.org>"
list = "weekly"
postal_address = "1 Example Street"

[[newsletters.weekly.sources]]
url = "feed.xml"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "schedule.toml").write_text(CONFIG)
    (tmp_path / "people.csv").write_text(
        "email,name,city\n"
        "ada@example.org,Ada,Paris\n"
        'bo@example.org,=HYPERLINK("https://evil.example"),@SUM(A1)\n'
        "-cy@example.org,Cy,\n"
        "broken,Broken,\n"
    )
    return tmp_path


def run(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args[:2], "-c", str(project / "schedule.toml"), *args[2:]])
    return result.exit_code, result.stdout, result.stderr


def test_import_reports_rejected_rows_and_keeps_extra_columns_as_attributes(project: Path) -> None:
    code, out, err = run(project, "subscribers", "import", str(project / "people.csv"))
    assert code == 0
    assert "rejected: " in err and "people.csv line 5: 'broken' is not a valid address" in err
    assert "3 added" in out and "1 rejected" in out
    code, out, _ = run(project, "subscribers", "list", "--json")
    assert {p["email"] for p in json.loads(out)} == {"ada@example.org", "bo@example.org", "-cy@example.org"}
    assert set(json.loads(out)[0]) == {"email", "name", "status", "list"}


def test_export_escapes_formulas_and_imports_back_unchanged(project: Path, tmp_path: Path) -> None:
    run(project, "subscribers", "import", str(project / "people.csv"))
    exported = tmp_path / "export.csv"
    assert run(project, "subscribers", "export", "-o", str(exported))[0] == 0
    rows = list(csv.DictReader(io.StringIO(exported.read_text())))
    bo = next(r for r in rows if r["email"] == "bo@example.org")
    assert bo["name"] == '\'=HYPERLINK("https://evil.example")' and bo["city"] == "'@SUM(A1)"
    assert next(r for r in rows if "cy@" in r["email"])["email"] == "'-cy@example.org"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())
    report = parse_csv(exported.read_text())
    assert {r.email: (r.name, r.attributes) for r in report.rows}["bo@example.org"] == (
        '=HYPERLINK("https://evil.example")',
        {"city": "@SUM(A1)"},
    )
    assert report.rejected == ()


def test_remove_unsubscribes_and_an_import_does_not_bring_them_back(project: Path) -> None:
    run(project, "subscribers", "import", str(project / "people.csv"))
    assert run(project, "subscribers", "remove", "Ada@Example.org")[0] == 0
    run(project, "subscribers", "import", str(project / "people.csv"))
    code, out, err = run(project, "subscribers", "add", "ada@example.org")
    assert code == 0 and "stays off the list" in err
    _, out, _ = run(project, "subscribers", "list", "--status", "unsubscribed", "--json")
    assert [p["email"] for p in json.loads(out)] == ["ada@example.org"]
    _, out, _ = run(project, "subscribers", "count", "--json")
    assert json.loads(out) == {"active": 2, "unsubscribed": 1}
    assert run(project, "subscribers", "add", "ada@example.org", "--resubscribe")[0] == 0
    _, out, _ = run(project, "subscribers", "count", "--json")
    assert json.loads(out) == {"active": 3}


def test_remove_of_an_unknown_address_says_so(project: Path) -> None:
    result = CliRunner().invoke(
        cli, ["subscribers", "remove", "-c", str(project / "schedule.toml"), "no@example.org"]
    )
    assert result.exit_code == 1
    assert str(result.exception).startswith("Subscriber 'no@example.org' is not on list 'weekly'\nHint: ")


def test_escape_cell_only_touches_formula_starts() -> None:
    assert [escape_cell(v) for v in ("=1+2", "+1", "-1", "@x", "\tx", "plain", "a=b")] == [
        "'=1+2", "'+1", "'-1", "'@x", "'\tx", "plain", "a=b",
    ]  # fmt: skip


def test_a_duplicate_row_without_a_name_keeps_the_earlier_rows_name() -> None:
    report = parse_csv("email,name,city\nana@example.org,Ana,Lyon\nANA@example.org,,\n")
    assert report.duplicates == 1
    assert [(p.email, p.name, p.attributes) for p in report.rows] == [
        ("ana@example.org", "Ana", {"city": "Lyon"})
    ]
