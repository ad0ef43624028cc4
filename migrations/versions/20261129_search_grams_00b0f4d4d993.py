"""Console search by grams: every character and neighbour pair of names and remarks, indexed on
PostgreSQL (two Chinese characters make no trigram, so the trigram indexes could not serve them).
Skin type and member level indexed with the id, so a filter on them merges with a tag's customers;
live follows by customer and staff (a manager's scope checked from the index); the list's sorts
indexed with the id, for keyset paging.

Revision ID: 00b0f4d4d993
Revises: e564dd517b6f
Create Date: 2026-11-29 06:23:07.546546

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "00b0f4d4d993"
down_revision = "e564dd517b6f"
branch_labels = None
depends_on = None

# As ``sidebar.models.customer.GRAMS_FUNCTION`` (copied: a migration must not change with the code).
GRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION beside_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT string_to_array(lower(t), NULL)
    || ARRAY(SELECT substr(lower(t), i, 2) FROM generate_series(1, length(t) - 1) AS i)
$$
"""


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    if _postgresql():
        op.execute(GRAMS_FUNCTION)
        op.execute("CREATE INDEX ix_customers_name_grams ON customers USING gin (beside_grams(name))")
        op.execute("CREATE INDEX ix_follows_remark_grams ON follows USING gin (beside_grams(remark))")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customers_name_trgm"))
        batch_op.drop_index(batch_op.f("ix_customers_skin_type"))
        batch_op.drop_index(batch_op.f("ix_customers_member_level"))
        batch_op.create_index("ix_customers_skin_type_id", ["skin_type", "id"], unique=False)
        batch_op.create_index("ix_customers_member_level_id", ["member_level", "id"], unique=False)
        batch_op.create_index("ix_customers_name_id", ["name", "id"], unique=False)
    with op.batch_alter_table("customer_stats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_stats_last_order_at"))
        batch_op.drop_index(batch_op.f("ix_customer_stats_total_spent"))
        batch_op.create_index(
            "ix_customer_stats_last_order_at_customer_id", ["last_order_at", "customer_id"], unique=False
        )
        batch_op.create_index(
            "ix_customer_stats_total_spent_customer_id", ["total_spent", "customer_id"], unique=False
        )
    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follows_remark_trgm"))
        batch_op.create_index(
            "ix_follows_live",
            ["customer_id", "staff_id"],
            unique=False,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )


def downgrade():
    with op.batch_alter_table("customer_stats", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_stats_total_spent_customer_id")
        batch_op.drop_index("ix_customer_stats_last_order_at_customer_id")
        batch_op.create_index(batch_op.f("ix_customer_stats_total_spent"), ["total_spent"], unique=False)
        batch_op.create_index(batch_op.f("ix_customer_stats_last_order_at"), ["last_order_at"], unique=False)
    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.drop_index("ix_follows_live")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index("ix_customers_name_id")
        batch_op.drop_index("ix_customers_member_level_id")
        batch_op.drop_index("ix_customers_skin_type_id")
        batch_op.create_index(batch_op.f("ix_customers_member_level"), ["member_level"], unique=False)
        batch_op.create_index(batch_op.f("ix_customers_skin_type"), ["skin_type"], unique=False)
    if _postgresql():
        op.execute("CREATE INDEX ix_follows_remark_trgm ON follows USING gin (remark gin_trgm_ops)")
        op.execute("CREATE INDEX ix_customers_name_trgm ON customers USING gin (name gin_trgm_ops)")
        op.execute("DROP INDEX ix_follows_remark_grams")
        op.execute("DROP INDEX ix_customers_name_grams")
        op.execute("DROP FUNCTION beside_grams(text)")
    else:
        with op.batch_alter_table("follows", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_follows_remark_trgm"), ["remark"], unique=False)
        with op.batch_alter_table("customers", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_customers_name_trgm"), ["name"], unique=False)
