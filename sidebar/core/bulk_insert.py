"""Many rows into one table at once: PostgreSQL's COPY (several times faster than an INSERT per row,
which matters for a file of a million orders), a plain executemany elsewhere (SQLite). Flushes the
session first, so the rows land after whatever it holds; runs in the session's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, insert, text

from sidebar.extensions import db


def insert_rows(table: Table, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    db.session.flush()
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), list(rows))
        return
    columns = list(rows[0])
    raw: Any = connection.connection.dbapi_connection  # psycopg's own connection
    names = ", ".join(connection.dialect.identifier_preparer.quote(c) for c in columns)
    with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def reserve_ids(table: Table, n: int) -> list[int] | None:
    """``n`` ids from the table's PostgreSQL sequence (serial primary key ``id``), so rows can be copied
    in with their ids known; None elsewhere (the caller reads them back)."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql" or n == 0:
        return None
    sequence = f"{table.name}_id_seq"
    return list(
        connection.execute(
            text("SELECT nextval(CAST(:sequence AS regclass)) FROM generate_series(1, :n)"),
            {"sequence": sequence, "n": n},
        ).scalars()
    )
