"""Unsubscribing by a signed token: the one path the one-click POST and `digest inbound` share.

A change is claimed only once it is on disk: the subscriber's status is read back through a fresh
connection, so a store deleted or replaced under a running server is found out (StoreUnavailableError)
instead of answering "you will receive no more" for an unsubscribe that was lost.
"""

from __future__ import annotations

import email
import email.policy
import re
from datetime import datetime
from email.message import EmailMessage

from sqlalchemy.exc import SQLAlchemyError

from digest.models import Subscriber, SubscriberStatus
from digest.store import Store
from digest.store.health import stored_status, unavailable
from digest.tokens import read_token, verify_token

MAX_TOKEN = 512  # longer than any token digest makes: refused before any work
MAILED = (SubscriberStatus.PENDING.value, SubscriberStatus.ACTIVE.value)
# What the mailto: link asks the reader's client to send: "unsubscribe <token>" (see digest.links).
ASKED = re.compile(r"(?:^|[\s:])unsubscribe\s+([A-Za-z0-9_-]{1,500}\.[A-Za-z0-9_-]{1,100})", re.IGNORECASE)
MAX_TEXT = 256 * 1024  # of a text part searched for the token: it is near the top, if there at all


def token_holder(store: Store, secret: str, token: str) -> Subscriber | None:
    """The subscriber an unsubscribe token was made for, when it verifies against their address."""
    named = read_token(token) if len(token) <= MAX_TOKEN else None
    if named is None:
        return None
    subscriber_id, list_name = named
    person = store.subscribers.get(subscriber_id)
    if person is None or person.list != list_name or not verify_token(secret, token, person.email):
        return None
    return person


def unsubscribe(store: Store, person: Subscriber, now: datetime) -> None:
    """Take the person off their list, and make sure it is stored; StoreUnavailableError when it is not."""
    try:
        store.subscribers.unsubscribe(person.id, now)
    except SQLAlchemyError as exc:
        raise unavailable(store.engine, exc) from None
    status = stored_status(store.engine, person.id)
    if status is None or status in MAILED:
        raise unavailable(store.engine, RuntimeError(f"the unsubscribe of '{person.email}' was not stored"))


def token_in_message(raw: bytes) -> str | None:
    """The unsubscribe token an email asks for: "unsubscribe <token>" in its Subject, else its text."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)  # what policy.default makes
    for text in (str(message.get("subject", "")), *_texts(message)):
        found = ASKED.search(text)
        if found:
            return found.group(1)
    return None


def _texts(message: EmailMessage) -> list[str]:
    """The message's plain-text parts (a reply may quote the subject there)."""
    texts = []
    for part in message.walk():
        if part.get_content_type() == "text/plain" and not part.is_attachment():
            try:
                texts.append(str(part.get_content())[:MAX_TEXT])
            except (LookupError, ValueError):
                continue  # an unknown charset or a broken encoding: that part says nothing usable
    return texts
