"""Lists, subscriber history and attributes, provider feedback, the resumable ledger, send locks, approvals.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

Each step is skipped when the database already has it: a store opened by a development version
between the two revisions may carry part of this change already.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

STAMPED = sa.DateTime(timezone=True)


def _new_columns() -> dict[str, list[sa.Column[object]]]:
    """Made afresh for each run: a Column belongs to the first table it is added to."""
    return {
        "subscribers": [
            sa.Column("attributes", sa.JSON, nullable=False, server_default="{}"),
            sa.Column("soft_bounces", sa.Integer, nullable=False, server_default="0"),
            sa.Column("confirm_sent_at", STAMPED),
            sa.Column("subscribed_at", STAMPED),
            sa.Column("unsubscribed_at", STAMPED),
            sa.Column("bounced_at", STAMPED),
            sa.Column("complained_at", STAMPED),
        ],
        "issue_articles": [sa.Column("title", sa.Text, nullable=False, server_default="")],
        "deliveries": [
            sa.Column("batch_key", sa.String(64), nullable=False, server_default=""),
            sa.Column("claimed_at", STAMPED),
            sa.Column("sent_at", STAMPED),
        ],
    }


# Each status's timestamp, as well as an earlier version can tell it: its last change.
STATUS_TIMES = {
    "active": "subscribed_at",
    "unsubscribed": "unsubscribed_at",
    "bounced": "bounced_at",
    "complained": "complained_at",
}


def upgrade() -> None:
    """Add the new tables and columns, then fill in what the old rows imply."""
    inspector = sa.inspect(op.get_bind())
    tables = set(inspector.get_table_names())
    _new_tables(tables)
    for table, columns in _new_columns().items():
        have = {c["name"] for c in inspector.get_columns(table)}
        missing = [c for c in columns if c.name not in have]
        if missing:
            with op.batch_alter_table(table) as batch:
                for column in missing:
                    batch.add_column(column)
    if "ix_subscribers_email" not in {i["name"] for i in inspector.get_indexes("subscribers")}:
        op.create_index("ix_subscribers_email", "subscribers", ["email"])
    _backfill()


def _new_tables(tables: set[str]) -> None:
    if "lists" not in tables:
        op.create_table(
            "lists",
            sa.Column("name", sa.String(100), primary_key=True),
            sa.Column("created_at", STAMPED, nullable=False),
        )
    if "webhook_events" not in tables:
        op.create_table(
            "webhook_events",
            sa.Column("provider", sa.String(20), primary_key=True),
            sa.Column("event_id", sa.String(200), primary_key=True),
            sa.Column("kind", sa.String(20), nullable=False),
            sa.Column("email", sa.String(320), nullable=False),
            sa.Column("received_at", STAMPED, nullable=False),
        )
    if "send_locks" not in tables:
        op.create_table(
            "send_locks",
            sa.Column("issue_id", sa.String(200), primary_key=True),
            sa.Column("owner", sa.String(200), nullable=False),
            sa.Column("acquired_at", STAMPED, nullable=False),
            sa.Column("expires_at", STAMPED, nullable=False),
        )
    if "approvals" not in tables:
        op.create_table(
            "approvals",
            sa.Column("newsletter", sa.String(100), primary_key=True),
            sa.Column("slot", sa.String(40), primary_key=True),
            sa.Column("approved_at", STAMPED, nullable=False),
        )


def _backfill() -> None:
    op.execute(
        "INSERT INTO lists (name, created_at) SELECT list, MIN(created_at) FROM subscribers "
        "WHERE list NOT IN (SELECT name FROM lists) GROUP BY list"
    )
    for status, column in STATUS_TIMES.items():
        op.execute(
            f"UPDATE subscribers SET {column} = updated_at WHERE status = '{status}' AND {column} IS NULL"
        )


def downgrade() -> None:
    """Remove what upgrade added (the baseline keeps its own tables and columns)."""
    op.drop_index("ix_subscribers_email", "subscribers")
    for table, columns in _new_columns().items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.drop_column(column.name)
    for table in ("approvals", "send_locks", "webhook_events", "lists"):
        op.drop_table(table)
