"""Schema migrations (Alembic), shipped inside the package: ``upgrade`` brings any store to head.

An empty database is migrated from the start. A database made by ``create_all`` before digest had
migrations has no version: it is adopted by stamping the newest revision whose tables and columns it
all has (the shapes come from running the revisions on a scratch SQLite database), then upgraded.
Only one process migrates at a time: a PostgreSQL advisory lock, or a lock on the SQLite file.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, inspect, text

from digest.errors import StoreError

HERE = Path(__file__).resolve().parent
VERSION_TABLE = "alembic_version"
LOCK_KEY = 0x6469_6765_7374  # "digest": the PostgreSQL advisory lock every digest process agrees on

Shape = dict[str, frozenset[str]]


def config(conn: Connection | None = None) -> Config:
    """Alembic's configuration for the migrations in this folder, on ``conn``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.attributes["connection"] = conn
    return cfg


@cache
def head() -> str:
    """The newest revision."""
    revision = ScriptDirectory.from_config(config()).get_current_head()
    assert revision is not None
    return revision


def upgrade(engine: Engine) -> None:
    """Bring the store's schema to head (adopting a database made before migrations)."""
    if _at_head(engine):
        return
    with _exclusive(engine) as conn, conn.begin():
        tables = set(inspect(conn).get_table_names()) - {VERSION_TABLE}
        current = MigrationContext.configure(conn).get_current_revision()
        if not tables and current is not None:
            conn.execute(text(f"DELETE FROM {VERSION_TABLE}"))  # its tables were dropped: start over
        elif tables and current is None:
            command.stamp(config(conn), adoptable(_shape(conn), engine))
        command.upgrade(config(conn), "head")


def adoptable(found: Shape, engine: Engine) -> str:
    """The newest revision all of whose tables and columns the database has."""
    for revision, shape in reversed(revision_shapes()):
        if all(table in found and columns <= found[table] for table, columns in shape.items()):
            return revision
    raise StoreError(
        f"Store '{engine.url.render_as_string(hide_password=True)}' holds tables digest did not make "
        f"({', '.join(sorted(found))})",
        "point store.url at an empty database or at one digest made",
    )


@cache
def revision_shapes() -> tuple[tuple[str, Shape], ...]:
    """Each revision's tables and columns, oldest first, as running the migrations makes them."""
    script = ScriptDirectory.from_config(config())
    shapes = []
    scratch = create_engine("sqlite://")
    with scratch.begin() as conn:
        for step in reversed(list(script.walk_revisions())):
            command.upgrade(config(conn), step.revision)
            shapes.append((step.revision, _shape(conn)))
    scratch.dispose()
    return tuple(shapes)


def _shape(conn: Connection) -> Shape:
    found = inspect(conn)
    return {
        table: frozenset(c["name"] for c in found.get_columns(table))
        for table in found.get_table_names()
        if table != VERSION_TABLE
    }


def at_head(engine: Engine) -> bool:
    """Whether the store's schema is the newest (a digest of this version can use it as it is)."""
    return _at_head(engine)


def _at_head(engine: Engine) -> bool:
    with engine.connect() as conn:
        found = inspect(conn)
        if not found.has_table(VERSION_TABLE) or not found.has_table("subscribers"):
            return False
        return MigrationContext.configure(conn).get_current_revision() == head()


@contextlib.contextmanager
def _exclusive(engine: Engine) -> Iterator[Connection]:
    """A connection held by this process alone among those migrating the same store."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
            conn.commit()
            try:
                yield conn
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
                conn.commit()
        else:
            with _file_lock(engine.url.database):
                yield conn


@contextlib.contextmanager
def _file_lock(database: str | None) -> Iterator[None]:
    """Order migrations between processes with a lock on a file beside the database, never on it.

    SQLite's own locks are POSIX advisory locks, which Linux drops for the whole process when any
    descriptor of the file is closed: opening and closing the database file here would silently
    take the locks of this process's open SQLite connections, and another process's writes would
    then corrupt what they read ("database disk image is malformed").
    """
    if not database or database == ":memory:":
        yield
        return
    import fcntl

    lock = Path(f"{database}.migrating")
    descriptor = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the flock; the file stays for the next migration
