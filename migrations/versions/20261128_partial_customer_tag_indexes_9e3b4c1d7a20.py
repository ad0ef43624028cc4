"""Partial indexes on customer tags: the push queue holds only rows waiting for WeCom, staff and rule
only rows that have them — a rule tagging a million customers writes two index entries fewer per row.

Revision ID: 9e3b4c1d7a20
Revises: 7c825d2a58f4
Create Date: 2026-11-28 17:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9e3b4c1d7a20"
down_revision = "7c825d2a58f4"
branch_labels = None
depends_on = None

PENDING = "sync_status IN ('adding', 'removing', 'failed')"


def _partial(name: str, columns: list[str], where: str) -> None:
    op.drop_index(name, table_name="customer_tags")
    op.create_index(
        name,
        "customer_tags",
        columns,
        unique=False,
        postgresql_where=sa.text(where),
        sqlite_where=sa.text(where),
    )


def upgrade():
    _partial("ix_customer_tags_sync_status_next_sync_at", ["sync_status", "next_sync_at"], PENDING)
    _partial("ix_customer_tags_staff_id", ["staff_id"], "staff_id IS NOT NULL")
    _partial("ix_customer_tags_rule_id", ["rule_id"], "rule_id IS NOT NULL")


def downgrade():
    for name, columns in (
        ("ix_customer_tags_rule_id", ["rule_id"]),
        ("ix_customer_tags_staff_id", ["staff_id"]),
        ("ix_customer_tags_sync_status_next_sync_at", ["sync_status", "next_sync_at"]),
    ):
        op.drop_index(name, table_name="customer_tags")
        op.create_index(name, "customer_tags", columns, unique=False)
