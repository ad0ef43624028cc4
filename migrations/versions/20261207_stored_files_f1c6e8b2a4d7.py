"""Files the app keeps, in the database (the default file store): any web host or consumer can read what
another wrote.

Revision ID: f1c6e8b2a4d7
Revises: e9b3d7a1c5f2
Create Date: 2026-12-07 03:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f1c6e8b2a4d7"
down_revision = "e9b3d7a1c5f2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stored_files",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content_type", sa.String(length=128), nullable=False),
        sa.Column("chunks", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_stored_files")),
    )
    op.create_table(
        "stored_file_chunks",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["key"],
            ["stored_files.key"],
            name=op.f("fk_stored_file_chunks_key_stored_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", "n", name=op.f("pk_stored_file_chunks")),
    )


def downgrade():
    op.drop_table("stored_file_chunks")
    op.drop_table("stored_files")
