"""Amazon SES v2's sender: POST /v2/email/outbound-bulk-emails (≤ 50 entries), SigV4-signed, template-based.

The issue is the inline template (``{{h_name}}``-style tags where the placeholders were); each
entry carries its recipient's values as ReplacementTemplateData and their List-Unsubscribe as a
replacement header. SES keeps no log we can search, so a batch whose answer was lost is settled
by [provider] on_uncertain.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import formataddr
from typing import Any

import orjson

from digest.errors import ProviderError
from digest.models import SendResult
from digest.personalize import MUSTACHE_TAGS
from digest.providers.base import Context, Limits, Reconcile, SendOutcome
from digest.providers.http import ApiProvider, body_json, check, request, unreadable
from digest.providers.letter import Addressee, Batch, marker_values
from digest.providers.ses.options import SesOptions
from digest.providers.ses.sigv4 import sign

SECRET_ENV = "AWS_SECRET_ACCESS_KEY"
MARKER = "{{{{{part}_{field}}}}}"
PERMANENT = frozenset({"MESSAGE_REJECTED", "INVALID_PARAMETER"})
PASSING = frozenset({"ACCOUNT_THROTTLED", "TRANSIENT_FAILURE", "FAILED"})


class SesProvider(ApiProvider):
    """Bulk sends to SES v2 with an inline template."""

    name = "ses"
    limits = Limits(max_batch=50, messages_per_s=14.0, concurrency=4)  # SES's default sending rate: 14/s
    reconcile: Reconcile = "none"

    def __init__(self, context: Context, clock: Any = lambda: datetime.now(UTC)) -> None:
        super().__init__(context)
        config, options = context.config, context.options(SesOptions)
        self._region = options.region
        self._url = (config.base_url or f"https://email.{options.region}.amazonaws.com").rstrip("/")
        self._url += "/v2/email/outbound-bulk-emails"
        self._secret = context.secret(SECRET_ENV)
        self._key_id = context.environ.get(options.access_key_env, "")
        self._token = context.environ.get("AWS_SESSION_TOKEN", "")
        self._env = f"{options.access_key_env} and {context.env_name(SECRET_ENV)}"
        self._clock = clock
        if not self._key_id:
            raise ProviderError(
                self.name,
                f"needs an access key id: environment variable {options.access_key_env} is not set",
                f"export {options.access_key_env}=AKIA… (with {context.env_name(SECRET_ENV)})",
            )

    async def send(self, batch: Batch) -> SendOutcome:
        """POST the signed batch; SES answers each entry with its own status."""
        batch = batch.disarmed(MUSTACHE_TAGS)  # the issue is a template: only our tags may be live
        body = orjson.dumps(self._payload(batch))
        headers = sign(
            "POST", self._url, {"Content-Type": "application/json"}, body,
            access_key=self._key_id, secret_key=self._secret, region=self._region, service="ses",
            now=self._clock(), session_token=self._token,
        )  # fmt: skip
        response = await request(self.client, "POST", self._url, content=body, headers=headers)
        answer = body_json(response)
        kind = response.headers.get("x-amzn-errortype", "").partition(":")[0]
        detail = f"{kind}: {answer.get('message', '') if isinstance(answer, dict) else ''}".strip(": ")
        if 400 <= response.status_code < 500 and response.status_code != 429:
            # A 4xx other than throttling fails every batch alike: a key, a sender or an account.
            credentials = response.status_code == 403 or any(
                word in kind for word in ("Signature", "UnrecognizedClient", "AccessDenied")
            )
            hint = (
                f"set {self._env} to a key allowed to ses:SendBulkEmail in {self._region}"
                if credentials
                else f"check the sender '{batch.letter.sender}' and the account in SES ({self._region})"
            )
            raise ProviderError(self.name, f"refused the batch: {response.status_code} {detail}", hint)
        check(response, self.name, detail, "")
        entries = answer.get("BulkEmailEntryResults") if isinstance(answer, dict) else None
        if not isinstance(entries, list) or len(entries) != len(batch):
            raise unreadable(
                response, answer, len(batch), len(entries) if isinstance(entries, list) else None
            )
        if not all(isinstance(e, dict) for e in entries):
            raise unreadable(response, answer, len(batch), None)
        return self._outcome(batch, entries)

    async def accepted(self, batch: Batch) -> None:
        """SES keeps no searchable log of sends: this provider cannot tell."""
        return None

    def _outcome(self, batch: Batch, entries: list[dict[str, Any]]) -> SendOutcome:
        """One result per entry; an account-level status (a suspended account, an unverified MAIL FROM)
        leaves its entry unsent and stops the send, after the accepted entries are recorded."""
        results: list[SendResult] = []
        stop: ProviderError | None = None
        for addressee, entry in zip(batch.addressees, entries, strict=True):
            status = str(entry.get("Status", ""))
            if status == "SUCCESS":
                results.append(SendResult(addressee.subscriber_id, True, str(entry.get("MessageId", ""))))
            elif status in PERMANENT or status in PASSING:
                error = f"SES {status}: {entry.get('Error', '')}".rstrip(": ")
                results.append(
                    SendResult(addressee.subscriber_id, False, error=error, permanent=status in PERMANENT)
                )
            else:
                stop = stop or self._refused(addressee, entry, batch)
        return SendOutcome(tuple(results), stop)

    def _refused(self, addressee: Addressee, entry: dict[str, Any], batch: Batch) -> ProviderError:
        return ProviderError(
            self.name,
            f"refused '{addressee.email}': {entry.get('Status', '')} {entry.get('Error', '')}".rstrip(),
            f"check the sender '{batch.letter.sender}' and the account in SES ({self._region})",
        )

    def _payload(self, batch: Batch) -> dict[str, Any]:
        letter = batch.letter
        html_body, text_body = letter.with_markers(MARKER)
        fields = letter.fields()
        template = {"Subject": letter.subject, "Html": html_body, "Text": text_body}
        return {
            "FromEmailAddress": letter.sender,
            **({"ReplyToAddresses": [letter.reply_to]} if letter.reply_to else {}),
            "DefaultContent": {
                "Template": {
                    "TemplateContent": template,
                    "TemplateData": "{}",
                    "Headers": [{"Name": n, "Value": v} for n, v in letter.headers],
                }
            },
            "DefaultEmailTags": [{"Name": "digest_issue", "Value": _tag(letter.issue_id)}],
            "BulkEmailEntries": [_entry(a, fields, batch.key) for a in batch.addressees],
        }


def _entry(addressee: Addressee, fields: frozenset[str], key: str) -> dict[str, Any]:
    data = {f"{p}_{f}": v for (p, f), v in marker_values(addressee, fields).items()}
    return {
        # formataddr: SES wants a non-ASCII display name as an RFC 2047 encoded word.
        "Destination": {"ToAddresses": [formataddr((addressee.name, addressee.email))]},
        "ReplacementEmailContent": {
            "ReplacementTemplate": {"ReplacementTemplateData": orjson.dumps(data).decode()}
        },
        "ReplacementHeaders": [{"Name": n, "Value": v} for n, v in addressee.headers],
        "ReplacementTags": [{"Name": "digest_batch", "Value": key}],
    }


def _tag(value: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "_-.@") else "_" for c in value)[:256]
