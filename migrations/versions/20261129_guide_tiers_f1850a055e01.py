"""Tiers A, B and C: the brand's criteria, each guide's tier per period with why and any override, and
how often tiers are computed.

Revision ID: f1850a055e01
Revises: 7ef0130345c3
Create Date: 2026-11-29 04:05:18.233209

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f1850a055e01"
down_revision = "7ef0130345c3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tier_criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("by_percentile", sa.Boolean(), nullable=False),
        sa.Column("a_from", sa.Float(), nullable=False),
        sa.Column("a_to", sa.Float(), nullable=True),
        sa.Column("b_from", sa.Float(), nullable=False),
        sa.Column("b_to", sa.Float(), nullable=True),
        sa.Column("c_from", sa.Float(), nullable=False),
        sa.Column("c_to", sa.Float(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tier_criteria")),
    )
    op.create_table(
        "guide_tiers",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("computed", sa.String(length=1), nullable=False),
        sa.Column("why", sa.String(length=1000), nullable=False),
        sa.Column("override", sa.String(length=1), nullable=True),
        sa.Column("override_reason", sa.String(length=255), nullable=True),
        sa.Column("overridden_by", sa.String(length=64), nullable=True),
        sa.Column("overridden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_guide_tiers_staff_id_staff"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("staff_id", "period_start", name=op.f("pk_guide_tiers")),
    )
    with op.batch_alter_table("guide_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("tier_period", sa.String(length=8), server_default="month", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("guide_settings", schema=None) as batch_op:
        batch_op.drop_column("tier_period")

    op.drop_table("guide_tiers")
    op.drop_table("tier_criteria")
