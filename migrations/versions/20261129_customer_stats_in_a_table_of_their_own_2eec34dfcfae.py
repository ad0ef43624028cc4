"""The computed profile (order count, spent, first and last order, stage, RFM) moves out of the wide
customers table into a narrow one of its own, ``customer_stats``: recomputing a million profiles then
rewrites narrow rows and their two indexes, not customer rows with their trigram and identifier indexes.
What was computed is carried over.

Revision ID: 2eec34dfcfae
Revises: ca939d1f5ec0
Create Date: 2026-11-29 00:20:01.369290

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "2eec34dfcfae"
down_revision = "ca939d1f5ec0"
branch_labels = None
depends_on = None

COLUMNS = (
    "first_order_at, last_order_at, order_count, total_spent, lifecycle_stage, "
    "rfm_r, rfm_f, rfm_m, rfm_segment, stats_computed_at"
)
STAGES = "lifecycle_stage IS NULL OR lifecycle_stage IN ('prospect', 'new', 'active', 'dormant', 'lost')"


def upgrade():
    op.create_table(
        "customer_stats",
        sa.Column("customer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("first_order_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_order_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("order_count", sa.Integer(), nullable=False),
        sa.Column("total_spent", sa.BigInteger(), nullable=False),
        sa.Column("lifecycle_stage", sa.String(length=16), nullable=True),
        sa.Column("rfm_r", sa.SmallInteger(), nullable=True),
        sa.Column("rfm_f", sa.SmallInteger(), nullable=True),
        sa.Column("rfm_m", sa.SmallInteger(), nullable=True),
        sa.Column("rfm_segment", sa.String(length=24), nullable=True),
        sa.Column("stats_computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(STAGES, name=op.f("ck_customer_stats_lifecycle_stage")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_stats_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_stats")),
    )
    # Only customers something was computed for: the rest read as "not yet computed", as before.
    computed = "stats_computed_at IS NOT NULL OR lifecycle_stage IS NOT NULL OR order_count > 0"
    select_computed = f"SELECT id, {COLUMNS} FROM customers WHERE {computed}"  # noqa: S608
    op.execute(f"INSERT INTO customer_stats (customer_id, {COLUMNS}) {select_computed}")
    with op.batch_alter_table("customer_stats", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_stats_last_order_at"), ["last_order_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_customer_stats_total_spent"), ["total_spent"], unique=False)

    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customers_last_order_at"))
        batch_op.drop_index(batch_op.f("ix_customers_lifecycle_stage"))
        batch_op.drop_index(batch_op.f("ix_customers_rfm_segment"))
        batch_op.drop_index(batch_op.f("ix_customers_total_spent"))
        batch_op.drop_constraint(op.f("ck_customers_lifecycle_stage"), type_="check")
        for column in COLUMNS.split(", "):
            batch_op.drop_column(column)


def downgrade():
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_order_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_order_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("order_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("total_spent", sa.BigInteger(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("lifecycle_stage", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("rfm_r", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("rfm_f", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("rfm_m", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("rfm_segment", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("stats_computed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(op.f("ck_customers_lifecycle_stage"), sa.text(STAGES))
        batch_op.create_index(batch_op.f("ix_customers_total_spent"), ["total_spent"], unique=False)
        batch_op.create_index(batch_op.f("ix_customers_rfm_segment"), ["rfm_segment"], unique=False)
        batch_op.create_index(batch_op.f("ix_customers_lifecycle_stage"), ["lifecycle_stage"], unique=False)
        batch_op.create_index(batch_op.f("ix_customers_last_order_at"), ["last_order_at"], unique=False)
    for column in COLUMNS.split(", "):
        op.execute(
            f"UPDATE customers SET {column} = (SELECT s.{column} FROM customer_stats s "  # noqa: S608
            "WHERE s.customer_id = customers.id) "
            "WHERE EXISTS (SELECT 1 FROM customer_stats s WHERE s.customer_id = customers.id)"
        )
    op.drop_table("customer_stats")
