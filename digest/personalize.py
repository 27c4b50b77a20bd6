"""Per-recipient placeholders: put in once at render time, filled in cheaply for each recipient."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from digest.models import Recipient

FIELDS = ("email", "name", "unsubscribe_url", "web_url")
_PLACEHOLDER = re.compile(r"%%digest:(" + "|".join(FIELDS) + r")%%")


def placeholder(field: str) -> str:
    """The marker a template emits where a recipient's value goes."""
    if field not in FIELDS:
        raise KeyError(field)
    return f"%%digest:{field}%%"


class RecipientPlaceholders:
    """What templates see as ``recipient``: every attribute is a placeholder, filled in later."""

    email = placeholder("email")
    name = placeholder("name")
    unsubscribe_url = placeholder("unsubscribe_url")
    web_url = placeholder("web_url")


class Template:
    """A compiled document split at its placeholders, so filling it is one join per recipient."""

    def __init__(self, document: str, *, escape: bool) -> None:
        self._parts = _PLACEHOLDER.split(document)
        self._escape = escape

    @property
    def fields(self) -> frozenset[str]:
        """The placeholder names the document uses."""
        return frozenset(self._parts[1::2])

    def fill(self, values: Mapping[str, str]) -> str:
        """Substitute each placeholder (HTML-escaped where the document is HTML)."""
        parts = self._parts[:]
        for index in range(1, len(parts), 2):
            value = values[parts[index]]
            parts[index] = html.escape(value, quote=True) if self._escape else value
        return "".join(parts)


def recipient_values(recipient: Recipient, web_url: str) -> dict[str, str]:
    """The placeholder values for one recipient."""
    return {
        "email": recipient.email,
        "name": recipient.name,
        "unsubscribe_url": recipient.unsubscribe_url,
        "web_url": web_url,
    }
