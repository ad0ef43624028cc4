"""``column IN (values)`` for thousands of values. On PostgreSQL it is ``column = ANY(:array)``, one
parameter, rather than one parameter each: a statement with thousands of parameters costs more to
build and send than to run (measured on a million-order import). SQLite keeps the IN list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import BigInteger, String, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY

from sidebar.extensions import db


def among(column: Any, values: Sequence[Any]) -> Any:
    if db.engine.dialect.name != "postgresql":
        return column.in_(list(values))
    kind = BigInteger() if values and isinstance(values[0], int) else String()
    return column == any_(bindparam(None, list(values), type_=ARRAY(kind)))
