"""The store: SQLite by default, PostgreSQL by URL; subscribers, issues and the delivery ledger."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from digest.errors import StoreError
from digest.store import migrations
from digest.store.collections import CollectionRepository
from digest.store.events import EventRepository
from digest.store.feedback import FeedbackRepository
from digest.store.feeds import FeedCacheRepository, SeenRepository
from digest.store.issues import IssueRepository
from digest.store.ledger import Ledger
from digest.store.privacy import PrivacyRepository
from digest.store.schema import settings
from digest.store.sql import insert_ignoring_duplicates
from digest.store.subscribers import SubscriberRepository
from digest.store.watch import WatchRepository

__all__ = ["Store", "open_store"]


class Store:
    """One database holding the lists, the issues and the ledger; pass it to whoever needs it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.subscribers = SubscriberRepository(engine)
        self.issues = IssueRepository(engine)
        self.ledger = Ledger(engine)
        self.feeds = FeedCacheRepository(engine)
        self.seen = SeenRepository(engine)
        self.collections = CollectionRepository(engine)
        self.feedback = FeedbackRepository(engine)
        self.events = EventRepository(engine)
        self.privacy = PrivacyRepository(engine)
        self.watch = WatchRepository(engine)

    def generated_secret(self, key: str = "generated_secret") -> str:
        """A random secret kept in the store, made on first use (for the embedded default only)."""
        with self.engine.begin() as conn:
            conn.execute(
                insert_ignoring_duplicates(self.engine, settings).values(
                    key=key, value=secrets.token_urlsafe(32)
                )
            )
            return str(conn.execute(select(settings.c.value).where(settings.c.key == key)).scalar())

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()


def open_store(url: str, *, create: bool = True) -> Store:
    """Open the store at a SQLAlchemy URL, by default creating or migrating its schema to the current one."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(
            f"Store URL '{url}' is not a database URL", "see store.url in schedule.toml"
        ) from None
    if parsed.get_backend_name() == "sqlite" and parsed.database and _on_disk(parsed):
        try:
            _private_file(Path(parsed.database))
        except OSError as exc:
            raise _unopenable(parsed, exc) from None
    try:
        engine = create_engine(parsed, **_engine_options(parsed.get_backend_name()))
    except ImportError as exc:
        raise _missing_driver(parsed, exc) from None
    except ArgumentError as exc:
        raise _unopenable(parsed, exc) from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        if create:
            migrations.upgrade(engine)
    except (SQLAlchemyError, CommandError) as exc:
        engine.dispose()
        raise _unopenable(parsed, exc) from None
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)


def _on_disk(url: URL) -> bool:
    """True for a SQLite database that is a plain file (not memory, not a file: URI)."""
    return url.database != ":memory:" and not url.query.get("uri")


def _private_file(path: Path) -> None:
    """Create a new SQLite file 0600, in folders made 0700, before SQLAlchemy opens it.

    It holds every subscriber and the generated signing secret. SQLite gives its -wal and -shm
    files the database's own mode; an existing file keeps the mode its owner chose.
    """
    if path.exists():
        return
    missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # the umask may have taken bits mkdir's mode asked for
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: theirs is as good
        return
    os.fchmod(fd, 0o600)
    os.close(fd)


def _unopenable(url: URL, exc: BaseException) -> StoreError:
    return StoreError(
        f"Store '{url.render_as_string(hide_password=True)}' cannot be opened: {exc}",
        "check store.url and that the database server is running",
    )


def _missing_driver(url: URL, exc: ImportError) -> StoreError:
    if url.get_backend_name() != "postgresql":
        return _unopenable(url, exc)
    # psycopg is an extra: a SQLite user should not need a PostgreSQL client library.
    return StoreError(
        f"Store '{url.render_as_string(hide_password=True)}' needs the PostgreSQL driver "
        f"'{url.get_driver_name()}', which is not installed",
        "pip install 'digest-mailer[postgres]'",
    )


def _engine_options(backend: str) -> dict[str, Any]:
    if backend == "sqlite":
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
