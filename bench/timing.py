"""What the benchmarks share: printing the statements that take long, to see where a run's time goes."""

from __future__ import annotations

import time
from typing import Any


def slow_statements(engine: Any, slower_than: float) -> None:
    """Print every statement slower than ``slower_than`` seconds, to see where a run's time goes."""
    from sqlalchemy import event

    @event.listens_for(engine, "before_cursor_execute")
    def start(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        conn.info["started"] = time.monotonic()

    @event.listens_for(engine, "after_cursor_execute")
    def end(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        took = time.monotonic() - conn.info.pop("started", time.monotonic())
        if took >= slower_than:
            print(f"  {took:6.2f} s  {' '.join(statement.split())[:160]}")
