"""Editors' template mistakes: each names the template file and line, and what was probably meant."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import NOW, ROOT

from digest.config import NewsletterConfig, ThemeConfig
from digest.errors import TemplateError
from digest.render import check_mjml, render
from digest.render.marks import marked, unmarked
from digest.sample import sample_issue

NEWSLETTER = NewsletterConfig.model_validate(
    {
        "title": "The Meridian Weekly",
        "from": "The Meridian <newsletter@example.org>",
        "list": "weekly",
        "postal_address": "1 Example Street, Springfield",
        "intro": "An editor's note.",
        "sources": [{"url": "https://example.org/feed.xml"}],
    }
)


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    """A private copy of the project's templates that a test may break."""
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", folder)
    return folder


def broken(templates: Path, partial: str, old: str, new: str) -> None:
    path = templates / partial
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def failure(templates: Path) -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        render(sample_issue("weekly", NEWSLETTER, NOW), NEWSLETTER, ThemeConfig(), templates)
    return caught.value


def test_marks_leave_the_mjml_exactly_as_written() -> None:
    source = "<mjml>\n  <mj-body>\n    <mj-text>a <mj-x</mj-text><mj-divider/>\n  </mj-body>\n</mjml>\n"
    annotated = marked(source, "t.mjml.j2")
    assert 'mj-divider data-digest-src="t.mjml.j2:3"' in annotated
    assert unmarked(annotated) == source


def test_unknown_tag_names_the_line_and_the_tag_meant(templates: Path) -> None:
    broken(templates, "partials/teaser.mjml.j2", "<mj-text padding=", "<mj-buton padding=")
    broken(templates, "partials/teaser.mjml.j2", "</mj-text>", "</mj-buton>")
    error = failure(templates)
    assert (error.template, error.line) == ("partials/teaser.mjml.j2", 6)
    assert "Unknown MJML tag '<mj-buton>'" in str(error)
    assert error.hint is not None and error.hint.startswith("did you mean mj-button?")


def test_unknown_attribute_names_the_attribute_meant(templates: Path) -> None:
    broken(templates, "partials/note.mjml.j2", "font-style=", "font-stlye=")
    error = failure(templates)
    assert (error.template, error.line) == ("partials/note.mjml.j2", 4)
    assert "Attribute 'font-stlye' of <mj-text>: not an attribute of mj-text" in str(error)
    assert error.hint == "did you mean font-style?"


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        ('color="#666666"', 'color="#66666"', "is not a colour"),
        ('font-size="12px"', 'font-size="12"', "is not one value in px"),
        ('align="center"', 'align="middle"', "is not one of: left, right, center, justify"),
    ],
)
def test_bad_attribute_values_are_named(templates: Path, old: str, new: str, why: str) -> None:
    broken(templates, "partials/footer.mjml.j2", old, new)
    error = failure(templates)
    assert (error.template, error.line) == ("partials/footer.mjml.j2", 4)
    assert why in str(error)


def test_a_tag_in_the_wrong_parent_says_where_it_goes(templates: Path) -> None:
    broken(templates, "partials/note.mjml.j2", "  <mj-column>\n", "  <mj-column><mj-section></mj-section>\n")
    error = failure(templates)
    assert (error.template, error.line) == ("partials/note.mjml.j2", 3)
    assert "Tag '<mj-section>' cannot be inside <mj-column>" in str(error)
    assert error.hint == "<mj-section> goes inside: mj-body, mj-wrapper"


def test_an_unclosed_text_names_the_line_where_it_opens(templates: Path) -> None:
    broken(templates, "partials/note.mjml.j2", "</mj-text>", "")
    error = failure(templates)
    assert (error.template, error.line) == ("partials/note.mjml.j2", 4)
    assert "Tag '<mj-text>' is never closed" in str(error)


def test_a_mismatched_closing_tag_names_the_open_tag(templates: Path) -> None:
    broken(templates, "partials/footer.mjml.j2", "  </mj-column>\n", "")
    error = failure(templates)
    assert (error.template, error.line) == ("partials/footer.mjml.j2", 3)
    assert "Tag '<mj-column>' is not closed before '</mj-section>'" in str(error)


def test_the_preview_shows_mjml_problems_as_warnings(templates: Path) -> None:
    broken(templates, "partials/note.mjml.j2", "font-style=", "font-stlye=")
    issue = sample_issue("weekly", NEWSLETTER, NOW)
    rendered = render(issue, NEWSLETTER, ThemeConfig(), templates, strict=False)
    assert any("partials/note.mjml.j2' line 4" in w and "font-style?" in w for w in rendered.warnings)


def test_every_problem_is_listed_in_document_order() -> None:
    mjml = '<mjml><mj-body><mj-section><mj-column><mj-txt /><mj-image srcc="x" /></mj-column>'
    mjml += "</mj-section></mj-body></mjml>"
    reasons = [p.reason for p in check_mjml(mjml, "t.mjml.j2")]
    assert reasons == [
        "Unknown MJML tag '<mj-txt>': MJML has no such component",
        "Attribute 'srcc' of <mj-image>: not an attribute of mj-image",
    ]


def test_an_unclosed_jinja_block_names_the_line_that_opens_it(templates: Path) -> None:
    broken(templates, "partials/teaser.mjml.j2", "  {% endif %}\n", "")
    error = failure(templates)
    assert (error.template, error.line) == ("partials/teaser.mjml.j2", 7)
    assert "'{% if %}' is never closed (Jinja found the end of the file)" in str(error)
    assert "{% if teaser.image_url and teaser.image_credit %}" in str(error)


def test_a_wrong_jinja_end_tag_names_the_block_left_open(templates: Path) -> None:
    broken(templates, "partials/teaser.mjml.j2", "  {% endfor %}\n", "  {% endif %}\n")
    error = failure(templates)
    assert (error.template, error.line) == ("partials/teaser.mjml.j2", 12)
    assert "'{% for %}' is never closed (Jinja found a wrong end tag at line 14)" in str(error)


@pytest.mark.parametrize(
    ("expression", "reason", "names"),
    [
        ("sponsor.name", "'sponsor' is undefined", "a template can use: credit_label, issue, keep_reading,"),
        ("newsletter.sponsor", "'newsletter' has no 'sponsor'", "it has: title, sender, list_name,"),
        ("theme.brand_colour", "'theme' has no 'brand_colour'", "did you mean 'brand_color'?"),
        ("teaser.titel", "a Teaser has no 'titel'", "did you mean 'title'? it has: url, title,"),
        ("recipient.adress", "'recipient' has no 'adress'", "it has: email, name,"),
    ],
)
def test_an_undefined_name_lists_the_names_at_its_level(
    templates: Path, expression: str, reason: str, names: str
) -> None:
    broken(templates, "partials/teaser.mjml.j2", "{{ teaser.title }}</a>", f"{{{{ {expression} }}}}</a>")
    error = failure(templates)
    assert (error.template, error.line) == ("partials/teaser.mjml.j2", 11)
    assert f"line 11: {reason}\n    <h2{{{{ teaser.title | dir }}}} style=" in str(error)
    assert error.hint is not None and names in error.hint


def included(templates: Path, path: str, text: str | None) -> TemplateError:
    """The error of the templates once the note mj-includes ``path`` (written first when ``text``)."""
    if text is not None:
        (templates / path).write_text(text)
    broken(templates, "partials/note.mjml.j2", "<mj-section", f'<mj-include path="{path}" />\n<mj-section')
    return failure(templates)


def test_an_mj_included_file_is_checked_in_its_place_with_its_own_line(templates: Path) -> None:
    promo = '<mj-section>\n  <mj-column>\n    <mj-buton href="https://example.org">Join</mj-buton>\n'
    error = included(templates, "partials/promo.mjml", promo + "  </mj-column>\n</mj-section>\n")
    assert error.template == "partials/promo.mjml" and error.line == 3
    assert "did you mean mj-button?" in str(error)


def test_an_mj_include_outside_the_template_folders_is_refused(templates: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.mjml").write_text("<mj-section></mj-section>")
    error = included(templates, "../secret.mjml", None)
    assert error.template == "partials/note.mjml.j2"
    assert "not a file inside the template folders" in str(error)


def test_a_tag_left_open_in_an_mj_included_file_is_named_there(templates: Path) -> None:
    error = included(templates, "partials/promo.mjml", "<mj-section>\n  <mj-column>\n</mj-section>\n")
    assert (error.template, error.line) == ("partials/promo.mjml", 2)
    assert "mj-column" in str(error)
