"""A partial index for tag filters: (tag_id, customer_id) of tags not being removed.

Revision ID: 483473aef35a
Revises: 67455a17abc1
Create Date: 2026-11-24 03:42:08.434537

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "483473aef35a"
down_revision = "67455a17abc1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("customer_tags", schema=None) as batch_op:
        batch_op.create_index(
            "ix_customer_tags_tag_id_customer_id_live",
            ["tag_id", "customer_id"],
            unique=False,
            postgresql_where=sa.text("sync_status <> 'removing'"),
            sqlite_where=sa.text("sync_status <> 'removing'"),
        )


def downgrade():
    with op.batch_alter_table("customer_tags", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_customer_tags_tag_id_customer_id_live",
            postgresql_where=sa.text("sync_status <> 'removing'"),
            sqlite_where=sa.text("sync_status <> 'removing'"),
        )
