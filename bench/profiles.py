"""The computed profile at scale: every customer's stats, lifecycle stage and RFM from scratch (as on
the night after a brand's history is imported), then again with nothing changed (every other night), then
for a brand whose profiles were never computed (every stats row made).

    .venv/bin/python bench/profiles.py --database-url postgresql://...

The database should hold the demo (``bench/seed.py --customers 1000000 --database-url ...``). The
computed stats rows are cleared first (and the table vacuumed and analysed, as after any bulk write), so
the first pass writes every row.
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

    from sqlalchemy import delete, func, select, text, update

    from bench.timing import slow_statements
    from sidebar import create_app
    from sidebar.core import uow
    from sidebar.data import profile
    from sidebar.extensions import db
    from sidebar.models import Customer, CustomerStats, Order
    from tests.conftest import TEST_SECRET

    os.environ["BESIDE_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="beside-bench-profiles-")
    app = create_app({"APP_ENV": "test", "SECRET_KEY": TEST_SECRET, "DATABASE_URL": args.database_url})
    with app.app_context():
        if args.slow:
            slow_statements(db.engine, args.slow)
        customers = db.session.scalar(select(func.count()).select_from(Customer))
        orders = db.session.scalar(select(func.count()).select_from(Order))

        def vacuum() -> None:  # as after any bulk write
            if db.engine.dialect.name == "postgresql":
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(text("VACUUM ANALYZE customer_stats"))

        def recompute(label: str) -> None:
            started = time.monotonic()
            with uow.unit():
                changed = profile.recompute()
            print(
                f"recompute {label}: {customers:,} customers ({orders:,} orders) in "
                f"{time.monotonic() - started:.1f} s, {changed:,} rows written"
            )

        with uow.unit():
            # Every stats row back to "nothing computed": the first pass then rewrites each one.
            db.session.execute(
                update(CustomerStats).values(
                    order_count=0,
                    total_spent=0,
                    first_order_at=None,
                    last_order_at=None,
                    lifecycle_stage=None,
                    rfm_r=None,
                    rfm_f=None,
                    rfm_m=None,
                    rfm_segment=None,
                    stats_computed_at=None,
                )
            )
        vacuum()
        recompute("from scratch")
        recompute("again, nothing changed")
        with uow.unit():  # a brand's first night: no stats rows at all, every one made
            db.session.execute(delete(CustomerStats))
        vacuum()
        recompute("from scratch, no stats rows yet")
    return 0


if __name__ == "__main__":
    sys.exit(main())
