"""Customers' phone and unionid indexes carry the customer id (PostgreSQL's INCLUDE): who an
identifier names is then answered from the index alone, as an order file asks for every buyer.

Revision ID: 8d3e6f1a9b27
Revises: 5b1f0c7e2a94
Create Date: 2026-11-29 01:10:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "8d3e6f1a9b27"
down_revision = "5b1f0c7e2a94"
branch_labels = None
depends_on = None


def upgrade():
    for column in ("phone", "unionid"):
        op.drop_index(f"ix_customers_{column}", table_name="customers")
        op.create_index(f"ix_customers_{column}", "customers", [column], postgresql_include=["id"])


def downgrade():
    for column in ("phone", "unionid"):
        op.drop_index(f"ix_customers_{column}", table_name="customers")
        op.create_index(f"ix_customers_{column}", "customers", [column])
