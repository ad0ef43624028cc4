"""Red packets record refunds (not opened within 24 h: RFUND_ING / REFUND) and SEND_FAILED's new bill
numbers (the old ones kept).

Revision ID: c7e2a9d4b1f5
Revises: b1d4e7a2c9f0
Create Date: 2026-12-07 01:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c7e2a9d4b1f5"
down_revision = "b1d4e7a2c9f0"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("red_packets") as batch:
        batch.add_column(sa.Column("replaced_billnos", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("new_billno_due", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("received_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("refunded_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("refund_amount", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("red_packets") as batch:
        for name in ("refund_amount", "refunded_at", "received_at", "new_billno_due", "replaced_billnos"):
            batch.drop_column(name)
