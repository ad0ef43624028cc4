"""``INSERT … ON CONFLICT`` in the database at hand: PostgreSQL's and SQLite's constructs are alike but
live in their dialects; this picks the one for the engine, so callers write the statement once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from sidebar.extensions import db


def insert(table: Any) -> Any:
    """An insert with ``on_conflict_do_nothing`` / ``on_conflict_do_update`` for this engine."""
    return (pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert)(table)


def ensure(model: Any, key: str, value: Any, **values: Any) -> Any:
    """The row of ``model`` whose unique ``key`` is ``value``, made with ``values`` when missing — by an
    ``INSERT … ON CONFLICT DO NOTHING``, so two requests or jobs making the same row at once both get it
    (a sync run twice at once, two callbacks about one group) instead of one failing on the key."""
    db.session.execute(
        insert(model.__table__).values({key: value, **values}).on_conflict_do_nothing(index_elements=[key])
    )
    return db.session.scalar(select(model).where(getattr(model, key) == value))
