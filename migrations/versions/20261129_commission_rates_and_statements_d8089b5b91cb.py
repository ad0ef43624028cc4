"""Commission: rates by category, store, tier or default, monthly statements per guide and store
(locked once approved), and their lines (orders and adjustments).

Revision ID: d8089b5b91cb
Revises: f1850a055e01
Create Date: 2026-11-29 04:11:39.398680

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d8089b5b91cb"
down_revision = "f1850a055e01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "commission_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("basis_points", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commission_rates")),
        sa.UniqueConstraint("scope", "key", name=op.f("uq_commission_rates_scope_key")),
    )
    op.create_table(
        "commission_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("refunds", sa.BigInteger(), nullable=False),
        sa.Column("adjustments", sa.BigInteger(), nullable=False),
        sa.Column("commission", sa.BigInteger(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.String(length=64), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_commission_statements_staff_id_staff"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["stores.id"],
            name=op.f("fk_commission_statements_store_id_stores"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commission_statements")),
    )
    with op.batch_alter_table("commission_statements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commission_statements_month_staff_id"), ["month", "staff_id"], unique=False
        )

    op.create_table(
        "commission_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("refund", sa.BigInteger(), nullable=False),
        sa.Column("base", sa.BigInteger(), nullable=False),
        sa.Column("basis_points", sa.Integer(), nullable=False),
        sa.Column("rate_from", sa.String(length=48), nullable=False),
        sa.Column("commission", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["commission_statements.id"],
            name=op.f("fk_commission_lines_statement_id_commission_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commission_lines")),
    )
    with op.batch_alter_table("commission_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commission_lines_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_commission_lines_statement_id"), ["statement_id"], unique=False)


def downgrade():
    with op.batch_alter_table("commission_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commission_lines_statement_id"))
        batch_op.drop_index(batch_op.f("ix_commission_lines_order_id"))

    op.drop_table("commission_lines")
    with op.batch_alter_table("commission_statements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commission_statements_month_staff_id"))

    op.drop_table("commission_statements")
    op.drop_table("commission_rates")
