"""Order items may come without a price: Youzan's order export names its products in one cell
(全部商品名称) and gives no item prices — the names are kept, the prices left unknown.

Revision ID: d4a8c2e6f1b3
Revises: c7e2a9d4b1f5
Create Date: 2026-12-07 02:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d4a8c2e6f1b3"
down_revision = "c7e2a9d4b1f5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("order_items") as batch:
        batch.alter_column("unit_price", existing_type=sa.BigInteger(), nullable=True)
        batch.alter_column("amount", existing_type=sa.BigInteger(), nullable=True)


def downgrade():
    op.execute("UPDATE order_items SET unit_price = 0 WHERE unit_price IS NULL")
    op.execute("UPDATE order_items SET amount = 0 WHERE amount IS NULL")
    with op.batch_alter_table("order_items") as batch:
        batch.alter_column("unit_price", existing_type=sa.BigInteger(), nullable=False)
        batch.alter_column("amount", existing_type=sa.BigInteger(), nullable=False)
