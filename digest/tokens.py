"""Signed per-recipient tokens for unsubscribe links: unforgeable, bound to list and address."""

from __future__ import annotations

import base64
import hashlib
import hmac


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, purpose: str, list_name: str, subscriber_id: int, email: str) -> str:
    message = f"{purpose}\x00{list_name}\x00{subscriber_id}\x00{email.lower()}".encode()
    return _b64(hmac.new(secret.encode(), message, hashlib.sha256).digest()[:18])


def make_token(secret: str, list_name: str, subscriber_id: int, email: str, purpose: str = "u") -> str:
    """A URL-safe token naming the subscriber and list, signed with HMAC-SHA256."""
    body = _b64(f"{subscriber_id}:{list_name}".encode())
    return f"{body}.{_signature(secret, purpose, list_name, subscriber_id, email)}"


def read_token(token: str) -> tuple[int, str] | None:
    """The (subscriber_id, list) a token names, unverified; None when it is malformed."""
    try:
        body, _ = token.split(".", 1)
        subscriber, list_name = _unb64(body).decode().split(":", 1)
        return int(subscriber), list_name
    except (ValueError, UnicodeDecodeError):
        return None


def verify_token(secret: str, token: str, email: str, purpose: str = "u") -> bool:
    """True when the token was signed with this secret for this subscriber's current address."""
    named = read_token(token)
    if named is None:
        return False
    subscriber_id, list_name = named
    expected = make_token(secret, list_name, subscriber_id, email, purpose)
    return hmac.compare_digest(expected.encode(), token.encode())
