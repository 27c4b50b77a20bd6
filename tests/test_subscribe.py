"""Double opt-in: POST /subscribe stores a pending subscriber and mails a link; GET /confirm activates."""

from __future__ import annotations

from datetime import timedelta

from conftest import NOW
from websupport import SECRET, harness, subscribe

from digest.models import SubscriberStatus
from digest.store import Store
from digest.tokens import make_confirm_token


def test_subscribe_stores_a_pending_subscriber_and_confirm_activates_them(store: Store) -> None:
    app = harness(store)
    response = app.request("POST", "/subscribe", data={"email": " Ada@Example.org ", "name": "Ada"})
    assert response.status_code == 200 and "Check your inbox" in response.text
    assert app.person("ada@example.org").status == SubscriberStatus.PENDING
    [(person, url)] = app.outbox.sent
    assert person.email == "ada@example.org" and url.startswith("https://news.example.org/confirm/")
    app.clock.now = NOW + timedelta(days=6)
    confirmed = app.request("GET", app.outbox.link())
    assert confirmed.status_code == 200 and "Subscribed" in confirmed.text
    assert app.person("ada@example.org").status == SubscriberStatus.ACTIVE
    assert app.request("GET", app.outbox.link()).status_code == 200  # a second click is harmless


def test_the_answer_does_not_reveal_whether_an_address_is_subscribed(store: Store) -> None:
    subscribe(store, "known@example.org")
    app = harness(store)
    known = app.request("POST", "/subscribe", data={"email": "known@example.org"})
    new = app.request("POST", "/subscribe", data={"email": "new@example.org"})
    assert (known.status_code, known.text) == (new.status_code, new.text)
    assert [p.email for p, _ in app.outbox.sent] == ["new@example.org"]  # the active one gets nothing
    assert app.person("known@example.org").status == SubscriberStatus.ACTIVE


def test_the_honeypot_field_stops_bots_silently(store: Store) -> None:
    app = harness(store)
    response = app.request("POST", "/subscribe", data={"email": "bot@example.org", "website": "http://spam"})
    assert response.status_code == 200 and "Check your inbox" in response.text
    assert store.subscribers.find("weekly", "bot@example.org") is None and app.outbox.sent == []


def test_a_subscribe_flood_from_one_address_is_rate_limited(store: Store) -> None:
    app = harness(store, limit=5)
    codes = [
        app.request("POST", "/subscribe", ip="203.0.113.9", data={"email": f"p{i}@example.org"}).status_code
        for i in range(50)
    ]
    assert codes[:5] == [200] * 5 and set(codes[5:]) == {429}
    limited = app.request("POST", "/subscribe", ip="203.0.113.9", data={"email": "late@example.org"})
    assert int(limited.headers["retry-after"]) > 0
    assert store.subscribers.count_by_status("weekly") == {"pending": 5}
    assert (
        app.request("POST", "/subscribe", ip="198.51.100.7", data={"email": "x@example.org"}).status_code
        == 200
    )
    app.clock.now = NOW + timedelta(hours=1, seconds=1)
    assert (
        app.request("POST", "/subscribe", ip="203.0.113.9", data={"email": "y@example.org"}).status_code
        == 200
    )


def test_the_same_address_gets_one_confirmation_email_per_ten_minutes(store: Store) -> None:
    app = harness(store, limit=100)
    for ip in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        app.request("POST", "/subscribe", ip=ip, data={"email": "ada@example.org"})
    assert len(app.outbox.sent) == 1
    app.clock.now = NOW + timedelta(minutes=11)
    app.request("POST", "/subscribe", data={"email": "ada@example.org"})
    assert len(app.outbox.sent) == 2


def test_a_confirm_link_expires(store: Store) -> None:
    app = harness(store)
    app.request("POST", "/subscribe", data={"email": "ada@example.org"})
    app.clock.now = NOW + timedelta(days=7, minutes=1)
    response = app.request("GET", app.outbox.link())
    assert response.status_code == 410 and "expired" in response.text
    assert app.person("ada@example.org").status == SubscriberStatus.PENDING


def test_an_old_confirm_link_does_not_bring_back_someone_who_left(store: Store) -> None:
    app = harness(store)
    app.request("POST", "/subscribe", data={"email": "ada@example.org"})
    link = app.outbox.link()
    app.request("GET", link)
    app.clock.now = NOW + timedelta(hours=1)
    store.subscribers.unsubscribe(app.person("ada@example.org").id, app.clock.now)
    assert app.request("GET", link).status_code == 410
    assert app.person("ada@example.org").status == SubscriberStatus.UNSUBSCRIBED


def test_someone_who_left_can_come_back_through_a_new_confirmation(store: Store) -> None:
    (ada,) = subscribe(store, "ada@example.org")
    store.subscribers.unsubscribe(ada.id, NOW - timedelta(days=30))
    app = harness(store)
    app.request("POST", "/subscribe", data={"email": "ada@example.org"})
    assert app.person("ada@example.org").status == SubscriberStatus.UNSUBSCRIBED  # until confirmed
    assert app.request("GET", app.outbox.link()).status_code == 200
    assert app.person("ada@example.org").status == SubscriberStatus.ACTIVE


def test_bounced_and_complained_addresses_get_no_confirmation_email(store: Store) -> None:
    bounced, complained = subscribe(store, "b@example.org", "c@example.org")
    store.subscribers.set_status(bounced.id, SubscriberStatus.BOUNCED, NOW)
    store.subscribers.set_status(complained.id, SubscriberStatus.COMPLAINED, NOW)
    app = harness(store)
    for email in ("b@example.org", "c@example.org"):
        assert app.request("POST", "/subscribe", data={"email": email}).status_code == 200
    assert app.outbox.sent == []


def test_a_confirm_token_is_bound_to_its_address_and_purpose(store: Store) -> None:
    app = harness(store)
    app.request("POST", "/subscribe", data={"email": "ada@example.org"})
    ada = app.person("ada@example.org")
    for token in (
        make_confirm_token(SECRET, "weekly", ada.id, "eve@example.org", NOW),  # another address
        make_confirm_token("wrong-secret", "weekly", ada.id, ada.email, NOW),
        make_confirm_token(SECRET, "daily", ada.id, ada.email, NOW),  # another list
        "garbage",
        app.outbox.link().removeprefix("/confirm/") + "x",
    ):
        assert app.request("GET", f"/confirm/{token}").status_code == 404, token
    assert app.request("GET", "/u/" + app.outbox.link().removeprefix("/confirm/")).status_code == 404
    assert app.person("ada@example.org").status == SubscriberStatus.PENDING


def test_invalid_addresses_and_unknown_lists_are_refused(store: Store) -> None:
    app = harness(store)
    assert app.request("POST", "/subscribe", data={"email": "not-an-address"}).status_code == 400
    assert (
        app.request("POST", "/subscribe", data={"email": "a@example.org", "list": "nope"}).status_code == 400
    )
    assert store.subscribers.count_by_status() == {}


def test_the_subscribe_form_has_a_hidden_honeypot(store: Store) -> None:
    response = harness(store, lists={"weekly": "Weekly", "daily": "Daily"}).request("GET", "/subscribe")
    assert 'name="website"' in response.text and 'class="trap"' in response.text
    assert '<option value="daily">Daily</option>' in response.text
