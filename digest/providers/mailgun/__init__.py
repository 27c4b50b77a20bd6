"""Mailgun: recipient-variables batches, the events API to reconcile, HMAC-signed webhooks."""

from digest.providers.mailgun.options import MailgunOptions
from digest.providers.mailgun.sender import MailgunProvider
from digest.providers.mailgun.webhook import MailgunWebhook
from digest.providers.registry import Plugin

plugin = Plugin("mailgun", MailgunProvider, MailgunOptions, MailgunWebhook)

__all__ = ["MailgunOptions", "MailgunProvider", "MailgunWebhook", "plugin"]
