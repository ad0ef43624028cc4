"""SOP rules, their steps, and tasks (unique per step, customer, guide and occurrence).

Revision ID: 06e31d812f53
Revises: 97b5c66c8015
Create Date: 2026-11-24 04:05:09.267042

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "06e31d812f53"
down_revision = "97b5c66c8015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sop_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("trigger_days", sa.Integer(), nullable=False),
        sa.Column("fixed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("audience", sa.Text(), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sop_rules")),
    )
    op.create_table(
        "sop_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("offset_days", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("script_id", sa.Integer(), nullable=True),
        sa.Column("material_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["material_id"],
            ["materials.id"],
            name=op.f("fk_sop_steps_material_id_materials"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["sop_rules.id"], name=op.f("fk_sop_steps_rule_id_sop_rules"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["script_id"], ["scripts.id"], name=op.f("fk_sop_steps_script_id_scripts"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sop_steps")),
    )
    with op.batch_alter_table("sop_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sop_steps_material_id"), ["material_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sop_steps_rule_id"), ["rule_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sop_steps_script_id"), ["script_id"], unique=False)

    op.create_table(
        "sop_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("occurrence", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_pieces", sa.Integer(), nullable=False),
        sa.Column("skip_reason", sa.String(length=255), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_sop_tasks_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["sop_rules.id"], name=op.f("fk_sop_tasks_rule_id_sop_rules"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_sop_tasks_staff_id_staff"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["step_id"], ["sop_steps.id"], name=op.f("fk_sop_tasks_step_id_sop_steps"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sop_tasks")),
        sa.UniqueConstraint(
            "step_id",
            "customer_id",
            "staff_id",
            "occurrence",
            name=op.f("uq_sop_tasks_step_id_customer_id_staff_id_occurrence"),
        ),
    )
    with op.batch_alter_table("sop_tasks", schema=None) as batch_op:
        batch_op.create_index("ix_sop_tasks_customer_id_status", ["customer_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_sop_tasks_rule_id"), ["rule_id"], unique=False)
        batch_op.create_index(
            "ix_sop_tasks_staff_id_status_due_at", ["staff_id", "status", "due_at"], unique=False
        )
        batch_op.create_index("ix_sop_tasks_status_expires_at", ["status", "expires_at"], unique=False)


def downgrade():
    with op.batch_alter_table("sop_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_sop_tasks_status_expires_at")
        batch_op.drop_index("ix_sop_tasks_staff_id_status_due_at")
        batch_op.drop_index(batch_op.f("ix_sop_tasks_rule_id"))
        batch_op.drop_index("ix_sop_tasks_customer_id_status")

    op.drop_table("sop_tasks")
    with op.batch_alter_table("sop_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sop_steps_script_id"))
        batch_op.drop_index(batch_op.f("ix_sop_steps_rule_id"))
        batch_op.drop_index(batch_op.f("ix_sop_steps_material_id"))

    op.drop_table("sop_steps")
    op.drop_table("sop_rules")
