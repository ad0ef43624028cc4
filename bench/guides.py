"""Guides by results at scale: every order credited to its guide under each rule, then every guide's
months from the first order on (what ``flask guides recompute --since`` does), timed together; then the
console's guides page for a manager (one region) and an admin, and a month's commission drafts.

    .venv/bin/python bench/guides.py --database-url postgresql://... [--slow 1] [--runs 20]

The database should hold the demo (``bench/seed.py --customers 1000000 --database-url ...``). The rule is
set back to what it was afterwards and the months recomputed under it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--slow", type=float, default=0.0, help="print statements slower than this (s)")
    parser.add_argument("--runs", type=int, default=20, help="requests per page timing")
    args = parser.parse_args()

    from sqlalchemy import func, select

    from bench.timing import slow_statements
    from sidebar import create_app
    from sidebar.core import uow
    from sidebar.extensions import db
    from sidebar.guides import attribution, metrics
    from sidebar.models import Customer, Order
    from tests.conftest import TEST_SECRET

    os.environ["BESIDE_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="beside-bench-guides-")
    app = create_app({"APP_ENV": "test", "SECRET_KEY": TEST_SECRET, "DATABASE_URL": args.database_url})
    with app.app_context():
        if args.slow:
            slow_statements(db.engine, args.slow)
        customers = db.session.scalar(select(func.count()).select_from(Customer))
        orders = db.session.scalar(select(func.count()).select_from(Order))
        first = db.session.scalar(select(func.min(Order.paid_at)))
        since = metrics.this_month(first) if first else None
        with uow.unit():
            before = attribution.settings()
            kept = (before.rule, before.touch_days)
        for rule in ("latest_follower", "first_follower", "coupon", kept[0]):
            started = time.monotonic()
            with uow.unit():
                attribution.save_rule(rule, kept[1])
                credited = attribution.recompute()
            credit_s = time.monotonic() - started
            started = time.monotonic()
            with uow.unit():
                months = metrics.recompute(since)
            months_s = time.monotonic() - started
            print(
                f"{rule}: {credited:,} of {orders:,} orders credited in {credit_s:.1f} s, {months:,} guide-"
                f"months since {since} in {months_s:.1f} s; together {credit_s + months_s:.1f} s "
                f"({customers:,} customers)"
            )
        pages(app, args.runs)
        drafts(since)
    return 0


def pages(app, runs: int) -> None:
    """p50/p95 of the guides page (this month and the busiest), signed in as the console leaves it."""
    import statistics

    from sqlalchemy import func, select

    from sidebar.extensions import db
    from sidebar.models import GuideMonth, Staff

    staff = {s.userid: s.id for s in db.session.scalars(select(Staff))}
    busiest = db.session.scalar(
        select(GuideMonth.month)
        .group_by(GuideMonth.month)
        .order_by(func.sum(GuideMonth.sales).desc())
        .limit(1)
    )
    for who in ("lina", "zhangwei"):
        client = app.test_client()
        with client.session_transaction() as session:
            session["staff_id"] = staff[who]
            session["signed_in_at"] = session["console_seen_at"] = time.time()
        for query in ({}, {"month": busiest.strftime("%Y-%m"), "sort": "refund_rate"}):
            timings = []
            for run in range(runs + 1):
                started = time.perf_counter()
                res = client.get("/admin/guides", query_string=query)
                assert res.status_code == 200, res.status_code
                if run:  # the first fills caches
                    timings.append((time.perf_counter() - started) * 1000)
            timings.sort()
            print(
                f"guides page as {'a manager' if who == 'lina' else 'an admin'} {query or '(this month)'}: "
                f"p50 {statistics.median(timings):.1f} ms, p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms"
            )


def drafts(since) -> None:
    """A month's commission drafts over every credited order of the busiest month, then removed."""
    from sqlalchemy import delete, func, select

    from sidebar.core import uow
    from sidebar.extensions import db
    from sidebar.guides import commission
    from sidebar.models import Attribution, CommissionRate, CommissionStatement

    with uow.unit():
        month = db.session.scalar(
            select(Attribution.month).group_by(Attribution.month).order_by(func.count().desc()).limit(1)
        )
        kept = [(r.scope, r.key, r.basis_points) for r in commission.rates()]
        commission.save_rates([("default", "", 300), ("tier", "A", 400), ("category", "面霜", 800)])
        started = time.monotonic()
        made = commission.draft(month)
        lines = db.session.scalar(select(func.sum(CommissionStatement.orders)))
        seconds = time.monotonic() - started
        db.session.execute(delete(CommissionStatement).where(CommissionStatement.month == month))
        db.session.execute(delete(CommissionRate))
        commission.save_rates(kept)
    print(
        f"commission drafts for {month:%Y-%m}: {made:,} statements, {lines:,} order lines in {seconds:.1f} s"
    )


if __name__ == "__main__":
    sys.exit(main())
