"""Rows copied in by a thread of their own (PostgreSQL): stored once closed, and a batch the database
refuses is stored not at all and raised in the caller's thread."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import func, select

from sidebar.core.bulk_insert import BackgroundCopy, reserve_ids
from sidebar.extensions import db
from sidebar.models import Order, OrderItem, utcnow

ORDERS, ITEMS = Order.__table__, OrderItem.__table__


def batch(ids: list[int], prefix: str) -> list:
    now = utcnow()
    orders = [
        {
            "id": i,
            "platform": "pos",
            "order_no": f"{prefix}{n}",
            "status": "paid",
            "total_amount": 100,
            "refund_amount": 0,
            "paid_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for n, i in enumerate(ids)
    ]
    items = [
        {
            "order_id": i,
            "sku": "S",
            "title": "精华",
            "category": "",
            "quantity": 1,
            "unit_price": 100,
            "amount": 100,
        }
        for i in ids
    ]
    return [(ORDERS, orders), (ITEMS, items)]


def stored(prefix: str) -> int:
    db.session.rollback()  # a fresh snapshot: the copier commits on its own connection
    return db.session.scalar(select(func.count()).select_from(Order).where(Order.order_no.like(f"{prefix}%")))


def test_batches_are_stored_once_closed_and_a_refused_one_raises_in_the_caller(app, ctx):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a COPY is PostgreSQL's")
    copier = BackgroundCopy(db.engine)
    copier.put(batch(reserve_ids(ORDERS, 3), "A"))
    copier.put(batch(reserve_ids(ORDERS, 2), "B"))
    copier.close()
    assert (stored("A"), stored("B")) == (3, 2)

    copier = BackgroundCopy(db.engine)
    ids = reserve_ids(ORDERS, 2)
    copier.put(batch(ids, "C"))
    copier.put(batch(reserve_ids(ORDERS, 2), "A"))  # A0 and A1 again: the unique key refuses the batch
    with pytest.raises(psycopg.errors.UniqueViolation):
        copier.close()
    assert (stored("C"), stored("A")) == (2, 3)  # the good batch kept, nothing of the refused one
    with pytest.raises(psycopg.errors.UniqueViolation):
        copier.put(batch(reserve_ids(ORDERS, 1), "D"))  # a failed copier takes nothing more
