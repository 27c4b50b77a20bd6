"""Config problems as 'line N: key.path: why', located in the TOML text."""

from __future__ import annotations

import re
from typing import Any

from pydantic import (
    ValidationError,
)


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
