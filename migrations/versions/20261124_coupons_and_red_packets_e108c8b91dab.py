"""Coupons (templates with stock and limits, issued coupons with codes), red-packet rules, team budgets
and red packets (idempotency keys, mch_billno), API keys for redemption; SOP steps may carry a coupon.

Revision ID: e108c8b91dab
Revises: 10f811437f3b
Create Date: 2026-11-24 05:01:22.474769

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e108c8b91dab"
down_revision = "10f811437f3b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
        sa.UniqueConstraint("name", name=op.f("uq_api_keys_name")),
    )
    op.create_table(
        "coupon_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("value_kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.BigInteger(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("valid_days", sa.Integer(), nullable=True),
        sa.Column("total_stock", sa.Integer(), nullable=False),
        sa.Column("stock_left", sa.Integer(), nullable=False),
        sa.Column("per_customer_limit", sa.Integer(), nullable=False),
        sa.Column("per_guide_daily", sa.Integer(), nullable=False),
        sa.Column("eligible_levels", sa.Text(), nullable=False),
        sa.Column("eligible_tag_ids", sa.Text(), nullable=False),
        sa.Column("delivery", sa.String(length=16), nullable=False),
        sa.Column("miniprogram_appid", sa.String(length=64), nullable=True),
        sa.Column("miniprogram_page", sa.String(length=255), nullable=True),
        sa.Column("wxpay_stock_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("stock_left >= 0", name=op.f("ck_coupon_templates_stock_left")),
        sa.CheckConstraint("value > 0", name=op.f("ck_coupon_templates_value")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupon_templates")),
    )
    op.create_table(
        "red_packet_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("min_amount", sa.Integer(), nullable=False),
        sa.Column("max_amount", sa.Integer(), nullable=False),
        sa.Column("guide_daily_count", sa.Integer(), nullable=False),
        sa.Column("guide_daily_amount", sa.Integer(), nullable=False),
        sa.Column("customer_daily_count", sa.Integer(), nullable=False),
        sa.Column("default_team_monthly_budget", sa.BigInteger(), nullable=False),
        sa.Column("reason_required_above", sa.Integer(), nullable=False),
        sa.Column("wishing", sa.String(length=128), nullable=False),
        sa.Column("act_name", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_red_packet_rules")),
    )
    op.create_table(
        "red_packet_budgets",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("monthly_amount", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_red_packet_budgets_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_red_packet_budgets")),
    )
    op.create_table(
        "coupons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("card_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("provider_ref", sa.String(length=64), nullable=True),
        sa.Column("redeemed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("redeem_order_no", sa.String(length=64), nullable=True),
        sa.Column("redeem_amount", sa.BigInteger(), nullable=True),
        sa.Column("redeemed_by", sa.String(length=64), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_coupons_customer_id_customers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_coupons_order_id_orders"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_coupons_staff_id_staff"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_coupons_team_id_teams"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["coupon_templates.id"],
            name=op.f("fk_coupons_template_id_coupon_templates"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupons")),
        sa.UniqueConstraint("code", name=op.f("uq_coupons_code")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_coupons_idempotency_key")),
    )
    with op.batch_alter_table("coupons", schema=None) as batch_op:
        batch_op.create_index("ix_coupons_created_at", ["created_at"], unique=False)
        batch_op.create_index(
            "ix_coupons_customer_id_created_at", ["customer_id", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_coupons_team_id"), ["team_id"], unique=False)
        batch_op.create_index(
            "ix_coupons_template_id_customer_id", ["template_id", "customer_id"], unique=False
        )
        batch_op.create_index(
            "ix_coupons_template_id_staff_id_created_at",
            ["template_id", "staff_id", "created_at"],
            unique=False,
        )

    op.create_table(
        "red_packets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("mch_billno", sa.String(length=28), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("wishing", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.String(length=255), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("card_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("openid", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("send_listid", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_red_packets_amount")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_red_packets_customer_id_customers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_red_packets_order_id_orders"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_red_packets_staff_id_staff"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_red_packets_team_id_teams"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_red_packets")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_red_packets_idempotency_key")),
        sa.UniqueConstraint("mch_billno", name=op.f("uq_red_packets_mch_billno")),
    )
    with op.batch_alter_table("red_packets", schema=None) as batch_op:
        batch_op.create_index("ix_red_packets_created_at", ["created_at"], unique=False)
        batch_op.create_index(
            "ix_red_packets_customer_id_created_at", ["customer_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_red_packets_staff_id_created_at", ["staff_id", "created_at"], unique=False)
        batch_op.create_index(
            "ix_red_packets_status_next_check_at", ["status", "next_check_at"], unique=False
        )
        batch_op.create_index("ix_red_packets_team_id_created_at", ["team_id", "created_at"], unique=False)

    with op.batch_alter_table("sop_steps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("coupon_template_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_sop_steps_coupon_template_id"), ["coupon_template_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_sop_steps_coupon_template_id_coupon_templates"),
            "coupon_templates",
            ["coupon_template_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("sop_steps", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_sop_steps_coupon_template_id_coupon_templates"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_sop_steps_coupon_template_id"))
        batch_op.drop_column("coupon_template_id")

    with op.batch_alter_table("red_packets", schema=None) as batch_op:
        batch_op.drop_index("ix_red_packets_team_id_created_at")
        batch_op.drop_index("ix_red_packets_status_next_check_at")
        batch_op.drop_index("ix_red_packets_staff_id_created_at")
        batch_op.drop_index("ix_red_packets_customer_id_created_at")
        batch_op.drop_index("ix_red_packets_created_at")

    op.drop_table("red_packets")
    with op.batch_alter_table("coupons", schema=None) as batch_op:
        batch_op.drop_index("ix_coupons_template_id_staff_id_created_at")
        batch_op.drop_index("ix_coupons_template_id_customer_id")
        batch_op.drop_index(batch_op.f("ix_coupons_team_id"))
        batch_op.drop_index("ix_coupons_customer_id_created_at")
        batch_op.drop_index("ix_coupons_created_at")

    op.drop_table("coupons")
    op.drop_table("red_packet_budgets")
    op.drop_table("red_packet_rules")
    op.drop_table("coupon_templates")
    op.drop_table("api_keys")
