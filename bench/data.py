"""Customer data at scale: the orders API's throughput and a full profile recomputation.

    .venv/bin/python bench/data.py --database-url postgresql://... [--batches 40] [--threads 4]

The database must hold the demo (``bench/seed.py --customers 1000000 --database-url ...``). Prints
orders/s through gunicorn (4 workers) in batches of 500, then the seconds to recompute every
customer's stats, lifecycle stage and RFM (``flask data recompute``). The orders it sends are removed
afterwards.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def order(run: str, n: int, phone: str) -> dict:
    return {
        "platform": "other",
        "order_no": f"BENCH-{run}-{n}",
        "status": "paid",
        "paid_at": "2026-11-20T10:00:00+08:00",
        "total_amount": "299.00",
        "items": [{"sku": "B-1", "name": "基准测试商品", "category": "精华", "price": "299.00"}],
        "buyer": {"phone": phone},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--batches", type=int, default=40)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    import requests
    from sqlalchemy import delete, select

    from sidebar import create_app
    from sidebar.core import uow
    from sidebar.core.analyze import analyze
    from sidebar.data import profile
    from sidebar.extensions import db
    from sidebar.models import Customer, Order, OrderItem
    from sidebar.org import api_keys
    from tests.conftest import TEST_SECRET, EmulatorProcess, Stack, free_port

    tmp = Path(tempfile.mkdtemp(prefix="beside-bench-data-"))
    os.environ["TEST_DATABASE_URL"] = args.database_url
    os.environ["BESIDE_INSTANCE_PATH"] = str(tmp / "instance")
    app = create_app({"APP_ENV": "test", "SECRET_KEY": TEST_SECRET, "DATABASE_URL": args.database_url})
    run = uuid.uuid4().hex[:8]
    with app.app_context():
        key = api_keys.create(f"bench {run}", ["orders:write"])
        phones = list(
            db.session.scalars(select(Customer.phone).where(Customer.phone.is_not(None)).limit(5000))
        )
        db.session.commit()

    wecom = EmulatorProcess(tmp)
    stack = Stack(tmp, wecom, port=free_port(), workers=4)
    try:
        url, headers = stack.url + "/api/v1/orders", {"Authorization": f"Bearer {key}"}

        def send(b: int) -> int:
            batch = [order(run, b * 500 + i, phones[(b * 500 + i) % len(phones)]) for i in range(500)]
            res = requests.post(url, json={"orders": batch}, headers=headers, timeout=300)
            res.raise_for_status()
            return res.json()["counts"]["created"]

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=args.threads) as pool:
            created = sum(pool.map(send, range(args.batches)))
        seconds = time.monotonic() - started
    finally:
        stack.stop()
        wecom.stop()
    print(
        f"orders API: {created:,} orders in {seconds:.1f} s = {created / seconds:,.0f} orders/s "
        f"({args.threads} clients, batches of 500, 4 gunicorn workers)"
    )

    with app.app_context():
        started = time.monotonic()
        with uow.unit():
            n = profile.recompute()
        print(f"recompute: {n:,} customers' stats, lifecycle and RFM in {time.monotonic() - started:.1f} s")
        with uow.unit():
            ids = select(Order.id).where(Order.order_no.like(f"BENCH-{run}-%"))
            db.session.execute(delete(OrderItem).where(OrderItem.order_id.in_(ids)))
            db.session.execute(delete(Order).where(Order.order_no.like(f"BENCH-{run}-%")))
        with uow.unit():
            analyze("orders", "order_items")
            profile.recompute()
    return 0


if __name__ == "__main__":
    sys.exit(main())
