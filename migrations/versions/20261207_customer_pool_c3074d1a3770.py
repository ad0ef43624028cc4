"""客户公海: buyers known by phone who are no guide's contact yet, and their daily assignments to guides
(with the tags to put on them once added), and head office's rule for assigning them.

Revision ID: c3074d1a3770
Revises: e30221097959
Create Date: 2026-12-07 15:04:42.547166

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3074d1a3770"
down_revision = "e30221097959"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pool_customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), server_default="", nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("spend", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("orders", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_order_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("skin_type", sa.String(length=16), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_pool_customers_customer_id_customers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_pool_customers_store_id_stores"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_customers")),
        sa.UniqueConstraint("phone", name=op.f("uq_pool_customers_phone")),
    )
    with op.batch_alter_table("pool_customers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pool_customers_open",
            ["store_id", "spend"],
            unique=False,
            postgresql_where=sa.text("customer_id IS NULL"),
            sqlite_where=sa.text("customer_id IS NULL"),
        )

    op.create_table(
        "pool_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pool_customer_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message", sa.String(length=255), nullable=False),
        sa.Column("tag_ids", sa.Text(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_pool_assignments_customer_id_customers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["pool_customer_id"],
            ["pool_customers.id"],
            name=op.f("fk_pool_assignments_pool_customer_id_pool_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_pool_assignments_staff_id_staff"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_assignments")),
    )
    with op.batch_alter_table("pool_assignments", schema=None) as batch_op:
        batch_op.create_index("ix_pool_assignments_staff_day", ["staff_id", "day"], unique=False)
        batch_op.create_index(
            "uq_pool_assignments_open",
            ["pool_customer_id"],
            unique=True,
            postgresql_where=sa.text("status = 'assigned'"),
            sqlite_where=sa.text("status = 'assigned'"),
        )

    op.create_table(
        "pool_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("per_guide", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=255), nullable=False),
        sa.Column("tag_ids", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_rules")),
    )


def downgrade():
    op.drop_table("pool_rules")
    with op.batch_alter_table("pool_assignments", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_pool_assignments_open",
            postgresql_where=sa.text("status = 'assigned'"),
            sqlite_where=sa.text("status = 'assigned'"),
        )
        batch_op.drop_index("ix_pool_assignments_staff_day")

    op.drop_table("pool_assignments")
    with op.batch_alter_table("pool_customers", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_pool_customers_open",
            postgresql_where=sa.text("customer_id IS NULL"),
            sqlite_where=sa.text("customer_id IS NULL"),
        )

    op.drop_table("pool_customers")
