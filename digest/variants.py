"""Variants: one compiled copy of an issue per class of reader that the template's conditions tell apart.

A template that says ``{% if recipient.attributes.plan == "paid" %}`` cannot be compiled once with
placeholders: the block is in or out. It is compiled once per *class* of the values it tests, never per
recipient. A condition on a field sorts readers by the strings the template compares it with: each of
those strings is a class, any other non-empty value is one more (``*``), an empty value the last
(``""``). ``plan == "paid"`` makes three variants: paid, any other plan, no plan. At send time a
recipient's own values pick their variant (``Variants.select``).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from digest.personalize import (
    ATTRIBUTE,
    Marker,
    RecipientAttributes,
    RecipientPlaceholders,
    attribute_placeholder,
    placeholder,
)

OTHER, EMPTY = "*", ""  # the class of a non-empty value the template never names, and of no value
MAX_VARIANTS = 32  # a template needing more is refused: it reads as "one variant per recipient"


@dataclass(frozen=True, slots=True)
class Condition:
    """A recipient field a template tests: its values' key (``attr:plan``, ``first_name``), its literals."""

    field: str
    literals: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """How the template spells the field (``recipient.attributes.plan``)."""
        if self.field.startswith(ATTRIBUTE):
            return "recipient.attributes." + self.field[len(ATTRIBUTE) :]
        return "recipient." + self.field

    def classes(self) -> tuple[str, ...]:
        """Every class this condition sorts a value into: ``=literal`` each, then other, then empty."""
        return (*("=" + v for v in self.literals if v), OTHER, EMPTY)

    def class_of(self, value: str) -> str:
        """The class of one recipient's value."""
        if not value:
            return EMPTY
        return "=" + value if value in self.literals else OTHER


Key = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Variants:
    """An issue's variants: the conditions, the distinct compiled (html, text) pairs, the key of each."""

    conditions: tuple[Condition, ...]
    documents: tuple[tuple[str, str], ...]
    keys: tuple[tuple[Key, int], ...]  # every combination of classes → its document's index

    def key(self, values: Mapping[str, str]) -> Key:
        """The classes of one recipient's values (their placeholder values: ``attr:plan`` …)."""
        return tuple(c.class_of(values.get(c.field, "")) for c in self.conditions)

    def index(self, values: Mapping[str, str]) -> int:
        """The index of the document a recipient with these values gets."""
        return self._indexes()[self.key(values)]

    def select(self, values: Mapping[str, str]) -> tuple[str, str]:
        """The (html, text) a recipient with these values gets."""
        return self.documents[self.index(values)]

    def _indexes(self) -> dict[Key, int]:
        return _indexes(self.keys)

    def describe(self) -> str:
        """A note for the editor: how many variants were compiled and what they depend on."""
        names = ", ".join(c.label for c in self.conditions)
        return f"compiled {len(self.documents)} variants of the issue, one per class of {names}"

    def to_json(self) -> dict[str, Any]:
        """The variants as the store keeps them."""
        return {
            "conditions": [[c.field, list(c.literals)] for c in self.conditions],
            "documents": [list(d) for d in self.documents],
            "keys": [[list(k), i] for k, i in self.keys],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Variants:
        """Variants read back from the store."""
        return cls(
            tuple(Condition(str(f), tuple(map(str, lits))) for f, lits in data["conditions"]),
            tuple((str(h), str(t)) for h, t in data["documents"]),
            tuple((tuple(map(str, k)), int(i)) for k, i in data["keys"]),
        )


@functools.lru_cache(maxsize=64)
def _indexes(keys: tuple[tuple[Key, int], ...]) -> dict[Key, int]:
    return dict(keys)


def combinations(conditions: Iterable[Condition]) -> list[Key]:
    """Every key the conditions can give: the product of their classes."""
    return [tuple(k) for k in itertools.product(*(c.classes() for c in conditions))]


class Tested(Marker):
    """A recipient placeholder whose class a variant fixes: it prints as the placeholder, but
    comparisons and truth tests answer for the variant's class, so ``{% if %}`` picks the block."""

    # no __slots__: a str subclass keeps its class in its __dict__
    klass: str

    def __new__(cls, text: str, klass: str) -> Tested:
        made = super().__new__(cls, text)
        made.klass = klass
        return made

    def __eq__(self, other: object) -> bool:
        return self._value_is(other)

    def __ne__(self, other: object) -> bool:
        return not self._value_is(other)

    __hash__ = str.__hash__

    def __bool__(self) -> bool:
        return self.klass != EMPTY

    def _value_is(self, other: object) -> bool:
        if not isinstance(other, str) or isinstance(other, Tested):
            return False
        return self.klass == (EMPTY if other == "" else "=" + other)


class _TestedAttributes(RecipientAttributes):
    """``recipient.attributes`` in a variant: a tested attribute answers for its class."""

    __slots__ = ("_classes",)

    def __init__(self, classes: Mapping[str, str]) -> None:
        self._classes = classes

    def __getattr__(self, name: str) -> Marker:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]

    def __getitem__(self, name: str) -> Marker:
        marker = attribute_placeholder(str(name))
        klass = self._classes.get(ATTRIBUTE + str(name))
        return marker if klass is None else Tested(marker, klass)


class VariantRecipient(RecipientPlaceholders):
    """What templates see as ``recipient`` while one variant compiles."""

    def __init__(self, conditions: Iterable[Condition], key: Key) -> None:
        classes = {c.field: k for c, k in zip(conditions, key, strict=True)}
        self.attributes = _TestedAttributes(classes)
        for field in ("name", "first_name"):
            if field in classes:
                setattr(self, field, Tested(placeholder(field), classes[field]))
