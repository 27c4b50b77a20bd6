"""Signed per-recipient tokens for unsubscribe and confirm links: unforgeable, bound to list and address.

An unsubscribe token is ``base64(id:list).signature``; a confirm token also carries the time it was
issued, ``base64(id:issued:list).signature``, so that it can expire. The signature is HMAC-SHA256 over
the purpose, the list, the id, the address (and the issue time), so a token made for one address
verifies for no other, and an unsubscribe token is no confirm token. Verification re-makes the whole
token and compares it in constant time, which also rejects every non-canonical spelling of a body.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from digest.errors import ConfigError

UNSUBSCRIBE = "u"
CONFIRM = "c"
# Confirm links are made and checked by different processes, whose clocks may differ a little.
CLOCK_SKEW = timedelta(minutes=5)
# HMAC-SHA256 keys shorter than its 32-byte output weaken every token: refuse them.
MIN_SECRET_BYTES = 32


def check_secret(secret: str, env: str = "DIGEST_SECRET", path: str = "schedule.toml") -> None:
    """Refuse a signing secret shorter than 32 bytes (ConfigError naming the variable, with a hint)."""
    size = len(secret.encode())
    if size >= MIN_SECRET_BYTES:
        return
    raise ConfigError(
        path,
        [
            f"server.secret_env: environment variable {env} holds a secret of {size} bytes: "
            f"too short to sign tokens (at least {MIN_SECRET_BYTES})"
        ],
        f"export {env}=$(python -c 'import secrets; print(secrets.token_urlsafe(32))')",
    )


# Ids are database integers: a token naming a larger one is no token of ours (and would overflow).
MAX_ID = 2**63 - 1


def b64(data: bytes) -> str:
    """URL-safe base64 without padding: how every token of ours is spelled."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(text: str) -> bytes:
    """The bytes of an unpadded URL-safe base64 text (binascii.Error when it is not one)."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(
    secret: str, purpose: str, list_name: str, subscriber_id: int, email: str, extra: str = ""
) -> str:
    message = f"{purpose}\x00{list_name}\x00{subscriber_id}\x00{email.lower()}".encode()
    if extra:
        message += f"\x00{extra}".encode()
    return b64(hmac.new(secret.encode(), message, hashlib.sha256).digest()[:18])


def make_token(
    secret: str, list_name: str, subscriber_id: int, email: str, purpose: str = UNSUBSCRIBE
) -> str:
    """A URL-safe token naming the subscriber and list, signed with HMAC-SHA256."""
    body = b64(f"{subscriber_id}:{list_name}".encode())
    return f"{body}.{_signature(secret, purpose, list_name, subscriber_id, email)}"


def read_token(token: str) -> tuple[int, str] | None:
    """The (subscriber_id, list) a token names, unverified; None when it is malformed."""
    try:
        body, _ = token.split(".", 1)
        subscriber, list_name = unb64(body).decode().split(":", 1)
        return _id(subscriber), list_name
    except (ValueError, UnicodeDecodeError, binascii.Error):
        return None


def _id(text: str) -> int:
    """A subscriber id as a token spells it; ValueError when it is none a database could hold."""
    number = int(text)
    if not 0 < number <= MAX_ID:
        raise ValueError(f"subscriber id '{text[:20]}' is out of range")
    return number


def verify_token(secret: str, token: str, email: str, purpose: str = UNSUBSCRIBE) -> bool:
    """True when the token was signed with this secret for this subscriber's current address."""
    named = read_token(token)
    if named is None:
        return False
    subscriber_id, list_name = named
    expected = make_token(secret, list_name, subscriber_id, email, purpose)
    return hmac.compare_digest(expected.encode(), token.encode())


def make_confirm_token(secret: str, list_name: str, subscriber_id: int, email: str, issued: datetime) -> str:
    """A double opt-in token: like an unsubscribe token, plus the time it was issued (it expires)."""
    stamp = str(int(issued.timestamp()))
    body = b64(f"{subscriber_id}:{stamp}:{list_name}".encode())
    return f"{body}.{_signature(secret, CONFIRM, list_name, subscriber_id, email, stamp)}"


def read_confirm_token(token: str) -> tuple[int, str, datetime] | None:
    """The (subscriber_id, list, issued) a confirm token names, unverified; None when malformed."""
    try:
        body, _ = token.split(".", 1)
        subscriber, stamp, list_name = unb64(body).decode().split(":", 2)
        return _id(subscriber), list_name, datetime.fromtimestamp(int(stamp), UTC)
    except (ValueError, UnicodeDecodeError, binascii.Error, OverflowError, OSError):
        return None


def verify_confirm_token(secret: str, token: str, email: str, now: datetime, max_age: timedelta) -> bool:
    """True when the confirm token is this address's, signed with this secret and not expired."""
    named = read_confirm_token(token)
    if named is None:
        return False
    subscriber_id, list_name, issued = named
    if not -CLOCK_SKEW <= now - issued <= max_age:
        return False
    expected = make_confirm_token(secret, list_name, subscriber_id, email, issued)
    return hmac.compare_digest(expected.encode(), token.encode())
