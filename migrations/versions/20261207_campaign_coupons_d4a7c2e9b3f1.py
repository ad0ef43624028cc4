"""A mass message's coupon card: the campaign names a coupon template; coupons claimed from it name the
campaign.

Revision ID: d4a7c2e9b3f1
Revises: e5b2c8d1f4a6
Create Date: 2026-12-07 11:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d4a7c2e9b3f1"
down_revision = "e5b2c8d1f4a6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("campaigns") as batch:
        batch.add_column(sa.Column("coupon_template_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_campaigns_coupon_template_id_coupon_templates",
            "coupon_templates",
            ["coupon_template_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    with op.batch_alter_table("coupons") as batch:
        batch.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_coupons_campaign_id_campaigns", "campaigns", ["campaign_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index("ix_coupons_campaign_id", ["campaign_id"])


def downgrade():
    with op.batch_alter_table("coupons") as batch:
        batch.drop_index("ix_coupons_campaign_id")
        batch.drop_constraint("fk_coupons_campaign_id_campaigns", type_="foreignkey")
        batch.drop_column("campaign_id")
    with op.batch_alter_table("campaigns") as batch:
        batch.drop_constraint("fk_campaigns_coupon_template_id_coupon_templates", type_="foreignkey")
        batch.drop_column("coupon_template_id")
