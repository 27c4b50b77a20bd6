"""Amazon SNS messages (how SES reports bounces and complaints): signature v2, topic, subscription.

A message is authentic when it is signed (RSA, SHA-256: SignatureVersion 2) by the certificate at
SigningCertURL, and that URL is https on ``sns.<region>.amazonaws.com`` for the topic's own region.
Anyone can create an SNS topic, so the topic must also be one the operator listed. The certificate
and the SubscribeURL are fetched through the HTTP client passed in (tests keep it on loopback).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from digest.providers.hooks import WebhookAuthError

NOTIFICATION_KEYS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
SUBSCRIPTION_KEYS = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type")


class SnsVerifier:
    """Checks SNS messages for the allowed topics, caching the signing certificates it fetched."""

    def __init__(self, client: httpx.AsyncClient, topics: Sequence[str], max_age: timedelta) -> None:
        self._client = client
        self._topics = frozenset(topics)
        self._max_age = max_age
        self._keys: dict[str, rsa.RSAPublicKey] = {}

    async def verify(self, body: bytes, now: datetime) -> dict[str, Any]:
        """The message, once its topic, age, certificate host and signature are checked."""
        message = _parse(body)
        region = self._region(str(message.get("TopicArn", "")))
        if str(message.get("SignatureVersion")) != "2":
            raise WebhookAuthError("only SignatureVersion 2 (SHA-256) is accepted")
        _check_time(str(message.get("Timestamp", "")), now, self._max_age)
        key = await self._key(_sns_url(str(message.get("SigningCertURL", "")), region, ".pem"))
        try:
            signature = base64.b64decode(str(message.get("Signature", "")), validate=True)
            key.verify(signature, string_to_sign(message), padding.PKCS1v15(), hashes.SHA256())
        except (InvalidSignature, binascii.Error, ValueError):
            raise WebhookAuthError("wrong signature") from None
        return message

    async def confirm_subscription(self, message: Mapping[str, Any]) -> None:
        """Visit the SubscribeURL of a verified SubscriptionConfirmation (only SNS's own host)."""
        region = self._region(str(message.get("TopicArn", "")))
        url = _sns_url(str(message.get("SubscribeURL", "")), region)
        response = await self._client.get(url)
        response.raise_for_status()

    def _region(self, topic: str) -> str:
        if topic not in self._topics:
            raise WebhookAuthError(f"topic '{topic[:200]}' is not in server.webhooks.ses_topics")
        return topic.split(":")[3]

    async def _key(self, url: str) -> rsa.RSAPublicKey:
        if url not in self._keys:
            try:
                response = await self._client.get(url)
                response.raise_for_status()
                key = x509.load_pem_x509_certificate(response.content).public_key()
            except (httpx.HTTPError, ValueError, UnsupportedAlgorithm) as exc:
                raise WebhookAuthError(f"signing certificate '{url}' cannot be read: {exc}") from None
            if not isinstance(key, rsa.RSAPublicKey):
                raise WebhookAuthError(f"signing certificate '{url}' has no RSA key")
            self._keys[url] = key
        return self._keys[url]


def string_to_sign(message: Mapping[str, Any]) -> bytes:
    """The canonical text SNS signs: selected keys and values, each on its own line, in key order."""
    kind = message.get("Type")
    keys = NOTIFICATION_KEYS if kind == "Notification" else SUBSCRIPTION_KEYS
    return "".join(f"{k}\n{message[k]}\n" for k in keys if k in message).encode()


def _parse(body: bytes) -> dict[str, Any]:
    try:
        message = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise WebhookAuthError("the body is not an SNS message (JSON)") from None
    if not isinstance(message, dict):
        raise WebhookAuthError("the body is not an SNS message (object)")
    return message


def _sns_url(url: str, region: str, suffix: str = "") -> str:
    """The URL itself, when it is https on the region's SNS host (and has ``suffix``)."""
    parts = urlsplit(url)
    host = f"sns.{region}.amazonaws.com"
    if parts.scheme != "https" or parts.hostname != host or parts.port or not parts.path.endswith(suffix):
        raise WebhookAuthError(f"URL '{url[:200]}' is not on {host}")
    return url


def _check_time(stamp: str, now: datetime, max_age: timedelta) -> None:
    try:
        sent = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        age = now - sent
    except (ValueError, TypeError):
        raise WebhookAuthError(f"timestamp '{stamp[:40]}' is not ISO 8601") from None
    if abs(age) > max_age:
        raise WebhookAuthError(f"timestamp is {age.total_seconds():.0f} s old")
