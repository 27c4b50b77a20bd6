"""Is the store really there? Checks for a server that must never claim a change it did not store.

A pooled SQLite connection keeps writing to its file after the file was deleted (the data is lost
when the connection closes), and a new one creates an empty file in its place. So the checks read
through a fresh connection that may not create the file: what they see is what is on disk.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from digest.errors import StoreError
from digest.store.schema import subscribers

RETRY_AFTER = 30  # seconds a client is asked to wait when the store is unavailable


class StoreUnavailableError(StoreError):
    """The store cannot be read or written right now (locked, gone, or its server down)."""


def check(engine: Engine) -> None:
    """Raise StoreUnavailableError unless the store answers and holds digest's tables."""
    with fresh_connection(engine) as conn:
        conn.execute(select(subscribers.c.id).limit(1)).all()


def stored_status(engine: Engine, subscriber_id: int) -> str | None:
    """A subscriber's status as the database on disk holds it (None: no such subscriber)."""
    with fresh_connection(engine) as conn:
        found = conn.execute(select(subscribers.c.status).where(subscribers.c.id == subscriber_id)).first()
    return None if found is None else str(found.status)


@contextmanager
def fresh_connection(engine: Engine) -> Iterator[Connection]:
    """A connection that is not from the pool: for SQLite, one that cannot create a missing file."""
    url = engine.url
    database = url.database if url.get_backend_name() == "sqlite" else None
    if database and database != ":memory:":
        uri = Path(database).resolve().as_uri() + "?mode=rw"
        probe = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True), poolclass=NullPool)
    else:
        probe = engine
    try:
        with probe.connect() as conn:
            yield conn
    except SQLAlchemyError as exc:
        raise unavailable(engine, exc) from None
    finally:
        if probe is not engine:
            probe.dispose()


def unavailable(engine: Engine, exc: BaseException) -> StoreUnavailableError:
    """The error for a store that failed a request, naming it without its password."""
    reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    return StoreUnavailableError(
        f"Store '{engine.url.render_as_string(hide_password=True)}' is unavailable: {reason}",
        "check that the database file exists and is not locked, or that its server is running",
    )
