"""Segments: the part of a list a newsletter goes to, as a tiny expression language.

A segment is either a list of tags (subscribers whose ``tags`` attribute, a comma-separated list,
holds any of them) or an expression over attributes::

    attributes.country = 'DE'
    attributes.plan != 'free' and (attributes.country in ('DE', 'AT') or attributes.vip = 'yes')

Comparisons are ``=``, ``!=`` and ``in (...)``; values are single-quoted strings (``''`` is a quote);
``and`` binds tighter than ``or``; parentheses group. The parse gives a small AST which
``digest.store.segments`` compiles to a parameterized SQL condition: no text reaches SQL unbound.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NoReturn

__all__ = ["AllOf", "AnyOf", "Compare", "Segment", "SegmentError", "Tags", "parse_segment", "segment_of"]

TAGS_ATTRIBUTE = "tags"


class SegmentError(ValueError):
    """A segment that cannot be parsed: says where and what was expected."""


@dataclass(frozen=True, slots=True)
class Compare:
    """``attributes.NAME`` compared with one value (``=``, ``!=``) or several (``in``)."""

    name: str
    op: str  # "=", "!=" or "in"
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Tags:
    """Subscribers whose comma-separated ``tags`` attribute holds any of these (case-insensitive)."""

    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AllOf:
    """Every part holds (``and``)."""

    parts: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one part holds (``or``)."""

    parts: tuple[Segment, ...]


Segment = Compare | Tags | AllOf | AnyOf

_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<name>[A-Za-z_][A-Za-z0-9_-]*)|(?P<op>!=|[=().,])|(?P<bad>\S))"
)
_KEYWORDS = ("and", "or", "in")


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "string", "name", "keyword", "op", "end"
    text: str
    at: int  # 1-based column


def segment_of(value: str | Sequence[str]) -> Segment:
    """The segment a config value describes: an expression, or a list of tags."""
    if isinstance(value, str):
        return parse_segment(value)
    return tags_segment(value)


def tags_segment(tags: Sequence[str]) -> Tags:
    """A list of tags as a segment; each must be a non-empty tag without a comma."""
    cleaned = tuple(tag.strip() for tag in tags)
    if not cleaned:
        raise SegmentError('the list of tags is empty; name at least one tag, e.g. ["news"]')
    for tag in cleaned:
        if not tag or "," in tag:
            raise SegmentError(f"'{tag}' is not a tag: a tag is a non-empty word without commas")
    return Tags(cleaned)


def parse_segment(text: str) -> Segment:
    """Parse an expression such as ``attributes.country = 'DE'``; raise SegmentError when it is not one."""
    parser = _Parser(_tokens(text))
    if parser.peek().kind == "end":
        raise SegmentError("the segment is empty; write e.g. attributes.country = 'DE'")
    segment = parser.either()
    parser.expect_end()
    return segment


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while (match := _TOKEN.match(text, position)) and match.end() > position:
        kind = match.lastgroup or "bad"
        value = match.group(kind)
        at = match.start(kind) + 1
        if kind == "bad":
            problem = "a quote that is never closed" if value == "'" else f"unexpected '{value}'"
            raise SegmentError(f"column {at}: {problem}; {_EXPECTED}")
        if kind == "name" and value.lower() in _KEYWORDS:
            kind, value = "keyword", value.lower()
        tokens.append(_Token(kind, value, at))
        position = match.end()
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


_EXPECTED = "a segment is attributes.NAME = 'value', != 'value' or in ('a', 'b'), joined by and / or"


class _Parser:
    """Recursive descent: either := both ('or' both)*; both := one ('and' one)*."""

    def __init__(self, tokens: list[_Token]) -> None:
        self._tokens, self._next = tokens, 0

    def peek(self) -> _Token:
        return self._tokens[self._next]

    def take(self) -> _Token:
        token = self._tokens[self._next]
        self._next += 1
        return token

    def either(self) -> Segment:
        parts = [self.both()]
        while self._keyword("or"):
            parts.append(self.both())
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))

    def both(self) -> Segment:
        parts = [self.one()]
        while self._keyword("and"):
            parts.append(self.one())
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def one(self) -> Segment:
        if self._op("("):
            inner = self.either()
            self._need("op", ")", "')' to close the parenthesis")
            return inner
        return self.comparison()

    def comparison(self) -> Compare:
        head = self._need("name", "attributes", "attributes.NAME")
        if head.text != "attributes":
            self._fail(head, "attributes.NAME (only attributes can be compared)")
        self._need("op", ".", "'.' after 'attributes'")
        name = self._need("name", None, "an attribute name after 'attributes.'").text
        if self._keyword("in"):
            return Compare(name, "in", self._values())
        op = self.take()
        if op.kind != "op" or op.text not in ("=", "!="):
            self._fail(op, f"=, != or in after attributes.{name}")
        return Compare(name, op.text, (self._string(),))

    def expect_end(self) -> None:
        token = self.peek()
        if token.kind != "end":
            self._fail(token, "and, or or the end of the segment")

    def _values(self) -> tuple[str, ...]:
        self._need("op", "(", "'(' after in")
        values = [self._string()]
        while self._op(","):
            values.append(self._string())
        self._need("op", ")", "',' or ')' in the list of values")
        return tuple(values)

    def _string(self) -> str:
        token = self._need("string", None, "a value in single quotes, such as 'DE'")
        return token.text[1:-1].replace("''", "'")

    def _keyword(self, word: str) -> bool:
        return self._accept("keyword", word)

    def _op(self, symbol: str) -> bool:
        return self._accept("op", symbol)

    def _accept(self, kind: str, text: str) -> bool:
        token = self.peek()
        if token.kind == kind and token.text == text:
            self._next += 1
            return True
        return False

    def _need(self, kind: str, text: str | None, expected: str) -> _Token:
        token = self.take()
        if token.kind != kind or (text is not None and token.text != text):
            self._fail(token, expected)
        return token

    @staticmethod
    def _fail(token: _Token, expected: str) -> NoReturn:
        found = "the end" if token.kind == "end" else f"'{token.text}'"
        raise SegmentError(f"column {token.at}: expected {expected}, found {found}")
