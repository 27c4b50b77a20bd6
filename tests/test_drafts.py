"""Editors' drafts: written from the next issue, edited, applied by preview and run; broken ones stop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import NOW, demo_builder, digest, write_config

from digest.compose import compose
from digest.config import NewsletterConfig
from digest.drafts import Draft, DraftArticle, load_draft, render_draft
from digest.errors import ConfigError
from digest.models import Teaser

NEWSLETTER = NewsletterConfig.model_validate(
    {
        "title": "Weekly",
        "from": "W <w@example.org>",
        "list": "weekly",
        "postal_address": "1 Example Street",
        "sources": [{"url": "https://example.org/feed.xml"}],
        "max_articles": 3,
        "sections": {
            "order": ["Asia", "Europe"],
            "rename": {"world/europe": "Europe"},
            "from_url": {"/biz/": "Economy"},
        },
    }
)


def teaser(n: int, section: str = "Europe", url: str = "") -> Teaser:
    return Teaser(
        url=url or f"https://example.org/{n}",
        title=f"Story {n}",
        section=section,
        paragraphs=(f"Paragraph of story {n}.",),
        published=NOW - timedelta(hours=n),
    )


TEASERS = [
    teaser(1),
    teaser(2, "Asia"),
    teaser(3, "World/Europe"),
    teaser(4, "", "https://example.org/biz/4"),
]


def test_sections_are_renamed_ordered_and_found_by_url() -> None:
    issue = compose("weekly", NEWSLETTER.model_copy(update={"max_articles": 10}), TEASERS, "w-1", NOW)
    assert [(s.title, [t.title for t in s.teasers]) for s in issue.sections] == [
        ("Asia", ["Story 2"]),
        ("Europe", ["Story 1", "Story 3"]),
        ("Economy", ["Story 4"]),
    ]


def test_draft_orders_pins_drops_and_rewrites() -> None:
    draft = Draft(
        subject="My own subject",
        intro="A note from the editors.",
        articles=[
            DraftArticle(url="https://example.org/1", drop=True),
            DraftArticle(url="https://example.org/3", text="New first paragraph.\n\nNew second one."),
            DraftArticle(url="https://example.org/2", pin=True, title="Retitled"),
        ],
    )
    issue = compose("weekly", NEWSLETTER, TEASERS, "w-1", NOW, draft)
    titles = [t.title for t in issue.teasers]
    assert "Story 1" not in titles
    assert issue.teasers[0].title == "Retitled"  # pinned, and Asia comes first anyway
    rewritten = next(t for t in issue.teasers if t.url == "https://example.org/3")
    assert rewritten.paragraphs == ("New first paragraph.", "New second one.")
    assert [t.url for t in issue.teasers][-1] == "https://example.org/biz/4"  # not in the draft: after
    assert issue.subject == "My own subject" and issue.intro == "A note from the editors."


def test_written_draft_reads_back_and_changes_nothing(tmp_path: Path) -> None:
    quoted = teaser(5)
    quoted = Teaser(quoted.url, 'He said "no" \\ twice', "Europe", ("One '''odd''' line.", "Two."), NOW)
    path = tmp_path / "draft.toml"
    path.write_text(render_draft("w-1", "Subject", "Pre", "Intro", [*TEASERS, quoted]))
    draft = load_draft(path)
    assert draft is not None
    assert (
        compose("weekly", NEWSLETTER, [*TEASERS, quoted], "w-1", NOW, draft).teasers
        == compose("weekly", NEWSLETTER, [*TEASERS, quoted], "w-1", NOW).teasers
    )


def test_broken_draft_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "draft.toml"
    path.write_text('subject = "ok"\n\n[[articles]]\nurl = "https://example.org/1"\npinned = true\n')
    with pytest.raises(ConfigError) as caught:
        load_draft(path)
    assert "line 5: articles[0].pinned: unknown key" in str(caught.value)
    path.write_text('subject = "unterminated\n')
    with pytest.raises(ConfigError, match="line 1"):
        load_draft(path)


def test_missing_draft_is_none(tmp_path: Path) -> None:
    assert load_draft(tmp_path / "none.toml") is None


def test_draft_command_then_preview_uses_the_edits(tmp_path: Path) -> None:
    site = tmp_path / "site"
    demo_builder().build(site, datetime.now(UTC))
    write_config(tmp_path, site)
    made = digest(tmp_path, "draft")
    assert made.returncode == 0, made.stderr
    path = next((tmp_path / "drafts" / "weekly").glob("*.toml"))
    text = path.read_text()
    first_url = text.split('url = "', 2)[1].split('"', 1)[0]
    edited = text.replace("drop = false", "drop = true", 1).replace("# subject = ", "subject = ", 1)
    edited = edited.replace('subject = "The Meridian Weekly', 'subject = "Edited: The Meridian Weekly', 1)
    path.write_text(edited)
    again = digest(tmp_path, "draft")
    assert again.returncode == 1 and "already exists" in again.stderr
    shown = digest(tmp_path, "preview", "--out", "pv")
    assert shown.returncode == 0, shown.stderr
    assert "Using the editors' draft" in shown.stdout and "'Edited: The Meridian Weekly" in shown.stdout
    html = (tmp_path / "pv" / "preview.html").read_text()
    assert first_url not in html
    path.write_text(edited + "\n[[articles]]\nurl = 3\n")
    broken = digest(tmp_path, "preview")
    assert broken.returncode == 1 and "articles" in broken.stderr and "line" in broken.stderr


@pytest.mark.parametrize("placeholder", ["Uncategorized", "undefined", "tags", "Featured", "Sin categoría"])
def test_a_name_that_stands_where_no_section_was_given_is_no_section(placeholder: str) -> None:
    teasers = [teaser(1, placeholder), teaser(2, placeholder, "https://example.org/biz/2")]
    issue = compose("weekly", NEWSLETTER, teasers, "w-1", NOW)
    assert [(s.title, [t.title for t in s.teasers]) for s in issue.sections] == [
        ("More", ["Story 1"]),  # the default
        ("Economy", ["Story 2"]),  # by its address, as an article without a section is
    ]


def test_an_editor_may_still_rename_such_a_name() -> None:
    sections = NEWSLETTER.sections.model_copy(update={"rename": {"uncategorized": "From the blog"}})
    newsletter = NEWSLETTER.model_copy(update={"sections": sections})
    issue = compose("weekly", newsletter, [teaser(1, "Uncategorized")], "w-1", NOW)
    assert [s.title for s in issue.sections] == ["From the blog"]
