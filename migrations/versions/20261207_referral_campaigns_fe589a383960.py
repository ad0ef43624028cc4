"""Referral campaigns (任务宝): campaigns and their reward ladders, personal codes (kept and reused),
invitations with whether they count, rewards made once per rung and inviter; coupons carry the campaign.

Revision ID: fe589a383960
Revises: d9b2e5f7a3c1
Create Date: 2026-12-07 14:37:11.330191

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "fe589a383960"
down_revision = "d9b2e5f7a3c1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "referral_campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hold_days", sa.Integer(), nullable=False),
        sa.Column("burst_per_hour", sa.Integer(), nullable=False),
        sa.Column("budget", sa.Integer(), nullable=False),
        sa.Column("poster_text", sa.Text(), nullable=False),
        sa.Column("poster_key", sa.String(length=255), nullable=True),
        sa.Column("staff_ids", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_campaigns")),
    )
    op.create_table(
        "referral_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("config_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("qr_code", sa.String(length=512), nullable=True),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("inviter_id", sa.Integer(), nullable=True),
        sa.Column("staff_userid", sa.String(length=64), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["referral_campaigns.id"],
            name=op.f("fk_referral_codes_campaign_id_referral_campaigns"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["inviter_id"],
            ["customers.id"],
            name=op.f("fk_referral_codes_inviter_id_customers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_codes")),
        sa.UniqueConstraint(
            "campaign_id", "inviter_id", name=op.f("uq_referral_codes_campaign_id_inviter_id")
        ),
        sa.UniqueConstraint("config_id", name=op.f("uq_referral_codes_config_id")),
        sa.UniqueConstraint("state", name=op.f("uq_referral_codes_state")),
    )
    with op.batch_alter_table("referral_codes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_referral_codes_free",
            ["id"],
            unique=False,
            postgresql_where=sa.text("campaign_id IS NULL"),
            sqlite_where=sa.text("campaign_id IS NULL"),
        )

    op.create_table(
        "referral_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("inviter_id", sa.Integer(), nullable=False),
        sa.Column("invitee_id", sa.Integer(), nullable=False),
        sa.Column("staff_userid", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["referral_campaigns.id"],
            name=op.f("fk_referral_invites_campaign_id_referral_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invitee_id"],
            ["customers.id"],
            name=op.f("fk_referral_invites_invitee_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["inviter_id"],
            ["customers.id"],
            name=op.f("fk_referral_invites_inviter_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_invites")),
        sa.UniqueConstraint(
            "campaign_id", "invitee_id", name=op.f("uq_referral_invites_campaign_id_invitee_id")
        ),
    )
    with op.batch_alter_table("referral_invites", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_invites_invitee_id"), ["invitee_id"], unique=False)
        batch_op.create_index(
            "ix_referral_invites_inviter", ["campaign_id", "inviter_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_referral_invites_pending",
            ["counts_at"],
            unique=False,
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        )

    op.create_table(
        "referral_rungs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("friends", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("coupon_template_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["referral_campaigns.id"],
            name=op.f("fk_referral_rungs_campaign_id_referral_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["coupon_template_id"],
            ["coupon_templates.id"],
            name=op.f("fk_referral_rungs_coupon_template_id_coupon_templates"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_rungs")),
        sa.UniqueConstraint("campaign_id", "friends", name=op.f("uq_referral_rungs_campaign_id_friends")),
    )
    op.create_table(
        "referral_rewards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("rung_id", sa.Integer(), nullable=False),
        sa.Column("inviter_id", sa.Integer(), nullable=False),
        sa.Column("coupon_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("told_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["referral_campaigns.id"],
            name=op.f("fk_referral_rewards_campaign_id_referral_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["coupon_id"],
            ["coupons.id"],
            name=op.f("fk_referral_rewards_coupon_id_coupons"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["inviter_id"],
            ["customers.id"],
            name=op.f("fk_referral_rewards_inviter_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rung_id"],
            ["referral_rungs.id"],
            name=op.f("fk_referral_rewards_rung_id_referral_rungs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_rewards")),
        sa.UniqueConstraint("rung_id", "inviter_id", name=op.f("uq_referral_rewards_rung_id_inviter_id")),
    )
    with op.batch_alter_table("coupons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("referral_campaign_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_coupons_referral_campaign_id"), ["referral_campaign_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_coupons_referral_campaign_id_referral_campaigns"),
            "referral_campaigns",
            ["referral_campaign_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("coupons", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_coupons_referral_campaign_id_referral_campaigns"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_coupons_referral_campaign_id"))
        batch_op.drop_column("referral_campaign_id")

    op.drop_table("referral_rewards")
    op.drop_table("referral_rungs")
    with op.batch_alter_table("referral_invites", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_referral_invites_pending",
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        )
        batch_op.drop_index("ix_referral_invites_inviter")
        batch_op.drop_index(batch_op.f("ix_referral_invites_invitee_id"))

    op.drop_table("referral_invites")
    with op.batch_alter_table("referral_codes", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_referral_codes_free",
            postgresql_where=sa.text("campaign_id IS NULL"),
            sqlite_where=sa.text("campaign_id IS NULL"),
        )

    op.drop_table("referral_codes")
    op.drop_table("referral_campaigns")
