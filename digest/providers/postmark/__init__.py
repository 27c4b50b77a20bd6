"""Postmark: batches to /email/batch, outbound search to reconcile, basic-auth webhooks."""

from digest.providers.postmark.options import PostmarkOptions
from digest.providers.postmark.sender import PostmarkProvider
from digest.providers.postmark.webhook import PostmarkWebhook
from digest.providers.registry import Plugin

plugin = Plugin("postmark", PostmarkProvider, PostmarkOptions, PostmarkWebhook)

__all__ = ["PostmarkOptions", "PostmarkProvider", "PostmarkWebhook", "plugin"]
