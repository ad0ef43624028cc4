"""Reply help: guides' script replies to customers' messages, learnt from the chat archive.

Revision ID: c5f8a1d3e6b2
Revises: a2d6e9c4b7f8
Create Date: 2026-12-07 15:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c5f8a1d3e6b2"
down_revision = "a2d6e9c4b7f8"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "reply_examples",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column(
            "reply_message_id",
            sa.BigInteger(),
            sa.ForeignKey(
                "archive_messages.id",
                name="fk_reply_examples_reply_message_id_archive_messages",
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column(
            "script_id",
            sa.Integer(),
            sa.ForeignKey("scripts.id", name="fk_reply_examples_script_id_scripts", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("customer_text", sa.Text(), nullable=False),
        sa.Column("staff_userid", sa.String(64), nullable=False),
        sa.Column("customer_userid", sa.String(64), nullable=False),
        sa.Column("sent_at", TZ, nullable=False),
        sa.Column("answered", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.UniqueConstraint("reply_message_id", name="uq_reply_examples_reply_message_id"),
    )
    op.create_index("ix_reply_examples_script_id", "reply_examples", ["script_id"])
    op.create_index("ix_reply_examples_answered_id", "reply_examples", ["answered", "id"])
    op.create_index(
        "ix_reply_examples_staff_customer_sent_at",
        "reply_examples",
        ["staff_userid", "customer_userid", "sent_at"],
    )


def downgrade():
    op.drop_table("reply_examples")
