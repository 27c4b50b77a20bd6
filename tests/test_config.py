"""Reading and validating schedule.toml: every problem reported with its key path and line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from digest.config import key_path, load_config
from digest.errors import ConfigError

NEWSLETTER = """
[newsletters.weekly]
title = "The Weekly"
from = "The Weekly <weekly@example.org>"
list = "weekly"
postal_address = "1 Example Street, Springfield"
"""

SOURCE = """
[[newsletters.weekly.sources]]
url = "https://example.org/feed.xml"
"""

TWO_MISTAKES = """\
titel = "The Weekly"

[newsletters.weekly]
title = "The Weekly"
from = "The Weekly <weekly@example.org>"
list = "weekly"
postal_address = "1 Example Street, Springfield"
window_days = "seven"

[[newsletters.weekly.sources]]
url = "https://example.org/feed.xml"
"""


def write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "schedule.toml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based number of the line holding the ``occurrence``-th ``needle``."""
    found = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return found[occurrence - 1]


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return caught.value.problems


def problem_for(problems: list[str], key: str) -> str:
    """The single problem naming ``key`` (after its optional 'line N: ' prefix)."""
    matching = [
        p for p in problems if p.split(": ", 1)[-1].startswith(f"{key}: ") or p.startswith(f"{key}: ")
    ]
    assert len(matching) == 1, f"expected one problem for {key!r} in {problems!r}"
    return matching[0]


def test_valid_config_loads_with_defaults_filled_in(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, NEWSLETTER + SOURCE))

    name, newsletter = config.newsletter(None)
    assert name == "weekly"
    assert newsletter.sender == "The Weekly <weekly@example.org>"
    assert newsletter.list_name == "weekly"
    assert newsletter.window_days == 7
    assert newsletter.teaser.min_words <= newsletter.teaser.max_words
    assert config.base_dir == tmp_path.resolve()
    assert config.templates_dir == tmp_path.resolve() / "templates"


def test_load_config_reports_every_problem_with_its_key_path(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, TWO_MISTAKES))

    assert len(problems) == 2
    unknown = problem_for(problems, "titel")
    wrong_type = problem_for(problems, "newsletters.weekly.window_days")
    assert unknown == f"line {line_of(TWO_MISTAKES, 'titel')}: titel: unknown key"
    assert wrong_type.startswith(
        f"line {line_of(TWO_MISTAKES, 'window_days')}: newsletters.weekly.window_days: "
    )
    assert "integer" in wrong_type
    assert "'seven'" in wrong_type


def test_config_error_message_counts_and_lists_the_problems(tmp_path: Path) -> None:
    path = write(tmp_path, TWO_MISTAKES)
    with pytest.raises(ConfigError) as caught:
        load_config(path)

    message = str(caught.value)
    assert str(path) in message
    assert "2 problems" in message
    for problem in caught.value.problems:
        assert problem in message


def test_problem_in_second_list_item_names_its_index_and_line(tmp_path: Path) -> None:
    text = (
        NEWSLETTER
        + SOURCE
        + """
[[newsletters.weekly.sources]]
url = "ftp://example.org/feed.xml"
"""
    )
    problems = problems_of(write(tmp_path, text))

    assert len(problems) == 1
    problem = problem_for(problems, "newsletters.weekly.sources[1].url")
    assert problem.startswith(f"line {line_of(text, 'ftp://')}: ")
    assert "ftp" in problem


def test_unknown_key_inside_a_list_item_is_located_in_that_item(tmp_path: Path) -> None:
    text = (
        NEWSLETTER
        + SOURCE
        + """
[[newsletters.weekly.sources]]
url = "https://example.org/other.xml"
page = true
"""
    )
    problems = problems_of(write(tmp_path, text))

    problem = problem_for(problems, "newsletters.weekly.sources[1].page")
    assert problem == f"line {line_of(text, 'page = true')}: newsletters.weekly.sources[1].page: unknown key"


def test_missing_required_keys_are_each_reported(tmp_path: Path) -> None:
    text = """
[newsletters.weekly]
from = "The Weekly <weekly@example.org>"
list = "weekly"
"""
    problems = problems_of(write(tmp_path, text))

    header = line_of(text, "[newsletters.weekly]")
    for key in ("title", "postal_address", "sources"):
        problem = problem_for(problems, f"newsletters.weekly.{key}")
        assert problem.endswith("required key is missing")
        assert problem.startswith(f"line {header}: ")
    assert len(problems) == 3


def test_config_without_any_newsletter_is_reported(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, '[server]\npublic_url = "https://news.example.org"\n'))

    assert problem_for(problems, "newsletters").endswith("required key is missing")


def test_toml_syntax_error_is_a_config_error_with_its_line(tmp_path: Path) -> None:
    text = NEWSLETTER + "window_days = = 3\n"
    problems = problems_of(write(tmp_path, text))

    assert len(problems) == 1
    assert problems[0].startswith("not valid TOML")
    assert f"line {line_of(text, 'window_days')}" in problems[0]


def test_missing_file_is_a_config_error_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "schedule.toml"
    with pytest.raises(ConfigError) as caught:
        load_config(path)

    assert caught.value.problems == ["file not found"]
    assert caught.value.path == str(path)
    assert caught.value.hint
    assert "-c" in caught.value.hint
    assert "Hint:" in str(caught.value)


def test_relative_paths_resolve_against_the_config_folder_not_the_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    text = (
        """
[store]
url = "sqlite:///data/digest.sqlite3"

[provider]
outbox_dir = "mail/outbox"
"""
        + NEWSLETTER
        + """
[[newsletters.weekly.sources]]
url = "site/feed.xml"
mirror = { url = "https://meridian.example", dir = "../site" }
"""
    )
    path = write(project, text)
    monkeypatch.chdir(elsewhere)

    config = load_config(Path("..") / "project" / "schedule.toml")

    base = project.resolve()
    source = config.newsletters["weekly"].sources[0]
    assert source.url == str(base / "site" / "feed.xml")
    assert source.mirror is not None
    assert source.mirror.dir == str(tmp_path.resolve() / "site")
    assert source.mirror.url == "https://meridian.example/"
    assert config.store.url == f"sqlite:///{base / 'data' / 'digest.sqlite3'}"
    assert config.provider.outbox_dir == str(base / "mail" / "outbox")
    assert config.path == str(path.resolve())


def test_default_store_url_resolves_against_the_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "project", NEWSLETTER + SOURCE)
    monkeypatch.chdir(tmp_path)

    config = load_config(path)

    database = Path(config.store.url.removeprefix("sqlite:///"))
    assert database.is_absolute()
    assert database.parent.parent == path.parent.resolve()


def test_default_outbox_dir_resolves_against_the_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "project", NEWSLETTER + SOURCE)
    monkeypatch.chdir(tmp_path)

    config = load_config(path)

    outbox = Path(config.provider.outbox_dir)
    assert outbox.is_absolute()
    assert outbox.parent == path.parent.resolve()


def test_urls_and_absolute_paths_are_kept_as_they_are(tmp_path: Path) -> None:
    feed = "https://example.org/feed.xml?section=world"
    absolute = tmp_path / "abs" / "digest.sqlite3"
    text = (
        f"""
[store]
url = "sqlite:///{absolute}"
"""
        + NEWSLETTER
        + f"""
[[newsletters.weekly.sources]]
url = "{feed}"

[[newsletters.weekly.sources]]
url = "http://plain.example.org/rss"
"""
    )
    config = load_config(write(tmp_path / "project", text))

    sources = config.newsletters["weekly"].sources
    assert [s.url for s in sources] == [feed, "http://plain.example.org/rss"]
    assert config.store.url == f"sqlite:///{absolute}"


def test_postgresql_store_url_is_kept_as_it_is(tmp_path: Path) -> None:
    url = "postgresql+psycopg://digest@db.example.org/digest"
    config = load_config(write(tmp_path, f'[store]\nurl = "{url}"\n' + NEWSLETTER + SOURCE))

    assert config.store.url == url


@pytest.mark.parametrize("zone", ["Mars/Olympus", "Europe", "Europe/"])
def test_bad_time_zone_is_reported_with_its_key(tmp_path: Path, zone: str) -> None:
    text = NEWSLETTER + f'timezone = "{zone}"\n' + SOURCE
    problems = problems_of(write(tmp_path, text))

    problem = problem_for(problems, "newsletters.weekly.timezone")
    assert zone in problem
    assert problem.startswith(f"line {line_of(text, 'timezone')}: ")


@pytest.mark.parametrize("colour", ["red", "#12345", "#ggg", "1d3557"])
def test_bad_colour_is_reported_with_its_key(tmp_path: Path, colour: str) -> None:
    text = NEWSLETTER + SOURCE + f'\n[theme]\naccent_color = "{colour}"\n'
    problems = problems_of(write(tmp_path, text))

    problem = problem_for(problems, "theme.accent_color")
    assert colour in problem
    assert problem.startswith(f"line {line_of(text, 'accent_color')}: ")


@pytest.mark.parametrize("colour", ["#abc", "#A1B2C3"])
def test_short_and_long_hex_colours_are_accepted(tmp_path: Path, colour: str) -> None:
    config = load_config(write(tmp_path, NEWSLETTER + SOURCE + f'\n[theme]\nbrand_color = "{colour}"\n'))

    assert config.theme.brand_color == colour


def test_min_words_above_max_words_is_reported_on_the_teaser_table(tmp_path: Path) -> None:
    text = NEWSLETTER + SOURCE + "\n[newsletters.weekly.teaser]\nmin_words = 200\nmax_words = 100\n"
    problems = problems_of(write(tmp_path, text))

    assert len(problems) == 1
    problem = problem_for(problems, "newsletters.weekly.teaser")
    assert "200" in problem
    assert "100" in problem
    assert problem.startswith(f"line {line_of(text, '[newsletters.weekly.teaser]')}: ")


def test_sender_without_an_address_is_reported(tmp_path: Path) -> None:
    text = NEWSLETTER.replace("The Weekly <weekly@example.org>", "The Weekly") + SOURCE
    problems = problems_of(write(tmp_path, text))

    assert "The Weekly" in problem_for(problems, "newsletters.weekly.from")


def test_reserved_path_key_is_reported_together_with_the_other_problems(tmp_path: Path) -> None:
    text = 'path = "elsewhere.toml"\n' + TWO_MISTAKES
    problems = problems_of(write(tmp_path, text))

    assert problem_for(problems, "path").endswith("unknown key")
    problem_for(problems, "titel")
    problem_for(problems, "newsletters.weekly.window_days")


def test_unknown_newsletter_name_lists_the_known_ones(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, NEWSLETTER + SOURCE))

    with pytest.raises(ConfigError) as caught:
        config.newsletter("daily")

    assert caught.value.problems == ["newsletters.daily: no such newsletter"]
    assert caught.value.hint is not None
    assert "weekly" in caught.value.hint


def test_key_path_formats_list_indexes_in_brackets() -> None:
    assert key_path(("newsletters", "weekly", "sources", 1, "url")) == "newsletters.weekly.sources[1].url"
    assert key_path(("theme",)) == "theme"
    assert key_path(()) == "(top level)"


def test_check_command_prints_both_problems_without_a_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, TWO_MISTAKES)

    result = subprocess.run(
        [sys.executable, "-m", "digest", "check", "-c", str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1
    assert "newsletters.weekly.window_days" in result.stderr
    assert "titel" in result.stderr
    assert f"line {line_of(TWO_MISTAKES, 'window_days')}" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stdout
