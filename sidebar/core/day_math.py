"""A timestamp column plus N days, in SQL, the same on PostgreSQL and SQLite (for set-based questions
like "still there 7 days after being added")."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement

from sidebar.models.base import UTCDateTime


class plus_days(ColumnElement[Any]):  # noqa: N801  (reads as a SQL function)
    inherit_cache = True
    type = UTCDateTime()

    def __init__(self, column: Any, days: int):
        self.column, self.days = column, int(days)


@compiles(plus_days, "postgresql")
def _pg(element: plus_days, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.column, **kw)} + interval '{element.days} days')"


@compiles(plus_days)
def _sqlite(element: plus_days, compiler: Any, **kw: Any) -> str:
    # SQLite keeps "YYYY-MM-DD HH:MM:SS.ffffff"; strftime keeps the same form, so comparisons hold.
    return f"strftime('%Y-%m-%d %H:%M:%f', {compiler.process(element.column, **kw)}, '+{element.days} days')"
