"""A PostgreSQL restart or failover kills every pooled connection; the next requests must still answer
(the pool checks a connection before handing it out), not 500 once per dead connection."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from sidebar.extensions import db
from tests.sidebar_helpers import sign_in


def test_requests_after_the_databases_connections_were_cut_still_answer(seeded, client):
    with seeded.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only: SQLite has no server to restart")
    sign_in(client, "chenjing")
    assert client.get("/sidebar/tasks").status_code == 200  # the pool now holds live connections
    with seeded.app_context(), db.engine.connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend' AND usename = current_user"
            )
        ).scalar()
    assert killed >= 1
    answers = [client.get("/sidebar/tasks").status_code for _ in range(5)]
    assert answers == [200] * 5
