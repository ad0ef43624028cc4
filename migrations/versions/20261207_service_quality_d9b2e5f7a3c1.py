"""Service quality from the chat archive: per member per day, unanswered-question alerts, and the
service figures in the guides' months.

Revision ID: d9b2e5f7a3c1
Revises: c5f8a1d3e6b2
Create Date: 2026-12-07 16:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d9b2e5f7a3c1"
down_revision = "c5f8a1d3e6b2"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "service_days",
        sa.Column("staff_userid", sa.String(64), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("conversations", sa.Integer(), nullable=False),
        sa.Column("questions", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("response_seconds", sa.BigInteger(), nullable=False),
        sa.Column("late", sa.Integer(), nullable=False),
        sa.Column("computed_at", TZ, nullable=False),
    )
    op.create_index("ix_service_days_day", "service_days", ["day"])
    op.create_table(
        "unanswered_alerts",
        sa.Column(
            "message_id",
            sa.BigInteger(),
            sa.ForeignKey(
                "archive_messages.id",
                name="fk_unanswered_alerts_message_id_archive_messages",
                ondelete="CASCADE",
            ),
            primary_key=True,
        ),
        sa.Column("staff_userid", sa.String(64), nullable=False),
        sa.Column("customer_userid", sa.String(64), nullable=False),
        sa.Column("guide_told_at", TZ, nullable=True),
        sa.Column("manager_told_at", TZ, nullable=True),
    )
    op.create_index("ix_unanswered_alerts_staff_userid", "unanswered_alerts", ["staff_userid"])
    with op.batch_alter_table("guide_months") as batch:
        for name in ("conversations", "questions", "answered", "answered_late", "sensitive_hits"):
            batch.add_column(sa.Column(name, sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("response_seconds", sa.BigInteger(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("guide_months") as batch:
        for name in (
            "conversations",
            "questions",
            "answered",
            "response_seconds",
            "answered_late",
            "sensitive_hits",
        ):
            batch.drop_column(name)
    op.drop_table("unanswered_alerts")
    op.drop_table("service_days")
