"""What watching an unattended scheduler needs: heartbeats, slot outcomes, source health, alerts sent.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add the four tables (each only when missing: a store made by create_all has them)."""
    tables = set(sa.inspect(op.get_bind()).get_table_names())
    if "heartbeats" not in tables:
        op.create_table(
            "heartbeats",
            sa.Column("owner", sa.String(200), primary_key=True),
            sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        )
    if "slot_outcomes" not in tables:
        op.create_table(
            "slot_outcomes",
            sa.Column("newsletter", sa.String(100), primary_key=True),
            sa.Column("slot", sa.String(40), primary_key=True),
            sa.Column("outcome", sa.String(20), nullable=False),
            sa.Column("detail", sa.Text, nullable=False, server_default=""),
            sa.Column("at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("late_seconds", sa.Integer, nullable=False, server_default="0"),
        )
    if "source_health" not in tables:
        op.create_table(
            "source_health",
            sa.Column("newsletter", sa.String(100), primary_key=True),
            sa.Column("source", sa.String(2000), primary_key=True),
            sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
            sa.Column("last_error", sa.Text, nullable=False, server_default=""),
            sa.Column("last_ok_at", sa.DateTime(timezone=True)),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        )
    if "alerts_sent" not in tables:
        op.create_table(
            "alerts_sent",
            sa.Column("key", sa.String(300), primary_key=True),
            sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        )


def downgrade() -> None:
    """Drop them again."""
    for table in ("alerts_sent", "source_health", "slot_outcomes", "heartbeats"):
        op.drop_table(table)
