"""MJML's component table (mjml_rules.json): tags, their children and attributes, and value types."""

from __future__ import annotations

import difflib
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

RULES_FILE = Path(__file__).resolve().parent / "mjml_rules.json"

_COLOUR = re.compile(r"#(?:[0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})|(?:rgba?|hsla?)\([^()]*\)", re.I)
_UNIT_TYPE = re.compile(r"unit\(([^)]*)\)(?:\{(\d),(\d)\})?")
_ENUM_TYPE = re.compile(r"enum\(([^)]*)\)")


@dataclass(frozen=True, slots=True)
class Component:
    """One MJML tag: which tags it may contain, its attributes and their types, whether it holds HTML."""

    name: str
    children: frozenset[str]
    attributes: dict[str, str]
    raw: bool

    def attribute_type(self, attribute: str) -> str | None:
        """The type of an attribute this tag accepts (``*`` accepts any name), or None."""
        return self.attributes.get(attribute) or self.attributes.get("*")


@dataclass(frozen=True, slots=True)
class Rules:
    """Every known component, and the tag allowed anywhere (mj-include)."""

    components: dict[str, Component]
    everywhere: frozenset[str]
    colours: frozenset[str]

    def parents_of(self, tag: str) -> list[str]:
        """The tags that may contain ``tag``."""
        return sorted(n for n, c in self.components.items() if tag in c.children)

    def similar_tag(self, tag: str) -> str | None:
        """The known tag closest to a misspelt one."""
        found = difflib.get_close_matches(tag, list(self.components), n=1, cutoff=0.6)
        return found[0] if found else None


@functools.cache
def rules() -> Rules:
    """The table, read once from the data file."""
    data = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    shared, head = data["body_attributes"], set(data["head_tags"])
    components = {}
    for name, spec in data["components"].items():
        attributes = dict(spec["attributes"])
        if name.startswith("mj-") and name not in head:  # body components take css-class and mj-class
            attributes = {**attributes, **shared}
        components[name] = Component(name, frozenset(spec["children"]), attributes, bool(spec.get("raw")))
    return Rules(components, frozenset(data["everywhere"]), frozenset(data["named_colours"]))


def value_problem(kind: str, value: str) -> str | None:
    """Why a value does not fit an MJML attribute type (None when it does)."""
    text = value.strip()
    if kind == "color":
        ok = bool(_COLOUR.fullmatch(text)) or text.lower() in rules().colours
        return None if ok else "is not a colour; write one like '#1d3557'"
    if kind == "integer":
        return None if text.isdigit() else "is not a whole number"
    if kind == "boolean":
        return None if text in ("true", "false") else "is not 'true' or 'false'"
    if enum := _ENUM_TYPE.fullmatch(kind):
        allowed = enum.group(1).split(",")
        return None if text in allowed else f"is not one of: {', '.join(a or '(empty)' for a in allowed)}"
    if unit := _UNIT_TYPE.fullmatch(kind):
        return _unit_problem(text, unit.group(1).split(","), int(unit.group(2) or 1), int(unit.group(3) or 1))
    return None


def _unit_problem(text: str, units: list[str], least: int, most: int) -> str | None:
    named = [u for u in units if u.isalpha() and u not in ("px", "em", "rem")]  # keywords such as 'auto'
    suffixes = [u for u in units if u not in named]  # '' (no unit) allows a bare number, as line-height
    number = r"-?(?:\d+(?:\.\d*)?|\.\d+)"
    one = rf"(?:{number}(?:{'|'.join(re.escape(s) for s in suffixes)})|0{''.join('|' + n for n in named)})"
    parts = text.split()
    if least <= len(parts) <= most and all(re.fullmatch(one, p) for p in parts):
        return None
    shown = ", ".join(u or "no unit" for u in units)
    count = f"{least} to {most} values" if most > 1 else "one value"
    return f"is not {count} in {shown} (e.g. '{'10' + (suffixes[0] if suffixes else '')}')"
