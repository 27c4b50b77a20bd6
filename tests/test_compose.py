"""Compose: which teasers go in, in which sections, under which subject line and preheader."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from conftest import NOW

from digest.compose import PREHEADER_CHARS, compose, group_sections, preheader
from digest.config import NewsletterConfig
from digest.errors import TemplateError
from digest.models import Teaser


def newsletter(**overrides: Any) -> NewsletterConfig:
    values: dict[str, Any] = {
        "title": "The Meridian Weekly",
        "from": "The Meridian <newsletter@example.org>",
        "list": "weekly",
        "postal_address": "1 Example Street, Springfield",
        "sources": [{"url": "https://meridian.example/feed.xml"}],
        **overrides,
    }
    return NewsletterConfig.model_validate(values)


def teaser(n: int, section: str = "Europe", first: str | None = None) -> Teaser:
    lede = first or f"Story {n} begins with a sentence about the ferries. It goes on from there."
    return Teaser(
        url=f"https://meridian.example/articles/{n}.html",
        title=f"Headline number {n}",
        section=section,
        paragraphs=(lede, "A second paragraph follows."),
        published=NOW - timedelta(hours=n),
    )


def test_compose_keeps_at_most_max_articles_in_their_order() -> None:
    teasers = [teaser(n) for n in range(8)]

    issue = compose("weekly", newsletter(max_articles=5), teasers, "weekly-2026-11-25", NOW)

    assert [t.url for t in issue.teasers] == [t.url for t in teasers[:5]]


def test_compose_keeps_every_teaser_when_there_are_fewer_than_max_articles() -> None:
    teasers = [teaser(n) for n in range(3)]

    issue = compose("weekly", newsletter(max_articles=15), teasers, "weekly-2026-11-25", NOW)

    assert len(issue.teasers) == 3


def test_sections_are_grouped_in_order_of_first_appearance() -> None:
    sections = ["Europe", "Asia", "Europe", "Africa", "Asia", "Europe"]
    teasers = [teaser(n, s) for n, s in enumerate(sections)]

    grouped = group_sections(teasers)

    assert [s.title for s in grouped] == ["Europe", "Asia", "Africa"]
    assert [[t.url for t in s.teasers] for s in grouped] == [
        [teasers[0].url, teasers[2].url, teasers[5].url],
        [teasers[1].url, teasers[4].url],
        [teasers[3].url],
    ]


def test_sections_named_alike_by_different_feeds_are_one_section() -> None:
    sections = ["News", "Sport", "news", " NEWS ", "Local  sport"]
    teasers = [teaser(n, s) for n, s in enumerate(sections)] + [teaser(5, "local sport")]

    grouped = group_sections(teasers)

    assert [s.title for s in grouped] == ["News", "Sport", "Local  sport"]
    assert [len(s.teasers) for s in grouped] == [3, 1, 2]
    assert {t.section for t in grouped[0].teasers} == {"News"}  # each teaser is called as its section is
    # The editor's spelling in sections.order names the section, whatever the feeds write.
    assert [s.title for s in group_sections(teasers, ["SPORT", "news"])] == ["SPORT", "news", "Local  sport"]


def test_sections_only_hold_teasers_that_made_the_cut() -> None:
    teasers = [teaser(0, "Europe"), teaser(1, "Asia"), teaser(2, "Africa")]

    issue = compose("weekly", newsletter(max_articles=2), teasers, "weekly-2026-11-25", NOW)

    assert [s.title for s in issue.sections] == ["Europe", "Asia"]


def test_issue_carries_its_id_newsletter_title_intro_and_time() -> None:
    config = newsletter(intro="This week, in their own words.")

    issue = compose("weekly", config, [teaser(0)], "weekly-2026-11-25", NOW)

    assert (issue.id, issue.newsletter, issue.title) == ("weekly-2026-11-25", "weekly", "The Meridian Weekly")
    assert issue.intro == "This week, in their own words."
    assert issue.created == NOW
    assert issue.lead.url == teaser(0).url


def test_default_subject_names_the_newsletter_and_the_lead_story() -> None:
    issue = compose("weekly", newsletter(), [teaser(3), teaser(4)], "weekly-2026-11-25", NOW)

    assert issue.subject == "The Meridian Weekly: Headline number 3"


def test_subject_template_can_use_issue_values_and_is_folded_to_one_line() -> None:
    template = (
        "{{ newsletter.title }}\n  —  {{ issue.teasers | length }} stories,\n{{ issue.sections[0].title }}"
    )

    issue = compose("weekly", newsletter(subject=template), [teaser(0, "Asia"), teaser(1)], "id", NOW)

    assert issue.subject == "The Meridian Weekly — 2 stories, Asia"


def test_undefined_name_in_the_subject_is_a_template_error_naming_the_subject() -> None:
    with pytest.raises(TemplateError) as caught:
        compose("weekly", newsletter(subject="{{ issue.headline }} this week"), [teaser(0)], "id", NOW)

    assert caught.value.template == "subject"
    assert "subject" in str(caught.value)
    assert "headline" in str(caught.value)


def test_syntax_error_in_the_subject_is_a_template_error_naming_the_subject() -> None:
    with pytest.raises(TemplateError) as caught:
        compose("weekly", newsletter(subject="{{ issue.lead.title "), [teaser(0)], "id", NOW)

    assert caught.value.template == "subject"
    assert "syntax" in caught.value.reason


def test_subject_naming_the_lead_of_an_empty_issue_falls_back_to_the_title() -> None:
    # An empty issue goes out only with skip_if_empty = false; there is no lead for the subject to name.
    issue = compose("weekly", newsletter(), [], "id", NOW)

    assert issue.subject == newsletter().title


def test_subject_template_error_in_an_issue_with_articles_is_reported() -> None:
    with pytest.raises(TemplateError) as caught:
        compose("weekly", newsletter(subject="{{ issue.leed.title }}"), [teaser(0)], "id", NOW)

    assert caught.value.template == "subject"


def test_preheader_is_the_lead_teasers_first_sentence() -> None:
    lead = teaser(0, first="Dr. Elsa Marrow warned the U.S. delegation on Tuesday. Nobody listened to her.")

    issue = compose("weekly", newsletter(), [lead, teaser(1)], "id", NOW)

    assert issue.preheader == "Dr. Elsa Marrow warned the U.S. delegation on Tuesday."


def test_long_first_sentence_is_shortened_at_a_word_boundary_for_the_preheader() -> None:
    words = [f"word{n}" for n in range(40)]
    lead = teaser(0, first=" ".join(words) + ". Second sentence here.")

    text = preheader([lead])

    assert text.endswith(" …")
    head = text.removesuffix(" …")
    assert len(head) <= PREHEADER_CHARS
    assert set(head.split()) <= set(words)
    assert lead.paragraphs[0].startswith(head + " ")


def test_preheader_of_a_teaser_without_paragraphs_is_empty() -> None:
    bare = Teaser(url="https://x.example/a", title="T", section="More", paragraphs=(), published=NOW)

    assert preheader([bare]) == ""
    assert preheader([]) == ""
