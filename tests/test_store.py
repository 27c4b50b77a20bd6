"""The store on SQLite (always) and PostgreSQL (when DIGEST_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import sys
from datetime import timedelta

import pytest
from conftest import NOW

from digest.errors import StoreError
from digest.models import DeliveryStatus, RenderedIssue, SendResult, SubscriberStatus
from digest.store import Store, open_store
from digest.store.feedback import Feedback, FeedbackKind
from digest.store.subscribers import NewSubscriber


def _people(count: int, domain: str = "example.org") -> list[NewSubscriber]:
    return [NewSubscriber(f"person{i}@{domain}", f"Person {i}") for i in range(count)]


def _issue(issue_id: str = "weekly-2026-11-25") -> RenderedIssue:
    return RenderedIssue(issue_id, "weekly", "Subject", "<p>html</p>", "text")


def test_upsert_adds_new_subscribers_as_active_and_counts_them(store: Store) -> None:
    counts = store.subscribers.upsert(_people(3), "weekly", "test", NOW)
    assert (counts.added, counts.updated, counts.unchanged) == (3, 0, 0)
    assert store.subscribers.count_by_status("weekly") == {"active": 3}


def test_upsert_twice_changes_nothing_and_updates_names(store: Store) -> None:
    store.subscribers.upsert(_people(2), "weekly", "test", NOW)
    renamed = [NewSubscriber("person0@example.org", "New Name"), NewSubscriber("person1@example.org")]
    counts = store.subscribers.upsert(renamed, "weekly", "test", NOW)
    assert (counts.added, counts.updated, counts.unchanged) == (0, 1, 1)
    names = {s.email: s.name for s in store.subscribers.stream("weekly")}
    assert names == {"person0@example.org": "New Name", "person1@example.org": "Person 1"}


def test_import_never_reactivates_an_unsubscribed_address_unless_asked(store: Store) -> None:
    store.subscribers.upsert(_people(1), "weekly", "test", NOW)
    person = next(store.subscribers.stream("weekly"))
    store.subscribers.set_status(person.id, SubscriberStatus.UNSUBSCRIBED, NOW)
    counts = store.subscribers.upsert(_people(1), "weekly", "test", NOW)
    assert counts.kept_out == 1
    assert store.subscribers.count_by_status("weekly") == {"unsubscribed": 1}
    store.subscribers.upsert(_people(1), "weekly", "test", NOW, resubscribe=True)
    assert store.subscribers.count_by_status("weekly") == {"active": 1}


def test_same_address_on_two_lists_is_two_subscribers(store: Store) -> None:
    store.subscribers.upsert(_people(2), "weekly", "test", NOW)
    store.subscribers.upsert(_people(1), "daily", "test", NOW)
    assert store.subscribers.count_by_status() == {"active": 3}
    assert [s.list for s in store.subscribers.stream("daily")] == ["daily"]


def test_stream_pages_through_every_subscriber_in_id_order(store: Store) -> None:
    store.subscribers.upsert(_people(25), "weekly", "test", NOW)
    streamed = list(store.subscribers.stream("weekly", batch=7))
    assert len(streamed) == 25
    assert [s.id for s in streamed] == sorted(s.id for s in streamed)
    assert len({s.email for s in streamed}) == 25


def test_an_issue_slot_is_created_once(store: Store) -> None:
    assert store.issues.create(_issue(), "2026-11-25", "weekly", ["https://a.example/1"], NOW)
    again = RenderedIssue("weekly-2026-11-25", "weekly", "Other", "<p>other</p>", "other")
    assert not store.issues.create(again, "2026-11-25", "weekly", [], NOW)
    stored = store.issues.get("weekly-2026-11-25")
    assert stored is not None and stored.subject == "Subject" and stored.status == "sending"


def test_articles_of_sent_issues_are_remembered_per_newsletter(store: Store) -> None:
    store.issues.create(_issue(), "2026-11-25", "weekly", ["https://a.example/1", "https://a.example/2"], NOW)
    sent = {"https://a.example/1": "weekly-2026-11-25", "https://a.example/2": "weekly-2026-11-25"}
    assert store.issues.sent_articles("weekly") == sent
    assert store.issues.sent_articles("daily") == {}


def test_ledger_enqueues_each_active_subscriber_once(store: Store) -> None:
    store.subscribers.upsert(_people(4), "weekly", "test", NOW)
    gone = next(store.subscribers.stream("weekly"))
    store.subscribers.set_status(gone.id, SubscriberStatus.UNSUBSCRIBED, NOW)
    store.issues.create(_issue(), "2026-11-25", "weekly", [], NOW)
    assert store.ledger.enqueue("weekly-2026-11-25", "weekly", NOW) == 3
    assert store.ledger.enqueue("weekly-2026-11-25", "weekly", NOW) == 0
    assert store.ledger.counts("weekly-2026-11-25") == {"pending": 3}


def test_ledger_claims_batches_in_flight_and_records_results(store: Store) -> None:
    store.subscribers.upsert(_people(5), "weekly", "test", NOW)
    store.issues.create(_issue(), "2026-11-25", "weekly", [], NOW)
    store.ledger.enqueue("weekly-2026-11-25", "weekly", NOW)
    first = store.ledger.claim("weekly-2026-11-25", 3, NOW)
    assert len(first) == 3
    assert store.ledger.counts("weekly-2026-11-25") == {"in_flight": 3, "pending": 2}
    results = [SendResult(first[0].subscriber_id, True, "id-0"), SendResult(first[1].subscriber_id, False)]
    store.ledger.record("weekly-2026-11-25", results, NOW)
    second = store.ledger.claim("weekly-2026-11-25", 10, NOW + timedelta(seconds=1))
    assert {r.subscriber_id for r in second}.isdisjoint({r.subscriber_id for r in first})
    assert len(second) == 2


def test_ledger_lists_rows_left_in_flight_after_a_crash_by_batch(store: Store) -> None:
    store.subscribers.upsert(_people(3), "weekly", "test", NOW)
    store.issues.create(_issue(), "2026-11-25", "weekly", [], NOW)
    store.ledger.enqueue("weekly-2026-11-25", "weekly", NOW)
    first = store.ledger.claim("weekly-2026-11-25", 2, NOW, "batch-a")
    store.ledger.claim("weekly-2026-11-25", 1, NOW, "batch-b")
    found = {
        group.batch_key: [r.subscriber_id for r in group.rows]
        for group in store.ledger.in_flight("weekly-2026-11-25")
    }
    assert found["batch-a"] == [r.subscriber_id for r in first] and len(found["batch-b"]) == 1
    store.ledger.release("weekly-2026-11-25", found["batch-a"], NOW)
    assert store.ledger.counts("weekly-2026-11-25") == {DeliveryStatus.PENDING.value: 2, "in_flight": 1}


def test_generated_secret_is_made_once_and_kept(store: Store) -> None:
    first = store.generated_secret()
    assert len(first) >= 32
    assert store.generated_secret() == first


def test_unsubscribe_moves_only_people_still_mailed_and_stamps_the_time(store: Store) -> None:
    store.subscribers.upsert(_people(2), "weekly", "test", NOW)
    active, bounced = store.subscribers.stream("weekly")
    store.subscribers.set_status(bounced.id, SubscriberStatus.BOUNCED, NOW)
    later = NOW + timedelta(hours=1)
    assert store.subscribers.unsubscribe(active.id, later)
    assert not store.subscribers.unsubscribe(active.id, later)  # already off the list
    assert not store.subscribers.unsubscribe(bounced.id, later)  # keeps its own reason
    assert store.subscribers.changed_at(active.id, SubscriberStatus.UNSUBSCRIBED) == later
    assert store.subscribers.count_by_status("weekly") == {"unsubscribed": 1, "bounced": 1}


def test_a_pending_sign_up_never_changes_an_existing_subscriber(store: Store) -> None:
    store.subscribers.upsert(_people(1), "weekly", "test", NOW)
    again = store.subscribers.add_pending(NewSubscriber("person0@example.org", "Other"), "weekly", "web", NOW)
    fresh = store.subscribers.add_pending(NewSubscriber("new@example.org", "New"), "weekly", "web", NOW)
    assert (again.status, again.name) == (SubscriberStatus.ACTIVE, "Person 0")
    assert fresh.status == SubscriberStatus.PENDING


def test_confirmation_emails_are_claimed_at_most_once_per_gap(store: Store) -> None:
    person = store.subscribers.add_pending(NewSubscriber("new@example.org"), "weekly", "web", NOW)
    gap = timedelta(minutes=10)
    assert store.subscribers.claim_confirmation(person.id, NOW, gap)
    assert not store.subscribers.claim_confirmation(person.id, NOW + timedelta(minutes=9), gap)
    assert store.subscribers.claim_confirmation(person.id, NOW + timedelta(minutes=10), gap)


def test_feedback_is_applied_once_per_provider_event(store: Store) -> None:
    store.subscribers.upsert(_people(1), "weekly", "test", NOW)
    store.subscribers.upsert(_people(1), "daily", "test", NOW)
    soft = Feedback("postmark", "b-1", FeedbackKind.SOFT_BOUNCE, "Person0@example.org")
    assert store.feedback.apply(soft, NOW, soft_bounce_limit=2)
    assert not store.feedback.apply(soft, NOW, soft_bounce_limit=2)  # the same event again
    assert store.subscribers.count_by_status() == {"active": 2}
    assert store.feedback.apply(Feedback("postmark", "b-2", soft.kind, soft.email), NOW, soft_bounce_limit=2)
    assert store.subscribers.count_by_status() == {"bounced": 2}  # the address, on every list
    complaint = Feedback("sendgrid", "b-1", FeedbackKind.COMPLAINT, "person0@example.org")
    assert store.feedback.apply(complaint, NOW, soft_bounce_limit=2)  # same id, another provider
    assert store.subscribers.count_by_status() == {"complained": 2}


def test_a_postgresql_url_without_its_driver_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # None in sys.modules makes `import psycopg` fail as it does where the extra is not installed.
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(StoreError) as raised:
        open_store("postgresql+psycopg://digest:pw@db.example/news")
    assert str(raised.value) == (
        "Store 'postgresql+psycopg://digest:***@db.example/news' needs the PostgreSQL driver 'psycopg', "
        "which is not installed\nHint: pip install 'digest-mailer[postgres]'"
    )


@pytest.mark.parametrize("status", [SubscriberStatus.BOUNCED, SubscriberStatus.COMPLAINED])
def test_import_never_reactivates_a_bounced_or_complained_address_unless_asked(
    store: Store, status: SubscriberStatus
) -> None:
    ana = [NewSubscriber("ana@example.org", "Ana")]
    store.subscribers.upsert(ana, "weekly", "import:a.csv", NOW)
    person = store.subscribers.find("weekly", "ana@example.org")
    assert person is not None
    store.subscribers.set_status(person.id, status, NOW)
    counts = store.subscribers.upsert(ana, "weekly", "import:b.csv", NOW)
    assert counts.kept_out == 1 and store.subscribers.get(person.id).status == status  # type: ignore[union-attr]
    store.subscribers.upsert(ana, "weekly", "import:b.csv", NOW, resubscribe=True)
    assert store.subscribers.get(person.id).status == SubscriberStatus.ACTIVE  # type: ignore[union-attr]
