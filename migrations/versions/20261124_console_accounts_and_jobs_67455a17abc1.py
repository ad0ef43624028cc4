"""Console: local admin accounts, background jobs, and search indexes (trigram on PostgreSQL).

Revision ID: 67455a17abc1
Revises: ec72f996508e
Create Date: 2026-11-24 03:30:41.910852

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "67455a17abc1"
down_revision = "ec72f996508e"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # A trusted extension (PostgreSQL 13+): the database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "admin_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_accounts")),
        sa.UniqueConstraint("username", name=op.f("uq_admin_accounts_username")),
    )
    op.create_table(
        "background_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("admin_account_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["admin_account_id"],
            ["admin_accounts.id"],
            name=op.f("fk_background_jobs_admin_account_id_admin_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_background_jobs_staff_id_staff"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_background_jobs")),
    )
    with op.batch_alter_table("background_jobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_background_jobs_admin_account_id"), ["admin_account_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_background_jobs_staff_id"), ["staff_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_background_jobs_status"), ["status"], unique=False)

    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_customers_name_trgm",
            ["name"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        )
        batch_op.create_index("ix_customers_total_spent", ["total_spent"], unique=False)

    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.create_index(
            "ix_follows_remark_trgm",
            ["remark"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"remark": "gin_trgm_ops"},
        )


def downgrade():
    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_follows_remark_trgm", postgresql_using="gin", postgresql_ops={"remark": "gin_trgm_ops"}
        )

    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index("ix_customers_total_spent")
        batch_op.drop_index(
            "ix_customers_name_trgm", postgresql_using="gin", postgresql_ops={"name": "gin_trgm_ops"}
        )

    with op.batch_alter_table("background_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_background_jobs_status"))
        batch_op.drop_index(batch_op.f("ix_background_jobs_staff_id"))
        batch_op.drop_index(batch_op.f("ix_background_jobs_admin_account_id"))

    op.drop_table("background_jobs")
    op.drop_table("admin_accounts")
