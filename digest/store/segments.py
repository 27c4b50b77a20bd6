"""A segment's AST as a SQLAlchemy Core condition on the subscribers' JSON attributes.

Every value is a bound parameter and every attribute name a JSON path parameter: nothing from the
config is written into the SQL text. A missing attribute reads as the empty string, so
``attributes.country != 'DE'`` includes subscribers with no country.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, func, literal, or_

from digest.segments import TAGS_ATTRIBUTE, AllOf, Compare, Segment, Tags
from digest.store.schema import subscribers


def segment_condition(segment: Segment) -> ColumnElement[bool]:
    """The WHERE condition selecting the segment's subscribers (on SQLite and PostgreSQL)."""
    if isinstance(segment, Compare):
        return _compare(segment)
    if isinstance(segment, Tags):
        return _tags(segment.tags)
    if isinstance(segment, AllOf):
        return and_(*(segment_condition(part) for part in segment.parts))
    return or_(*(segment_condition(part) for part in segment.parts))


def attribute(name: str) -> ColumnElement[str]:
    """An attribute's text, the empty string when the subscriber has none."""
    return func.coalesce(subscribers.c.attributes[name].as_string(), literal(""))


def _compare(compare: Compare) -> ColumnElement[bool]:
    value = attribute(compare.name)
    if compare.op == "=":
        return value == compare.values[0]
    if compare.op == "!=":
        return value != compare.values[0]
    return value.in_(compare.values)


def _tags(tags: tuple[str, ...]) -> ColumnElement[bool]:
    """Any tag in the comma-separated list: ',a,b,' holds ',a,' (spaces around commas ignored)."""
    listed = func.replace(func.replace(attribute(TAGS_ATTRIBUTE), ", ", ","), " ,", ",")
    padded = func.lower(literal(",") + listed + literal(","))
    return or_(*(padded.contains(f",{tag.lower()},", autoescape=True) for tag in tags))
