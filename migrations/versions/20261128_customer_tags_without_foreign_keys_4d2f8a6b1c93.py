"""Customer tags without foreign keys to customers, tags and rules: a rule's first run over a million
customers spent over half its time in PostgreSQL's per-row checks. Deleting a tag or a rule cleans up in
the code that deletes it (``customers.tags.forget``, ``customers.rule_tags.delete_rule``).

Revision ID: 4d2f8a6b1c93
Revises: 9e3b4c1d7a20
Create Date: 2026-11-28 18:05:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "4d2f8a6b1c93"
down_revision = "9e3b4c1d7a20"
branch_labels = None
depends_on = None

KEYS = (
    ("fk_customer_tags_customer_id_customers", "customers", "customer_id", "CASCADE"),
    ("fk_customer_tags_tag_id_tags", "tags", "tag_id", "CASCADE"),
    ("fk_customer_tags_rule_id_tag_rules", "tag_rules", "rule_id", "SET NULL"),
)


def upgrade():
    with op.batch_alter_table("customer_tags", schema=None) as batch_op:
        for name, _table, _column, _on_delete in KEYS:
            batch_op.drop_constraint(name, type_="foreignkey")


def downgrade():
    with op.batch_alter_table("customer_tags", schema=None) as batch_op:
        for name, table, column, on_delete in KEYS:
            batch_op.create_foreign_key(name, table, [column], ["id"], ondelete=on_delete)
