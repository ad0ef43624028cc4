"""Fresh planner statistics after a bulk write: on PostgreSQL, plans made on stale statistics turn
seconds into tens of minutes (autovacuum catches up only later). SQLite needs nothing here."""

from __future__ import annotations

from sqlalchemy import text

from sidebar.extensions import db


def analyze(*tables: str) -> None:
    """ANALYZE these tables (names from our own metadata, never from input)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    known = db.metadata.tables
    for table in tables:
        if table not in known:
            raise ValueError(f"unknown table {table!r}")
        db.session.execute(text(f"ANALYZE {table}"))
