"""SES's own [provider] keys."""

from __future__ import annotations

from digest.providers.registry import Options


class SesOptions(Options):
    """The region to send from, and the variable holding the access key id (the secret is api_key_env's)."""

    region: str = "us-east-1"
    access_key_env: str = "AWS_ACCESS_KEY_ID"
