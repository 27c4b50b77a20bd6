"""Segments: the expression language, its errors, the send to a segment only, and the CLI count."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import NOW, write_config

from digest.cli.subscribers import subscribers as subscribers_group
from digest.config import load_config
from digest.deliver import Audience, deliver
from digest.errors import ConfigError
from digest.links import Links
from digest.models import RenderedIssue
from digest.providers.outbox import OutboxProvider
from digest.segments import AllOf, AnyOf, Compare, SegmentError, Tags, parse_segment, segment_of
from digest.store import Store, open_store
from digest.store.segments import segment_condition
from digest.store.subscribers import NewSubscriber

SENDER = "The Meridian <newsletter@example.org>"
LINKS = Links("https://news.example.org", "test-secret", SENDER)
PEOPLE = [
    NewSubscriber("de@example.org", "De", {"country": "DE", "tags": "News, Deals"}),
    NewSubscriber("at@example.org", "At", {"country": "AT", "tags": "deals"}),
    NewSubscriber("fr@example.org", "Fr", {"country": "FR", "tags": "newsletter"}),
    NewSubscriber("none@example.org", "None"),
    NewSubscriber("quote@example.org", "Quote", {"x": "a' OR 1=1 --"}),
]


def _people(store: Store) -> None:
    store.subscribers.upsert(PEOPLE, "weekly", "test", NOW)


def _members(store: Store, segment: str | list[str]) -> set[str]:
    where = segment_condition(segment_of(segment))
    return {p.email.split("@")[0] for p in store.subscribers.stream("weekly", "active", where=where)}


def test_expressions_parse_to_a_small_tree() -> None:
    assert parse_segment("attributes.country = 'DE'") == Compare("country", "=", ("DE",))
    tree = parse_segment("attributes.a != 'x' AND (attributes.b in ('1', 'it''s') or attributes.c = '')")
    inner = AnyOf((Compare("b", "in", ("1", "it's")), Compare("c", "=", ("",))))
    assert tree == AllOf((Compare("a", "!=", ("x",)), inner))
    either = parse_segment("attributes.a = '1' or attributes.b = '2' and attributes.c = '3'")
    assert isinstance(either, AnyOf) and isinstance(either.parts[1], AllOf)
    assert segment_of(["news", " deals "]) == Tags(("news", "deals"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the segment is empty"),
        ("country = 'DE'", "column 1: expected attributes.NAME"),
        ("attributes.country = DE", "column 22: expected a value in single quotes"),
        (
            "attributes.country == 'DE'",
            "column 21: expected a value in single quotes, such as 'DE', found '='",
        ),
        ("attributes.country = 'DE", "column 22: a quote that is never closed"),
        ("attributes.country = 'DE' and", "expected attributes.NAME, found the end"),
        ("(attributes.country = 'DE'", "expected ')' to close the parenthesis, found the end"),
        ("attributes.country in ('DE',)", "expected a value in single quotes"),
        ("attributes.country ~ 'DE'", "column 20: unexpected '~'"),
        ("attributes.country = 'DE'; DROP TABLE subscribers", "column 26: unexpected ';'"),
        ("attributes.a = 'x' attributes.b = 'y'", "expected and, or or the end of the segment"),
    ],
)
def test_a_bad_expression_says_where_and_what_was_expected(text: str, message: str) -> None:
    with pytest.raises(SegmentError) as caught:
        parse_segment(text)
    assert message in str(caught.value)


@pytest.mark.parametrize("tags", [[], [""], ["a,b"]])
def test_bad_tags_are_refused(tags: list[str]) -> None:
    with pytest.raises(SegmentError):
        segment_of(tags)


def test_the_config_check_names_the_line_and_the_key(tmp_path: Path) -> None:
    path = write_config(tmp_path, tmp_path)
    text = path.read_text().replace(
        'timezone = "America/New_York"', 'timezone = "America/New_York"\nsegment = "attributes.country = DE"'
    )
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    line = text.splitlines().index('segment = "attributes.country = DE"') + 1
    assert f"line {line}: newsletters.weekly.segment: column 22: expected a value in single quotes" in str(
        caught.value
    )
    path.write_text(text.replace('"attributes.country = DE"', '["news"]'))
    assert load_config(path).newsletters["weekly"].audience_segment == Tags(("news",))


def test_segments_select_their_members(store: Store) -> None:
    _people(store)
    assert _members(store, "attributes.country = 'DE'") == {"de"}
    assert _members(store, "attributes.country != 'DE'") == {"at", "fr", "none", "quote"}
    assert _members(store, "attributes.country in ('DE', 'AT') and attributes.tags != ''") == {"de", "at"}
    assert _members(store, "attributes.country = 'FR' or (attributes.country = '')") == {
        "fr",
        "none",
        "quote",
    }
    assert _members(store, ["news"]) == {"de"}
    assert _members(store, ["DEALS", "nothing"]) == {"de", "at"}
    assert _members(store, ["news%"]) == set()  # a LIKE wildcard is a plain character


def test_an_injection_attempt_matches_nothing_extra(store: Store) -> None:
    _people(store)
    assert _members(store, "attributes.x = 'a'' OR 1=1 --'") == {"quote"}
    assert _members(store, "attributes.country = 'x'' OR ''1''=''1'") == set()
    with pytest.raises(SegmentError, match="unexpected '1'"):  # a backslash escapes nothing
        parse_segment("attributes.country = '\\' OR 1=1 --'")
    assert store.subscribers.count_by_status("weekly") == {"active": len(PEOPLE)}


def test_a_segment_sends_only_to_its_members(store: Store, tmp_path: Path) -> None:
    _people(store)
    rendered = RenderedIssue("weekly-2026-11-25", "weekly", "This week", "<p>Hi</p>", "Hi\n")
    store.issues.create(rendered, "2026-11-25", "weekly", [], NOW)
    segment = segment_of("attributes.country in ('DE', 'AT')")
    audience = Audience("weekly", SENDER, "The Meridian Weekly", segment=segment)
    provider = OutboxProvider(tmp_path / "outbox")
    report = asyncio.run(deliver(rendered, audience, store, provider, LINKS, lambda: NOW))
    assert (report.sent, report.failed) == (2, 0)
    assert store.ledger.counts(rendered.issue_id) == {"sent": 2}
    sent = {path.read_text().split("\nTo: ", 1)[1].split("\n", 1)[0].strip() for path in _emls(tmp_path)}
    assert sent == {"de@example.org", "at@example.org"}


def _emls(folder: Path) -> list[Path]:
    return sorted((folder / "outbox").rglob("*.eml"))


def test_the_cli_counts_a_segment(tmp_path: Path) -> None:
    path = write_config(tmp_path, tmp_path, f"sqlite:///{tmp_path / 'store.sqlite3'}")
    store = open_store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    _people(store)
    store.close()
    runner = CliRunner()
    base = ["count", "-c", str(path), "--list", "weekly"]
    result = runner.invoke(subscribers_group, [*base, "--segment", "attributes.country = 'DE'", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"active": 1}
    result = runner.invoke(subscribers_group, [*base, "--segment", "attributes.country in ('DE', 'AT')"])
    assert result.exit_code == 0 and "2 subscribers: 0 pending, 2 active" in result.output
    result = runner.invoke(subscribers_group, [*base, "--segment", "country = 'DE'"])
    assert result.exit_code == 2 and "column 1: expected attributes.NAME" in result.output
