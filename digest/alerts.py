"""Alerts: what happened, what digest did, and the command that fixes it — to an editor and a webhook.

An alert goes to ``[alerts] email`` through the configured provider and/or to the webhook whose URL
is in ``webhook_url_env`` as Slack-compatible JSON (``{"text": …}``, which Mattermost and Discord's
``/slack`` endpoints take too). Each alert has a key (its trigger, newsletter and slot); the store
remembers the keys sent, so the same alert never goes out twice, whichever process notices it.
"""

from __future__ import annotations

import hashlib
import html
import logging
from dataclasses import dataclass
from datetime import datetime

import httpx

from digest.config import AlertsConfig
from digest.providers.base import Provider
from digest.providers.letter import Addressee, Batch, Letter
from digest.store import Store

log = logging.getLogger("digest.alerts")
WEBHOOK_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert: a key that makes it once-only, and its three parts."""

    key: str  # e.g. "send-failed:weekly:2026-11-27"
    title: str
    happened: str
    did: str
    fix: str

    def text(self) -> str:
        """The alert as plain text (the email body, the webhook message)."""
        parts = (
            self.title,
            f"What happened: {self.happened}",
            f"What digest did: {self.did}",
            f"To fix it: {self.fix}",
        )
        return "\n".join(parts)


def alert_letter(alert: Alert, sender: str) -> Letter:
    """The alert as an email from the newsletter's sender (no placeholders: nothing is filled in)."""
    body = "".join(f"<p>{html.escape(line)}</p>" for line in alert.text().splitlines())
    return Letter(
        f"alert-{alert.key.split(':', 1)[0]}", sender, f"[digest] {alert.title}", body, alert.text()
    )


@dataclass(frozen=True, slots=True)
class AlertChannels:
    """Where alerts go: the editor's address (through ``provider``) and the webhook; either may be unset."""

    settings: AlertsConfig
    sender: str
    provider: Provider | None  # the configured provider, open; None when no email is to be sent
    client: httpx.AsyncClient  # for the webhook

    async def deliver(self, alert: Alert) -> bool:
        """Send one alert to every channel; True when at least one took it."""
        sent = []
        if self.settings.email and self.provider is not None:
            sent.append(await self._email(alert))
        url = self.settings.webhook_url()
        if url:
            sent.append(await self._webhook(alert, url))
        return any(sent)

    async def _email(self, alert: Alert) -> bool:
        assert self.provider is not None
        key = hashlib.sha256(alert.key.encode()).hexdigest()[:32]  # the provider's idempotency key
        batch = Batch(key, alert_letter(alert, self.sender), (Addressee(0, self.settings.email, "", {}),))
        try:
            outcome = await self.provider.send(batch)
        except Exception as exc:  # an alert must not end what raised it; the log keeps why
            log.error("Alert '%s' could not be emailed: %s", alert.key, exc)
            return False
        return bool(outcome.results) and all(r.accepted for r in outcome.results)

    async def _webhook(self, alert: Alert, url: str) -> bool:
        try:
            answer = await self.client.post(url, json={"text": alert.text()}, timeout=WEBHOOK_TIMEOUT)
        except httpx.HTTPError as exc:
            log.error("Alert '%s' could not be posted to the webhook: %s", alert.key, exc)
            return False
        if answer.is_success:
            return True
        log.error("Alert '%s': the webhook answered %s", alert.key, answer.status_code)
        return False


async def raise_alerts(
    store: Store, channels: AlertChannels, alerts: list[Alert], now: datetime
) -> list[Alert]:
    """Send each alert not sent before (its key claimed in the store first); the ones that went out.

    An alert no channel took is released, so that the next check tries it again.
    """
    if not channels.settings.enabled:
        return []
    sent = []
    for alert in alerts:
        if not store.watch.claim_alert(alert.key, now):
            continue
        if await channels.deliver(alert):
            sent.append(alert)
        else:
            store.watch.release_alert(alert.key)
    return sent
