"""Orders and members in from every channel: members, buyer identifiers and versions on orders, API
key scopes, lifecycle settings and alerts, RFM segment and when the profile was computed.

Revision ID: 14d01ab46e0c
Revises: a41b2731aff2
Create Date: 2026-11-28 08:24:38.239454

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "14d01ab46e0c"
down_revision = "a41b2731aff2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "lifecycle_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dormant_days", sa.Integer(), nullable=False),
        sa.Column("lost_days", sa.Integer(), nullable=False),
        sa.Column("alert_spend_min", sa.BigInteger(), nullable=False),
        sa.Column("alert_quiet_days", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lifecycle_settings")),
    )
    op.create_table(
        "members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_no", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("phone_raw", sa.String(length=64), nullable=True),
        sa.Column("unionid", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=64), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=True),
        sa.Column("points", sa.Integer(), nullable=True),
        sa.Column("birthday", sa.Date(), nullable=True),
        sa.Column("skin_type", sa.String(length=16), nullable=True),
        sa.Column("skin_concerns", sa.String(length=255), nullable=True),
        sa.Column("store_code", sa.String(length=32), nullable=True),
        sa.Column("source_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("matched_by", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_members_customer_id_customers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        sa.UniqueConstraint("member_no", name=op.f("uq_members_member_no")),
    )
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_members_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_members_phone"), ["phone"], unique=False)
        batch_op.create_index(batch_op.f("ix_members_unionid"), ["unionid"], unique=False)

    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_alerts_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_alerts_staff_id_staff"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alerts_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index("ix_alerts_staff_id_resolved_at", ["staff_id", "resolved_at"], unique=False)

    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        # Keys made before scopes existed could only redeem coupons, and keep exactly that.
        batch_op.add_column(
            sa.Column("scopes", sa.String(length=255), nullable=False, server_default="coupons:redeem")
        )

    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rfm_segment", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("stats_computed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_customers_rfm_segment"), ["rfm_segment"], unique=False)

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("buyer_phone_raw", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("buyer_openid", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("buyer_member_no", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("buyer_platform_id", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("refund_amount", sa.BigInteger(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("store_code", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("source_updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("matched_by", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("payload_hash", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_orders_buyer_member_no"), ["buyer_member_no"], unique=False)
        batch_op.create_index(batch_op.f("ix_orders_buyer_platform_id"), ["buyer_platform_id"], unique=False)


def downgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_buyer_platform_id"))
        batch_op.drop_index(batch_op.f("ix_orders_buyer_member_no"))
        batch_op.drop_column("payload_hash")
        batch_op.drop_column("matched_by")
        batch_op.drop_column("source_updated_at")
        batch_op.drop_column("store_code")
        batch_op.drop_column("refund_amount")
        batch_op.drop_column("buyer_platform_id")
        batch_op.drop_column("buyer_member_no")
        batch_op.drop_column("buyer_openid")
        batch_op.drop_column("buyer_phone_raw")

    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customers_rfm_segment"))
        batch_op.drop_column("stats_computed_at")
        batch_op.drop_column("rfm_segment")

    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_column("scopes")

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_members_unionid"))
        batch_op.drop_index(batch_op.f("ix_members_phone"))
        batch_op.drop_index(batch_op.f("ix_members_customer_id"))

    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_alerts_staff_id_resolved_at")
        batch_op.drop_index(batch_op.f("ix_alerts_customer_id"))

    op.drop_table("alerts")
    op.drop_table("members")
    op.drop_table("lifecycle_settings")
