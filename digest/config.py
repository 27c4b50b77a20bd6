"""Read and validate schedule.toml into one frozen ``Config``; report every problem with its key."""

from __future__ import annotations

import re
import tomllib
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from digest.errors import ConfigError
from digest.schedule import Schedule, parse_duration, parse_schedule

DEFAULT_CONFIG = "schedule.toml"
DEFAULT_TEMPLATES = Path(__file__).resolve().parent / "templates"
PROVIDERS = ("outbox", "postmark", "sendgrid", "mailgun", "resend", "ses", "smtp")


class _Model(BaseModel):
    """Base for every config table: frozen, and unknown keys are errors."""

    # validate_default: default paths resolve against the config folder like written ones.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, validate_default=True)


def _base_dir(info: ValidationInfo) -> Path:
    context = info.context or {}
    return Path(context.get("base_dir", "."))


def _is_url(value: str) -> bool:
    return urlsplit(value).scheme in ("http", "https")


def _resolve_path(value: str, info: ValidationInfo) -> str:
    """Resolve a relative path against the config file's folder; URLs pass through."""
    if not value or _is_url(value):
        return value
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else (_base_dir(info) / path).resolve())


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
    documented defaults; a rate of 0 means no limit.
    """

    name: Literal["outbox", "postmark", "sendgrid", "mailgun", "resend", "ses", "smtp"] = "outbox"
    api_key_env: str = ""
    base_url: str = ""
    outbox_dir: str = "outbox"
    batch_size: Annotated[int, Field(ge=1, le=1000)] | None = None
    concurrency: Annotated[int, Field(ge=1, le=64)] | None = None
    requests_per_s: Annotated[float, Field(ge=0)] | None = None
    messages_per_s: Annotated[float, Field(ge=0)] | None = None
    timeout: Annotated[float, Field(gt=0, le=600)] = 30.0
    max_retries: Annotated[int, Field(ge=0, le=100)] = 8
    backoff: Annotated[float, Field(ge=0, le=60)] = 0.5
    backoff_max: Annotated[float, Field(ge=0, le=3600)] = 30.0
    max_attempts: Annotated[int, Field(ge=1, le=100)] = 3
    on_uncertain: Literal["resend", "skip"] = "resend"
    error_budget: Annotated[float, Field(gt=0, le=1)] = 0.25
    error_window: Annotated[int, Field(ge=10)] = 1000
    lock_ttl: Annotated[float, Field(ge=1, le=3600)] = 60.0
    reconcile_delay: Annotated[float, Field(ge=0, le=600)] = 5.0
    message_stream: str = "broadcast"
    domain: str = ""
    region: str = "us-east-1"
    access_key_env: str = "AWS_ACCESS_KEY_ID"

    _paths = field_validator("outbox_dir")(_resolve_path)


class WebhooksConfig(_Model):
    """How each provider's feedback webhook is authenticated: environment variable names, never secrets."""

    postmark_auth_env: str = "POSTMARK_WEBHOOK_AUTH"  # holds "user:password" (basic auth in the URL)
    sendgrid_key_env: str = "SENDGRID_WEBHOOK_KEY"  # the signed event webhook's public key
    mailgun_key_env: str = "MAILGUN_WEBHOOK_KEY"  # the HTTP webhook signing key
    resend_secret_env: str = "RESEND_WEBHOOK_SECRET"  # the Svix signing secret, whsec_...
    ses_topics: list[str] = []  # SNS topic ARNs whose notifications are accepted (not secret)
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


class MirrorConfig(_Model):
    """Read every URL under ``url`` from the local folder ``dir`` instead of the network."""

    url: str
    dir: str

    _paths = field_validator("dir")(_resolve_path)

    @field_validator("url")
    @classmethod
    def _base(cls, value: str) -> str:
        if not _is_url(value):
            raise ValueError(f"must be an absolute http(s) URL, got '{value}'")
        return value.rstrip("/") + "/"


class SourceConfig(_Model):
    """One feed (RSS, Atom or JSON Feed) by URL or path."""

    url: str
    pages: bool = False
    mirror: MirrorConfig | None = None
    section: str = ""
    include: list[str] = []
    exclude: list[str] = []

    @field_validator("include", "exclude")
    @classmethod
    def _rules(cls, rules: list[str]) -> list[str]:
        for rule in rules:
            kind, _, value = rule.partition(":")
            if kind not in ("category", "url") or not value.strip():
                raise ValueError(
                    f"'{rule}' is not a filter; write 'category:NAME' or 'url:PATTERN' (* matches anything)"
                )
        return rules

    @field_validator("url")
    @classmethod
    def _url_or_path(cls, value: str, info: ValidationInfo) -> str:
        if not value.strip():
            raise ValueError("must be a feed URL or a path, not empty")
        scheme = urlsplit(value).scheme
        if scheme and len(scheme) > 1 and scheme not in ("http", "https"):
            raise ValueError(f"scheme '{scheme}' is not supported (use http, https or a path)")
        return _resolve_path(value, info)


class FetchConfig(_Model):
    """How feeds and pages are fetched: politely, in parallel, within limits."""

    concurrency: Annotated[int, Field(ge=1, le=256)] = 32
    per_host: Annotated[int, Field(ge=1, le=64)] = 8
    timeout: Annotated[float, Field(gt=0, le=300)] = 20.0
    max_redirects: Annotated[int, Field(ge=0, le=20)] = 5
    max_bytes: Annotated[int, Field(ge=1024)] = 5 * 1024 * 1024


class LintConfig(_Model):
    """Limits the rendered email is checked against before every send."""

    warn_kb: Annotated[int, Field(ge=1)] = 90
    max_kb: Annotated[int, Field(ge=1)] = 102  # Gmail clips messages past about 102 KB of HTML
    max_subject: Annotated[int, Field(ge=10)] = 78
    clip_budget: bool = True  # shorten the issue to fit max_kb instead of refusing to send

    @model_validator(mode="after")
    def _ordered(self) -> LintConfig:
        if self.warn_kb > self.max_kb:
            raise ValueError(f"warn_kb ({self.warn_kb}) exceeds max_kb ({self.max_kb})")
        return self


class TeaserConfig(_Model):
    """How long a teaser's lede may be and what its link says."""

    min_words: Annotated[int, Field(ge=1)] = 40
    max_words: Annotated[int, Field(ge=10)] = 120
    keep_reading: str = "keep reading"

    @model_validator(mode="after")
    def _ordered(self) -> TeaserConfig:
        if self.min_words > self.max_words:
            raise ValueError(f"min_words ({self.min_words}) exceeds max_words ({self.max_words})")
        return self


class SectionsConfig(_Model):
    """How teasers are grouped: names mapped, an order, a rule by URL path, a default."""

    order: list[str] = []
    rename: dict[str, str] = {}
    from_url: dict[str, str] = {}
    default: str = "More"

    def name_for(self, section: str, url: str) -> str:
        """The section a teaser is shown under: its own (renamed), else by URL path, else the default."""
        if section:
            renamed = {k.casefold(): v for k, v in self.rename.items()}
            return renamed.get(section.casefold(), section)
        path = urlsplit(url).path
        for fragment, name in self.from_url.items():
            if fragment in path:
                return name
        return self.default


class NewsletterConfig(_Model):
    """One newsletter: who it is from, which list gets it, its sources and its schedule."""

    title: str
    sender: str = Field(alias="from")
    list_name: str = Field(alias="list")
    postal_address: str
    send_at: str = "fri 09:00"
    timezone: str = "UTC"
    window_days: Annotated[int, Field(ge=1, le=366)] = 7
    max_articles: Annotated[int, Field(ge=1, le=200)] = 15
    subject: str = "{{ newsletter.title }}: {{ issue.lead.title }}"
    intro: str = ""
    sources: Annotated[list[SourceConfig], Field(min_length=1)]
    teaser: TeaserConfig = TeaserConfig()
    sections: SectionsConfig = SectionsConfig()
    drafts_dir: str = "drafts"
    templates: str = ""  # a folder whose files override single default templates
    max_lateness: str = "6h"  # after downtime, a later send is skipped and reported
    draft_ahead: str = ""  # e.g. "24h": build the draft and a preview that long before the send
    approval: Literal["none", "required"] = "none"
    skip_if_empty: bool = True

    _drafts = field_validator("drafts_dir", "templates")(_resolve_path)

    @field_validator("send_at")
    @classmethod
    def _send_at(cls, value: str) -> str:
        parse_schedule(value, "UTC")  # the syntax; the zone is checked on its own key
        return value

    @field_validator("max_lateness", "draft_ahead")
    @classmethod
    def _duration(cls, value: str) -> str:
        if value:
            parse_duration(value)
        return value

    @property
    def schedule(self) -> Schedule:
        """When this newsletter goes out."""
        return parse_schedule(self.send_at, self.timezone)

    @property
    def lateness(self) -> timedelta:
        """How late a send may still go out after downtime."""
        return parse_duration(self.max_lateness)

    @field_validator("sender")
    @classmethod
    def _address(cls, value: str) -> str:
        _, address = parseaddr(value)
        if "@" not in address:
            raise ValueError(f"'{value}' is not an address like 'Name <newsletter@example.org>'")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # "Europe" is a folder: OSError
            raise ValueError(f"'{value}' is not an IANA time zone such as 'Europe/Paris'") from None
        return value


class ThemeConfig(_Model):
    """The look of the email that editors can change without touching MJML."""

    brand_color: str = "#1d3557"
    accent_color: str = "#e63946"
    text_color: str = "#222222"
    background_color: str = "#f4f1ea"
    font_family: str = "Georgia, 'Times New Roman', serif"
    logo_url: str = ""
    width: Annotated[int, Field(ge=320, le=900)] = 600

    @field_validator("brand_color", "accent_color", "text_color", "background_color")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not re.fullmatch(r"#(?:[0-9a-fA-F]{3}){1,2}", value):
            raise ValueError(f"'{value}' is not a colour like '#1d3557'")
        return value


class Config(_Model):
    """The whole of schedule.toml."""

    _path: str = PrivateAttr("")
    store: StoreConfig = StoreConfig()
    provider: ProviderConfig = ProviderConfig()
    server: ServerConfig = ServerConfig()
    fetch: FetchConfig = FetchConfig()
    lint: LintConfig = LintConfig()
    newsletters: Annotated[dict[str, NewsletterConfig], Field(min_length=1)]
    theme: ThemeConfig = ThemeConfig()

    @model_validator(mode="before")
    @classmethod
    def _tables(cls, data: Any) -> Any:
        """Absent tables are validated as empty ones, so their defaults resolve like written values."""
        if isinstance(data, dict):
            data = {"store": {}, "provider": {}, "server": {}, "fetch": {}, "lint": {}, "theme": {}, **data}
        return data

    @property
    def path(self) -> str:
        """The config file this was read from (absolute)."""
        return self._path

    @property
    def base_dir(self) -> Path:
        """The folder of the config file, against which relative paths resolve."""
        return Path(self.path).parent

    @property
    def templates_dir(self) -> Path:
        """The editors' template folder beside the config file."""
        return self.base_dir / "templates"

    def template_dirs(self, name: str) -> tuple[Path, ...]:
        """Where a newsletter's templates are looked up, first match wins; the defaults come last."""
        own = self.newsletters[name].templates
        dirs = [Path(own)] if own else []
        return (*dirs, self.templates_dir, DEFAULT_TEMPLATES)

    def newsletter(self, name: str | None) -> tuple[str, NewsletterConfig]:
        """Return the named newsletter, or the only/first one when no name is given."""
        if name is None:
            first = next(iter(self.newsletters))
            return first, self.newsletters[first]
        if name not in self.newsletters:
            known = ", ".join(sorted(self.newsletters))
            raise ConfigError(self.path, [f"newsletters.{name}: no such newsletter"], f"use one of: {known}")
        return name, self.newsletters[name]


def load_config(path: str | Path = DEFAULT_CONFIG) -> Config:
    """Read and validate a config file; raise ConfigError listing every problem with its key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            str(path),
            ["file not found"],
            "pass -c PATH, or run digest from the folder of schedule.toml",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), [f"cannot be read: {exc}"]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), [f"not valid TOML: {exc}"]) from None
    return _validate(path, text, data)


def _validate(path: Path, text: str, data: dict[str, Any]) -> Config:
    try:
        config = Config.model_validate(data, context={"base_dir": path.resolve().parent})
    except ValidationError as exc:
        raise ConfigError(str(path), describe_errors(text, exc)) from None
    config._path = str(path.resolve())
    return config


def describe_errors(text: str, error: ValidationError) -> list[str]:
    """Each validation problem as 'line N: key.path: why', in the order of the TOML file."""
    located = [(_line(text, err), _describe(text, err)) for err in error.errors()]
    located.sort(key=lambda item: item[0] or 10**9)  # unlocated ones last
    return [problem for _, problem in located]


def _line(text: str, err: Any) -> int | None:
    return locate_key(text, _loc(err))


def _loc(err: Any) -> tuple[Any, ...]:
    return tuple(part for part in err["loc"] if part not in ("function-after", "function-before"))


def _describe(text: str, err: Any) -> str:
    loc = _loc(err)
    key = key_path(loc)
    kind = err["type"]
    if kind == "extra_forbidden":
        why = "unknown key"
    elif kind == "missing":
        why = "required key is missing"
    else:
        why = err["msg"].removeprefix("Value error, ")
        if kind not in ("value_error", "assertion_error") and not isinstance(err["input"], dict):
            why += f" (got {err['input']!r})"
    return f"{_where(text, loc)}{key}: {why}"


def key_path(loc: tuple[Any, ...]) -> str:
    """Format a location like ``newsletters.weekly.sources[1].url``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out or "(top level)"


def _where(text: str, loc: tuple[Any, ...]) -> str:
    line = locate_key(text, loc)
    return f"line {line}: " if line else ""


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"'. ]+?)\s*=")


def locate_key(text: str, loc: tuple[Any, ...]) -> int | None:
    """Best-effort line number (1-based) of the key at ``loc`` in a TOML document."""
    table: tuple[Any, ...] = ()
    arrays: dict[tuple[Any, ...], int] = {}
    best, best_len = None, 0
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            names = tuple(_split_dotted(header.group(2)))
            if header.group(1) == "[[":
                arrays[names] = arrays.get(names, -1) + 1
                table = (*names, arrays[names])
            else:
                table = names
            here = table
        elif key := _KEY.match(line):
            here = (*table, *_split_dotted(key.group(1)))
        else:
            continue
        matched = _common_prefix(here, loc)
        if matched == len(here) and matched > best_len:
            best, best_len = number, matched
    return best


def _split_dotted(name: str) -> list[str]:
    return [part.strip().strip("\"'") for part in name.split(".")]


def _common_prefix(here: tuple[Any, ...], loc: tuple[Any, ...]) -> int:
    count = 0
    for a, b in zip(here, loc, strict=False):
        if a != b:
            break
        count += 1
    return count
