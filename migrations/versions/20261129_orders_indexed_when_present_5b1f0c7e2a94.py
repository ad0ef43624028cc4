"""Order lookups by guide, store and buyer identifier index only the orders that carry one: most
imported orders lack a unionid, a member number, a guide and a store, and each NULL was an index entry
written for nothing (a file of a million orders wrote four million of them).

Revision ID: 5b1f0c7e2a94
Revises: 2eec34dfcfae
Create Date: 2026-11-29 00:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5b1f0c7e2a94"
down_revision = "2eec34dfcfae"
branch_labels = None
depends_on = None

COLUMNS = ("staff_id", "store_id", "buyer_unionid", "buyer_phone", "buyer_member_no", "buyer_platform_id")


def upgrade():
    for column in COLUMNS:
        name, present = f"ix_orders_{column}", sa.text(f"{column} IS NOT NULL")
        op.drop_index(name, table_name="orders")
        op.create_index(name, "orders", [column], postgresql_where=present, sqlite_where=present)


def downgrade():
    for column in COLUMNS:
        name = f"ix_orders_{column}"
        op.drop_index(name, table_name="orders")
        op.create_index(name, "orders", [column])
