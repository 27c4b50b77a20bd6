"""Webhook signature tokens already used, and the ledger looked up by provider message id.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

Mailgun signs a timestamp and a token, not the event: remembering each token refuses a captured
signature sent again with other event data, and the index lets an event be matched to a sent message.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add the webhook_tokens table and the deliveries' message id index."""
    inspector = sa.inspect(op.get_bind())
    if "webhook_tokens" not in set(inspector.get_table_names()):
        op.create_table(
            "webhook_tokens",
            sa.Column("provider", sa.String(20), primary_key=True),
            sa.Column("token", sa.String(200), primary_key=True),
            sa.Column("body_sha256", sa.String(64), nullable=False),
            sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        )
        op.create_index("ix_webhook_tokens_seen_at", "webhook_tokens", ["seen_at"])
    if "ix_deliveries_message_id" not in {i["name"] for i in inspector.get_indexes("deliveries")}:
        op.create_index("ix_deliveries_message_id", "deliveries", ["message_id"])


def downgrade() -> None:
    """Drop them again."""
    op.drop_index("ix_deliveries_message_id", "deliveries")
    op.drop_table("webhook_tokens")
