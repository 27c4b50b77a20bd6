"""Resend: batches under an Idempotency-Key (a repeat is dropped), Svix-signed webhooks."""

from digest.providers.registry import Plugin
from digest.providers.resend.sender import ResendProvider
from digest.providers.resend.webhook import ResendWebhook

plugin = Plugin("resend", ResendProvider, webhook=ResendWebhook)

__all__ = ["ResendProvider", "ResendWebhook", "plugin"]
