"""Baseline: the schema digest made with create_all before it had migrations.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create the tables of the first release."""
    op.create_table(
        "subscribers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("list", sa.String(100), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("list", "email", name="uq_subscribers_list_email"),
    )
    op.create_index("ix_subscribers_list_status", "subscribers", ["list", "status", "id"])
    op.create_table(
        "issues",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("newsletter", sa.String(100), nullable=False),
        sa.Column("slot", sa.String(40), nullable=False),
        sa.Column("list", sa.String(100), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("html", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True)),
        sa.Column("window_end", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("newsletter", "slot", name="uq_issues_newsletter_slot"),
    )
    op.create_table(
        "issue_articles",
        sa.Column("issue_id", sa.String(200), sa.ForeignKey("issues.id"), nullable=False),
        sa.Column("newsletter", sa.String(100), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("newsletter", "url", name="uq_issue_articles_newsletter_url"),
    )
    op.create_table(
        "deliveries",
        sa.Column("issue_id", sa.String(200), sa.ForeignKey("issues.id"), primary_key=True),
        sa.Column("subscriber_id", sa.Integer, sa.ForeignKey("subscribers.id"), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("message_id", sa.String(300), nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_deliveries_issue_status", "deliveries", ["issue_id", "status", "subscriber_id"])
    op.create_table(
        "feed_cache",
        sa.Column("url", sa.String(2000), primary_key=True),
        sa.Column("final_url", sa.Text, nullable=False),
        sa.Column("etag", sa.Text, nullable=False),
        sa.Column("last_modified", sa.Text, nullable=False),
        sa.Column("content_type", sa.Text, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "seen_articles",
        sa.Column("url", sa.String(2000), primary_key=True),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "collections",
        sa.Column("newsletter", sa.String(100), primary_key=True),
        sa.Column("collected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    """Drop everything (there is nothing before the baseline)."""
    for table in (
        "settings", "collections", "seen_articles", "feed_cache", "deliveries", "issue_articles", "issues",
        "subscribers",
    ):  # fmt: skip
        op.drop_table(table)
