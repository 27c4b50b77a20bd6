"""Editors' own values ([values], [newsletters.X.values]), per-newsletter theme and reply_to."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from conftest import NOW, ROOT

from digest.config import Config
from digest.errors import ConfigError
from digest.render import render
from digest.render.values import undefined_values
from digest.sample import sample_issue

BASE = """
[newsletters.weekly]
title = "The Meridian Weekly"
from = "The Meridian <newsletter@example.org>"
list = "weekly"
postal_address = "1 Example Street, Springfield"
sources = [{ url = "https://example.org/feed.xml" }]
"""


def config(extra: str = "") -> Config:
    return Config.model_validate(tomllib.loads(BASE + extra))


def rendered(cfg: Config, templates: Path = ROOT / "templates") -> tuple[str, str]:
    newsletter = cfg.newsletters["weekly"]
    out = render(sample_issue("weekly", newsletter, NOW), newsletter, cfg.theme, templates)
    return out.html, out.text


def test_a_sponsor_in_values_renders_in_the_html_and_the_text() -> None:
    cfg = config("""
[values]
sponsor_name = "Atlas Maps"
sponsor_url = "https://atlas.example/"
[newsletters.weekly.values]
sponsor_text = "Maps of every border, redrawn weekly."
""")
    html, text = rendered(cfg)
    assert "SPONSORED BY" in html and 'href="https://atlas.example/"' in html and "Atlas Maps</a>" in html
    assert "Maps of every border, redrawn weekly." in html
    assert "Sponsored by Atlas Maps: Maps of every border, redrawn weekly.\nhttps://atlas.example/\n" in text


def test_without_a_sponsor_there_is_no_sponsor_block() -> None:
    html, text = rendered(config())
    assert "SPONSORED BY" not in html and "Sponsored by" not in text


def test_a_newsletters_value_wins_over_the_shared_one() -> None:
    cfg = config('[values]\nsponsor_name = "Shared"\n[newsletters.weekly.values]\nsponsor_name = "Own"\n')
    assert cfg.newsletters["weekly"].values == {"sponsor_name": "Own"}


def test_a_value_name_a_template_cannot_use_is_a_config_error() -> None:
    with pytest.raises(ValueError, match="'sponsor-name' is not a name a template can use"):
        config('[newsletters.weekly.values]\n"sponsor-name" = "x"\n')


def test_a_template_using_a_value_nobody_defines_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", folder)
    footer = folder / "partials" / "footer.mjml.j2"
    footer.write_text(footer.read_text() + "{{ values.promo_lin }}\n")
    problems = undefined_values([folder], ["promo_line", "sponsor_name"])
    assert [p.described() for p in problems] == [
        "Template 'partials/footer.mjml.j2' line 12: Value 'values.promo_lin': no newsletter defines it "
        "(did you mean values.promo_line? set it in [values] or [newsletters.NAME.values] "
        "(defined: promo_line, sponsor_name))"
    ]


def test_the_default_templates_use_only_optional_values() -> None:
    assert undefined_values([ROOT / "templates"], []) == []


def test_a_newsletter_theme_overrides_the_shared_theme() -> None:
    cfg = config('[theme]\nbrand_color = "#111111"\n[newsletters.weekly.theme]\naccent_color = "#abcdef"\n')
    theme = cfg.theme_for("weekly")
    assert (theme.brand_color, theme.accent_color) == ("#111111", "#abcdef")
    html, _ = rendered(cfg)
    assert "#abcdef" in html and "#111111" in html


def test_a_bad_colour_in_a_newsletter_theme_names_its_key(tmp_path: Path) -> None:
    path = tmp_path / "schedule.toml"
    path.write_text(BASE + '[newsletters.weekly.theme]\nbrand_color = "navy"\n')
    from digest.config import load_config

    with pytest.raises(ConfigError, match=r"newsletters\.weekly\.theme\.brand_color"):
        load_config(path)


def test_reply_to_is_checked_and_carried_on_the_rendered_issue() -> None:
    cfg = config()
    assert cfg.newsletters["weekly"].reply_to == ""
    newsletter = Config.model_validate(
        tomllib.loads(BASE.replace("list =", 'reply_to = "Letters <letters@example.org>"\nlist ='))
    ).newsletters["weekly"]
    out = render(sample_issue("weekly", newsletter, NOW), newsletter, cfg.theme, ROOT / "templates")
    assert out.reply_to == "Letters <letters@example.org>"
    with pytest.raises(ValueError, match="'letters' is not an address"):
        Config.model_validate(tomllib.loads(BASE.replace("list =", 'reply_to = "letters"\nlist =')))


def test_a_first_name_placeholder_is_filled_per_recipient(tmp_path: Path) -> None:
    from digest.personalize import Template, first_name

    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", folder)
    text_part = folder / "digest.txt.j2"
    text_part.write_text("Dear {{ recipient.first_name }},\n" + text_part.read_text())
    newsletter = config().newsletters["weekly"]
    out = render(sample_issue("weekly", newsletter, NOW), newsletter, config().theme, folder)
    values = {"email": "ada@example.org", "name": "Ada Lovelace", "first_name": first_name("Ada Lovelace"),
              "unsubscribe_url": "https://x.example/u/t", "web_url": "https://x.example/a/"}  # fmt: skip
    assert Template(out.text, escape=False).fill(values).startswith("Dear Ada,")
    assert first_name("  ") == ""
