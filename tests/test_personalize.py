"""Per-recipient placeholders and the signed unsubscribe tokens."""

from __future__ import annotations

import base64

import pytest

from digest.models import Recipient
from digest.personalize import FIELDS, RecipientPlaceholders, Template, placeholder, recipient_values
from digest.tokens import make_token, read_token, verify_token

VALUES = {
    "email": "ada@example.org",
    "name": "Ada",
    "unsubscribe_url": "https://news.example.org/u/abc",
    "web_url": "https://news.example.org/issues/weekly-2026-11-25",
}
SECRET = "s3cret-for-tests"

# --------------------------------------------------------------------------- placeholders


def test_each_field_has_a_distinct_placeholder_that_templates_see_as_recipient() -> None:
    markers = {field: placeholder(field) for field in FIELDS}

    assert len(set(markers.values())) == len(FIELDS)
    for field, marker in markers.items():
        assert getattr(RecipientPlaceholders, field) == marker
        assert field in marker


def test_unknown_placeholder_field_is_refused() -> None:
    with pytest.raises(KeyError):
        placeholder("password")


def test_template_lists_the_fields_it_uses() -> None:
    name, url = placeholder("name"), placeholder("unsubscribe_url")
    document = f"Hi {name}, <a href='{url}'>leave</a> {name}"

    assert Template(document, escape=True).fields == {"name", "unsubscribe_url"}
    assert Template("no placeholders here", escape=True).fields == frozenset()


def test_fill_puts_each_recipients_values_in_place() -> None:
    document = f"To {placeholder('email')} ({placeholder('name')}) — {placeholder('web_url')}"
    template = Template(document, escape=False)

    assert template.fill(VALUES) == f"To ada@example.org (Ada) — {VALUES['web_url']}"
    other = {**VALUES, "email": "bob@example.org", "name": "Bob"}
    assert template.fill(other) == f"To bob@example.org (Bob) — {VALUES['web_url']}"


def test_html_template_escapes_values_and_text_template_does_not() -> None:
    document = f'<p title="{placeholder("name")}">Hello {placeholder("name")}</p>'
    values = {**VALUES, "name": '<b>Tom</b> & "Jerry" O\'Neil'}

    html = Template(document, escape=True).fill(values)
    text = Template(document, escape=False).fill(values)

    assert "<b>" not in html
    assert html == (
        '<p title="&lt;b&gt;Tom&lt;/b&gt; &amp; &quot;Jerry&quot; O&#x27;Neil">'
        "Hello &lt;b&gt;Tom&lt;/b&gt; &amp; &quot;Jerry&quot; O&#x27;Neil</p>"
    )
    assert text == f'<p title="{values["name"]}">Hello {values["name"]}</p>'


def test_a_value_that_looks_like_a_placeholder_is_not_filled_again() -> None:
    template = Template(f"{placeholder('name')} / {placeholder('email')}", escape=False)
    values = {**VALUES, "name": placeholder("email")}

    assert template.fill(values) == f"{placeholder('email')} / ada@example.org"


def test_text_that_only_resembles_a_placeholder_is_left_alone() -> None:
    document = "50%% off %%digest:password%% %%digest:name"

    assert Template(document, escape=True).fill(VALUES) == document


def test_fill_without_a_needed_value_raises_key_error() -> None:
    template = Template(f"Hi {placeholder('name')}", escape=True)

    with pytest.raises(KeyError):
        template.fill({"email": "ada@example.org"})


def test_filling_does_not_change_the_template() -> None:
    template = Template(f"Hi {placeholder('name')}", escape=True)

    template.fill(VALUES)

    assert template.fill({**VALUES, "name": "Bob"}) == "Hi Bob"


def test_recipient_values_cover_every_field() -> None:
    recipient = Recipient(7, "ada@example.org", "Ada", "https://news.example.org/u/tok")

    values = recipient_values(recipient, "https://news.example.org/issues/1")

    assert set(values) == set(FIELDS)
    assert values["unsubscribe_url"] == "https://news.example.org/u/tok"
    assert values["web_url"] == "https://news.example.org/issues/1"
    document = "".join(placeholder(f) for f in FIELDS)
    assert Template(document, escape=True).fill(values)


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
