"""The look of the email: the shared [theme], a newsletter's overrides, and editors' free values."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, field_validator

from digest.config.base import _Model

Value = str | int | float | bool
Values = dict[str, Value]
_NAME = re.compile(r"[A-Za-z_]\w*")


def check_value_names(values: Values) -> Values:
    """Each key of a values table must be usable as ``values.KEY`` in a template."""
    for key in values:
        if not _NAME.fullmatch(key):
            raise ValueError(f"'{key}' is not a name a template can use (letters, digits and _)")
    return values


def _hex(value: str | None) -> str | None:
    if value is not None and not re.fullmatch(r"#(?:[0-9a-fA-F]{3}){1,2}", value):
        raise ValueError(f"'{value}' is not a colour like '#1d3557'")
    return value


_NOT_IN_A_FONT = re.compile(r"[^\w \-,'\"]")
_COLOURS = ("brand_color", "accent_color", "text_color", "background_color")


class ThemeConfig(_Model):
    """The look of the email that editors can change without touching MJML."""

    brand_color: str = "#1d3557"
    accent_color: str = "#e63946"
    text_color: str = "#222222"
    background_color: str = "#f4f1ea"
    font_family: str = "Georgia, 'Times New Roman', serif"
    logo_url: str = ""
    width: Annotated[int, Field(ge=320, le=900)] = 600

    _colours = field_validator(*_COLOURS)(_hex)

    def css_font(self) -> str:
        """font_family as it can go into a style sheet of a web page.

        HTML escapes are not decoded inside <style>, so the value is written as it is: anything but
        names, quotes and commas (a brace, a semicolon, a "<") could end the rule or the element, and
        is dropped.
        """
        return _NOT_IN_A_FONT.sub("", self.font_family) or "serif"

    def merged(self, overrides: ThemeOverrides) -> ThemeConfig:
        """This theme with a newsletter's own values in place of the shared ones."""
        changes = overrides.model_dump(exclude_none=True)
        return self.model_copy(update=changes) if changes else self


class ThemeOverrides(_Model):
    """[newsletters.X.theme]: the keys of [theme] this newsletter sets differently."""

    brand_color: str | None = None
    accent_color: str | None = None
    text_color: str | None = None
    background_color: str | None = None
    font_family: str | None = None
    logo_url: str | None = None
    width: Annotated[int, Field(ge=320, le=900)] | None = None

    _colours = field_validator(*_COLOURS)(_hex)
