"""Bulk import of subscribers: one transaction, a few set-based statements per chunk of rows.

Each chunk is first inserted with ``ON CONFLICT DO NOTHING RETURNING email`` (new addresses cost
nothing more); only the addresses that already existed are then read back, by the unique
(list, email) index, and their changes written with one executemany per kind of change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    DateTime,
    Engine,
    Integer,
    String,
    any_,
    bindparam,
    cast,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.dialects import postgresql

from digest.models import SubscriberStatus
from digest.store.privacy import forgotten_among
from digest.store.schema import lists, subscribers
from digest.store.sql import insert_ignoring_duplicates

# Large enough that a 100,000-row import is 50 round trips, small enough for SQLite's bound-parameter
# limit on the IN list of the read-back.
CHUNK = 2000
# Statuses an import never overrides: the person asked to leave, or the address does not work.
STICKY = frozenset({SubscriberStatus.UNSUBSCRIBED, SubscriberStatus.BOUNCED, SubscriberStatus.COMPLAINED})


@dataclass(frozen=True, slots=True)
class NewSubscriber:
    """A validated row to add to a list; ``attributes`` are the file's other columns."""

    email: str
    name: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ImportCounts:
    """What an import changed."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_out: int = 0
    forgotten: int = 0  # addresses erased at their owner's request: never imported again

    def __add__(self, other: ImportCounts) -> ImportCounts:
        return ImportCounts(
            self.added + other.added,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.kept_out + other.kept_out,
            self.forgotten + other.forgotten,
        )


def ensure_list(engine: Engine, conn: Connection, list_name: str, now: datetime) -> None:
    """Record the list's name the first time a subscriber joins it."""
    conn.execute(insert_ignoring_duplicates(engine, lists).values(name=list_name, created_at=now))


def upsert(
    engine: Engine,
    rows: Iterable[NewSubscriber],
    list_name: str,
    source: str,
    now: datetime,
    resubscribe: bool = False,
) -> ImportCounts:
    """Add new addresses as active, update names and attributes; sticky statuses stay unless asked."""
    totals = ImportCounts()
    iterator = iter(rows)
    with engine.begin() as conn:
        ensure_list(engine, conn, list_name, now)
        while chunk := list(islice(iterator, CHUNK)):
            totals += _chunk(engine, conn, chunk, _Import(list_name, source, now, resubscribe))
    return totals


@dataclass(frozen=True, slots=True)
class _Import:
    list_name: str
    source: str
    now: datetime
    resubscribe: bool


def _chunk(engine: Engine, conn: Connection, chunk: Sequence[NewSubscriber], job: _Import) -> ImportCounts:
    erased = forgotten_among(conn, [r.email for r in chunk])
    if erased:
        chunk = [r for r in chunk if r.email not in erased]
        if not chunk:
            return ImportCounts(forgotten=len(erased))
    added = _insert_new(engine, conn, chunk, job)
    rest = [r for r in chunk if r.email not in added]
    if not rest:
        return ImportCounts(added=len(added), forgotten=len(erased))
    existing = {row.email: row for row in _existing(engine, conn, [r.email for r in rest], job.list_name)}
    profiles, activations, kept_out, unchanged = [], [], 0, 0
    for row in rest:
        old = existing[row.email]
        profile = _profile_change(old, row)
        activate = old.status != SubscriberStatus.ACTIVE and (job.resubscribe or old.status not in STICKY)
        if profile:
            profiles.append(profile)
        if activate:
            activations.append(old.id)
        if old.status in STICKY and not activate:
            kept_out += 1
        elif not profile and not activate:
            unchanged += 1
    _write_profiles(engine, conn, profiles, job.now)
    _activate(conn, activations, job.now)
    updated = len({p["_id"] for p in profiles} | set(activations))
    return ImportCounts(len(added), updated, unchanged, kept_out, len(erased))


def _insert_new(engine: Engine, conn: Connection, chunk: Sequence[NewSubscriber], job: _Import) -> set[str]:
    """Insert the chunk's new addresses; the set of those that were new."""
    if engine.dialect.name != "postgresql":
        statement = insert_ignoring_duplicates(engine, subscribers).returning(subscribers.c.email)
        rows = [new_values(r, job.list_name, job.source, job.now) for r in chunk]
        return {row.email for row in conn.execute(statement, rows)}
    # psycopg splits a multi-row VALUES statement in pure Python; three arrays cost nothing to send.
    table = _arrays(
        ("e", [r.email for r in chunk]), ("n", [r.name for r in chunk]), ("a", [_json(r) for r in chunk])
    )
    now = literal(job.now, DateTime(timezone=True))
    source = select(
        literal(job.list_name), table.c.e, table.c.n, literal(SubscriberStatus.ACTIVE.value),
        literal(job.source), cast(table.c.a, JSON), literal(0), now, now, now,
    ).select_from(table)  # fmt: skip
    columns = ["list", "email", "name", "status", "source", "attributes", "soft_bounces"]
    bulk = insert_ignoring_duplicates(engine, subscribers).from_select(
        [*columns, "created_at", "updated_at", "subscribed_at"], source
    )
    return {row.email for row in conn.execute(bulk.returning(subscribers.c.email))}


def _existing(engine: Engine, conn: Connection, emails: list[str], list_name: str) -> Iterable[Any]:
    """The current state of the list's subscribers with these addresses."""
    columns = (subscribers.c.id, subscribers.c.email, subscribers.c.name, subscribers.c.status)
    query = select(*columns, subscribers.c.attributes).where(subscribers.c.list == list_name)
    if engine.dialect.name == "postgresql":
        return conn.execute(query.where(subscribers.c.email == any_(_array(emails, String))))
    return conn.execute(query.where(subscribers.c.email.in_(emails)))


def new_values(
    row: NewSubscriber,
    list_name: str,
    source: str,
    now: datetime,
    status: SubscriberStatus = SubscriberStatus.ACTIVE,
) -> dict[str, Any]:
    """The columns of a new subscriber row."""
    return {
        "list": list_name,
        "email": row.email,
        "name": row.name,
        "status": status.value,
        "source": source,
        "attributes": row.attributes,
        "soft_bounces": 0,
        "created_at": now,
        "updated_at": now,
        "subscribed_at": now if status == SubscriberStatus.ACTIVE else None,
    }


def _profile_change(old: Any, row: NewSubscriber) -> dict[str, Any] | None:
    """The new name and merged attributes of an existing subscriber, or None when nothing changes."""
    name = row.name or old.name
    attributes = {**(old.attributes or {}), **row.attributes}
    if name == old.name and attributes == (old.attributes or {}):
        return None
    return {"_id": old.id, "_name": name, "_attributes": attributes}


def _write_profiles(engine: Engine, conn: Connection, profiles: list[dict[str, Any]], now: datetime) -> None:
    if not profiles:
        return
    if engine.dialect.name == "postgresql":
        table = _arrays(
            ("i", [p["_id"] for p in profiles], Integer),
            ("n", [p["_name"] for p in profiles]),
            ("a", [json.dumps(p["_attributes"]) for p in profiles]),
        )
        conn.execute(
            update(subscribers)
            .where(subscribers.c.id == table.c.i)
            .values(name=table.c.n, attributes=cast(table.c.a, JSON), updated_at=now)
        )
        return
    conn.execute(
        update(subscribers)
        .where(subscribers.c.id == bindparam("_id"))
        .values(name=bindparam("_name"), attributes=bindparam("_attributes"), updated_at=now),
        profiles,
    )


def _activate(conn: Connection, ids: list[int], now: datetime) -> None:
    if ids:
        conn.execute(
            update(subscribers)
            .where(subscribers.c.id.in_(ids))
            .values(status=SubscriberStatus.ACTIVE.value, subscribed_at=now, soft_bounces=0, updated_at=now)
        )


def _json(row: NewSubscriber) -> str:
    return json.dumps(row.attributes)


def _array(values: list[Any], kind: Any) -> Any:
    return bindparam(None, values, type_=postgresql.ARRAY(kind))


def _arrays(*columns: tuple[Any, ...]) -> Any:
    """PostgreSQL ``unnest(a, b, ...) AS t(a, b, ...)``: rows sent as one array per column."""
    arrays = [_array(values, kind[0] if kind else String) for _, values, *kind in columns]
    return func.unnest(*arrays).table_valued(*(name for name, *_ in columns)).render_derived()
