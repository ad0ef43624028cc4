"""Guides by results: which guide each order is credited to, the brand's rule for it, and each
guide's month in figures (all derived; the next recompute fills them in).

Revision ID: 7ef0130345c3
Revises: 3ca311b0bb29
Create Date: 2026-11-29 03:55:02.075735

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7ef0130345c3"
down_revision = "3ca311b0bb29"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "attributions",
        sa.Column("order_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("credited_by", sa.String(length=24), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_attributions")),
    )
    with op.batch_alter_table("attributions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attributions_staff_id_month"), ["staff_id", "month"], unique=False
        )

    op.create_table(
        "guide_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=24), nullable=False),
        sa.Column("touch_days", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guide_settings")),
    )
    op.create_table(
        "guide_months",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("customers_added", sa.Integer(), nullable=False),
        sa.Column("customers_lost", sa.Integer(), nullable=False),
        sa.Column("customers_reached", sa.Integer(), nullable=False),
        sa.Column("sends", sa.Integer(), nullable=False),
        sa.Column("sop_due", sa.Integer(), nullable=False),
        sa.Column("sop_done", sa.Integer(), nullable=False),
        sa.Column("coupons_issued", sa.Integer(), nullable=False),
        sa.Column("coupons_redeemed", sa.Integer(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("sales", sa.BigInteger(), nullable=False),
        sa.Column("gross", sa.BigInteger(), nullable=False),
        sa.Column("refunded", sa.BigInteger(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_guide_months_staff_id_staff"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("staff_id", "month", name=op.f("pk_guide_months")),
    )
    with op.batch_alter_table("guide_months", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guide_months_month"), ["month"], unique=False)


def downgrade():
    with op.batch_alter_table("guide_months", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guide_months_month"))

    op.drop_table("guide_months")
    op.drop_table("guide_settings")
    with op.batch_alter_table("attributions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attributions_staff_id_month"))

    op.drop_table("attributions")
