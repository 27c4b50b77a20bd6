"""Config tables of the services digest talks to: the store, the email provider, the web server."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails

from digest.config.base import _is_url, _Model, _resolve_path


class StoreConfig(_Model):
    """Where subscribers, issues and the delivery ledger live."""

    url: str = "sqlite:///subscribers/digest.sqlite3"

    @field_validator("url")
    @classmethod
    def _resolve_sqlite(cls, value: str, info: ValidationInfo) -> str:
        prefix = "sqlite:///"
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must start with sqlite:/// or postgresql+psycopg://")
        if value.startswith(prefix) and not value.startswith(prefix + "/") and value != prefix:
            return prefix + _resolve_path(value.removeprefix(prefix), info)
        return value


class ProviderConfig(_Model):
    """Which email provider sends the issue, and how: the API key is named by environment variable.

    Unset limits (batch_size, concurrency, requests_per_s, messages_per_s) take the provider's
    documented defaults; a rate of 0 means no limit. Keys of one provider only (Postmark's
    message_stream, SES's region, …) are validated by that provider's own options model
    (``options``): the name decides which keys are known.
    """

    model_config = ConfigDict(extra="allow")
    _options: BaseModel | None = PrivateAttr(None)

    name: str = "outbox"
    api_key_env: str = ""
    base_url: str = ""
    outbox_dir: str = "outbox"  # the outbox provider's folder, and where --dry-run writes
    batch_size: Annotated[int, Field(ge=1, le=1000)] | None = None
    concurrency: Annotated[int, Field(ge=1, le=64)] | None = None
    requests_per_s: Annotated[float, Field(ge=0)] | None = None
    messages_per_s: Annotated[float, Field(ge=0)] | None = None
    timeout: Annotated[float, Field(gt=0, le=600)] = 30.0
    max_retries: Annotated[int, Field(ge=0, le=100)] = 8
    backoff: Annotated[float, Field(ge=0, le=60)] = 0.5
    backoff_max: Annotated[float, Field(ge=0, le=3600)] = 30.0
    # The longest wait a provider's Retry-After gets; a longer one is cut to this.
    max_retry_after: Annotated[float, Field(ge=0, le=3600)] = 300.0
    max_attempts: Annotated[int, Field(ge=1, le=100)] = 3
    on_uncertain: Literal["resend", "skip"] = "resend"
    error_budget: Annotated[float, Field(gt=0, le=1)] = 0.25
    error_window: Annotated[int, Field(ge=10)] = 1000
    lock_ttl: Annotated[float, Field(ge=1, le=3600)] = 60.0
    reconcile_delay: Annotated[float, Field(ge=0, le=600)] = 5.0

    _paths = field_validator("outbox_dir")(_resolve_path)

    @field_validator("name")
    @classmethod
    def _registered(cls, value: str) -> str:
        from digest.providers.registry import available

        if value not in available():
            raise ValueError(
                f"'{value}' is not a provider of this installation; use one of: {', '.join(available())}"
            )
        return value

    @model_validator(mode="wrap")
    @classmethod
    def _provider_options(cls, data: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
        """Validate the keys of the named provider with its own options model, errors at their keys."""
        from digest.providers.registry import plugin

        config = handler(data)
        if not isinstance(config, ProviderConfig):
            return config
        model = plugin(config.name).options
        try:
            config._options = model.model_validate(config.model_extra or {}, context=info.context)
        except ValidationError as exc:
            details = [
                InitErrorDetails(type=e["type"], loc=e["loc"], input=e["input"], ctx=e.get("ctx", {}))
                for e in exc.errors()
            ]
            raise ValidationError.from_exception_data(cls.__name__, details) from None
        return config

    @property
    def options(self) -> BaseModel:
        """The named provider's own keys, validated by its options model."""
        if self._options is None:
            from digest.providers.registry import plugin

            self._options = plugin(self.name).options()
        return self._options


class WebhooksConfig(_Model):
    """How each provider's feedback webhook is authenticated: environment variable names, never secrets."""

    postmark_auth_env: str = "POSTMARK_WEBHOOK_AUTH"  # holds "user:password" (basic auth in the URL)
    sendgrid_key_env: str = "SENDGRID_WEBHOOK_KEY"  # the signed event webhook's public key
    mailgun_key_env: str = "MAILGUN_WEBHOOK_KEY"  # the HTTP webhook signing key
    resend_secret_env: str = "RESEND_WEBHOOK_SECRET"  # the Svix signing secret, whsec_...
    ses_topics: list[str] = Field(
        default_factory=list
    )  # SNS topic ARNs whose notifications are accepted (not secret)
    max_age: Annotated[int, Field(ge=30, le=86400)] = 900  # seconds a signed timestamp stays valid

    @field_validator("ses_topics")
    @classmethod
    def _arns(cls, value: list[str]) -> list[str]:
        for arn in value:
            if not re.fullmatch(r"arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+", arn):
                raise ValueError(f"'{arn}' is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)")
        return value


class ServerConfig(_Model):
    """Where the web endpoints (unsubscribe, confirm, archive) are served and how tokens are signed."""

    public_url: str = "http://127.0.0.1:8025"
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 8025
    secret_env: str = "DIGEST_SECRET"
    confirm_days: Annotated[int, Field(ge=1, le=90)] = 7  # a double opt-in link expires after this
    subscribe_limit: Annotated[int, Field(ge=1)] = 5  # subscribe requests per IP address ...
    subscribe_window: Annotated[int, Field(ge=1)] = 3600  # ... per this many seconds
    soft_bounce_limit: Annotated[int, Field(ge=1)] = 3  # soft bounces before an address is suppressed
    webhooks: WebhooksConfig = WebhooksConfig()

    @field_validator("public_url")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not _is_url(value):
            raise ValueError(f"must be an absolute http(s) URL, got '{value}'")
        return value.rstrip("/")
