"""Email providers behind one small protocol; importing this package registers the built-in ones."""

from digest.providers import mailgun as mailgun
from digest.providers import outbox as outbox
from digest.providers import postmark as postmark
from digest.providers import resend as resend
from digest.providers import sendgrid as sendgrid
from digest.providers import ses as ses
from digest.providers import smtp as smtp
from digest.providers.base import Provider, available, create_provider, register

__all__ = ["Provider", "available", "create_provider", "register"]
