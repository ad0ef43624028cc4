"""Stores made by admins, sheets and the API: address and status; members resolve their store code.

Revision ID: 7d2b4e9a1f63
Revises: 3c5e1a7d9b20
Create Date: 2026-12-06 22:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "7d2b4e9a1f63"
down_revision = "3c5e1a7d9b20"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("stores") as batch:
        batch.add_column(sa.Column("address", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("status", sa.String(length=16), server_default="open", nullable=False))
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("store_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_members_store_id"), ["store_id"])
        batch.create_index(batch.f("ix_members_store_code"), ["store_code"])
        batch.create_foreign_key(
            batch.f("fk_members_store_id_stores"), "stores", ["store_id"], ["id"], ondelete="SET NULL"
        )
    op.execute(
        "UPDATE members SET store_id = (SELECT stores.id FROM stores WHERE stores.code = members.store_code) "
        "WHERE store_code IS NOT NULL"
    )
    op.create_index(
        "ix_orders_unresolved_store_code",
        "orders",
        ["store_code"],
        postgresql_where=sa.text("store_id IS NULL AND store_code IS NOT NULL"),
        sqlite_where=sa.text("store_id IS NULL AND store_code IS NOT NULL"),
    )


def downgrade():
    op.drop_index("ix_orders_unresolved_store_code", table_name="orders")
    with op.batch_alter_table("members") as batch:
        batch.drop_constraint(batch.f("fk_members_store_id_stores"), type_="foreignkey")
        batch.drop_index(batch.f("ix_members_store_code"))
        batch.drop_index(batch.f("ix_members_store_id"))
        batch.drop_column("store_id")
    with op.batch_alter_table("stores") as batch:
        batch.drop_column("status")
        batch.drop_column("address")
