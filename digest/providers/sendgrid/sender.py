"""SendGrid's sender: POST /v3/mail/send, one personalization per recipient (≤ 1000), 202 when accepted.

The bodies go once per request with substitution tags where the placeholders were; each
personalization carries its recipient's values (HTML-escaped for the HTML part) and their own
List-Unsubscribe header. SendGrid keeps no log we can search without an add-on, so a batch whose
answer was lost is settled by [provider] on_uncertain.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from digest.personalize import ProviderTags
from digest.providers.base import Context, Limits, Reconcile, SendOutcome, all_results
from digest.providers.http import ApiProvider, auth_hint, body_json, check, request
from digest.providers.letter import Addressee, Batch, marker_values

BASE_URL = "https://api.sendgrid.com"
KEY_ENV = "SENDGRID_API_KEY"
MARKER = "%%digest:{part}:{field}%%"
# SendGrid substitutes any key it is given, in the subject and bodies: our keys' shape, and the
# <%…%> tags of its unsubscribe groups, must stay text where feed text spells them out.
TAGS = ProviderTags(re.compile(r"%(?=%digest:[ht]:)|<(?=%)", re.IGNORECASE))


class SendGridProvider(ApiProvider):
    """Personalizations to SendGrid's mail send."""

    name = "sendgrid"
    limits = Limits(max_batch=1000, concurrency=4)
    reconcile: Reconcile = "none"

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self._env = context.env_name(KEY_ENV)
        self._base = (context.config.base_url or BASE_URL).rstrip("/")
        self._headers = {
            "Authorization": f"Bearer {context.secret(KEY_ENV)}",
            "Content-Type": "application/json",
        }

    async def send(self, batch: Batch) -> SendOutcome:
        """POST the batch; 202 means SendGrid took every personalization."""
        url = f"{self._base}/v3/mail/send"
        batch = batch.disarmed(TAGS)
        content = orjson.dumps(self._payload(batch))
        response = await request(self.client, "POST", url, content=content, headers=self._headers)
        answer = body_json(response)
        hint = auth_hint(self.name, self._env)
        if response.status_code == 403 and "sender" in _detail(answer).lower():
            hint = f"verify '{batch.letter.sender}' as a Sender Identity in SendGrid"
        check(response, self.name, _detail(answer), hint)
        return all_results(batch, True, response.headers.get("x-message-id", ""))

    async def accepted(self, batch: Batch) -> None:
        """SendGrid's activity log needs an add-on: this provider cannot tell."""
        return None

    def _payload(self, batch: Batch) -> dict[str, Any]:
        letter = batch.letter
        html_body, text_body = letter.with_markers(MARKER)
        fields = letter.fields()
        # SendGrid refuses Reply-To among the headers: it goes in its own object.
        reply_to = {"reply_to": _address(letter.reply_to)} if letter.reply_to else {}
        return {
            "personalizations": [_personalization(a, fields) for a in batch.addressees],
            "from": _address(letter.sender),
            **reply_to,
            "subject": letter.subject,
            "content": [
                {"type": "text/plain", "value": text_body},
                {"type": "text/html", "value": html_body},
            ],
            "headers": dict(letter.headers),
            "categories": [letter.issue_id[:255]],
            "custom_args": {"digest_issue": letter.issue_id, "digest_batch": batch.key},
        }


def _personalization(addressee: Addressee, fields: frozenset[str]) -> dict[str, Any]:
    values = marker_values(addressee, fields)
    to = {"email": addressee.email, **({"name": addressee.name} if addressee.name else {})}
    return {
        "to": [to],
        "substitutions": {MARKER.format(part=p, field=f): v for (p, f), v in values.items()},
        "headers": dict(addressee.headers),
        "custom_args": {"digest_subscriber": str(addressee.subscriber_id)},
    }


def _address(mailbox: str) -> dict[str, str]:
    """A 'Name <address>' as SendGrid's {email, name} object."""
    from email.utils import parseaddr

    name, address = parseaddr(mailbox)
    return {"email": address, **({"name": name} if name else {})}


def _detail(answer: Any) -> str:
    """The first error SendGrid names ("message (field)"); "" when the answer holds none to read."""
    errors = answer.get("errors") if isinstance(answer, dict) else None
    first = errors[0] if isinstance(errors, list) and errors else None
    if not isinstance(first, dict):
        return ""
    field = f" ({first.get('field')})" if first.get("field") else ""
    return f"{first.get('message', '')}{field}"
