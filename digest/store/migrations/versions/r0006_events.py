"""Reader events (clicks and opens), their totals after retention, and erased addresses.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30

issue_articles gains the target each article's tracked click lands on and its section; events holds
clicks recorded by digest serve and the opens and clicks providers report; event_totals keeps the
counts once raw events pass retention_days; forgotten keeps the hash of an address erased on request.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add the columns and tables (each only when missing: a store made by create_all has them)."""
    inspector = sa.inspect(op.get_bind())
    columns = {c["name"] for c in inspector.get_columns("issue_articles")}
    for name in ("target", "section"):
        if name not in columns:
            op.add_column("issue_articles", sa.Column(name, sa.Text, nullable=True))
    tables = set(inspector.get_table_names())
    if "events" not in tables:
        op.create_table(
            "events",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("issue_id", sa.String(200), nullable=False),
            sa.Column("kind", sa.String(20), nullable=False),
            sa.Column("position", sa.Integer),
            sa.Column("subscriber_id", sa.Integer),
            sa.Column("source", sa.String(40), nullable=False),
            sa.Column("event_key", sa.String(300), unique=True),
            sa.Column("at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("user_agent", sa.String(300), nullable=False, server_default=""),
            sa.Column("machine", sa.String(40), nullable=False, server_default=""),
        )
        op.create_index("ix_events_issue_kind_at", "events", ["issue_id", "kind", "at"])
        op.create_index("ix_events_subscriber", "events", ["subscriber_id"])
    if "event_totals" not in tables:
        op.create_table(
            "event_totals",
            sa.Column("issue_id", sa.String(200), primary_key=True),
            sa.Column("kind", sa.String(20), primary_key=True),
            sa.Column("position", sa.Integer, primary_key=True),
            sa.Column("machine", sa.String(40), primary_key=True),
            sa.Column("total", sa.Integer, nullable=False),
            sa.Column("uniques", sa.Integer, nullable=False),
        )
    if "forgotten" not in tables:
        op.create_table(
            "forgotten",
            sa.Column("email_hash", sa.String(64), primary_key=True),
            sa.Column("forgotten_at", sa.DateTime(timezone=True), nullable=False),
        )


def downgrade() -> None:
    """Drop them again."""
    for table in ("forgotten", "event_totals", "events"):
        op.drop_table(table)
    with op.batch_alter_table("issue_articles") as batch:
        batch.drop_column("section")
        batch.drop_column("target")
