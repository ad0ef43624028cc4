"""What the money tests share: a guide and their customers, tap keys, threads with their own sessions."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from sidebar.extensions import db
from sidebar.models import (
    Customer,
    Follow,
    RedPacketRule,
    Staff,
)
from sidebar.money import red_packets


def key() -> str:
    return uuid.uuid4().hex


def guide_and_customer(n: int = 0) -> tuple[Staff, Customer]:
    """A guide and the n-th customer they follow."""
    staff = db.session.scalar(select(Staff).where(Staff.userid == "chenjing"))
    customer = db.session.scalars(
        select(Customer)
        .join(Follow, Follow.customer_id == Customer.id)
        .where(Follow.staff_id == staff.id, Follow.deleted_at.is_(None))
        .order_by(Customer.id)
    ).all()[n]
    return staff, customer


def set_rule(**fields) -> RedPacketRule:
    rule = red_packets.rule()
    for name, value in fields.items():
        setattr(rule, name, value)
    db.session.commit()
    return rule


def in_threads(app, n: int, work, workers: int = 12) -> list:
    """Run ``work(i)`` n times at once, each in its own app context (its own session)."""
    start = threading.Barrier(min(n, workers))

    def run(i: int):
        with app.app_context():
            try:
                if i < workers:
                    start.wait(10)
                return work(i)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, range(n)))
