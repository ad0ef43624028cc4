"""Customer identities: the phones OneID matches by, each with where it was learned.

Revision ID: 3c5e1a7d9b20
Revises: 92a1419356ac
Create Date: 2026-12-06 22:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "3c5e1a7d9b20"
down_revision = "92a1419356ac"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "customer_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_ref", sa.String(length=96), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_identities_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_identities")),
        sa.UniqueConstraint(
            "customer_id", "kind", "value", name=op.f("uq_customer_identities_customer_id_kind_value")
        ),
    )
    # Before 2026-12 only the demo seed wrote customers.phone: those phones become identities.
    op.execute(
        "INSERT INTO customer_identities (customer_id, kind, value, source, created_at) "
        "SELECT id, 'phone', phone, 'demo', CURRENT_TIMESTAMP FROM customers WHERE phone IS NOT NULL"
    )
    op.create_index(
        "ix_customer_identities_kind_value", "customer_identities", ["kind", "value", "customer_id"]
    )


def downgrade():
    op.drop_index("ix_customer_identities_kind_value", table_name="customer_identities")
    op.drop_table("customer_identities")
