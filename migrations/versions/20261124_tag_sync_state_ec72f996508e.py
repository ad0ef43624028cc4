"""Tag sync state on customer_tags: pending, failed and retried mark_tag changes.

Revision ID: ec72f996508e
Revises: 2ed19eb27699
Create Date: 2026-11-24 03:02:00.533479

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "ec72f996508e"
down_revision = "2ed19eb27699"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("customer_tags", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sync_status", sa.String(length=16), server_default="synced", nullable=False)
        )
        batch_op.add_column(sa.Column("sync_op", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("sync_attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("sync_error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("next_sync_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_customer_tags_sync_status_next_sync_at", ["sync_status", "next_sync_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("customer_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_tags_sync_status_next_sync_at")
        batch_op.drop_column("next_sync_at")
        batch_op.drop_column("sync_error")
        batch_op.drop_column("sync_attempts")
        batch_op.drop_column("sync_op")
        batch_op.drop_column("sync_status")
