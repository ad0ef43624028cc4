"""Guides by results at scale: every order credited to its guide under each rule, then every guide's
months from the first order on (what ``flask guides recompute --since`` does), timed together.

    .venv/bin/python bench/guides.py --database-url postgresql://... [--slow 1]

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
    return 0


if __name__ == "__main__":
    sys.exit(main())
