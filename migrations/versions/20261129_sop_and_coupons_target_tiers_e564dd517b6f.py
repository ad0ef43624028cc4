"""SOP rules for some guide tiers only; coupon quotas per guide tier.

Revision ID: e564dd517b6f
Revises: d8089b5b91cb
Create Date: 2026-11-29 04:16:22.450114

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e564dd517b6f"
down_revision = "d8089b5b91cb"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("coupon_templates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tier_daily", sa.Text(), server_default="{}", nullable=False))

    with op.batch_alter_table("sop_rules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guide_tiers", sa.String(length=3), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("sop_rules", schema=None) as batch_op:
        batch_op.drop_column("guide_tiers")

    with op.batch_alter_table("coupon_templates", schema=None) as batch_op:
        batch_op.drop_column("tier_daily")
