"""One-click unsubscribe (RFC 8058): signed tokens, GET shows a button, POST unsubscribes at once."""

from __future__ import annotations

import base64
import random
import string
from pathlib import Path

import pytest
from conftest import NOW
from websupport import SECRET, harness, subscribe

from digest.links import Links
from digest.models import RenderedIssue, SubscriberStatus
from digest.store import Store, open_store
from digest.tokens import make_token
from digest.web.leave import token_holder

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def _path(list_name: str, subscriber_id: int, email: str, secret: str = SECRET) -> str:
    url = Links("https://news.example.org", secret, "News <news@example.org>").unsubscribe_url(
        list_name, subscriber_id, email
    )
    return url.removeprefix("https://news.example.org")


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_one_click_post_unsubscribes_at_once_and_answers_200(store: Store, encoding: str) -> None:
    (ada,) = subscribe(store, "ada@example.org")
    app = harness(store)
    body = (
        {"data": ONE_CLICK}
        if encoding == "urlencoded"
        else {"files": {"List-Unsubscribe": (None, "One-Click")}}
    )
    response = app.request("POST", _path("weekly", ada.id, ada.email), **body)  # type: ignore[arg-type]
    assert response.status_code == 200
    assert "location" not in response.headers and "set-cookie" not in response.headers
    assert app.person("ada@example.org").status == SubscriberStatus.UNSUBSCRIBED
    record = next(store.subscribers.records("weekly"))
    assert record.times["unsubscribed_at"] == NOW


def test_get_shows_a_confirm_button_and_never_unsubscribes(store: Store) -> None:
    (ada,) = subscribe(store, "ada@example.org")
    app = harness(store)
    for _ in range(3):  # a mail scanner following the link, more than once
        response = app.request("GET", _path("weekly", ada.id, ada.email))
        assert response.status_code == 200
        assert 'name="List-Unsubscribe" value="One-Click"' in response.text
        assert response.headers["referrer-policy"] == "no-referrer"
    assert app.person("ada@example.org").status == SubscriberStatus.ACTIVE


def test_repeating_the_unsubscribe_is_harmless(store: Store) -> None:
    (ada,) = subscribe(store, "ada@example.org")
    app = harness(store)
    path = _path("weekly", ada.id, ada.email)
    assert [app.request("POST", path, data=ONE_CLICK).status_code for _ in range(3)] == [200, 200, 200]
    assert app.request("GET", path).status_code == 200
    assert app.person("ada@example.org").status == SubscriberStatus.UNSUBSCRIBED


def test_a_post_without_the_one_click_body_changes_nothing(store: Store) -> None:
    (ada,) = subscribe(store, "ada@example.org")
    app = harness(store)
    assert app.request("POST", _path("weekly", ada.id, ada.email), data={"x": "y"}).status_code == 400
    assert app.person("ada@example.org").status == SubscriberStatus.ACTIVE


def test_a_token_for_one_address_cannot_unsubscribe_another(store: Store) -> None:
    ada, bo = subscribe(store, "ada@example.org", "bo@example.org")
    app = harness(store)
    ada_token = _path("weekly", ada.id, ada.email).removeprefix("/u/")
    _, signature = ada_token.split(".")
    moved = base64.urlsafe_b64encode(f"{bo.id}:weekly".encode()).rstrip(b"=").decode() + "." + signature
    forged_for_bo = _path("weekly", bo.id, ada.email)  # Bo's id, signed for Ada's address
    other_secret = _path("weekly", bo.id, bo.email, secret="not-the-secret")
    for path in (f"/u/{moved}", forged_for_bo, other_secret, _path("daily", bo.id, bo.email)):
        assert app.request("POST", path, data=ONE_CLICK).status_code == 404, path
    assert app.person("bo@example.org").status == SubscriberStatus.ACTIVE


def test_a_token_stops_working_when_the_address_changes(store: Store) -> None:
    (ada,) = subscribe(store, "ada@example.org")
    path = _path("weekly", ada.id, "ada.old@example.org")
    assert harness(store).request("POST", path, data=ONE_CLICK).status_code == 404


def test_ten_thousand_random_and_mutated_tokens_are_all_rejected(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'store.sqlite3'}")  # the check is the same on any backend
    people = subscribe(store, "ada@example.org", "bo@example.org")
    app = harness(store)
    genuine = [make_token(SECRET, "weekly", p.id, p.email) for p in people]
    rng = random.Random(6)
    alphabet = string.ascii_letters + string.digits + "-_.=+/%:"
    candidates: set[str] = set()
    while len(candidates) < 10_000:
        kind = len(candidates) % 3
        if kind == 0:  # noise
            candidates.add("".join(rng.choices(alphabet, k=rng.randint(0, 80))))
        elif kind == 1:  # a genuine body with a made-up signature
            body = rng.choice(genuine).split(".")[0]
            candidates.add(f"{body}.{base64.urlsafe_b64encode(rng.randbytes(18)).decode()}")
        else:  # near misses of a genuine token
            token = rng.choice(genuine)
            for _ in range(rng.randint(1, 3)):
                token = _mutate(token, rng, alphabet)
            candidates.add(token)
    candidates -= set(genuine)
    assert [t for t in candidates if token_holder(app.store, app.site.secret, t) is not None] == []
    for token in rng.sample(sorted(candidates), 100):  # and the endpoint agrees
        assert app.request("POST", f"/u/{token}", data=ONE_CLICK).status_code == 404, token
    assert {p.status for p in store.subscribers.stream("weekly")} == {SubscriberStatus.ACTIVE}


def test_a_send_under_way_skips_an_address_the_moment_it_unsubscribes(store: Store) -> None:
    _, bo = subscribe(store, "ada@example.org", "bo@example.org")
    store.issues.create(RenderedIssue("w-1", "weekly", "S", "<p>h</p>", "t"), "2026-11-25", "weekly", [], NOW)
    store.ledger.enqueue("w-1", "weekly", NOW)
    harness(store).request("POST", _path("weekly", bo.id, bo.email), data=ONE_CLICK)
    claimed = {row.email: row.active for row in store.ledger.claim("w-1", 10, NOW)}
    assert claimed == {"ada@example.org": True, "bo@example.org": False}


def _mutate(token: str, rng: random.Random, alphabet: str) -> str:
    """A near miss: one character changed, dropped or added, a cut, or the halves of two tokens."""
    position = rng.randrange(len(token)) if token else 0
    match rng.randrange(5):
        case 0:
            return token[:position] + rng.choice(alphabet) + token[position + 1 :]
        case 1:
            return token[:position] + token[position + 1 :]
        case 2:
            return token[:position] + rng.choice(alphabet) + token[position:]
        case 3:
            return token[:position]
        case _:
            body, _, signature = token.partition(".")
            return f"{body}.{signature[::-1]}"
