"""SOP tasks without foreign keys to customers and staff.

PostgreSQL's per-row FK checks were ~40% of the time to insert a million tasks in one statement
(bench/sop.py). Customers and staff are never hard-deleted, and the engine only selects ids from
live follows, so nothing can dangle.

Revision ID: 10f811437f3b
Revises: 06e31d812f53
Create Date: 2026-11-24 04:54:30.913123

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "10f811437f3b"
down_revision = "06e31d812f53"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sop_tasks", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_sop_tasks_customer_id_customers"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_sop_tasks_staff_id_staff"), type_="foreignkey")


def downgrade():
    with op.batch_alter_table("sop_tasks", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_sop_tasks_staff_id_staff"), "staff", ["staff_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_sop_tasks_customer_id_customers"),
            "customers",
            ["customer_id"],
            ["id"],
            ondelete="CASCADE",
        )
