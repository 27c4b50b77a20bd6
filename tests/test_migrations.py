"""Alembic migrations: an empty store upgrades to exactly schema.py's tables; an old store is adopted."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from conftest import POSTGRES_URL
from sqlalchemy import create_engine, inspect, select, text

from digest.errors import StoreError
from digest.models import SubscriberStatus
from digest.store import migrations, open_store
from digest.store.schema import lists, metadata

THEN = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a new SQLite file, or a new schema of the test PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    schema = f"migrations_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _shape(url: str) -> dict[str, set[str]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        found = inspect(conn)
        shape = {t: {c["name"] for c in found.get_columns(t)} for t in found.get_table_names()}
    engine.dispose()
    return shape


def test_upgrading_an_empty_database_gives_exactly_the_tables_and_columns_of_the_schema(
    empty_url: str,
) -> None:
    store = open_store(empty_url)
    with store.engine.connect() as conn:
        version = MigrationContext.configure(conn).get_current_revision()
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    store.close()
    expected = {t.name: {c.name for c in t.columns} for t in metadata.sorted_tables}
    assert _shape(empty_url) == {**expected, "alembic_version": {"version_num"}}
    assert version == migrations.head()
    # Types, nullability, indexes and unique constraints too: a schema change needs a migration.
    assert differences == []


def _release_before_migrations(url: str) -> None:
    """A store as the release before migrations left it: its create_all tables, no version table."""
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(migrations.config(conn), "0001")  # the baseline is that release's schema
        conn.execute(text("DROP TABLE alembic_version"))
        for email, status in (("ada@example.org", "active"), ("bo@example.org", "unsubscribed")):
            conn.execute(
                text(
                    "INSERT INTO subscribers (list, email, name, status, source, created_at, updated_at) "
                    "VALUES ('weekly', :email, '', :status, '', :then, :then)"
                ),
                {"email": email, "status": status, "then": THEN},
            )
    engine.dispose()


def test_a_store_made_before_migrations_is_adopted_and_upgraded(empty_url: str) -> None:
    _release_before_migrations(empty_url)
    store = open_store(empty_url)
    records = {r.subscriber.email: r for r in store.subscribers.records("weekly")}
    assert records["ada@example.org"].times["subscribed_at"] == THEN
    assert records["bo@example.org"].subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert records["bo@example.org"].times["unsubscribed_at"] == THEN
    with store.engine.connect() as conn:
        assert conn.execute(select(lists.c.name)).scalars().all() == ["weekly"]
        assert MigrationContext.configure(conn).get_current_revision() == migrations.head()
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    store.close()


def test_the_newest_revision_a_store_fully_has_is_the_one_stamped() -> None:
    shapes = dict(migrations.revision_shapes())
    baseline = {table: set(columns) for table, columns in shapes["0001"].items()}
    assert (
        migrations.adoptable({t: frozenset(c) for t, c in baseline.items()}, create_engine("sqlite://"))
        == "0001"
    )
    newest = {t.name: frozenset(c.name for c in t.columns) for t in metadata.sorted_tables}
    assert migrations.adoptable(newest, create_engine("sqlite://")) == migrations.head()


def test_a_store_made_by_create_all_of_this_version_is_stamped_at_head(empty_url: str) -> None:
    engine = create_engine(empty_url)
    metadata.create_all(engine)
    engine.dispose()
    store = open_store(empty_url)
    with store.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == migrations.head()
    store.close()


def test_a_database_digest_did_not_make_is_refused(empty_url: str) -> None:
    engine = create_engine(empty_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(StoreError, match=r"holds tables digest did not make \(invoices\)"):
        open_store(empty_url)


def test_a_store_whose_tables_were_dropped_is_made_again(empty_url: str) -> None:
    open_store(empty_url).close()
    engine = create_engine(empty_url)
    metadata.drop_all(engine)  # what a test's teardown does; alembic_version stays behind
    engine.dispose()
    store = open_store(empty_url)
    assert store.subscribers.count_by_status() == {}
    store.close()


def test_the_migrations_ship_inside_the_package() -> None:
    folder = files("digest.store.migrations")
    assert folder.joinpath("env.py").is_file()
    assert {p.name for p in folder.joinpath("versions").iterdir() if p.name.startswith("r0")} >= {
        "r0001_baseline.py",
        "r0002_lists_feedback_ledger.py",
    }
