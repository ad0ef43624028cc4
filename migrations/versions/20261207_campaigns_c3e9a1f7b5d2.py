"""企业群发 campaigns: the campaign, its batches (one add_msg_template each) and its customers.

Revision ID: c3e9a1f7b5d2
Revises: a8d3f5c1e7b2
Create Date: 2026-12-07 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c3e9a1f7b5d2"
down_revision = "a8d3f5c1e7b2"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
T = "campaign_targets"


def campaign_fk() -> sa.Column:
    return sa.Column(
        "campaign_id", sa.Integer(), sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False
    )


def upgrade():
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("target", sa.String(16), server_default="customers", nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("material_ids", sa.Text(), nullable=False),
        sa.Column("audience", sa.Text(), nullable=False),
        sa.Column("holdout_percent", sa.Integer(), nullable=False),
        sa.Column("send_at", TZ, nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("admin_account_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("handed_at", TZ, nullable=True),
        sa.Column("cancelled_at", TZ, nullable=True),
        sa.Column("polled_at", TZ, nullable=True),
        sa.Column("planned", sa.Integer(), nullable=False),
        sa.Column("held_out", sa.Integer(), nullable=False),
        sa.Column("over_limit", sa.Integer(), nullable=False),
        sa.Column("nobodys", sa.Integer(), nullable=False),
    )
    op.create_table(
        "campaign_batches",
        sa.Column("id", sa.Integer(), primary_key=True),
        campaign_fk(),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("msgid", sa.String(64), nullable=True, unique=True),
        sa.Column("asked_at", TZ, nullable=True),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("not_friend", sa.Integer(), nullable=False),
        sa.Column("limit_reached", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(255), nullable=True),
        sa.Column("send_status", sa.Integer(), nullable=False),
        sa.Column("sent_at", TZ, nullable=True),
        sa.Column("results_at", TZ, nullable=True),
        sa.Column("reminders", sa.Text(), nullable=False),
        sa.UniqueConstraint("campaign_id", "staff_id", "seq"),
    )
    op.create_index("ix_campaign_batches_campaign_id", "campaign_batches", ["campaign_id"])
    op.create_index("ix_campaign_batches_staff_id", "campaign_batches", ["staff_id"])
    op.create_table(
        "campaign_targets",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        campaign_fk(),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("sent_at", TZ, nullable=True),
        sa.UniqueConstraint("campaign_id", "customer_id"),
    )
    op.create_index(
        "ix_campaign_targets_campaign_id_staff_id_status", T, ["campaign_id", "staff_id", "status"]
    )
    op.create_index("ix_campaign_targets_customer_id_status", T, ["customer_id", "status"])
    op.create_index("ix_campaign_targets_campaign_id_status_id", T, ["campaign_id", "status", "id"])

    op.create_table(
        "campaign_group_targets",
        sa.Column("id", sa.Integer(), primary_key=True),
        campaign_fk(),
        sa.Column(
            "group_id", sa.Integer(), sa.ForeignKey("group_chats.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("sent_at", TZ, nullable=True),
        sa.UniqueConstraint("campaign_id", "group_id"),
    )
    G = "campaign_group_targets"
    op.create_index("ix_campaign_group_targets_campaign_id_staff_id", G, ["campaign_id", "staff_id"])
    op.create_index("ix_campaign_group_targets_group_id_status", G, ["group_id", "status"])


def downgrade():
    op.drop_table("campaign_group_targets")
    op.drop_table("campaign_targets")
    op.drop_table("campaign_batches")
    op.drop_table("campaigns")
