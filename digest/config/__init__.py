"""Read and validate schedule.toml into one frozen ``Config``; report every problem with its key."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, PrivateAttr, ValidationError, field_validator, model_validator

from digest.config.alerts import AlertsConfig, SchedulerConfig
from digest.config.base import DEFAULT_CONFIG, DEFAULT_TEMPLATES, _Model
from digest.config.desk import DeskConfig
from digest.config.locate import describe_errors, key_path, locate_key
from digest.config.newsletter import (
    FetchConfig,
    LinksConfig,
    LintConfig,
    MirrorConfig,
    NewsletterConfig,
    SectionsConfig,
    SourceConfig,
    TeaserConfig,
)
from digest.config.service import ProviderConfig, ServerConfig, StoreConfig, WebhooksConfig
from digest.config.theme import ThemeConfig, ThemeOverrides, Values, check_value_names
from digest.errors import ConfigError

__all__ = [
    "DEFAULT_CONFIG",
    "DEFAULT_TEMPLATES",
    "AlertsConfig",
    "Config",
    "DeskConfig",
    "FetchConfig",
    "LinksConfig",
    "LintConfig",
    "MirrorConfig",
    "NewsletterConfig",
    "ProviderConfig",
    "SchedulerConfig",
    "SectionsConfig",
    "ServerConfig",
    "SourceConfig",
    "StoreConfig",
    "TeaserConfig",
    "ThemeConfig",
    "ThemeOverrides",
    "Values",
    "WebhooksConfig",
    "describe_errors",
    "key_path",
    "load_config",
    "locate_key",
]


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
    values: Values = Field(default_factory=dict)  # shared by every newsletter; a newsletter's own win

    _values = field_validator("values")(check_value_names)
    desk: DeskConfig = DeskConfig()
    alerts: AlertsConfig = AlertsConfig()
    scheduler: SchedulerConfig = SchedulerConfig()

    @model_validator(mode="before")
    @classmethod
    def _tables(cls, data: Any) -> Any:
        """Absent tables are validated as empty ones, so their defaults resolve like written values."""
        if isinstance(data, dict):
            data = {"store": {}, "provider": {}, "server": {}, "fetch": {}, "lint": {}, "theme": {}, **data}
        return data

    @model_validator(mode="after")
    def _shared_values(self) -> Config:
        """Each newsletter sees the shared [values] under its own (a newsletter's key wins)."""
        if self.values:
            for name, newsletter in self.newsletters.items():
                merged = {**self.values, **newsletter.values}
                self.newsletters[name] = newsletter.model_copy(update={"values": merged})
        return self

    def theme_for(self, name: str) -> ThemeConfig:
        """A newsletter's theme: [theme] with its own [newsletters.NAME.theme] keys in place."""
        return self.theme.merged(self.newsletters[name].theme)

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
