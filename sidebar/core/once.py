"""Helpers money relies on: inserting a row keyed by a tap only once, and signed links to a row.

Both coupons and red packets carry an idempotency key with a unique constraint; two taps with the same
key may race past the "already made?" check (they hold different locks), and the constraint settles it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import psycopg
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import IntegrityError, OperationalError

from sidebar.extensions import db

T = TypeVar("T")


def insert_once(row: Any, first: Callable[[], T | None]) -> T | None:
    """Add and flush ``row``; if its key was taken meanwhile, roll back and return ``first()`` (the row
    that got there first). None means the row is in."""
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        found = first()
        if found is None:
            raise
        return found
    return None


def on_conflict_again(work: Callable[[], T], attempts: int = 4) -> T:
    """Run ``work`` (the upsert of a batch, the request's only write); when another request stored the
    same keys between our read and our write, roll back and run it again: the rows are there now, and
    this sender's answer is ``unchanged`` or ``updated``, never a 500. PostgreSQL says so with a unique
    key; SQLite (WAL) refuses the second writer's stale snapshot as "database is locked". Integrations
    meet this whenever they send a batch again on a timeout while the first is still being stored."""
    for attempt in range(attempts):
        try:
            result = work()
            db.session.flush()
            return result
        except (IntegrityError, OperationalError, psycopg.errors.UniqueViolation) as exc:
            # (a COPY runs on the driver's connection itself: its unique violation comes unwrapped)
            if isinstance(exc, OperationalError) and "locked" not in str(exc):
                raise
            if attempt == attempts - 1:
                raise
            db.session.rollback()
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def sign(kind: str, row_id: int) -> str:
    """A token for a public link to one row: the id signed with the app's key (salted by kind)."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=kind).dumps(row_id)


def unsign(kind: str, token: str) -> int | None:
    try:
        value = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=kind).loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None
