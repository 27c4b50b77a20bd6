"""The [desk] table: the editors' desk in the browser, who may log in to it, where tests go."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from digest.config.base import _Model

ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class DeskConfig(_Model):
    """Who may use the desk (`digest desk`, and /desk on `digest serve` when enabled) and its test list.

    On 127.0.0.1 the desk needs no login; anywhere else (and always on `digest serve`) it asks for
    the token held by the environment variable ``token_env``: never the token itself.
    """

    enabled: bool = False  # mount /desk on `digest serve`
    token_env: str = "DIGEST_DESK_TOKEN"
    test_addresses: list[str] = Field(default_factory=list)  # where "send a test to me" may send

    @field_validator("token_env")
    @classmethod
    def _env_name(cls, value: str) -> str:
        if not ENV_NAME.fullmatch(value):
            raise ValueError(f"'{value}' is not the name of an environment variable, e.g. DIGEST_DESK_TOKEN")
        return value

    @field_validator("test_addresses")
    @classmethod
    def _addresses(cls, values: list[str]) -> list[str]:
        if not values:
            return values
        # Imported here: reading a config without test addresses stays light (`digest next`).
        from email_validator import EmailNotValidError, validate_email

        checked = []
        for value in values:
            try:
                # As digest.subscriber_csv normalizes (importing it here would import the store).
                checked.append(validate_email(value.strip(), check_deliverability=False).normalized.lower())
            except EmailNotValidError as exc:
                raise ValueError(f"'{value}' is not an email address: {exc}") from None
        return checked
