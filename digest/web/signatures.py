"""How each provider signs its webhooks, checked exactly the way the provider documents it.

Postmark: HTTP basic auth (the credentials are put in the webhook URL). SendGrid: ECDSA P-256 over
timestamp + body with the signed event webhook's public key. Mailgun: HMAC-SHA256 of timestamp + token
with the webhook signing key. Resend: Svix, HMAC-SHA256 of "id.timestamp.body", base64, "v1," prefixed.
A signed timestamp older (or further ahead) than ``max_age`` is refused, so a captured request cannot
be replayed later. Every failure raises ``WebhookAuthError``; the endpoint answers 401.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key, load_pem_public_key


class WebhookAuthError(Exception):
    """A webhook request is not authentic (missing, wrong or stale signature)."""


def check_basic_auth(header: str, expected: str) -> None:
    """Postmark: the Authorization header must carry exactly ``user:password``."""
    if not expected:
        raise WebhookAuthError("no credentials configured")
    scheme, _, encoded = header.partition(" ")
    try:
        given = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise WebhookAuthError("malformed Authorization header") from None
    if scheme.lower() != "basic" or not hmac.compare_digest(given, expected.encode()):
        raise WebhookAuthError("wrong credentials")


def check_fresh(stamp: str, now: datetime, max_age: timedelta) -> None:
    """A signed Unix timestamp must be recent."""
    try:
        age = now.timestamp() - int(stamp)
    except ValueError:
        raise WebhookAuthError(f"timestamp '{stamp[:40]}' is not a number") from None
    if abs(age) > max_age.total_seconds():
        raise WebhookAuthError(f"timestamp is {age:.0f} s old, more than {max_age.total_seconds():.0f} s")


def check_sendgrid(
    headers: Mapping[str, str], body: bytes, public_key: str, now: datetime, max_age: timedelta
) -> None:
    """SendGrid's signed event webhook: ECDSA (SHA-256) over the timestamp header + the raw body."""
    stamp = headers.get("x-twilio-email-event-webhook-timestamp", "")
    signature = headers.get("x-twilio-email-event-webhook-signature", "")
    if not public_key or not stamp or not signature:
        raise WebhookAuthError("signature, timestamp or key missing")
    check_fresh(stamp, now, max_age)
    try:
        key = _ec_key(public_key)
        key.verify(base64.b64decode(signature), stamp.encode() + body, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, UnsupportedAlgorithm, ValueError, binascii.Error):
        raise WebhookAuthError("wrong signature") from None


def _ec_key(text: str) -> ec.EllipticCurvePublicKey:
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = load_pem_public_key(text.encode())
    else:
        key = load_der_public_key(base64.b64decode(text))  # SendGrid shows the key as base64 DER
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise ValueError("not an elliptic-curve key")
    return key


def check_mailgun(signature: Mapping[str, object], key: str, now: datetime, max_age: timedelta) -> None:
    """Mailgun: hex HMAC-SHA256 of timestamp + token, keyed with the webhook signing key."""
    stamp, token, given = (str(signature.get(k, "")) for k in ("timestamp", "token", "signature"))
    if not key or not stamp or not token or not given:
        raise WebhookAuthError("signature, timestamp, token or key missing")
    check_fresh(stamp, now, max_age)
    expected = hmac.new(key.encode(), (stamp + token).encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), given.encode()):
        raise WebhookAuthError("wrong signature")


def check_svix(
    headers: Mapping[str, str], body: bytes, secret: str, now: datetime, max_age: timedelta
) -> str:
    """Resend (Svix): one of the space-separated ``v1,<base64>`` signatures must match; returns the id."""
    message_id = headers.get("svix-id") or headers.get("webhook-id") or ""
    stamp = headers.get("svix-timestamp") or headers.get("webhook-timestamp") or ""
    signatures = headers.get("svix-signature") or headers.get("webhook-signature") or ""
    if not secret or not message_id or not stamp or not signatures:
        raise WebhookAuthError("signature, timestamp, id or secret missing")
    check_fresh(stamp, now, max_age)
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"))
    except (binascii.Error, ValueError):
        raise WebhookAuthError("the configured secret is not a whsec_ Svix secret") from None
    signed = message_id.encode() + b"." + stamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(expected, value.encode()):
            return message_id
    raise WebhookAuthError("wrong signature")
