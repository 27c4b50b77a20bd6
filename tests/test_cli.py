"""The CLI end to end on the demo publication, as a user runs it (real processes, real files)."""

from __future__ import annotations

import email
import json
from datetime import UTC, datetime, timedelta
from email.policy import default
from pathlib import Path

import pytest
from conftest import digest, write_config

CSV = "email,name\nana@example.org,Ana\nnot-an-address,Broken\nbo@example.com,Bo\nANA@example.org,Ana\n"


@pytest.fixture
def project(tmp_path: Path, live_site: Path) -> Path:
    """A demo project folder with schedule.toml, templates and a subscriber CSV."""
    write_config(tmp_path, live_site)
    (tmp_path / "people.csv").write_text(CSV)
    return tmp_path


def _window_titles(site: Path) -> list[str]:
    import feedparser

    feed = feedparser.parse((site / "feed.xml").read_bytes())
    cutoff = datetime.now(UTC) - timedelta(days=7)
    return [
        e.title
        for e in feed.entries
        if datetime(*e.published_parsed[:6], tzinfo=UTC) > cutoff + timedelta(minutes=5)
    ]


def test_import_reports_rejected_rows_with_line_numbers(project: Path) -> None:
    result = digest(project, "subscribers", "import", "people.csv")
    assert result.returncode == 0, result.stderr
    assert "people.csv line 3" in result.stderr and "not-an-address" in result.stderr
    assert (
        "2 added" in result.stdout
        and "1 rejected" in result.stdout
        and "1 duplicates merged" in result.stdout
    )
    listed = json.loads(digest(project, "subscribers", "list", "--json").stdout)
    assert sorted(p["email"] for p in listed) == ["ana@example.org", "bo@example.com"]
    assert json.loads(digest(project, "subscribers", "count", "--json").stdout) == {"active": 2}


def test_preview_shows_every_article_in_the_window(project: Path, live_site: Path) -> None:
    result = digest(project, "preview", "--out", "pv")
    assert result.returncode == 0, result.stderr
    html = (project / "pv" / "preview.html").read_text()
    text = (project / "pv" / "preview.txt").read_text()
    titles = _window_titles(live_site)
    assert len(titles) >= 10
    for title in titles:
        escaped = title.replace("'", "&#39;")
        assert escaped in html or title in html, title
        assert title in text
    assert html.count("keep reading →") == len(titles)
    assert "Sign up for The Meridian" not in html and "We use cookies" not in html
    assert str(project / "pv" / "preview.html") in result.stdout


def test_run_sends_once_and_a_second_run_sends_nothing(project: Path) -> None:
    digest(project, "subscribers", "import", "people.csv")
    first = digest(project, "run")
    assert first.returncode == 0, first.stderr
    assert "Sent 2 of 2 (0 failed, 0 skipped)" in first.stdout
    files = sorted((project / "outbox").glob("*/*.eml"))
    assert [f.name.split("-", 1)[1] for f in files] == ["ana@example.org.eml", "bo@example.com.eml"]
    message = email.message_from_bytes(files[0].read_bytes(), policy=default)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "https://news.example.org/u/" in message["List-Unsubscribe"]
    second = digest(project, "run", "--json")
    assert second.returncode == 0, second.stderr
    outcome = json.loads(second.stdout)
    assert (outcome["sent"], outcome["already_sent"]) == (0, 2)
    assert len(list((project / "outbox").glob("*/*.eml"))) == 2


def test_broken_feed_is_reported_and_the_issue_goes_on(tmp_path: Path, live_site: Path) -> None:
    extra = '\n[[newsletters.weekly.sources]]\nurl = "missing/feed.xml"\n'
    config = write_config(tmp_path, live_site, extra=extra)
    text = config.read_text()
    # The extra source must follow the first one inside the same newsletter.
    config.write_text(text.replace(extra, "") + extra)
    (tmp_path / "people.csv").write_text(CSV)
    digest(tmp_path, "subscribers", "import", "people.csv")
    result = digest(tmp_path, "run")
    assert result.returncode == 0, result.stderr
    assert "missing/feed.xml" in result.stderr and "not found" in result.stderr
    assert "Sent 2 of 2" in result.stdout


def test_check_names_a_broken_template_line_without_a_traceback(project: Path) -> None:
    partial = project / "templates" / "partials" / "teaser.mjml.j2"
    partial.write_text(partial.read_text().replace("{{ teaser.title }}", "{{ teaser.titel }}"))
    result = digest(project, "check")
    assert result.returncode == 1
    assert "partials/teaser.mjml.j2" in result.stderr and "line" in result.stderr
    assert "Traceback" not in result.stderr
    assert digest(project, "-v", "check").stderr.count("Traceback") == 1


def test_check_fails_on_a_misspelt_mjml_tag_and_says_what_was_meant(project: Path) -> None:
    partial = project / "templates" / "partials" / "note.mjml.j2"
    partial.write_text(partial.read_text().replace("mj-text", "mj-txt"))
    result = digest(project, "check")
    assert result.returncode == 1
    assert "Template 'partials/note.mjml.j2' line 4: Unknown MJML tag '<mj-txt>'" in result.stderr
    assert "did you mean mj-text?" in result.stderr


def test_check_names_a_value_that_no_newsletter_defines(project: Path) -> None:
    config = project / "schedule.toml"
    config.write_text(config.read_text() + '\n[values]\npromo_line = "Read us daily"\n')
    footer = project / "templates" / "partials" / "footer.mjml.j2"
    footer.write_text(footer.read_text() + "<mj-raw>{{ values.promo_lin }}</mj-raw>\n")
    result = digest(project, "check")
    assert result.returncode == 1
    assert "Template 'partials/footer.mjml.j2' line 12: Value 'values.promo_lin'" in result.stderr
    assert "did you mean values.promo_line?" in result.stderr


def test_run_refuses_to_send_with_a_broken_template(project: Path) -> None:
    digest(project, "subscribers", "import", "people.csv")
    footer = project / "templates" / "partials" / "footer.mjml.j2"
    footer.write_text(footer.read_text().replace("{{ recipient.unsubscribe_url }}", "#"))
    result = digest(project, "run")
    assert result.returncode == 1
    assert "unsubscribe" in result.stderr
    assert not (project / "outbox").exists()


def test_feed_prints_every_item_ignoring_the_window(live_site: Path, tmp_path: Path) -> None:
    result = digest(tmp_path, "feed", str(live_site / "atom.xml"), "--json")
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)["items"]
    assert len(items) == 14
    assert {"title", "url", "published", "section", "image", "summary"} <= set(items[0])
    assert all(i["url"].startswith("https://meridian.example/articles/") for i in items)


def test_feed_on_a_broken_source_says_why_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("Just some notes.")
    result = digest(tmp_path, "feed", "notes.txt")
    assert result.returncode == 1
    assert "not an RSS, Atom or JSON feed" in result.stderr and "Traceback" not in result.stderr


def test_feed_on_a_sites_page_names_the_feed_to_use_instead(tmp_path: Path) -> None:
    head = '<link rel="alternate" type="application/atom+xml" href="/atom.xml">'
    (tmp_path / "page.html").write_text(f"<html><head>{head}</head><body><p>Just a page.</p></body></html>")
    result = digest(tmp_path, "feed", "page.html")
    assert result.returncode == 1
    assert "is a web page, not a feed; the page names its feed: /atom.xml" in result.stderr
    assert "Hint: put the feed's address in the source's url" in result.stderr


def test_collect_explains_what_the_next_issue_leaves_out(project: Path) -> None:
    digest(project, "subscribers", "import", "people.csv")
    before = json.loads(digest(project, "collect", "--json").stdout)
    assert len(before["articles"]) >= 10
    assert {s["reason"].split(" (")[0] for s in before["skipped"]} == {"outside the window"}
    digest(project, "run")
    after = json.loads(digest(project, "collect", "--json").stdout)
    assert after["articles"] == []
    reasons = [s["reason"] for s in after["skipped"]]
    assert sum(r.startswith("already sent (issue weekly-") for r in reasons) == len(before["articles"])
    text = digest(project, "collect").stdout
    assert "already sent (issue" in text


def test_check_strict_turns_warnings_into_errors(project: Path) -> None:
    config = project / "schedule.toml"
    config.write_text(config.read_text() + '\n[theme]\nlogo_url = "http://example.org/logo.png"\n')
    relaxed = digest(project, "check")
    assert relaxed.returncode == 0 and "insecure http://" in relaxed.stderr
    strict = digest(project, "check", "--strict")
    assert strict.returncode == 1 and "--strict" in strict.stderr


def test_preview_reuses_the_last_collect_unless_asked_to_fetch(project: Path, live_site: Path) -> None:
    assert digest(project, "collect").returncode == 0
    cached = digest(project, "preview", "--out", "pv")
    assert "showing the articles collected 2" in cached.stderr
    assert "pass --fetch to collect anew" in cached.stderr
    fetched = digest(project, "preview", "--out", "pv", "--fetch")
    assert fetched.returncode == 0 and "showing the articles collected just now" in fetched.stderr


def test_teaser_prints_the_lede_with_image_credit_and_what_was_dropped(
    live_site: Path, tmp_path: Path
) -> None:
    page = live_site / "articles" / "tarsin-delta-salt.html"
    url = "https://meridian.example/articles/tarsin-delta-salt.html"
    result = digest(tmp_path, "teaser", str(page), "--url", url, "--json")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert {"title", "url", "section", "image", "credit", "paragraphs", "words", "dropped"} <= set(shown)
    assert shown["url"] == url and shown["section"] == "Asia"
    assert shown["image"].startswith("https://meridian.example/images/")
    assert (
        shown["credit"] == "Lena Okafor for The Meridian"
    )  # its label ("Top image credit:") is left to the template
    assert all(shown["credit"] not in p for p in shown["paragraphs"])
    assert 40 <= shown["words"] <= 120 and shown["paragraphs"][-1].endswith(("…", ".", "?", "!"))
    assert all({"text", "reason"} <= set(d) for d in shown["dropped"])
    text = digest(tmp_path, "teaser", str(page), "--url", url)
    assert "section: Asia" in text.stdout and "credit:  Lena Okafor" in text.stdout and "words" in text.stdout


def test_library_warnings_that_digest_answers_itself_show_only_with_verbose(tmp_path: Path) -> None:
    # trafilatura warns "discarding data" for a page it finds no article in; digest goes on to its
    # own fallbacks, so the line is noise in an editor's terminal, and detail under -v.
    page = tmp_path / "empty.html"
    page.write_text(
        "<html><head><title>T</title></head><body><footer><p>About us.</p></footer></body></html>"
    )
    quiet = digest(tmp_path, "teaser", str(page), "--url", "https://news.example/a")
    loud = digest(tmp_path, "-v", "teaser", str(page), "--url", "https://news.example/a")
    assert quiet.returncode == loud.returncode == 0, quiet.stderr
    assert "discarding data" not in quiet.stderr
    assert "discarding data" in loud.stderr
