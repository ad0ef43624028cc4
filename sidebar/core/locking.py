"""Row locks for money and stock, the same way on PostgreSQL and SQLite, and local-time periods.

PostgreSQL takes a row lock with ``SELECT ... FOR UPDATE``. SQLite has no row locks: its one writer
lock is taken by the first write, and a transaction that has already read cannot take it once another
writer has committed (it fails at once instead of waiting). So on SQLite the lock is a no-op UPDATE,
and ``fresh_transaction`` ends whatever the request had open, so the lock is the transaction's first
statement.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from sidebar.core import uow
from sidebar.core.units import brand_zone
from sidebar.extensions import db


def fresh_transaction() -> None:
    """Commit what the request did so far (reads only, by convention) and start anew."""
    uow.commit_point("a row lock must be its transaction's first statement")


def changed(statement: Any) -> int:
    """Run an UPDATE (the atomic check-and-set money relies on) and say how many rows it changed."""
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    return cast(CursorResult, result).rowcount or 0


def lock_row(model: Any, row_id: Any) -> bool:
    """Lock one row until the transaction ends; False when it does not exist."""
    pk = model.__mapper__.primary_key[0]
    if db.engine.dialect.name == "sqlite":
        # Set a column to itself: never the key (SQLite would check every child table's foreign
        # key, ~60 ms for staff on a large database), and every auto-updated column (updated_at) so
        # the lock changes nothing.
        columns = [c for c in model.__table__.columns if not c.primary_key]
        same = {c.name: c for c in columns if c.onupdate is not None} or {columns[0].name: columns[0]}
        return bool(changed(update(model).where(pk == row_id).values(same)))
    return db.session.execute(select(pk).where(pk == row_id).with_for_update()).first() is not None


def day_start(now: datetime) -> datetime:
    """Midnight of ``now``'s local day (Beijing time by default), as an aware datetime."""
    return now.astimezone(brand_zone()).replace(hour=0, minute=0, second=0, microsecond=0)


def month_start(now: datetime) -> datetime:
    return day_start(now).replace(day=1)
