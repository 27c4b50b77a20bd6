"""Resend's sender: POST /emails/batch (≤ 100 emails, all or none), an Idempotency-Key on every batch.

The key is the issue and the ledger's batch key, so a batch whose answer was lost (a timeout, a
crash) is sent again under the same key with the same body and Resend drops the repeat: exactly
once, as long as the retry comes within Resend's 24 hours.
"""

from __future__ import annotations

import re
from typing import Any

from digest.errors import ProviderError
from digest.models import SendResult
from digest.personalize import MUSTACHE_TAGS
from digest.providers.base import Context, Limits, Reconcile, SendOutcome, TransientError
from digest.providers.http import (
    ApiProvider,
    auth_hint,
    body_json,
    body_length,
    check,
    drain,
    request,
    unreadable,
)
from digest.providers.jsonbatch import JsonBatchWriter
from digest.providers.letter import Batch

BASE_URL = "https://api.resend.com"
KEY_ENV = "RESEND_API_KEY"
_TAG_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


class ResendProvider(ApiProvider):
    """Batches to Resend; safe to repeat, so uncertain batches are simply sent again."""

    name = "resend"
    limits = Limits(max_batch=100, requests_per_s=2.0, concurrency=2)  # Resend's default: 2 requests/s
    reconcile: Reconcile = "idempotent"

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self._env = context.env_name(KEY_ENV)
        self._base = (context.config.base_url or BASE_URL).rstrip("/")
        self._auth = f"Bearer {context.secret(KEY_ENV)}"
        self._writer = JsonBatchWriter("html", "text")

    async def send(self, batch: Batch) -> SendOutcome:
        """POST the batch under its idempotency key; Resend accepts all of it or none."""
        # Resend fills {{{…}}} tags in its broadcasts: keep them text here too, should it ever do so.
        batch = batch.disarmed(MUSTACHE_TAGS)
        runs = self._payload(batch)
        headers = {
            "Authorization": self._auth,
            "Content-Type": "application/json",
            "Idempotency-Key": f"{batch.letter.issue_id}/{batch.key}"[-256:],
            "Content-Length": str(body_length(runs)),
        }
        url = f"{self._base}/emails/batch"
        response = await request(self.client, "POST", url, content=drain(runs), headers=headers)
        answer = body_json(response)
        self._refused(response.status_code, answer, batch)
        check(response, self.name, _detail(answer), auth_hint(self.name, self._env))
        ids = _ids(answer, len(batch))
        if ids is None:
            data = answer.get("data") if isinstance(answer, dict) else None
            raise unreadable(response, answer, len(batch), len(data) if isinstance(data, list) else None)
        return SendOutcome(
            tuple(SendResult(a.subscriber_id, True, i) for a, i in zip(batch.addressees, ids, strict=True))
        )

    async def accepted(self, batch: Batch) -> None:
        """Resend needs no search: a repeat under the same key is dropped."""
        return None

    def _payload(self, batch: Batch) -> list[list[bytes]]:
        letter = batch.letter
        tag = _TAG_UNSAFE.sub("_", letter.issue_id)[:256]
        shared = {
            "from": letter.sender,
            "subject": letter.subject,
            "tags": [{"name": "digest_issue", "value": tag}],
            **({"reply_to": letter.reply_to} if letter.reply_to else {}),
        }
        return self._writer.runs(
            batch,
            shared,
            lambda a: {"to": [a.display]},
            lambda a: {"headers": dict(a.headers + letter.headers)},
        )

    def _refused(self, status: int, answer: Any, batch: Batch) -> None:
        name = answer.get("name", "") if isinstance(answer, dict) else ""
        if status == 409 and name == "concurrent_idempotent_requests":
            # The first request under this key is still being processed: ask again shortly.
            raise TransientError(f"answered 409: {_detail(answer)}", retry_after=1.0)
        if status == 403 and "domain" in _detail(answer).lower():
            raise ProviderError(
                self.name,
                f"refused the batch: 403 {_detail(answer)}",
                f"verify the domain of '{batch.letter.sender}' in Resend (Domains)",
            )


def _ids(answer: Any, count: int) -> list[str] | None:
    """One message id per email of the batch, in order; None when the answer is not that."""
    data = answer.get("data") if isinstance(answer, dict) else None
    if not isinstance(data, list) or len(data) != count:
        return None
    ids = [item.get("id") if isinstance(item, dict) else None for item in data]
    return [str(i) for i in ids] if all(isinstance(i, str) and i for i in ids) else None


def _detail(answer: Any) -> str:
    if isinstance(answer, dict):
        return f"{answer.get('name', '')}: {answer.get('message', '')}".strip(": ")
    return ""
