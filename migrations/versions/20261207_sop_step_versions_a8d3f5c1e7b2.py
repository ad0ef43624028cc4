"""SOP rules can be edited: a changed step is retired (tasks already made keep its content) and its new
version carries the first version's id, so an occurrence that already has a task is not given another.

Revision ID: a8d3f5c1e7b2
Revises: f1c6e8b2a4d7
Create Date: 2026-12-07 08:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a8d3f5c1e7b2"
down_revision = "f1c6e8b2a4d7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sop_steps") as batch:
        batch.add_column(sa.Column("lineage_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("sop_steps") as batch:
        batch.drop_column("retired_at")
        batch.drop_column("lineage_id")
