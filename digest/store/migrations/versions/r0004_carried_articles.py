"""Articles carried over from one issue into the next (a newsletter's overflow = "carry").

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

An issue that holds more articles than max_articles carries the rest: the next collect lets them in
although they were published before its window, so they are never lost, and never sent twice.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add the carried_articles table."""
    if "carried_articles" not in set(sa.inspect(op.get_bind()).get_table_names()):
        op.create_table(
            "carried_articles",
            sa.Column("newsletter", sa.String(100), primary_key=True),
            sa.Column("url", sa.String(2000), primary_key=True),
            sa.Column("issue_id", sa.String(200), nullable=False),
            sa.Column("carried_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("article", sa.Text, nullable=True),
        )


def downgrade() -> None:
    """Drop it again."""
    op.drop_table("carried_articles")
