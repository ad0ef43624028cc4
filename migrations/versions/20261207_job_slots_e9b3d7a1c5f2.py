"""Periodic jobs run once per time slot whichever consumers are running: a row per job and slot.

Revision ID: e9b3d7a1c5f2
Revises: d4a8c2e6f1b3
Create Date: 2026-12-07 02:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e9b3d7a1c5f2"
down_revision = "d4a8c2e6f1b3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("slot", sa.DateTime(timezone=True), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_slots")),
        sa.UniqueConstraint("name", "slot", name=op.f("uq_job_slots_name_slot")),
    )
    op.create_index("ix_job_slots_status_lease", "job_slots", ["status", "lease_until"], unique=False)


def downgrade():
    op.drop_index("ix_job_slots_status_lease", table_name="job_slots")
    op.drop_table("job_slots")
