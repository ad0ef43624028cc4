"""The computed profile names the category a customer spent most on and the store they buy at most;
the next recompute fills them in.

Revision ID: 3ca311b0bb29
Revises: 3c9a7d2e5f10
Create Date: 2026-11-29 01:37:05.626517

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3ca311b0bb29"
down_revision = "3c9a7d2e5f10"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("customer_stats", schema=None) as batch_op:
        batch_op.add_column(sa.Column("favourite_category", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("main_store_code", sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table("customer_stats", schema=None) as batch_op:
        batch_op.drop_column("main_store_code")
        batch_op.drop_column("favourite_category")
