"""Compliance over the chat archive: sensitive rules (words, behaviours) and the messages they caught.

Revision ID: f3c9d2a7e1b4
Revises: b8e3f1a6c2d9
Create Date: 2026-12-07 13:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f3c9d2a7e1b4"
down_revision = "b8e3f1a6c2d9"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "sensitive_rules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("side", sa.String(16), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("behaviour", sa.String(32), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "sensitive_hits",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column(
            "rule_id",
            sa.Integer(),
            sa.ForeignKey(
                "sensitive_rules.id", name="fk_sensitive_hits_rule_id_sensitive_rules", ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column(
            "message_id",
            sa.BigInteger(),
            sa.ForeignKey(
                "archive_messages.id",
                name="fk_sensitive_hits_message_id_archive_messages",
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column("staff_userid", sa.String(64), nullable=True),
        sa.Column("customer_userid", sa.String(64), nullable=True),
        sa.Column("room_id", sa.String(128), nullable=True),
        sa.Column("matched", sa.String(255), nullable=False),
        sa.Column("sent_at", TZ, nullable=False),
        sa.Column("notified_at", TZ, nullable=True),
        sa.Column("handled_at", TZ, nullable=True),
        sa.Column("handled_by", sa.String(64), nullable=True),
        sa.UniqueConstraint("rule_id", "message_id", name="uq_sensitive_hits_rule_id_message_id"),
    )
    op.create_index("ix_sensitive_hits_rule_id", "sensitive_hits", ["rule_id"])
    op.create_index("ix_sensitive_hits_staff_userid_sent_at", "sensitive_hits", ["staff_userid", "sent_at"])
    op.create_index(
        "ix_sensitive_hits_unnotified",
        "sensitive_hits",
        ["id"],
        postgresql_where=sa.text("notified_at IS NULL"),
        sqlite_where=sa.text("notified_at IS NULL"),
    )


def downgrade():
    op.drop_table("sensitive_hits")
    op.drop_table("sensitive_rules")
