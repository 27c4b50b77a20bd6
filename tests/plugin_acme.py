"""A provider that exists only in the test suite: one module plus one entry point, nothing else.

It logs each message it is given as a JSON line in its ``folder`` (its own, required [provider]
key), and its webhook takes ``{"bounced": [address, …]}`` behind a shared secret.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from pathlib import Path

from pydantic import field_validator

from digest.models import SendResult
from digest.providers import Plugin, SendOutcome
from digest.providers.base import Context, Limits, Reconcile
from digest.providers.hooks import HookSetup, WebhookAuthError, env_status, feedback, parse_json
from digest.providers.letter import Batch
from digest.providers.registry import Options
from digest.store.feedback import Feedback, FeedbackKind

SECRET_ENV = "ACME_WEBHOOK_SECRET"


class AcmeOptions(Options):
    """Where the messages are logged."""

    folder: str

    @field_validator("folder")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must name a folder")
        return value


class AcmeProvider:
    """Appends each message to <folder>/sent.jsonl."""

    name = "acme"
    limits = Limits(max_batch=2, concurrency=1)
    reconcile: Reconcile = "none"

    def __init__(self, context: Context) -> None:
        self.log = Path(context.options(AcmeOptions).folder) / "sent.jsonl"

    async def send(self, batch: Batch) -> SendOutcome:
        """Log every message of the batch."""
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("a", encoding="utf-8") as out:
            for message in batch.messages():
                out.write(
                    json.dumps({"to": message.to, "subject": message.subject, "batch": batch.key}) + "\n"
                )
        return SendOutcome(tuple(SendResult(a.subscriber_id, True, "acme") for a in batch.addressees))

    async def accepted(self, batch: Batch) -> None:
        """No log to ask."""
        return None

    async def aclose(self) -> None:
        """Nothing to release."""


class AcmeWebhook:
    """Bounces behind a shared secret in the X-Acme-Secret header."""

    def __init__(self, setup: HookSetup) -> None:
        self._secret, self._status = setup.secret(SECRET_ENV), env_status(SECRET_ENV, setup.environ)

    async def read(self, headers: Mapping[str, str], body: bytes) -> list[Feedback]:
        """The bounced addresses, once the secret matches."""
        given = headers.get("x-acme-secret", "")
        if not self._secret or not hmac.compare_digest(given.encode(), self._secret.encode()):
            raise WebhookAuthError("wrong secret")
        payload = parse_json(body)
        people = payload.get("bounced", []) if isinstance(payload, dict) else []
        return [e for p in people for e in feedback("acme", "bounce", FeedbackKind.HARD_BOUNCE, p)]

    def status(self) -> str:
        """On when the secret's variable is set."""
        return self._status


plugin = Plugin("acme", AcmeProvider, AcmeOptions, AcmeWebhook)
