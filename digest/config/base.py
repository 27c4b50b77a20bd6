"""The base of every config table: frozen, unknown keys are errors, paths resolve against the file."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationInfo,
)

DEFAULT_CONFIG = "schedule.toml"
DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


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
