"""The last collection of each newsletter, kept so that previews work offline and fast."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, insert, select

from digest.models import Article, Collection, Problem, Skipped
from digest.store.schema import collections
from digest.store.sql import utc


class CollectionRepository:
    """The collections table: one row per newsletter, replaced by each collect."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def save(self, newsletter: str, collection: Collection, now: datetime) -> None:
        """Remember a newsletter's latest collection."""
        with self._engine.begin() as conn:
            conn.execute(delete(collections).where(collections.c.newsletter == newsletter))
            conn.execute(
                insert(collections).values(newsletter=newsletter, collected_at=now, data=dumps(collection))
            )

    def last(self, newsletter: str) -> tuple[Collection, datetime] | None:
        """The newsletter's latest collection and when it was made, if there is one."""
        query = select(collections.c.data, collections.c.collected_at).where(
            collections.c.newsletter == newsletter
        )
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return loads(row.data), utc(row.collected_at) or datetime.min


def dumps(collection: Collection) -> str:
    """A collection as JSON."""
    return json.dumps(asdict(collection), default=_encode)


def loads(text: str) -> Collection:
    """A collection back from JSON."""
    data = json.loads(text)
    return Collection(
        articles=tuple(_article(a) for a in data["articles"]),
        problems=tuple(Problem(**p) for p in data["problems"]),
        window_start=_time(data["window_start"]),
        window_end=_time(data["window_end"]),
        skipped=tuple(Skipped(**s) for s in data["skipped"]),
        spare=tuple(_article(a) for a in data.get("spare", ())),
    )


def article_json(article: Article) -> str:
    """One article as JSON (as a collection stores it)."""
    return json.dumps(asdict(article), default=_encode)


def article_from_json(text: str) -> Article:
    """One article back from JSON."""
    return _article(json.loads(text))


def _article(data: dict[str, Any]) -> Article:
    values = {f.name: data[f.name] for f in fields(Article) if f.name in data}
    values["published"] = _time(values["published"])
    for name in ("categories", "paragraphs"):
        values[name] = tuple(values.get(name, ()))
    return Article(**values)


def _encode(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__}")


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
