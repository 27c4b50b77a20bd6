"""Rendering: Jinja2 → MJML → HTML once, text part, errors that name the template line, lint."""

from __future__ import annotations

import html
import re
import shutil
import unicodedata
from dataclasses import replace
from pathlib import Path

import jinja2
import pytest
from conftest import NEWSLETTER, NOW, ROOT

from digest.compose import group_sections
from digest.config import DEFAULT_TEMPLATES, LintConfig, ThemeConfig
from digest.errors import TemplateError
from digest.models import Issue, Teaser
from digest.personalize import placeholder
from digest.render import compile_mjml, line_and_column, render
from digest.render.templates import environment
from digest.sample import sample_issue


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    """A private copy of the project's templates that a test may break."""
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", folder)
    return folder


def test_sample_issue_renders_cards_with_and_without_an_image(templates: Path) -> None:
    issue = sample_issue("weekly", NEWSLETTER, NOW)
    rendered = render(issue, NEWSLETTER, ThemeConfig(), templates)
    assert rendered.html.count("<img") == 1
    assert 'src="https://example.org/images/sample.jpg"' in rendered.html
    assert "Top image credit: Sample Photographer" in rendered.html
    for teaser in issue.teasers:
        assert f'href="{teaser.url}"' in rendered.html
        assert teaser.title in rendered.text and teaser.url in rendered.text
    assert rendered.html.count("keep reading →") == 2
    assert placeholder("unsubscribe_url") in rendered.html and placeholder("unsubscribe_url") in rendered.text
    assert "1 Example Street, Springfield" in rendered.html
    assert issue.preheader in rendered.html
    assert rendered.warnings == ()


def test_feed_text_is_escaped_in_html(templates: Path) -> None:
    issue = sample_issue("weekly", NEWSLETTER, NOW)
    hostile = replace(issue.sections[0].teasers[0], title='<script>alert("x")</script> & more')
    issue = replace(issue, sections=(replace(issue.sections[0], teasers=(hostile,)),))
    rendered = render(issue, NEWSLETTER, ThemeConfig(), templates)
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;" in rendered.html
    assert '<script>alert("x")</script> & more' in rendered.text


@pytest.mark.parametrize(
    "alt",
    [
        "Cafe\u0301 terrace at dusk",  # an accent written apart from its letter
        # Hindi's vowel signs and virama
        "\u0915\u094d\u0937\u0947\u0924\u094d\u0930 \u0915\u0940 \u0924\u0938\u094d\u0935\u0940\u0930",
        "Fans \u2b07\ufe0f and a family \U0001f468\u200d\U0001f469\u200d\U0001f467",  # emoji joiners
        "AC\\DC\tlive,\u00a0on\u2028stage",  # backslash, tab, no-break space, line separator
    ],
)
def test_an_image_alt_text_reaches_the_email_as_written(templates: Path, alt: str) -> None:
    # The MJML compiler wrote these characters in attributes as Rust escapes ("\u{200d}", "\\\\").
    issue = sample_issue("weekly", NEWSLETTER, NOW)
    teaser = replace(issue.sections[0].teasers[0], image_url="https://example.org/a.jpg", image_alt=alt)
    issue = replace(issue, sections=(replace(issue.sections[0], teasers=(teaser,)),))
    rendered = render(issue, NEWSLETTER, ThemeConfig(), templates)
    alts = [html.unescape(a) for a in re.findall(r'<img[^>]* alt="([^"]*)"', rendered.html)]
    assert alt in alts, alts
    assert "\\u{" not in rendered.html


def test_a_teaser_written_right_to_left_reads_and_aligns_from_the_right(templates: Path) -> None:
    # In a left-to-right layout an Urdu paragraph kept the layout's direction: aligned left, and its
    # question mark drawn at the wrong end.
    urdu = "\u0622\u062e\u0631 \u0627\u0645\u0631\u06cc\u06a9\u06c1 \u06a9\u06cc\u0627 \u06c1\u06d2\u061f"
    issue = sample_issue("weekly", NEWSLETTER, NOW)
    english = issue.sections[0].teasers[0]
    rtl = replace(english, title=urdu, paragraphs=(urdu, f"{urdu} (AP)"), url="https://example.org/ur")
    issue = replace(issue, sections=(replace(issue.sections[0], teasers=(rtl, english)),))

    rendered = render(issue, NEWSLETTER, ThemeConfig(), templates)

    directed = re.findall(r'<(h2|p) dir="rtl" align="right"[^>]*>([^<]*)', rendered.html)
    assert [(tag, html.unescape(text).strip()) for tag, text in directed] == [
        ("h2", ""),  # the title is its link's text
        ("p", urdu),
        ("p", f"{urdu} (AP)"),
    ]
    assert rendered.html.count('dir="rtl"') == 3  # the English teaser keeps the layout's direction


def test_undefined_variable_names_the_template_file_and_line(templates: Path) -> None:
    partial = templates / "partials" / "teaser.mjml.j2"
    lines = partial.read_text().splitlines()
    lines.insert(3, "    <mj-text>{{ teaser.titel }}</mj-text>")
    partial.write_text("\n".join(lines) + "\n")
    with pytest.raises(TemplateError) as caught:
        render(sample_issue("weekly", NEWSLETTER, NOW), NEWSLETTER, ThemeConfig(), templates)
    error = caught.value
    assert error.template == "partials/teaser.mjml.j2"
    assert error.line == 4
    assert "titel" in str(error) and "{{ teaser.titel }}" in str(error)


def test_syntax_error_names_the_template_file_and_line(templates: Path) -> None:
    (templates / "partials" / "footer.mjml.j2").write_text("<mj-section>\n{% if %}\n</mj-section>\n")
    with pytest.raises(TemplateError) as caught:
        render(sample_issue("weekly", NEWSLETTER, NOW), NEWSLETTER, ThemeConfig(), templates)
    assert caught.value.template == "partials/footer.mjml.j2"
    assert caught.value.line == 2
    assert "line 2" in str(caught.value)


def test_text_template_errors_name_the_text_template(templates: Path) -> None:
    path = templates / "digest.txt.j2"
    path.write_text("{{ issue.title }}\n{{ nope }}\n")
    with pytest.raises(TemplateError) as caught:
        render(sample_issue("weekly", NEWSLETTER, NOW), NEWSLETTER, ThemeConfig(), templates)
    assert (caught.value.template, caught.value.line) == ("digest.txt.j2", 2)


def test_missing_unsubscribe_link_stops_rendering(templates: Path) -> None:
    footer = templates / "partials" / "footer.mjml.j2"
    footer.write_text(footer.read_text().replace("{{ recipient.unsubscribe_url }}", "#"))
    with pytest.raises(TemplateError, match="no unsubscribe link"):
        render(sample_issue("weekly", NEWSLETTER, NOW), NEWSLETTER, ThemeConfig(), templates)


def test_missing_postal_address_stops_rendering(templates: Path) -> None:
    footer = templates / "partials" / "footer.mjml.j2"
    footer.write_text(footer.read_text().replace("{{ newsletter.postal_address }}", ""))
    with pytest.raises(TemplateError, match="postal address"):
        render(sample_issue("weekly", NEWSLETTER, NOW), NEWSLETTER, ThemeConfig(), templates)


def test_insecure_image_is_a_warning(templates: Path) -> None:
    issue = sample_issue("weekly", NEWSLETTER, NOW)
    teaser: Teaser = replace(issue.sections[0].teasers[0], image_url="http://example.org/a.jpg")
    issue = replace(issue, sections=(replace(issue.sections[0], teasers=(teaser,)),))
    rendered = render(issue, NEWSLETTER, ThemeConfig(), templates)
    assert any("http://example.org/a.jpg" in w for w in rendered.warnings)


def test_mjml_error_reports_the_line_of_the_rendered_mjml() -> None:
    source = '<mjml>\n<mj-body>\n<mj-include path="x.mjml" />\n</mj-body>\n</mjml>'
    with pytest.raises(TemplateError) as caught:
        compile_mjml(source, "digest.mjml.j2")
    assert "rendered line 3" in str(caught.value)
    assert '<mj-include path="x.mjml" />' in str(caught.value)


def test_line_and_column_counts_bytes_not_characters() -> None:
    text = "héllo\nwörld"
    assert line_and_column(text, len("héllo\nw".encode())) == (2, 2)


def _many(count: int, paragraphs: int = 3) -> Issue:
    """An issue with ``count`` long teasers, each with an image."""
    base = sample_issue("weekly", NEWSLETTER, NOW)
    text = " ".join(["The delegates argued late into the night about the terms of the ceasefire."] * 4)
    teasers = [
        replace(
            base.teasers[0],
            url=f"https://example.org/articles/{i}",
            title=f"Story number {i}",
            section=("Europe", "Asia", "Africa")[i % 3],
            paragraphs=(text,) * paragraphs,
        )
        for i in range(count)
    ]
    return replace(base, sections=group_sections(teasers), more=())


def test_clip_budget_shortens_an_issue_that_would_be_clipped(templates: Path) -> None:
    issue = _many(60)
    unlimited = LintConfig(clip_budget=False, max_kb=10_000, warn_kb=10_000)
    assert len(render(issue, NEWSLETTER, ThemeConfig(), templates, unlimited).html.encode()) > 102 * 1024
    with pytest.raises(TemplateError, match="Gmail clips"):
        render(issue, NEWSLETTER, ThemeConfig(), templates, LintConfig(clip_budget=False))
    fitted = render(issue, NEWSLETTER, ThemeConfig(), templates)
    assert len(fitted.html.encode()) <= 102 * 1024
    assert any("over 102 KB" in w and "moved" in w for w in fitted.warnings)
    assert "MORE THIS WEEK" in fitted.html and "MORE THIS WEEK" in fitted.text
    # Every article is still there: as a card or as a link, the lead first.
    for i in range(60):
        assert f"https://example.org/articles/{i}" in fitted.html
    assert fitted.html.index("Story number 0") < fitted.html.index("Story number 1")
    # The render names the articles it moved, so that their placement can say so (job.budget_listed).
    assert fitted.listed and "https://example.org/articles/0" not in fitted.listed
    assert set(fitted.listed) <= {f"https://example.org/articles/{i}" for i in range(60)}


def test_articles_the_clip_budget_moved_are_placed_as_listed_with_the_reason() -> None:
    from digest.job import budget_listed
    from digest.models import Fate, Placement

    issue = replace(
        _many(3),
        placements=tuple(
            Placement(f"https://example.org/articles/{i}", f"Story number {i}", Fate.ISSUE) for i in range(3)
        ),
    )
    placed = budget_listed(issue, ("https://example.org/articles/2",), 102).placements

    assert [p.state for p in placed] == [Fate.ISSUE, Fate.ISSUE, Fate.LISTED]
    assert "Gmail clips" in placed[2].reason


def test_clip_budget_first_shortens_the_last_teasers(templates: Path) -> None:
    issue = _many(14, paragraphs=4)
    size = len(render(issue, NEWSLETTER, ThemeConfig(), templates).html.encode())
    limit_kb = size // 1024 - 2
    fitted = render(
        issue, NEWSLETTER, ThemeConfig(), templates, LintConfig(max_kb=limit_kb, warn_kb=limit_kb)
    )
    assert any("shortened the last" in w for w in fitted.warnings)
    assert "MORE THIS WEEK" not in fitted.html
    assert len(fitted.html.encode()) <= limit_kb * 1024


def _with_image(templates: Path, src: str, alt: str = "An image") -> list[str]:
    issue = sample_issue("weekly", NEWSLETTER, NOW)
    teaser = replace(issue.sections[0].teasers[0], image_url=src, image_alt=alt)
    issue = replace(issue, sections=(replace(issue.sections[0], teasers=(teaser,)),))
    return list(render(issue, NEWSLETTER, ThemeConfig(), templates).warnings)


def test_lint_warns_about_images_links_and_subjects(templates: Path) -> None:
    assert any("WebP" in w for w in _with_image(templates, "https://example.org/a.webp"))
    assert any("without alt text" in w for w in _with_image(templates, "https://example.org/a.jpg", alt=""))
    assert any("relative link or image" in w for w in _with_image(templates, "/images/a.jpg"))
    assert _with_image(templates, "https://example.org/a.jpg") == []
    long_subject = NEWSLETTER.model_copy(update={"subject": "x" * 90})
    issue = sample_issue("weekly", long_subject, NOW)
    assert any(
        "subject is 90 characters" in w
        for w in render(issue, long_subject, ThemeConfig(), templates).warnings
    )


def test_a_newsletter_folder_overrides_single_partials(tmp_path: Path, templates: Path) -> None:
    own = tmp_path / "own"
    (own / "partials").mkdir(parents=True)
    footer = (templates / "partials" / "footer.mjml.j2").read_text()
    (own / "partials" / "footer.mjml.j2").write_text(footer.replace("You receive", "Sent to you because"))
    rendered = render(sample_issue("weekly", NEWSLETTER, NOW), NEWSLETTER, ThemeConfig(), [own, templates])
    assert "Sent to you because" in rendered.html
    assert "keep reading →" in rendered.html  # the other partials still come from the defaults


def test_mj_include_reads_only_inside_the_template_folders(tmp_path: Path, templates: Path) -> None:
    (templates / "partials" / "extra.mjml").write_text(
        "<mj-section><mj-column><mj-text>Included here</mj-text></mj-column></mj-section>"
    )
    (tmp_path / "secret.mjml").write_text(
        "<mj-section><mj-column><mj-text>SECRET</mj-text></mj-column></mj-section>"
    )
    layout = templates / "digest.mjml.j2"
    original = layout.read_text()
    layout.write_text(
        original.replace("  </mj-body>", '    <mj-include path="partials/extra.mjml" />\n  </mj-body>')
    )
    rendered = render(sample_issue("weekly", NEWSLETTER, NOW), NEWSLETTER, ThemeConfig(), templates)
    assert "Included here" in rendered.html
    layout.write_text(
        original.replace("  </mj-body>", '    <mj-include path="../../secret.mjml" />\n  </mj-body>')
    )
    with pytest.raises(TemplateError) as caught:
        render(sample_issue("weekly", NEWSLETTER, NOW), NEWSLETTER, ThemeConfig(), templates)
    assert caught.value.template == "digest.mjml.j2"
    assert caught.value.line == original.splitlines().index("  </mj-body>") + 1
    assert "SECRET" not in str(caught.value)


def test_the_packaged_defaults_are_the_repository_templates() -> None:
    assert (ROOT / "templates").resolve() == DEFAULT_TEMPLATES
    assert (DEFAULT_TEMPLATES / "digest.mjml.j2").is_file()


THAI = (
    "นายกรัฐมนตรีเดินทางไปเยือนจังหวัดเชียงใหม่เมื่อวันอังคารเพื่อติดตามสถานการณ์น้ำท่วม ซึ่งส่งผลกระทบต่อประชาชนหลายพันครัวเรือนในพื้นที่"
)


def test_the_text_part_never_starts_a_line_with_a_vowel_sign_or_tone_mark() -> None:
    # Thai is written without spaces between words, so its long runs are broken anywhere: a break
    # before a mark left it alone at the start of the next line, drawn on a dotted circle.
    env = environment(DEFAULT_TEMPLATES)
    for width in range(8, 80):
        lines = env.from_string("{{ text | wordwrap(width) }}").render(text=THAI, width=width).split("\n")

        assert not [line for line in lines if line and unicodedata.category(line[0]).startswith("M")], width
        assert "".join(lines).replace(" ", "") == THAI.replace(" ", "")


def test_the_text_part_wraps_other_text_as_jinja_does() -> None:
    env = environment(DEFAULT_TEMPLATES)
    text = (
        "Officials from both islands waved from the quay, and the well-known harbour master said "
        "the service would run twice a week: https://ferries.example/timetable/2026/winter/crossings"
        "/kessan-strait/weekly.html\n\n宇航员在太空中喝酒会怎么样\uff1f后果很严重\uff0c科学家说这会影响判断力和反应速度。"
    )

    for width in (20, 40, 72):
        ours = env.from_string("{{ text | wordwrap(width) }}").render(text=text, width=width)
        assert ours == jinja2.Environment().from_string("{{ text | wordwrap(width) }}").render(
            text=text, width=width
        )


@pytest.mark.parametrize(
    ("titles", "headed"),
    [
        (("More",), False),  # every teaser in the default section: the feed names none
        (("Europe",), True),
        (("Europe", "More"), True),
    ],
)
def test_a_section_heading_is_shown_unless_the_whole_issue_is_the_default_section(
    templates: Path, titles: tuple[str, ...], headed: bool
) -> None:
    issue = sample_issue("weekly", NEWSLETTER, NOW)
    teaser = issue.sections[0].teasers[0]
    sections = tuple(
        replace(issue.sections[0], title=title, teasers=(replace(teaser, section=title),)) for title in titles
    )
    assert NEWSLETTER.sections.default == "More"

    rendered = render(replace(issue, sections=sections), NEWSLETTER, ThemeConfig(), templates)

    for title in titles:
        assert (f"== {title.upper()} ==" in rendered.text) is headed
        assert (f">{title.upper()}</" in rendered.html or f">{title.upper()} </" in rendered.html) is headed
