"""Tags from what customers say: keyword rules and the message that set each tag.

Revision ID: a2d6e9c4b7f8
Revises: f3c9d2a7e1b4
Create Date: 2026-12-07 14:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a2d6e9c4b7f8"
down_revision = "f3c9d2a7e1b4"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "chat_tag_rules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column(
            "tag_id",
            sa.Integer(),
            sa.ForeignKey("tags.id", name="fk_chat_tag_rules_tag_id_tags", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_chat_tag_rules_tag_id", "chat_tag_rules", ["tag_id"])
    op.create_table(
        "chat_tag_citations",
        sa.Column("customer_id", sa.Integer(), primary_key=True),
        sa.Column("tag_id", sa.Integer(), primary_key=True),
        sa.Column(
            "rule_id",
            sa.Integer(),
            sa.ForeignKey(
                "chat_tag_rules.id", name="fk_chat_tag_citations_rule_id_chat_tag_rules", ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column(
            "message_id",
            sa.BigInteger(),
            sa.ForeignKey(
                "archive_messages.id",
                name="fk_chat_tag_citations_message_id_archive_messages",
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column("keyword", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_chat_tag_citations_rule_id", "chat_tag_citations", ["rule_id"])


def downgrade():
    op.drop_table("chat_tag_citations")
    op.drop_table("chat_tag_rules")
