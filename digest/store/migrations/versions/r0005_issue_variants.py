"""An issue's variants: one compiled copy per class of reader its template tests.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

A template that tests a recipient's attributes (``{% if recipient.attributes.plan == "paid" %}``)
compiles a few copies of the issue; a resumed send must send the same copies, so they are stored.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add issues.variants (JSON text; empty for an issue whose template tests nobody's fields)."""
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("issues")}
    if "variants" not in columns:
        op.add_column("issues", sa.Column("variants", sa.Text, nullable=True))


def downgrade() -> None:
    """Drop it again."""
    with op.batch_alter_table("issues") as batch:
        batch.drop_column("variants")
