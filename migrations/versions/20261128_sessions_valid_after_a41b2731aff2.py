"""Staff and local admin accounts: sessions_valid_after, so signing out ends every session.

Revision ID: a41b2731aff2
Revises: e108c8b91dab
Create Date: 2026-11-28 07:46:49.462562

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a41b2731aff2"
down_revision = "e108c8b91dab"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("admin_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sessions_valid_after", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sessions_valid_after", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("sessions_valid_after")
    with op.batch_alter_table("admin_accounts", schema=None) as batch_op:
        batch_op.drop_column("sessions_valid_after")
