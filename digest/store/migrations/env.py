"""Alembic's entry point: migrate the connection that digest.store.migrations.upgrade passes in."""

from __future__ import annotations

from alembic import context

from digest.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite cannot alter a column or constraint in place: batch mode copies the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
