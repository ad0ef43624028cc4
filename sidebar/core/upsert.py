"""``INSERT … ON CONFLICT`` in the database at hand: PostgreSQL's and SQLite's constructs are alike but
live in their dialects; this picks the one for the engine, so callers write the statement once."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from sidebar.extensions import db


def insert(table: Any) -> Any:
    """An insert with ``on_conflict_do_nothing`` / ``on_conflict_do_update`` for this engine."""
    return (pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert)(table)
