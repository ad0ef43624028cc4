"""客户朋友圈: posting tasks, each guide's post, customers' likes and comments.

Revision ID: e5b2c8d1f4a6
Revises: c3e9a1f7b5d2
Create Date: 2026-12-07 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e5b2c8d1f4a6"
down_revision = "c3e9a1f7b5d2"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "moment_tasks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("material_ids", sa.Text(), nullable=False),
        sa.Column("guide_ids", sa.Text(), nullable=False),
        sa.Column("tag_ids", sa.Text(), nullable=False),
        sa.Column("deadline", TZ, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("jobid", sa.String(64), nullable=True),
        sa.Column("moment_id", sa.String(64), nullable=True, unique=True),
        sa.Column("error", sa.String(255), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("admin_account_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("polled_at", TZ, nullable=True),
        sa.Column("sop_step_id", sa.Integer(), nullable=True),
        sa.Column("occurrence", sa.String(10), nullable=True),
        sa.UniqueConstraint("sop_step_id", "occurrence"),
    )
    op.create_table(
        "moment_posts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "task_id", sa.Integer(), sa.ForeignKey("moment_tasks.id", ondelete="CASCADE"), nullable=True
        ),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id", ondelete="CASCADE"), nullable=False),
        sa.Column("moment_id", sa.String(64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("posted_at", TZ, nullable=True),
        sa.Column("seen", sa.Integer(), nullable=False),
        sa.Column("likes", sa.Integer(), nullable=False),
        sa.Column("comments", sa.Integer(), nullable=False),
        sa.Column("reminded_at", TZ, nullable=True),
        sa.UniqueConstraint("task_id", "staff_id"),
    )
    op.create_index("ix_moment_posts_staff_id_posted_at", "moment_posts", ["staff_id", "posted_at"])
    op.create_index("ix_moment_posts_moment_id", "moment_posts", ["moment_id"])
    op.create_table(
        "moment_interactions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "post_id", sa.Integer(), sa.ForeignKey("moment_posts.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "customer_id", sa.Integer(), sa.ForeignKey("customers.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.UniqueConstraint("post_id", "customer_id", "kind", "at"),
    )
    op.create_index("ix_moment_interactions_customer_id_at", "moment_interactions", ["customer_id", "at"])


def downgrade():
    op.drop_table("moment_interactions")
    op.drop_table("moment_posts")
    op.drop_table("moment_tasks")
