"""`digest inbound`: the mailto: unsubscribe arrives as an email on stdin and unsubscribes like the POST."""

from __future__ import annotations

import sqlite3
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner, Result
from conftest import NOW, write_config
from sqlalchemy.exc import OperationalError

from digest.cli.inbound import TEMPFAIL, inbound
from digest.errors import DigestError
from digest.links import Links
from digest.models import Subscriber, SubscriberStatus
from digest.service import Runtime
from digest.store.subscribers import NewSubscriber, SubscriberRepository

SECRET = "inbound-test-secret-0123456789abcdefghij"


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DIGEST_SECRET", SECRET)
    path = write_config(tmp_path, tmp_path)
    with Runtime.open(path) as runtime:
        runtime.store.subscribers.upsert([NewSubscriber("ada@example.org", "Ada")], "weekly", "test", NOW)
        runtime.store.subscribers.upsert([NewSubscriber("bo@example.org")], "daily", "test", NOW)
    return path


def person(config: Path, email: str = "ada@example.org", list_name: str = "weekly") -> Subscriber:
    with Runtime.open(config) as runtime:
        found = runtime.store.subscribers.find(list_name, email)
    assert found is not None
    return found


def mailto_subject(config: Path, who: Subscriber) -> str:
    """The Subject the reader's mail client fills in from the List-Unsubscribe mailto: link."""
    with Runtime.open(config) as runtime:
        link = runtime.links("weekly").unsubscribe_mailto(who.list, who.id, who.email)
    return parse_qs(urlsplit(link).query)["subject"][0]


def message(subject: str, body: str = "", sender: str = "ada@example.org") -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, "unsubscribe@example.org", subject
    mail.set_content(body or "Sent from my phone")
    return bytes(mail)


def run(config: Path, raw: bytes, *args: str) -> Result:
    return CliRunner().invoke(inbound, ["-c", str(config), *args], input=raw)


def test_the_mailto_email_unsubscribes_its_reader(config: Path) -> None:
    ada = person(config)
    result = run(config, message(mailto_subject(config, ada)))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Unsubscribed ada@example.org from weekly"
    assert person(config).status == SubscriberStatus.UNSUBSCRIBED


def test_a_token_quoted_in_a_reply_body_is_found(config: Path) -> None:
    subject = mailto_subject(config, person(config))
    result = run(config, message("Re: your newsletter", f"Please stop.\n\n> {subject}\n"))
    assert result.exit_code == 0, result.output
    assert person(config).status == SubscriberStatus.UNSUBSCRIBED


def test_a_forged_token_exits_1_and_changes_nothing(config: Path) -> None:
    ada = person(config)
    forged = Links("https://news.example.org", "another-secret-0123456789abcdefghijk", "n@example.org")
    subject = parse_qs(urlsplit(forged.unsubscribe_mailto("weekly", ada.id, ada.email)).query)["subject"][0]
    for raw in (message(subject), message("unsubscribe not-a-token.x"), message("hello")):
        result = run(config, raw)
        assert result.exit_code == 1 and isinstance(result.exception, DigestError)
    assert "is not valid" in str(run(config, message(subject)).exception)
    assert "holds no unsubscribe token" in str(run(config, message("hello")).exception)
    assert person(config).status == SubscriberStatus.ACTIVE


def test_list_restricts_which_tokens_are_taken(config: Path) -> None:
    result = run(config, message(mailto_subject(config, person(config))), "--list", "daily")
    assert result.exit_code == 1 and "of list 'daily'" in str(result.exception)
    assert person(config).status == SubscriberStatus.ACTIVE


def test_a_store_that_cannot_record_it_asks_the_mail_server_to_retry(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    subject = mailto_subject(config, person(config))

    def locked(*_: object) -> bool:
        raise OperationalError("UPDATE subscribers", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(SubscriberRepository, "unsubscribe", locked)
    result = run(config, message(subject))
    assert result.exit_code == TEMPFAIL, result.output
    assert "is unavailable: database is locked" in result.output
    monkeypatch.undo()
    assert person(config).status == SubscriberStatus.ACTIVE
