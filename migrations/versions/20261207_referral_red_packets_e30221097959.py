"""Referral campaigns' red-packet rewards: a packet carries its campaign (paid from its budget, not a
guide's caps), and a reward its packet.

Revision ID: e30221097959
Revises: fe589a383960
Create Date: 2026-12-07 15:00:46.658102

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e30221097959"
down_revision = "fe589a383960"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("red_packets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("referral_campaign_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_red_packets_referral_campaign_id"), ["referral_campaign_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_red_packets_referral_campaign_id_referral_campaigns"),
            "referral_campaigns",
            ["referral_campaign_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("referral_rewards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("red_packet_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_referral_rewards_red_packet_id_red_packets"),
            "red_packets",
            ["red_packet_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("referral_rewards", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_referral_rewards_red_packet_id_red_packets"), type_="foreignkey"
        )
        batch_op.drop_column("red_packet_id")

    with op.batch_alter_table("red_packets", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_red_packets_referral_campaign_id_referral_campaigns"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_red_packets_referral_campaign_id"))
        batch_op.drop_column("referral_campaign_id")
