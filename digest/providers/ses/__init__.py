"""Amazon SES v2: SigV4-signed bulk sends with an inline template, SNS-delivered webhooks."""

from digest.providers.registry import Plugin
from digest.providers.ses.options import SesOptions
from digest.providers.ses.sender import SesProvider
from digest.providers.ses.webhook import SesWebhook

plugin = Plugin("ses", SesProvider, SesOptions, SesWebhook)

__all__ = ["SesOptions", "SesProvider", "SesWebhook", "plugin"]
