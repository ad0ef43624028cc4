"""Days in SQL, the same on PostgreSQL and SQLite: a timestamp column plus N days (for set-based
questions like "still there 7 days after being added"), and the brand's calendar day of a timestamp
(``local_day``: every per-day chart and count groups by it) and its calendar month (``local_month``)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement

from sidebar.core.units import brand_zone
from sidebar.extensions import db
from sidebar.models.base import UTCDateTime

_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*")


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
    return (
        f"strftime('%Y-%m-%d %H:%M:%f', {compiler.process(element.column, **kw)}, '{element.days:+d} days')"
    )


def local_day(column: Any) -> ColumnElement[Any]:
    """The calendar day (YYYY-MM-DD) of a UTC timestamp in the brand's time zone (``DISPLAY_TIMEZONE``).
    PostgreSQL converts each value with the zone's own rules (summer time included); SQLite has no time
    zones, so it shifts by the zone's offset now (exact for Beijing, which has no summer time)."""
    if db.engine.dialect.name == "postgresql":
        return func.date(func.timezone(_pg_zone(), column))
    return func.date(column, _sqlite_shift())


def local_month(column: Any) -> ColumnElement[Any]:
    """The first day (YYYY-MM-01) of the brand's calendar month of a UTC timestamp, as ``local_day``:
    a date on PostgreSQL, its ISO text on SQLite (which a ``Date`` column stores as such)."""
    if db.engine.dialect.name == "postgresql":
        return func.date(func.date_trunc(text("'month'"), func.timezone(_pg_zone(), column)))
    return func.date(column, _sqlite_shift(), "start of month")


def month_of_date(column: Any) -> ColumnElement[Any]:
    """The first day of the month of a ``Date`` column (already a local day), like ``local_month``."""
    if db.engine.dialect.name == "postgresql":
        return func.date(func.date_trunc(text("'month'"), column))
    return func.date(column, "start of month")


def _pg_zone() -> Any:
    # Written into the statement, not bound: a query grouping by an expression must repeat it exactly,
    # and two bound parameters are two expressions to PostgreSQL. The name is a zone's (checked here),
    # so nothing else can get in.
    name = current_app.config["DISPLAY_TIMEZONE"]
    if not _ZONE_NAME.fullmatch(name):
        raise ValueError(f"DISPLAY_TIMEZONE {name!r} is not a time zone name")
    return text(f"'{name}'")


def _sqlite_shift() -> str:
    offset = datetime.now(brand_zone()).utcoffset()
    return f"{int(offset.total_seconds()) if offset else 0:+d} seconds"
