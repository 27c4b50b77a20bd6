"""The default templates' look: each section named once, the masthead aligned, personal lines marked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import NOW, ROOT
from test_render import NEWSLETTER

from digest.config import ThemeConfig
from digest.personalize import placeholder
from digest.render import render
from digest.render.personal import END, START, public_copy
from digest.sample import sample_issue


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    """A private copy of the project's templates that a test may change."""
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", folder)
    return folder


def test_a_section_heading_is_not_repeated_on_each_of_its_teasers(templates: Path) -> None:
    html = render(sample_issue("weekly", NEWSLETTER, NOW), NEWSLETTER, ThemeConfig(), templates).html
    assert html.count("ANOTHER SECTION") == 1  # its heading only
    assert html.count("SAMPLE SECTION") == 2  # its heading, and the label of the article listed under "More"


def test_teasers_outside_a_section_carry_their_section_label(templates: Path) -> None:
    layout = templates / "digest.mjml.j2"
    loop = (
        '{% for section in issue.sections %}\n    {% include "partials/section.mjml.j2" %}\n    {% endfor %}'
    )
    flat = (
        "{% for teaser in issue.teasers %}<mj-section><mj-column>\n"
        '{% include "partials/teaser.mjml.j2" %}\n</mj-column></mj-section>{% endfor %}'
    )
    assert loop in layout.read_text()
    layout.write_text(layout.read_text().replace(loop, flat))
    html = render(sample_issue("weekly", NEWSLETTER, NOW), NEWSLETTER, ThemeConfig(), templates).html
    assert html.count("ANOTHER SECTION") == 1 and html.count("SAMPLE SECTION") == 2


def test_the_logo_sits_on_the_left_like_the_date(templates: Path) -> None:
    theme = ThemeConfig(logo_url="https://example.org/logo.png")
    html = render(sample_issue("weekly", NEWSLETTER, NOW), NEWSLETTER, theme, templates).html
    logo_cell = html[: html.index('src="https://example.org/logo.png"')].rsplit("<td", 2)[-2]
    assert 'align="left"' in logo_cell


def test_the_personal_lines_are_marked_in_the_email_and_cut_from_the_public_copy(templates: Path) -> None:
    html = render(sample_issue("weekly", NEWSLETTER, NOW), NEWSLETTER, ThemeConfig(), templates).html
    assert html.count(START) == html.count(END) == 1
    mailed = html[html.index(START) : html.index(END)]
    assert placeholder("email") in mailed and placeholder("unsubscribe_url") in mailed
    public = public_copy(html)
    assert placeholder("email") not in public and placeholder("unsubscribe_url") not in public
    assert "because you subscribed" not in public and "1 Example Street, Springfield" in public
    assert "dg-personal" not in html  # the compiler's stand-ins never reach an email


def test_the_email_declares_both_schemes_and_carries_a_dark_palette(templates: Path) -> None:
    html = render(sample_issue("weekly", NEWSLETTER, NOW), NEWSLETTER, ThemeConfig(), templates).html
    head = html[: html.index("<body")]
    assert '<meta name="color-scheme" content="light dark" />' in head
    assert '<meta name="supported-color-schemes" content="light dark" />' in head
    assert "color-scheme: light dark;" in head and "@media (prefers-color-scheme: dark)" in head
    # The classes the dark palette restyles are on the parts it means.
    assert 'class="dg-body"' in html and 'class="dg-card"' in html and 'class="dg-heading"' in html
