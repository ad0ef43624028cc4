"""会话内容存档: archived messages, the pull's cursor, customers' consent.

Revision ID: b8e3f1a6c2d9
Revises: d4a7c2e9b3f1
Create Date: 2026-12-07 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b8e3f1a6c2d9"
down_revision = "d4a7c2e9b3f1"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "archive_messages",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("msgid", sa.String(128), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("msgtype", sa.String(32), nullable=False),
        sa.Column("sender", sa.String(128), nullable=False),
        sa.Column("receivers", sa.Text(), nullable=False),
        sa.Column("room_id", sa.String(128), nullable=True),
        sa.Column("staff_userid", sa.String(64), nullable=True),
        sa.Column("customer_userid", sa.String(64), nullable=True),
        sa.Column("from_customer", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("sent_at", TZ, nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("sdkfileid", sa.Text(), nullable=True),
        sa.Column("media_key", sa.String(255), nullable=True),
        sa.Column("media_state", sa.String(16), nullable=True),
        sa.Column("recalled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.UniqueConstraint("seq", name="uq_archive_messages_seq"),
        sa.UniqueConstraint("msgid", name="uq_archive_messages_msgid"),
    )
    op.create_index(
        "ix_archive_messages_staff_customer_at",
        "archive_messages",
        ["staff_userid", "customer_userid", "sent_at"],
    )
    op.create_index("ix_archive_messages_customer_at", "archive_messages", ["customer_userid", "sent_at"])
    op.create_index(
        "ix_archive_messages_room_at",
        "archive_messages",
        ["room_id", "sent_at"],
        postgresql_where=sa.text("room_id IS NOT NULL"),
        sqlite_where=sa.text("room_id IS NOT NULL"),
    )
    op.create_index("ix_archive_messages_sent_at", "archive_messages", ["sent_at"])
    if op.get_bind().dialect.name == "postgresql":  # beside_grams: migration 00b0f4d4d993
        op.execute(
            "CREATE INDEX ix_archive_messages_summary_grams ON archive_messages "
            "USING gin (beside_grams(summary))"
        )
    op.create_table(
        "archive_cursor",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("stored", sa.BigInteger(), nullable=False),
        sa.Column("pulled_at", TZ, nullable=True),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("error_at", TZ, nullable=True),
    )
    op.create_table(
        "archive_consents",
        sa.Column("external_userid", sa.String(64), primary_key=True),
        sa.Column("agreed", sa.Boolean(), nullable=False),
        sa.Column("changed_at", TZ, nullable=False),
    )


def downgrade():
    op.drop_table("archive_consents")
    op.drop_table("archive_cursor")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_archive_messages_summary_grams")
    op.drop_index("ix_archive_messages_sent_at", table_name="archive_messages")
    op.drop_index("ix_archive_messages_room_at", table_name="archive_messages")
    op.drop_index("ix_archive_messages_customer_at", table_name="archive_messages")
    op.drop_index("ix_archive_messages_staff_customer_at", table_name="archive_messages")
    op.drop_table("archive_messages")
