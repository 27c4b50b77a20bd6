"""A small made-up issue for checking templates without fetching anything."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from digest.compose import compose
from digest.config import NewsletterConfig
from digest.models import Issue, Teaser


def sample_issue(name: str, newsletter: NewsletterConfig, now: datetime) -> Issue:
    """Two teasers in two sections, one with an image and credit and one without.

    It has an editor's note and a listed article too, so that every default partial is rendered.
    """
    teasers = [
        Teaser(
            url="https://example.org/articles/sample-one",
            title="A sample article with a lead image",
            section="Sample section",
            paragraphs=("The first paragraph of a sample article, as its author wrote it.",),
            published=now,
            image_url="https://example.org/images/sample.jpg",
            image_alt="A sample image",
            image_credit="Top image credit: Sample Photographer",
        ),
        Teaser(
            url="https://example.org/articles/sample-two",
            title="A sample article without an image",
            section="Another section",
            paragraphs=(
                "A short first paragraph.",
                "And a second one, because the first was short.",
            ),
            published=now,
        ),
    ]
    issue = compose(name, newsletter, teasers, f"{name}-sample", now)
    listed = Teaser(url="https://example.org/articles/sample-three", title="A sample listed article",
                    section="Sample section", paragraphs=(), published=now)  # fmt: skip
    return replace(issue, intro=issue.intro or "A sample editor's note.", more=(*issue.more, listed))
