"""What an undefined name in a template means, and the names that do exist where it was asked for."""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from digest import models

_UNDEFINED = re.compile(r"^'(\w+)' is undefined$")
_NO_ATTRIBUTE = re.compile(r"'(?:[\w.]+\.)?(\w+) object' has no (?:attribute|element) '(\w+)'")


def explain_undefined(message: str, context: Mapping[str, Any]) -> tuple[str, str | None]:
    """The reason and hint for Jinja's undefined-name message: what exists at that level."""
    if found := _UNDEFINED.match(message):
        name = found.group(1)
        return f"'{name}' is undefined", _hint(name, sorted(context), "a template can use")
    if found := _NO_ATTRIBUTE.search(message):
        kind, attribute = found.groups()
        holder = _holder(kind, context)
        if holder is not None:
            label, names = holder
            return f"{label} has no '{attribute}'", _hint(attribute, names, "it has")
    return message, None


def _hint(wanted: str, names: list[str], has: str) -> str:
    guesses = difflib.get_close_matches(wanted, names, n=1, cutoff=0.6)
    guess = f"did you mean '{guesses[0]}'? " if guesses else ""
    return f"{guess}{has}: {', '.join(names) if names else 'nothing'}"


def _holder(kind: str, context: Mapping[str, Any]) -> tuple[str, list[str]] | None:
    """Who lacked the attribute: a value the context names, else one of the models (a Teaser)."""
    for key, value in context.items():
        if type(value).__name__ == kind:
            return f"'{key}'", attribute_names(value)
    model = getattr(models, kind, None)
    if isinstance(model, type) and dataclasses.is_dataclass(model):
        return f"a {kind}", attribute_names(model)
    return None


def attribute_names(value: Any) -> list[str]:
    """The names a template can read on a value: fields and properties, or a mapping's keys."""
    if isinstance(value, Mapping):
        return sorted(str(k) for k in value)
    kind = value if isinstance(value, type) else type(value)
    if issubclass(kind, BaseModel):
        names = list(kind.model_fields)
    elif dataclasses.is_dataclass(kind):
        names = [f.name for f in dataclasses.fields(kind)]
    else:  # a plain class and its bases (a variant's recipient is a kind of RecipientPlaceholders)
        found = (item for klass in reversed(kind.__mro__[:-1]) for item in vars(klass).items())
        names = list(dict.fromkeys(n for n, v in found if not n.startswith("_") and not callable(v)))
    return names + [n for n, v in vars(kind).items() if isinstance(v, property) and n not in names]
