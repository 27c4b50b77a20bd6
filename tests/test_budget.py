"""The clip budget and the size lint, with a measure that counts paragraphs instead of rendering."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import NOW

from digest.compose import group_sections
from digest.config import LintConfig, NewsletterConfig
from digest.lint import lint
from digest.models import Issue, Teaser
from digest.personalize import placeholder
from digest.render.budget import fit

ADDRESS = "1 Example Street, Springfield"
NEWSLETTER = NewsletterConfig.model_validate(
    {
        "title": "The Meridian Weekly",
        "from": "The Meridian <newsletter@example.org>",
        "list": "weekly",
        "postal_address": ADDRESS,
        "sources": [{"url": "https://example.org/feed.xml"}],
    }
)


def issue_of(count: int) -> Issue:
    """An issue of ``count`` teasers in two sections, three paragraphs each, the lead first."""
    teasers = [
        Teaser(f"https://example.org/{n}", f"Story {n}", "World" if n < 2 else "Economy",
               ("one.", "two.", "three."), NOW - timedelta(hours=n))
        for n in range(count)
    ]  # fmt: skip
    return Issue("weekly-1", "weekly", "The Meridian", "Subject", "", group_sections(teasers), NOW)


def size(issue: Issue) -> int:
    """A card costs 50, each paragraph in it 100, a link in the "more" list 10."""
    return sum(50 + 100 * len(t.paragraphs) for t in issue.teasers) + 10 * len(issue.more)


def test_an_issue_exactly_at_the_limit_is_left_alone() -> None:
    issue = issue_of(4)
    assert fit(issue, size, size(issue)) == (issue, "")


def test_the_last_teasers_are_trimmed_first_and_only_as_many_as_needed() -> None:
    fitted, note = fit(issue_of(4), size, 1000)  # 1400 → two teasers cut to one paragraph each
    assert [len(t.paragraphs) for t in fitted.teasers] == [3, 3, 1, 1]
    assert note == "shortened the last 2 teasers to one paragraph"


def test_then_the_fewest_last_articles_move_to_the_list_of_links() -> None:
    fitted, _ = fit(issue_of(4), size, 330)  # all trimmed: 600; each move saves 140
    assert [t.title for t in fitted.teasers] == ["Story 0", "Story 1"]
    assert [t.title for t in fitted.more] == ["Story 2", "Story 3"]


def test_the_lead_stays_even_when_nothing_else_would_fit() -> None:
    fitted, note = fit(issue_of(4), size, 100)  # only moving the lead too would fit
    assert [t.title for t in fitted.teasers] == ["Story 0"]
    assert len(fitted.more) == 3 and "moved 3 articles" in note


def html_of(length: int, filler: str = "x") -> str:
    """An HTML body of ``length`` characters carrying what the lint requires."""
    required = f"<p>{placeholder('unsubscribe_url')} {ADDRESS}</p>"
    return required + filler * (length - len(required))


def clipped(html: str) -> bool:
    text = f"{placeholder('unsubscribe_url')} {ADDRESS}"
    found = lint(html, text, issue_of(1), NEWSLETTER, LintConfig(warn_kb=5, max_kb=10))
    return any(m.level == "error" and "Gmail clips" in m.message for m in found)


@pytest.mark.parametrize(("length", "expected"), [(10 * 1024, False), (10 * 1024 + 1, True)])
def test_gmails_clip_is_counted_in_kibibytes(length: int, expected: bool) -> None:
    assert clipped(html_of(length)) is expected


def test_gmails_clip_counts_bytes_not_characters() -> None:
    assert clipped(html_of(6 * 1024, filler="é"))  # 6 K characters, but over 10 KiB of UTF-8
