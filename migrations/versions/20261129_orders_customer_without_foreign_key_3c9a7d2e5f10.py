"""An order's customer is a match (``data.oneid``), not ownership: the foreign key goes. Its check
locked the customer row for every order stored or matched (a fifth of a million-order import) and
guarded nothing, as customers are never deleted.

Revision ID: 3c9a7d2e5f10
Revises: 8d3e6f1a9b27
Create Date: 2026-11-29 01:25:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "3c9a7d2e5f10"
down_revision = "8d3e6f1a9b27"
branch_labels = None
depends_on = None

NAME = "fk_orders_customer_id_customers"


def upgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_constraint(NAME, type_="foreignkey")


def downgrade():
    op.execute("UPDATE orders SET customer_id = NULL WHERE customer_id NOT IN (SELECT id FROM customers)")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_foreign_key(NAME, "customers", ["customer_id"], ["id"], ondelete="SET NULL")
