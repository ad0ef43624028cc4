"""Welcomes remember whether they answered a half add (add_half_external_contact), so the full add of the
same customer that follows is not welcomed twice.

Revision ID: b1d4e7a2c9f0
Revises: 9a4f3b7c2e81
Create Date: 2026-12-07 01:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b1d4e7a2c9f0"
down_revision = "9a4f3b7c2e81"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("welcome_sends") as batch:
        batch.add_column(sa.Column("half", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("welcome_sends") as batch:
        batch.drop_column("half")
