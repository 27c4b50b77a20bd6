"""SMTP: any mail server, for self-hosted mail (no webhook: a mail server reports bounces by mail)."""

from digest.providers.registry import Plugin
from digest.providers.smtp.sender import SmtpProvider

plugin = Plugin("smtp", SmtpProvider)

__all__ = ["SmtpProvider", "plugin"]
