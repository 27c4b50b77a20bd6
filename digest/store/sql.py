"""Small SQL helpers shared by the store's repositories, portable across SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert


def insert_ignoring_duplicates(engine: Engine, table: Table) -> Insert:
    """INSERT that skips rows whose unique key already exists, on SQLite and PostgreSQL alike."""
    if engine.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


def utc(value: datetime | None) -> datetime | None:
    """Read a stored time as UTC (SQLite gives naive datetimes back)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
