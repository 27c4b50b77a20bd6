"""Postmark's sender: POST /email/batch (≤ 500 messages, a per-message ErrorCode in a 200 answer).

Every message carries the issue as its Tag and the batch key as Metadata, so after a crash the
outbound-message search (GET /messages/outbound?tag=…&metadata_digest_batch=…) tells which
messages of a batch Postmark accepted.
"""

from __future__ import annotations

from typing import Any

from digest.errors import ProviderError
from digest.models import SendResult
from digest.personalize import MUSTACHE_TAGS
from digest.providers.base import Context, Limits, Reconcile, SendOutcome
from digest.providers.http import (
    ApiProvider,
    auth_hint,
    body_json,
    body_length,
    check,
    drain,
    nested,
    request,
    unreadable,
)
from digest.providers.jsonbatch import JsonBatchWriter
from digest.providers.letter import Addressee, Batch
from digest.providers.postmark.options import PostmarkOptions

BASE_URL = "https://api.postmarkapp.com"
TOKEN_ENV = "POSTMARK_TOKEN"
# 406: the address is inactive (bounced, complained, unsubscribed); 300: the request for this one
# message is invalid (typically the address). Neither will ever succeed: fail the row, suppress it.
PERMANENT = frozenset({300, 406})
# The account or sender cannot send at all: stop the whole send.
ACCOUNT = {
    10: "the server token is not valid",
    400: "the sender signature is not found",
    401: "the sender signature is not confirmed",
    405: "the account may not send (credits or approval)",
    412: "the account is pending approval",
    1235: "the message stream does not exist",
}
PAGE = 500


class PostmarkProvider(ApiProvider):
    """Batches to Postmark's /email/batch, with outbound search for reconciliation."""

    name = "postmark"
    limits = Limits(max_batch=500, concurrency=4)
    reconcile: Reconcile = "search"

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self._env = context.env_name(TOKEN_ENV)
        self._base = (context.config.base_url or BASE_URL).rstrip("/")
        self._stream = context.options(PostmarkOptions).message_stream
        self._writer = JsonBatchWriter("HtmlBody", "TextBody")
        self._headers = {
            "X-Postmark-Server-Token": context.secret(TOKEN_ENV),
            "Accept": "application/json",
            "Content-Type": "application/json",
        }

    async def send(self, batch: Batch) -> SendOutcome:
        """POST the batch; map each answer (in request order) to its addressee."""
        # A broadcast stream fills in {{{ pm:unsubscribe }}}: feed text must not spell it out.
        batch = batch.disarmed(MUSTACHE_TAGS)
        runs = self._payload(batch)
        headers = {**self._headers, "Content-Length": str(body_length(runs))}
        url = f"{self._base}/email/batch"
        response = await request(self.client, "POST", url, content=drain(runs), headers=headers)
        answer = body_json(response)
        if response.status_code >= 300 and (refused := self._refused(response.status_code, answer, batch)):
            raise refused
        check(response, self.name, _detail(answer), auth_hint(self.name, self._env))
        items = _items(answer, len(batch))
        if items is None:
            raise unreadable(response, answer, len(batch), len(answer) if isinstance(answer, list) else None)
        return self._outcome(batch, items)

    async def accepted(self, batch: Batch) -> dict[int, str]:
        """Ask the outbound-message search which messages of this batch Postmark has."""
        wanted = batch.by_email()
        found: dict[int, str] = {}
        offset = 0
        while True:
            params = {
                "count": PAGE,
                "offset": offset,
                "tag": batch.letter.issue_id,
                "metadata_digest_batch": batch.key,
            }
            url = f"{self._base}/messages/outbound"
            response = await request(self.client, "GET", url, params=params, headers=self._headers)
            answer = body_json(response)
            check(response, self.name, _detail(answer), auth_hint(self.name, self._env))
            messages = nested(answer, "Messages")
            messages = [m for m in messages if isinstance(m, dict)] if isinstance(messages, list) else []
            for message in messages:
                if nested(message, "Metadata", "digest_batch") not in (None, batch.key):
                    continue
                for address in _recipients(message):
                    if address in wanted:
                        found[wanted[address]] = str(message.get("MessageID", ""))
            offset += len(messages)
            total = nested(answer, "TotalCount")
            if not messages or not isinstance(total, int) or offset >= total:
                return found

    def _payload(self, batch: Batch) -> list[list[bytes]]:
        """The batch as JSON, in runs of pieces around the bodies encoded once per issue (http.drain)."""
        letter = batch.letter
        shared = {
            "From": letter.sender,
            "Subject": letter.subject,
            "Tag": letter.issue_id,
            "MessageStream": self._stream,
            **({"ReplyTo": letter.reply_to} if letter.reply_to else {}),
        }

        def tail(addressee: Addressee) -> dict[str, Any]:
            headers = [{"Name": n, "Value": v} for n, v in addressee.headers + letter.headers]
            metadata = {"digest_batch": batch.key, "digest_subscriber": str(addressee.subscriber_id)}
            return {"Headers": headers, "Metadata": metadata}

        return self._writer.runs(batch, shared, lambda a: {"To": a.display}, tail)

    def _outcome(self, batch: Batch, answer: list[tuple[int, dict[str, Any]]]) -> SendOutcome:
        """One result per answered message; an account-level code leaves its message unsent and stops
        the send, while the messages Postmark accepted in the same answer are still recorded."""
        results: list[SendResult] = []
        stop: ProviderError | None = None
        for addressee, (code, item) in zip(batch.addressees, answer, strict=True):
            if code in ACCOUNT:
                stop = stop or self._refused(422, item, batch)
            elif code == 0:
                results.append(SendResult(addressee.subscriber_id, True, str(item.get("MessageID", ""))))
            else:
                error = f"Postmark {code}: {_detail(item)}"
                results.append(
                    SendResult(addressee.subscriber_id, False, error=error, permanent=code in PERMANENT)
                )
        return SendOutcome(tuple(results), stop)

    def _refused(self, status: int, answer: Any, batch: Batch) -> ProviderError | None:
        """The error that stops the send for an account-level refusal, with a hint that says what to fix."""
        code = _code(answer.get("ErrorCode")) if isinstance(answer, dict) else None
        if status == 401 or code == 10:
            hint = f"set {self._env} to the Server API token from Postmark (Servers → API Tokens)"
        elif code in ACCOUNT:
            hint = f"check the sender '{batch.letter.sender}' and the account in Postmark"
        else:
            return None
        why = ACCOUNT.get(code or 10, "")
        return ProviderError(self.name, f"refused the batch: {status} {_detail(answer)} ({why})", hint)


def _items(answer: Any, count: int) -> list[tuple[int, dict[str, Any]]] | None:
    """The answer's one result per message with its numeric ErrorCode; None when it is not that."""
    if not isinstance(answer, list) or len(answer) != count:
        return None
    items: list[tuple[int, dict[str, Any]]] = []
    for item in answer:
        code = _code(item.get("ErrorCode")) if isinstance(item, dict) else None
        if code is None:
            return None
        items.append((code, item))
    return items


def _code(value: Any) -> int | None:
    """A Postmark ErrorCode, a number or digits (never "²", which is a digit to str.isdigit); else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= _CODE_DIGITS:
        return int(value)
    return None


_CODE_DIGITS = 6  # Postmark's codes have up to four


def _detail(answer: Any) -> str:
    if isinstance(answer, dict):
        return str(answer.get("Message", "")) or f"ErrorCode {answer.get('ErrorCode')}"
    return ""


def _recipients(message: dict[str, Any]) -> list[str]:
    listed, to = message.get("Recipients"), message.get("To")
    addresses = [r for r in listed if isinstance(r, str)] if isinstance(listed, list) else []
    addresses += [str(t.get("Email", "")) for t in to if isinstance(t, dict)] if isinstance(to, list) else []
    return [a.lower() for a in addresses if a]
