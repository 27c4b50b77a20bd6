"""The image credit reads as a caption with its label, in the HTML and in the text part."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from conftest import NOW

from digest.config import DEFAULT_TEMPLATES, NewsletterConfig, ThemeConfig
from digest.models import Issue, RenderedIssue
from digest.render import render
from digest.render.templates import credited
from digest.sample import sample_issue


def newsletter(**teaser: Any) -> NewsletterConfig:
    return NewsletterConfig.model_validate(
        {
            "title": "The Meridian Weekly",
            "from": "The Meridian <newsletter@example.org>",
            "list": "weekly",
            "postal_address": "1 Example Street, Springfield",
            "sources": [{"url": "https://example.org/feed.xml"}],
            "teaser": teaser,
        }
    )


def with_credit(issue: Issue, credit: str) -> Issue:
    """The sample issue with its pictured teaser credited to ``credit``."""
    section = issue.sections[0]
    teaser = replace(section.teasers[0], image_credit=credit)
    return replace(issue, sections=(replace(section, teasers=(teaser,)), *issue.sections[1:]))


def rendered(credit: str, **teaser: Any) -> RenderedIssue:
    config = newsletter(**teaser)
    issue = with_credit(sample_issue("weekly", config, NOW), credit)
    return render(issue, config, ThemeConfig(), DEFAULT_TEMPLATES)


def test_credit_is_shown_with_the_default_label_in_html_and_text() -> None:
    result = rendered("Jane Doe")
    # The caption is its own paragraph under the image (its classes and styles are the template's).
    assert re.search(r"<p [^>]*>Top image credit: Jane Doe</p>", result.html)
    assert "\nTop image credit: Jane Doe\n" in result.text
    assert "(Jane Doe)" not in result.text


def test_custom_label_replaces_the_default_in_html_and_text() -> None:
    result = rendered("Jane Doe", credit_label="Photograph by")
    assert ">Photograph by Jane Doe</p>" in result.html
    assert "\nPhotograph by Jane Doe\n" in result.text
    assert "Top image credit" not in result.html + result.text


def test_empty_label_shows_the_credit_alone() -> None:
    result = rendered("Jane Doe", credit_label="")
    assert ">Jane Doe</p>" in result.html
    assert "\nJane Doe\n" in result.text


def test_label_is_escaped_in_html() -> None:
    result = rendered("Jane Doe", credit_label="<b>Credit</b>")
    assert "&lt;b&gt;Credit&lt;/b&gt; Jane Doe" in result.html


@pytest.mark.parametrize(
    "credit",
    ["Jane Doe", "Photo: Jane Doe", "Top image credit: Jane Doe", "Photograph: Jane Doe", "  Jane Doe "],
)
def test_the_pages_own_wording_is_not_doubled_by_the_label(credit: str) -> None:
    assert credited(credit, "Image credit:") == "Image credit: Jane Doe"
    assert credited(credit, "") == "Jane Doe"
