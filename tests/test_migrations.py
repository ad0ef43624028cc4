"""Migrations: upgrade to head matches the models exactly; downgrade to base removes everything."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from sidebar.extensions import db


def tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


# Alembic cannot compare expression indexes (the search indexes over ``beside_grams``) and says so;
# the migration makes them, and the search tests use them on PostgreSQL.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping functional index")
def test_upgrade_matches_the_models_and_downgrade_removes_everything(app):
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        assert tables() == set(db.metadata.tables)
        with db.engine.connect() as conn:
            drift = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata
            )
        assert drift == []
        downgrade(revision="base")
        assert tables() == set()
        upgrade()
        assert tables() == set(db.metadata.tables)
