"""[alerts] and [scheduler]: who hears of a send gone wrong, and how often the scheduler says it lives."""

from __future__ import annotations

import os
from typing import Annotated

from pydantic import Field, field_validator

from digest.config.base import _Model


class AlertsConfig(_Model):
    """Where alerts go (an editor's address through the provider, a Slack-compatible webhook) and when."""

    email: str = ""  # e.g. "editor@example.org": sent through the configured provider
    webhook_url_env: str = ""  # the environment variable holding a Slack/Mattermost/Discord webhook URL
    source_failures: Annotated[int, Field(ge=1)] = 3  # a source broken for this many runs in a row
    bounce_rate: Annotated[float, Field(ge=0, le=1)] = 0.05  # of an issue's deliveries
    complaint_rate: Annotated[float, Field(ge=0, le=1)] = 0.001
    approval_hours: Annotated[int, Field(ge=0)] = 12  # approval still missing this long before the slot
    scheduler_down_minutes: Annotated[int, Field(ge=1)] = 3  # a heartbeat older than this: down

    @field_validator("email")
    @classmethod
    def _address(cls, value: str) -> str:
        if value and ("@" not in value or any(c.isspace() for c in value.strip())):
            raise ValueError(f"'{value}' is not an email address")
        return value.strip()

    @property
    def enabled(self) -> bool:
        """Whether any alert can go anywhere."""
        return bool(self.email or self.webhook_url_env)

    def webhook_url(self) -> str:
        """The webhook URL from its environment variable ("" when unset)."""
        return os.environ.get(self.webhook_url_env, "").strip() if self.webhook_url_env else ""


class SchedulerConfig(_Model):
    """How the scheduler reports that it runs (its heartbeat, written to the store)."""

    heartbeat_seconds: Annotated[int, Field(ge=1, le=3600)] = 60
