"""Per-recipient values filled into a rendered issue, and the signed unsubscribe tokens."""

from __future__ import annotations

import base64
import re
import shutil
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import NEWSLETTER, NOW, ROOT

from digest.config import ThemeConfig
from digest.links import Links
from digest.models import RenderedIssue
from digest.personalize import Personalizer, RecipientPlaceholders, Template, neutralized, placeholder
from digest.render import render
from digest.render.templates import environment, render_template
from digest.sample import sample_issue
from digest.tokens import (
    CLOCK_SKEW,
    make_confirm_token,
    make_token,
    read_confirm_token,
    read_token,
    verify_confirm_token,
    verify_token,
)

ADA = {
    "email": "ada@example.org",
    "name": "Ada",
    "unsubscribe_url": "https://news.example.org/u/ada-token",
    "web_url": "https://news.example.org/archive/weekly-2026-11-25/",
}
BO = {
    **ADA,
    "email": "bo@example.com",
    "name": "Bo",
    "unsubscribe_url": "https://news.example.org/u/bo-token",
}
SECRET = "s3cret-for-tests"

# --------------------------------------------------------------------------- a recipient's issue


@pytest.fixture
def rendered(tmp_path: Path) -> RenderedIssue:
    """The sample issue rendered once, from templates that also greet the reader by name."""
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", folder)
    masthead = folder / "partials" / "masthead.mjml.j2"
    masthead.write_text(
        masthead.read_text().replace("View in browser", "Dear {{ recipient.name }}: view online")
    )
    text = folder / "digest.txt.j2"
    text.write_text("Dear {{ recipient.name }},\n" + text.read_text())
    return render(sample_issue("weekly", NEWSLETTER, NOW), NEWSLETTER, ThemeConfig(), folder)


def fill(rendered: RenderedIssue, values: dict[str, str]) -> tuple[str, str]:
    """One recipient's HTML and text, as every send path fills them."""
    return Template(rendered.html, escape=True).fill(values), Template(rendered.text, escape=False).fill(
        values
    )


def test_each_recipient_gets_their_own_values_in_html_and_text(rendered: RenderedIssue) -> None:
    html, text = fill(rendered, ADA)
    assert f'href="{ADA["unsubscribe_url"]}"' in html and f"Unsubscribe: {ADA['unsubscribe_url']}" in text
    assert f'href="{ADA["web_url"]}"' in html and f"View in browser: {ADA['web_url']}" in text
    assert "subscribed with ada@example.org." in html and "subscribed with ada@example.org." in text
    assert "Dear Ada: view online" in html and text.startswith("Dear Ada,")
    assert "%%digest:" not in html + text
    other_html, other_text = fill(rendered, BO)
    assert "ada" not in other_html.lower() + other_text.lower()
    assert 'href="https://news.example.org/u/bo-token"' in other_html and "Dear Bo" in other_text


def test_a_recipients_name_is_escaped_in_html_and_kept_as_it_is_in_text(rendered: RenderedIssue) -> None:
    html, text = fill(rendered, {**ADA, "name": '<b>Tom</b> & "Jerry"'})
    assert "Dear &lt;b&gt;Tom&lt;/b&gt; &amp; &quot;Jerry&quot;: view online" in html and "<b>Tom" not in html
    assert text.startswith('Dear <b>Tom</b> & "Jerry",')


def test_an_unsubscribe_url_with_a_query_stays_one_attribute(rendered: RenderedIssue) -> None:
    html, _ = fill(rendered, {**ADA, "unsubscribe_url": 'https://news.example.org/u/t?a=1&b="x"'})
    assert 'href="https://news.example.org/u/t?a=1&amp;b=&quot;x&quot;"' in html


def test_feed_text_cannot_forge_a_placeholder(tmp_path: Path) -> None:
    issue = sample_issue("weekly", NEWSLETTER, NOW)
    first = issue.sections[0].teasers[0]
    forged = replace(
        first, title=f"Win {placeholder('unsubscribe_url')}", paragraphs=(f"Mail {placeholder('email')}.",)
    )  # plain text, as a feed gives it
    issue = replace(issue, sections=(replace(issue.sections[0], teasers=(forged,)),))
    html, text = fill(render(issue, NEWSLETTER, ThemeConfig(), ROOT / "templates"), ADA)
    plain_html, plain_text = fill(
        render(sample_issue("weekly", NEWSLETTER, NOW), NEWSLETTER, ThemeConfig(), ROOT / "templates"), ADA
    )
    for value in (ADA["unsubscribe_url"], ADA["email"]):  # only where the template itself put them
        assert html.count(value) == plain_html.count(value)
        assert text.count(value) == plain_text.count(value)
    assert "Win https://" not in text and "Win %%digest" in text  # the title still reads as written


# --------------------------------------------------------------------------- the Template


def test_template_lists_the_fields_it_uses() -> None:
    name, url = placeholder("name"), placeholder("unsubscribe_url")
    document = f"Hi {name}, <a href='{url}'>leave</a> {name}"

    assert Template(document, escape=True).fields == {"name", "unsubscribe_url"}
    assert Template("no placeholders here", escape=True).fields == frozenset()


def test_unknown_placeholder_field_is_refused() -> None:
    with pytest.raises(KeyError):
        placeholder("password")


def test_a_value_that_looks_like_a_placeholder_is_not_filled_again() -> None:
    template = Template(f"{placeholder('name')} / {placeholder('email')}", escape=False)
    values = {**ADA, "name": placeholder("email")}

    assert template.fill(values) == f"{placeholder('email')} / ada@example.org"


def test_text_that_only_resembles_a_placeholder_is_left_alone() -> None:
    document = "50%% off %%digest:password%% %%digest:name"

    assert Template(document, escape=True).fill(ADA) == document


def test_fill_without_a_needed_value_raises_key_error() -> None:
    template = Template(f"Hi {placeholder('name')}", escape=True)

    with pytest.raises(KeyError):
        template.fill({"email": "ada@example.org"})


def test_filling_does_not_change_the_template() -> None:
    template = Template(f"Hi {placeholder('name')}", escape=True)

    template.fill(ADA)

    assert template.fill({**ADA, "name": "Bob"}) == "Hi Bob"


def test_an_attributes_fallback_travels_in_its_placeholder_and_fills_a_missing_value() -> None:
    marker = RecipientPlaceholders.attributes.city.or_else('a "b" | c %%digest:email%%')
    assert re.fullmatch(r"%%digest:attr:city\|(?:[A-Za-z0-9_.~-]|%[0-9A-F]{2})+%%", marker)
    template = Template(f"<p>{marker}</p>", escape=True)

    assert template.fill(ADA) == "<p>a &quot;b&quot; | c %%digest:email%%</p>"
    assert template.fill({**ADA, "attr:city": "Porto"}) == "<p>Porto</p>"
    assert Template(str(RecipientPlaceholders.attributes["home town"]), escape=False).fill(ADA) == ""


def test_feed_text_cannot_forge_an_attribute_placeholder() -> None:
    forged = neutralized(f"{RecipientPlaceholders.attributes.city} {placeholder('email')}|x%%")

    assert Template(forged, escape=False).fill({**ADA, "attr:city": "Porto"}) == forged


def test_default_carries_its_fallback_into_a_recipients_placeholder(tmp_path: Path) -> None:
    (tmp_path / "t.txt.j2").write_text(
        '{{ recipient.first_name | default("reader") }}, {{ recipient.attributes.city | d("town") }}, '
        '{{ missing | default("plain") }}'
    )
    document = render_template(environment(tmp_path), "t.txt.j2", {"recipient": RecipientPlaceholders()})
    template = Template(document, escape=False)

    assert template.fill({**ADA, "first_name": ""}) == "reader, town, plain"
    assert template.fill({**ADA, "first_name": "Ada", "attr:city": "Porto"}) == "Ada, Porto, plain"


def test_an_attribute_first_name_wins_over_the_one_taken_from_the_name() -> None:
    personalizer = Personalizer(Links("https://news.example.org", SECRET, "n@example.org"), "w-1", "weekly")

    assert personalizer.subscriber(1, "a@example.org", "Ada Lovelace").values["first_name"] == "Ada"
    given = personalizer.subscriber(1, "a@example.org", "Ada Lovelace", "", {"first_name": "Countess"})
    assert given.values["first_name"] == "Countess" and given.values["attr:first_name"] == "Countess"


# --------------------------------------------------------------------------- tokens


def test_token_verifies_for_its_subscriber_and_names_them() -> None:
    token = make_token(SECRET, "weekly", 42, "ada@example.org")

    assert verify_token(SECRET, token, "ada@example.org")
    assert read_token(token) == (42, "weekly")


def test_token_is_url_safe() -> None:
    token = make_token(SECRET, "weekly news/+=", 123456789, "ada@example.org")

    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
    assert read_token(token) == (123456789, "weekly news/+=")


def test_list_name_with_a_colon_is_read_back_whole() -> None:
    assert read_token(make_token(SECRET, "weekly:eu", 5, "ada@example.org")) == (5, "weekly:eu")


def test_token_ignores_the_case_of_the_address() -> None:
    token = make_token(SECRET, "weekly", 42, "Ada@Example.org")

    assert verify_token(SECRET, token, "ada@example.ORG")


@pytest.mark.parametrize(
    ("secret", "email", "purpose"),
    [
        ("another-secret", "ada@example.org", "u"),
        (SECRET, "eve@example.org", "u"),
        (SECRET, "ada@example.org", "c"),
    ],
    ids=["other-secret", "other-address", "other-purpose"],
)
def test_token_does_not_verify_with_another_secret_address_or_purpose(
    secret: str, email: str, purpose: str
) -> None:
    token = make_token(SECRET, "weekly", 42, "ada@example.org")

    assert not verify_token(secret, token, email, purpose)


def test_token_for_one_purpose_verifies_for_that_purpose() -> None:
    token = make_token(SECRET, "weekly", 42, "ada@example.org", purpose="c")

    assert verify_token(SECRET, token, "ada@example.org", purpose="c")
    assert not verify_token(SECRET, token, "ada@example.org")


def test_token_with_another_subscriber_or_list_swapped_in_does_not_verify() -> None:
    mine = make_token(SECRET, "weekly", 42, "ada@example.org")
    theirs = make_token(SECRET, "daily", 43, "ada@example.org")
    forged = theirs.split(".")[0] + "." + mine.split(".")[1]

    assert read_token(forged) == (43, "daily")
    assert not verify_token(SECRET, forged, "ada@example.org")


def test_token_with_a_leading_zero_in_the_id_does_not_verify() -> None:
    token = make_token(SECRET, "weekly", 42, "ada@example.org")
    body = base64.urlsafe_b64encode(b"042:weekly").rstrip(b"=").decode()
    forged = body + "." + token.split(".")[1]

    assert read_token(forged) == (42, "weekly")
    assert not verify_token(SECRET, forged, "ada@example.org")


@pytest.mark.parametrize(
    "token",
    ["", "no-dot-here", "!!!.sig", "bm90LWEtbnVtYmVy.sig", "Zm9vYmFy.sig", "//8.sig", ".sig"],
    ids=["empty", "no-dot", "not-base64", "id-not-a-number", "no-colon", "not-utf8", "empty-body"],
)
def test_malformed_token_reads_as_none_and_does_not_verify(token: str) -> None:
    assert read_token(token) is None
    assert not verify_token(SECRET, token, "ada@example.org")


@pytest.mark.parametrize("tail", ["é", "\u2603", "\x00"])
def test_token_with_odd_characters_does_not_verify_and_does_not_crash(tail: str) -> None:
    token = make_token(SECRET, "weekly", 42, "ada@example.org")

    assert not verify_token(SECRET, token + tail, "ada@example.org")
    assert not verify_token(SECRET, token[:-1] + tail, "ada@example.org")


def test_token_with_its_list_swapped_in_the_body_does_not_verify() -> None:
    token = make_token(SECRET, "weekly", 42, "ada@example.org")
    body = base64.urlsafe_b64encode(b"42:daily").rstrip(b"=").decode()
    forged = body + "." + token.split(".")[1]

    assert read_token(forged) == (42, "daily")
    assert not verify_token(SECRET, forged, "ada@example.org")


# --------------------------------------------------------------------------- confirm tokens

WEEK = timedelta(days=7)


@pytest.mark.parametrize(
    ("issued", "valid"),
    [
        (NOW - WEEK, True),
        (NOW - WEEK - timedelta(seconds=1), False),
        (NOW + CLOCK_SKEW, True),
        (NOW + CLOCK_SKEW + timedelta(seconds=1), False),
    ],
    ids=["a-week-old", "over-a-week-old", "skew-ahead", "from-the-future"],
)
def test_a_confirm_token_is_valid_for_its_age_and_a_little_clock_skew(issued: datetime, valid: bool) -> None:
    token = make_confirm_token(SECRET, "weekly", 42, "ada@example.org", issued)

    assert verify_confirm_token(SECRET, token, "ada@example.org", NOW, WEEK) is valid


def test_a_confirm_token_with_a_newer_time_swapped_in_does_not_verify() -> None:
    old = NOW - WEEK - timedelta(days=1)
    token = make_confirm_token(SECRET, "weekly", 42, "ada@example.org", old)
    body = base64.urlsafe_b64encode(f"42:{int(NOW.timestamp())}:weekly".encode()).rstrip(b"=").decode()
    forged = body + "." + token.split(".")[1]

    assert read_confirm_token(forged) == (42, "weekly", NOW)
    assert not verify_confirm_token(SECRET, forged, "ada@example.org", NOW, WEEK)
