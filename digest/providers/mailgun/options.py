"""Mailgun's own [provider] keys."""

from __future__ import annotations

from digest.providers.registry import Options


class MailgunOptions(Options):
    """The sending domain ('' : the domain of the newsletter's from address)."""

    domain: str = ""
