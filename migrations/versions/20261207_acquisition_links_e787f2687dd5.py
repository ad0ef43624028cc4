"""获客助手: acquisition links, each with the channel Beside appends so an add names its link.

Revision ID: e787f2687dd5
Revises: c3074d1a3770
Create Date: 2026-12-07 15:31:29.596090

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e787f2687dd5"
down_revision = "c3074d1a3770"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "acquisition_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=30), nullable=False),
        sa.Column("url", sa.String(length=512), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("userids", sa.Text(), nullable=False),
        sa.Column("skip_verify", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acquisition_links")),
        sa.UniqueConstraint("channel", name=op.f("uq_acquisition_links_channel")),
        sa.UniqueConstraint("link_id", name=op.f("uq_acquisition_links_link_id")),
    )


def downgrade():
    op.drop_table("acquisition_links")
