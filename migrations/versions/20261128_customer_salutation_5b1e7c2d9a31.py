"""A customer's salutation (称呼), how scripts address them, set by a guide.

Revision ID: 5b1e7c2d9a31
Revises: af4c329dbdd0
Create Date: 2026-11-28 13:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "5b1e7c2d9a31"
down_revision = "af4c329dbdd0"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("salutation", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("salutation")
