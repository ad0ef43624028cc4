"""Order files in: a Tmall export of N lines (csv or xlsx) imported through the console's job, as an
admin's upload runs it. Prints the seconds, lines/s and the peak memory of the importing process.

    .venv/bin/python bench/imports.py --database-url postgresql://... [--lines 1000000] [--xlsx]

The database should hold the demo (``bench/seed.py --customers 1000000 --database-url ...``): half the
orders name a customer's phone, the rest a masked phone (unmatched, as Tmall exports them). The orders
it made are removed afterwards.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HEADERS = ["订单编号", "买家会员名", "买家实际支付金额", "订单状态", "联系手机", "订单创建时间",
           "订单付款时间", "宝贝标题", "宝贝总数量"]  # fmt: skip


def rows(run: str, lines: int, phones: list[str]):
    for n in range(lines):
        phone = phones[n % len(phones)][3:] if n % 2 == 0 and phones else "138****0000"
        paid = f"2026-{1 + n % 11:02d}-{1 + n % 28:02d} 10:{n % 60:02d}:00"
        yield [
            f"B{run}{n}",
            f"tb_{n % 50000}",
            f"{99 + n % 400}.00",
            "交易成功",
            phone,
            paid,
            paid,
            "修护精华 30ml",
            "1",
        ]


def write(path: Path, run: str, lines: int, phones: list[str], xlsx: bool) -> None:
    if xlsx:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(HEADERS)
        for row in rows(run, lines, phones):
            sheet.append(row)
        book.save(path)
        return
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADERS)
        w.writerows(rows(run, lines, phones))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--xlsx", action="store_true")
    parser.add_argument("--slow", type=float, help="print statements slower than this many seconds")
    args = parser.parse_args()

    from sqlalchemy import delete, select

    from sidebar import create_app
    from sidebar.core import uow
    from sidebar.data import imports, presets
    from sidebar.extensions import db
    from sidebar.models import Customer, Order, OrderItem
    from tests.conftest import TEST_SECRET

    tmp = Path(tempfile.mkdtemp(prefix="beside-bench-import-"))
    os.environ["BESIDE_INSTANCE_PATH"] = str(tmp / "instance")
    app = create_app({"APP_ENV": "test", "SECRET_KEY": TEST_SECRET, "DATABASE_URL": args.database_url})
    run = uuid.uuid4().hex[:6]
    with app.app_context():
        if args.slow is not None:
            from bench.timing import slow_statements

            slow_statements(db.engine, args.slow)
        phones = list(
            db.session.scalars(select(Customer.phone).where(Customer.phone.is_not(None)).limit(50000))
        )
        source = tmp / ("orders.xlsx" if args.xlsx else "orders.csv")
        started = time.monotonic()
        write(source, run, args.lines, phones, args.xlsx)
        print(
            f"wrote {args.lines:,} lines ({source.stat().st_size / 1e6:,.0f} MB) "
            f"in {time.monotonic() - started:.0f} s"
        )
        vacuum(db.engine)  # no dead rows of an earlier run for autovacuum to work through meanwhile
        with uow.unit():
            stored = imports.save_upload(source.open("rb"), source.name)
            job = imports.start("orders", stored, source.name, presets.TMALL, staff_id=None, admin_id=None)
            job_id = job.id
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.monotonic()
        with uow.unit():
            counts = imports.run(job_id)
        seconds = time.monotonic() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"import ({'xlsx' if args.xlsx else 'csv'}): {counts.rows:,} lines in {seconds:.1f} s = "
            f"{counts.rows / seconds:,.0f} lines/s; created {counts.created:,}, refused {counts.refused:,}; "
            f"peak memory {peak:,.0f} MB (before the import {rss_before:,.0f} MB); of which reading and "
            f"storing {counts.storing_s:.1f} s, matching and recomputing profiles {counts.settling_s:.1f} s"
        )
        with uow.unit():
            ids = select(Order.id).where(Order.order_no.like(f"B{run}%"))
            db.session.execute(delete(OrderItem).where(OrderItem.order_id.in_(ids)))
            db.session.execute(delete(Order).where(Order.order_no.like(f"B{run}%")))
        vacuum(db.engine)
    return 0


def vacuum(engine) -> None:
    if engine.dialect.name == "postgresql":
        from sqlalchemy import text

        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE orders, order_items, customer_stats"))


if __name__ == "__main__":
    sys.exit(main())
