"""Mailgun's sender: POST /v3/{domain}/messages with recipient-variables (≤ 1000 recipients per request).

With recipient-variables, Mailgun sends each address a message of its own (without them, every
recipient would see all the others), filling ``%recipient.x%`` from that address's variables: the
bodies and the List-Unsubscribe header go once per request. Each message carries the issue as
its tag and the batch key as a user variable, so after a crash the events API says which
addresses of a batch Mailgun accepted.
"""

from __future__ import annotations

import re
import time
from typing import Any

import orjson

from digest.errors import ProviderError
from digest.mime import sender_domain
from digest.personalize import ProviderTags
from digest.providers.base import Context, Limits, Reconcile, SendOutcome, all_results
from digest.providers.http import ApiProvider, auth_hint, body_json, check, nested, request
from digest.providers.letter import Batch, marker_values
from digest.providers.mailgun.options import MailgunOptions

BASE_URL = "https://api.mailgun.net"
KEY_ENV = "MAILGUN_API_KEY"
MARKER = "%recipient.{part}_{field}%"
# What Mailgun fills in per recipient: recipient variables, and its unsubscribe links when
# unsubscribe tracking is on for the domain. Feed text spelling one out must stay text.
TAGS = ProviderTags(re.compile(r"%(?=recipient|(?:tag_|mailing_list_)?unsubscribe_url%)", re.IGNORECASE))
EVENTS_PAGE = 300
# Events are looked up from a little before the batch was claimed (clocks differ).
SKEW = 120.0


class MailgunProvider(ApiProvider):
    """Batch sends to Mailgun, with the events API for reconciliation."""

    name = "mailgun"
    limits = Limits(max_batch=1000, concurrency=4)
    reconcile: Reconcile = "search"

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self._env = context.env_name(KEY_ENV)
        self._base = (context.config.base_url or BASE_URL).rstrip("/")
        self._domain = context.options(MailgunOptions).domain
        self._auth = ("api", context.secret(KEY_ENV))

    def _url(self, batch: Batch, path: str) -> str:
        return f"{self._base}/v3/{self._domain or sender_domain(batch.letter.sender)}/{path}"

    async def send(self, batch: Batch) -> SendOutcome:
        """POST the batch as a form; Mailgun queues it whole or refuses it whole."""
        batch = batch.disarmed(TAGS)
        data = self._form(batch)
        response = await request(
            self.client, "POST", self._url(batch, "messages"), data=data, auth=self._auth
        )
        answer = body_json(response)
        if response.status_code == 404:
            raise ProviderError(
                self.name,
                f"does not know the domain of '{self._url(batch, 'messages')}': {_detail(answer, response)}",
                "set provider.domain to your Mailgun sending domain (EU accounts: base_url = "
                '"https://api.eu.mailgun.net")',
            )
        check(response, self.name, _detail(answer, response), auth_hint(self.name, self._env))
        message_id = str(answer.get("id", "")) if isinstance(answer, dict) else ""
        return all_results(batch, True, message_id)

    async def accepted(self, batch: Batch) -> dict[int, str]:
        """Page through the issue's 'accepted' events since the batch was claimed; keep this batch's."""
        wanted = batch.by_email()
        since = (batch.claimed_at.timestamp() if batch.claimed_at else time.time() - 86400) - SKEW
        params: dict[str, Any] | None = {
            "event": "accepted", "tags": batch.letter.issue_id, "begin": f"{since:.0f}",
            "ascending": "yes", "limit": EVENTS_PAGE,
        }  # fmt: skip
        url, found = self._url(batch, "events"), {}
        while True:
            response = await request(self.client, "GET", url, params=params, auth=self._auth)
            answer = body_json(response)
            check(response, self.name, _detail(answer, response), auth_hint(self.name, self._env))
            items = nested(answer, "items")
            items = [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
            for item in items:
                address = str(item.get("recipient", "")).lower()
                if nested(item, "user-variables", "digest_batch") == batch.key and address in wanted:
                    found[wanted[address]] = str(nested(item, "message", "headers", "message-id") or "")
            following = nested(answer, "paging", "next")
            if not items or not isinstance(following, str) or not following:
                return found
            url, params = following, None

    def _form(self, batch: Batch) -> dict[str, str | list[str]]:
        letter = batch.letter
        html_body, text_body = letter.with_markers(MARKER)
        fields = letter.fields()
        variables = {}
        for addressee in batch.addressees:
            values = {f"{p}_{f}": v for (p, f), v in marker_values(addressee, fields).items()}
            values["list_unsubscribe"] = dict(addressee.headers).get("List-Unsubscribe", "")
            variables[addressee.email] = values
        form: dict[str, str | list[str]] = {
            "from": letter.sender,
            "to": [a.email for a in batch.addressees],
            "subject": letter.subject,
            "text": text_body,
            "html": html_body,
            "recipient-variables": orjson.dumps(variables).decode(),
            "h:List-Unsubscribe": "%recipient.list_unsubscribe%",
            "o:tag": letter.issue_id,
            "v:digest_batch": batch.key,
            "v:digest_issue": letter.issue_id,
        }
        form.update({f"h:{name}": value for name, value in letter.headers + letter.reply_header()})
        return form


def _detail(answer: Any, response: Any) -> str:
    if isinstance(answer, dict):
        return str(answer.get("message", ""))
    return str(response.text)[:200]
