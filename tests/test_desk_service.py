"""The desk service: each editor action rewrites the day's draft file, stale saves are refused."""

from __future__ import annotations

import asyncio
import tomllib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import NOW, write_config

from digest import job
from digest.collect.fetch import Fetcher
from digest.config import load_config
from digest.drafts import Draft, DraftArticle, dump_draft, load_draft
from digest.errors import ConfigError, DigestError
from digest.models import Collection, Fate
from digest.service import Runtime
from digest.service.desk import NO_FILE, Desk, file_version
from digest.service.draft_edits import Action, edit_draft

TESTS = '\n[desk]\ntest_addresses = ["Editor@Example.org"]\n'


def refuse(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"unexpected request for {request.url}")


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory, demo_site: Path) -> Collection:
    """The demo articles collected once, as the desk does when it starts."""
    config = load_config(write_config(tmp_path_factory.mktemp("collect"), demo_site))
    mirrors = [s.mirror for s in config.newsletters["weekly"].sources if s.mirror]

    async def go() -> job.Prepared:
        fetcher = Fetcher(httpx.AsyncClient(transport=httpx.MockTransport(refuse)), mirrors)
        return await job.preview(config, "weekly", fetcher, None, NOW)

    return asyncio.run(go()).collection


@pytest.fixture
def desk(tmp_path: Path, demo_site: Path, collection: Collection) -> Iterator[Desk]:
    config = write_config(tmp_path, demo_site, extra=TESTS)
    with Runtime.open(config, lambda: NOW) as runtime:
        yield Desk(runtime, "weekly", collection)


def act(desk: Desk, kind: str, url: str = "", **fields: str) -> Draft:
    """Apply one action with the current version, and read the file back."""
    desk.act(Action(kind, url, **fields), file_version(desk.path()))
    draft = load_draft(desk.path())
    assert draft is not None
    return draft


def issue_urls(desk: Desk) -> list[str]:
    return [a.url for a in desk.view().articles if a.state is Fate.ISSUE]


def test_the_view_shows_every_article_with_its_state_and_the_schedule(desk: Desk) -> None:
    view = desk.view()
    # The desk works on the issue the scheduler sends next (Friday's), not on today's (Wednesday).
    assert view.version == NO_FILE and view.issue_id == "weekly-2026-11-27"
    assert view.subject.startswith("The Meridian Weekly: ") and view.size > 10_000
    assert view.budget == 102 * 1024 and view.tests == ("editor@example.org",)
    issue = [a for a in view.articles if a.state is Fate.ISSUE]
    assert len(issue) >= 10 and all(a.lede and a.text == a.lede for a in issue)
    assert view.next_run.startswith("The scheduler sends the issue of 2026-11-27 at Fri 2026-11-27 09:00 EST")


def test_the_desk_edits_the_draft_the_scheduled_send_reads(desk: Desk) -> None:
    first = issue_urls(desk)[0]
    act(desk, "drop", first, reason="not this week")

    assert desk.path().name == "2026-11-27.toml"
    friday = desk.slot(desk.config())
    sent = job.build(
        desk.config(), "weekly", desk.collection, NOW, slot_time=friday
    )  # as the scheduler builds it
    assert sent.issue is not None and first not in [t.url for t in sent.issue.teasers]


def test_the_first_action_writes_the_draft_then_each_rewrites_it(desk: Desk) -> None:
    first, second = issue_urls(desk)[:2]
    draft = act(desk, "up", second, neighbour=first)
    assert [a.url for a in draft.articles][:2] == [second, first]
    assert issue_urls(desk)[:2] == [second, first]
    draft = act(desk, "drop", first, reason="covered last week")
    dropped = next(a for a in desk.view().articles if a.url == first)
    assert dropped.state is Fate.DROPPED and dropped.reason == "by the editor: covered last week"
    assert "# Left out when collecting" in desk.path().read_text() or not desk.collection.skipped
    draft = act(desk, "restore", first)
    assert next(a for a in draft.articles if a.url == first).drop is False
    third = issue_urls(desk)[2]
    draft = act(desk, "pin", third)
    assert draft.articles[0].url == third and draft.articles[0].pin
    assert issue_urls(desk)[0] == third


def test_edits_of_text_title_section_and_fields_reach_the_issue(desk: Desk) -> None:
    url = issue_urls(desk)[0]
    act(desk, "edit", url, title="A sharper title", text="One new paragraph.\r\n\r\n  And a second.  ")
    act(desk, "section", url, section="Analysis")
    draft = act(desk, "fields", subject="Set at the desk", preheader="", intro="A note.")
    entry = next(a for a in draft.articles if a.url == url)
    assert (entry.title, entry.text, entry.section) == (
        "A sharper title",
        "One new paragraph.\n\nAnd a second.",
        "Analysis",
    )
    assert (draft.subject, draft.preheader, draft.intro) == ("Set at the desk", None, "A note.")
    view = desk.view()
    shown = next(a for a in view.articles if a.url == url)
    assert shown.text == "One new paragraph.\n\nAnd a second." and shown.lede != shown.text
    assert shown.section == "Analysis" and view.subject == "Set at the desk" and view.intro == "A note."
    assert '# preheader = "' in desk.path().read_text()  # the automatic value, for the editor to take


def test_more_lists_an_article_and_restore_brings_it_back(desk: Desk) -> None:
    url = issue_urls(desk)[1]
    draft = act(desk, "more", url)
    assert next(a for a in draft.articles if a.url == url).more is True
    placed = next(a for a in desk.view().articles if a.url == url)
    assert placed.state is Fate.LISTED and placed.reason == 'in "More this week" (by the editor)'
    act(desk, "restore", url)
    assert url in issue_urls(desk)


def test_a_candidate_is_restored_into_the_issue(
    tmp_path: Path, demo_site: Path, collection: Collection
) -> None:
    config = write_config(tmp_path, demo_site, extra=TESTS).read_text()
    (tmp_path / "schedule.toml").write_text(
        config.replace('timezone = "America', 'max_articles = 3\ntimezone = "America')
    )
    with Runtime.open(tmp_path / "schedule.toml", lambda: NOW) as runtime:
        desk = Desk(runtime, "weekly", collection)
        listed = next(a for a in desk.view().articles if a.state is Fate.LISTED)
        act(desk, "drop", issue_urls(desk)[0])
        draft = act(desk, "restore", listed.url)
        assert draft.articles[-1].url == listed.url
        assert listed.url in issue_urls(desk) and len(issue_urls(desk)) == 3
        assert "[[candidates]]  # listed: " in desk.path().read_text()


def test_a_stale_save_is_refused_and_a_hand_edit_is_picked_up(desk: Desk) -> None:
    first, second = issue_urls(desk)[:2]
    act(desk, "pin", second)
    seen = file_version(desk.path())
    path = desk.path()
    text = path.read_text()
    path.write_text(text.replace("# subject = ", 'subject = "By hand"\n# was: ', 1))
    assert desk.view().subject == "By hand" and desk.view().version != seen
    with pytest.raises(DigestError) as refused:
        desk.act(Action("drop", first), seen)
    assert f"Draft '{path}' changed since this page was built" in str(refused.value)
    assert "make your change again" in str(refused.value)
    assert load_draft(path).subject == "By hand"  # type: ignore[union-attr]
    with pytest.raises(DigestError, match="changed since this page was built"):
        Desk.act(desk, Action("drop", first), NO_FILE)


def test_a_broken_hand_edit_stops_the_save_with_its_line(desk: Desk) -> None:
    act(desk, "pin", issue_urls(desk)[0])
    desk.path().write_text(
        desk.path().read_text() + "\n[[articles]]\nurl = 'https://meridian.example/nope'\n"
    )
    with pytest.raises(ConfigError, match="matches no article"):
        desk.act(
            Action("drop", issue_urls(desk)[0] if False else "https://meridian.example/x"),
            file_version(desk.path()),
        )


def test_send_a_test_goes_to_the_outbox_only_for_listed_addresses(desk: Desk, tmp_path: Path) -> None:
    report = desk.send_test("editor@example.org")
    assert report.accepted and report.to == "editor@example.org"
    sent = list((tmp_path / "outbox").rglob("*.eml"))
    assert len(sent) == 1 and "[Test] The Meridian Weekly" in sent[0].read_text()
    with pytest.raises(DigestError, match=r"Test address 'someone@example\.org' is not in"):
        desk.send_test("someone@example.org")


def test_approve_records_the_next_slot(desk: Desk) -> None:
    assert desk.approve() == "Approved weekly 2026-11-27"
    assert desk.approve() == "Approved weekly 2026-11-27 (it was approved already)"
    assert desk.runtime.store.issues.approved("weekly", "2026-11-27")


def test_a_dumped_draft_reads_back_as_written(tmp_path: Path) -> None:
    draft = Draft(
        subject='S "quoted"',
        intro="",
        articles=[DraftArticle(url="https://a.example/1", title="T", pin=True, text="P1\n\nP2 '''")],
        candidates=[DraftArticle(url="https://a.example/2", drop=True, reason="stale", more=True)],
    )
    path = tmp_path / "d.toml"
    path.write_text(
        dump_draft("w-1", draft, ("Auto", "Pre"), {"https://a.example/2": "listed: x"}, ["# tail"])
    )
    assert load_draft(path).model_dump() == draft.model_dump()  # type: ignore[union-attr]
    assert tomllib.loads(path.read_text())["candidates"][0]["reason"] == "stale"
    assert '# preheader = "Pre"' in path.read_text() and path.read_text().endswith("# tail\n")


def test_unknown_actions_are_refused() -> None:
    with pytest.raises(DigestError, match="Desk action 'explode' is not one the desk knows"):
        edit_draft(Draft(), Action("explode", "https://a.example/1"))
