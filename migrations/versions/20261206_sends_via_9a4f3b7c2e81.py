"""Sends say where from (sidebar, sop, welcome): one log of everything Beside sent.

Revision ID: 9a4f3b7c2e81
Revises: 4e8a2c6b0d15
Create Date: 2026-12-06 23:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "9a4f3b7c2e81"
down_revision = "4e8a2c6b0d15"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sends") as batch:
        batch.add_column(sa.Column("via", sa.String(length=16), server_default="sidebar", nullable=False))


def downgrade():
    with op.batch_alter_table("sends") as batch:
        batch.drop_column("via")
