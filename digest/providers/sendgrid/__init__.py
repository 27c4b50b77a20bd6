"""SendGrid: personalizations to /v3/mail/send, signed event webhooks."""

from digest.providers.registry import Plugin
from digest.providers.sendgrid.sender import SendGridProvider
from digest.providers.sendgrid.webhook import SendGridWebhook

plugin = Plugin("sendgrid", SendGridProvider, webhook=SendGridWebhook)

__all__ = ["SendGridProvider", "SendGridWebhook", "plugin"]
