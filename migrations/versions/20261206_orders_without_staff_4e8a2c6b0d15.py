"""Orders lose staff_id: only the demo seed wrote it; whose sale an order is lives in attributions.

Revision ID: 4e8a2c6b0d15
Revises: 7d2b4e9a1f63
Create Date: 2026-12-06 22:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "4e8a2c6b0d15"
down_revision = "7d2b4e9a1f63"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_orders_staff_id", table_name="orders")
    with op.batch_alter_table("orders") as batch:
        batch.drop_constraint("fk_orders_staff_id_staff", type_="foreignkey")
        batch.drop_column("staff_id")


def downgrade():
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("staff_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_orders_staff_id_staff", "staff", ["staff_id"], ["id"], ondelete="SET NULL"
        )
    op.create_index(
        "ix_orders_staff_id",
        "orders",
        ["staff_id"],
        postgresql_where=sa.text("staff_id IS NOT NULL"),
        sqlite_where=sa.text("staff_id IS NOT NULL"),
    )
