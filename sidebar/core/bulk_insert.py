"""Many rows into one table at once: PostgreSQL's COPY (several times faster than an INSERT per row,
which matters for a file of a million orders), a plain executemany elsewhere (SQLite). Flushes the
session first, so the rows land after whatever it holds; runs in the session's transaction.

A COPY bypasses the model's Python-side defaults, so the columns a row leaves out get them here
(``with_defaults``), as an INSERT through SQLAlchemy would.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine, Table, insert, text

from sidebar.extensions import db


def insert_rows(table: Table, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    db.session.flush()
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), list(rows))
        return
    _copy(connection, table, rows)


def with_defaults(table: Table, columns: Sequence[str]) -> dict[str, Any]:
    """The Python-side defaults (``default=`` on the model) of the columns not in ``columns``: one value
    for the batch, as a callable default (a timestamp) is called once."""
    given = set(columns)
    found: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if column.name in given or default is None or not hasattr(default, "arg"):
            continue  # given, none, or a sequence (the server's)
        if getattr(default, "is_clause_element", False):
            continue  # SQL the server would run: none of our models has one
        found[column.name] = default.arg(None) if default.is_callable else default.arg  # type: ignore[attr-defined]
    return found


def _copy(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    raw: Any = connection.connection.dbapi_connection  # psycopg's own connection
    copy_rows(raw, table, rows)


def copy_rows(raw: Any, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """One binary COPY on a psycopg connection: psycopg dumps each value by the column's type named up
    front, about a seventh of the client's CPU of a text COPY (which formats every value and guesses
    its type), and this runs for every order and item of a file, in a thread that shares the GIL with
    the one reading it."""
    if not rows:
        return
    columns = list(rows[0])
    defaults = with_defaults(table, columns)
    names = ", ".join(f'"{c}"' for c in [*columns, *defaults])
    types = _column_types(raw, table.name, (*columns, *defaults))
    extra = list(defaults.values())
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table.name} ({names}) FROM STDIN (FORMAT BINARY)") as copy,
    ):
        copy.set_types(types)
        for row in rows:
            copy.write_row([*(row[c] for c in columns), *extra])


_TYPES: dict[tuple[str, tuple[str, ...]], list[int]] = {}


def _column_types(raw: Any, table: str, columns: tuple[str, ...]) -> list[int]:
    """The PostgreSQL type (oid) of each column, from the catalog: exactly what the table holds, which
    a binary COPY must match. Read once per table and column list; a migration restarts the app."""
    key = (table, columns)
    if key not in _TYPES:
        with raw.cursor() as cursor:
            cursor.execute(
                "SELECT attname, atttypid FROM pg_attribute"
                " WHERE attrelid = CAST(%s AS regclass) AND attnum > 0 AND NOT attisdropped",
                (table,),
            )
            found: dict[str, int] = dict(cursor.fetchall())
        _TYPES[key] = [found[c] for c in columns]
    return _TYPES[key]


Batch = list[tuple[Table, Sequence[dict[str, Any]]]]


class BackgroundCopy:
    """PostgreSQL COPYs run by a thread on a connection of its own, each batch committed there, while
    the caller prepares the next: the database stores one chunk of a file on the second core as Python
    reads the next (a million-order import spent a third of its time waiting for each COPY). Waiting
    on the server releases the GIL, so the two overlap.

    Rows handed over must be complete (ids already reserved, ``reserve_ids``), and nothing the caller
    does may depend on them being stored before ``close()``, which waits for the last batch and raises
    what the thread met (as does the next ``put`` after a failure). At most one batch waits, so memory
    stays at a few chunks."""

    def __init__(self, engine: Engine):
        self._batches: queue.Queue[Batch | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(engine,), name="copy", daemon=True)
        self._thread.start()

    def put(self, batch: Batch) -> None:
        self._raise_if_failed()
        self._batches.put(batch)

    def close(self) -> None:
        self._batches.put(None)
        self._thread.join()
        self._raise_if_failed()

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self, engine: Engine) -> None:
        try:
            with engine.connect() as connection:
                while (batch := self._batches.get()) is not None:
                    with connection.begin():  # committed through SQLAlchemy, which the COPY bypasses
                        for table, rows in batch:
                            _copy(connection, table, rows)
        except BaseException as exc:  # handed to the caller's thread, which decides
            self._error = exc
            while self._batches.get() is not None:  # let put() and close() through
                pass


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
