"""Recommendations: co-purchase recomputation, one customer's recommendations, and how good they are.

    .venv/bin/python bench/recommend.py --database-url postgresql://.../beside_bench [--sample 20000]

1. ``recommend.recompute_pairs()`` over every counted order (the demo: 1.8M orders at 1M customers);
   prints the seconds. Goal: ≤ 60 s.
2. One customer's recommendations as the profile makes them (her latest orders with their items, then
   the scoring against the cached catalogue), for 500 customers; prints p50/p95. Goal: ≤ 20 ms.
3. Hit rate at 5: for a random sample of customers with at least two counted orders, hold out the last
   order, recommend from the orders before it (as of the moment before it was paid), and count a hit
   when the five include any product of the held-out order. The baseline is the five best sellers.
   The pairs are counted over all orders, held-out ones included: the sample's held-out orders are
   about 1% of all orders at 1M customers, too few to move the counts.

How the demo makes a pattern to find (``sidebar.demo``): each skin type has a routine of five products;
a customer buys them one order after another from a random place in it, often with the product's
companion (60%), sometimes with one more random product (25%).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--skip-pairs", action="store_true", help="use the pairs already computed")
    args = parser.parse_args()

    import os

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("APP_ENV", "development")
    from sqlalchemy import func, select

    from sidebar import create_app
    from sidebar.customers import profile
    from sidebar.extensions import db
    from sidebar.models import COUNTED_STATUSES, Customer, Order, OrderItem
    from sidebar.signals import recommend

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url})
    with app.app_context():
        if not args.skip_pairs:
            pairs = recommend.recompute_pairs()
            db.session.commit()
            orders = db.session.scalar(select(func.count()).select_from(Order)) or 0
            seconds, made = pairs["seconds"], pairs["pairs"]
            print(f"co-purchase recomputation over {orders:,} orders: {seconds:.1f} s ({made:,.0f} pairs)")

        rng = random.Random(15)
        top = db.session.scalar(select(func.max(Customer.id))) or 0
        # One customer, as the profile does it.
        timings = []
        for customer_id in rng.sample(range(1, top + 1), 500):
            customer = db.session.get(Customer, customer_id)
            if customer is None:
                continue
            started = time.perf_counter()
            history = recommend.history_of(profile.latest_orders(customer))
            recommend.for_customer(customer, history)
            timings.append(time.perf_counter() - started)
            db.session.expunge_all()
        timings.sort()
        p95 = timings[round(0.95 * (len(timings) - 1))]
        print(
            f"recommendations for one customer ({len(timings)} customers): "
            f"p50 {statistics.median(timings) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"
        )

        # Hit rate at 5 against the five best sellers.
        with_two = list(
            db.session.scalars(
                select(Order.customer_id)
                .where(Order.customer_id.is_not(None), Order.status.in_(COUNTED_STATUSES))
                .group_by(Order.customer_id)
                .having(func.count() >= 2)
                .order_by(func.random())
                .limit(args.sample)
            )
        )
        lines: dict[int, list[tuple[int, object, str]]] = {}
        for start in range(0, len(with_two), 5000):
            chunk = with_two[start : start + 5000]
            for customer_id, order_id, paid_at, sku in db.session.execute(
                select(Order.customer_id, Order.id, Order.paid_at, OrderItem.sku)
                .join(OrderItem, OrderItem.order_id == Order.id)
                .where(Order.customer_id.in_(chunk), Order.status.in_(COUNTED_STATUSES))
            ):
                lines.setdefault(customer_id, []).append((order_id, paid_at, sku))
        best = set(recommend.best_sellers())
        hits = baseline = total = 0
        customers = {
            c.id: c for c in db.session.scalars(select(Customer).where(Customer.id.in_(list(lines))))
        }
        for customer_id, rows in lines.items():
            orders_by_time = sorted({(paid, oid) for oid, paid, _s in rows})
            if len(orders_by_time) < 2:
                continue
            held_paid, held_id = orders_by_time[-1]
            held = {s for oid, _p, s in rows if oid == held_id}
            last: dict[str, object] = {}
            for oid, paid, sku in rows:
                if oid != held_id and paid < held_paid and (sku not in last or paid > last[sku]):
                    last[sku] = paid
            suggested = {
                r.product.sku
                for r in recommend.for_customer(
                    customers[customer_id],
                    list(last.items()),
                    now=held_paid,  # type: ignore[arg-type]
                )
            }
            total += 1
            hits += bool(suggested & held)
            baseline += bool(best & held)
        print(
            f"hit rate at 5 over {total:,} customers (last order held out): "
            f"recommendations {hits / total:.1%}, five best sellers {baseline / total:.1%}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
