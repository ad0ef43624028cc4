"""Time the console's customer list (page + count) on a large database and print p50/p95.

    .venv/bin/python bench/customer_list.py --database-url postgresql://.../beside_bench [--runs 30]

Expects the demo data (``flask demo seed --customers 1000000``) in that database, migrated to head.
Each case is a real request to ``/admin/customers`` through the app (rendering included), signed in
as the admin (everything) and as a manager (one region), with a tag filter and with a text search.
Then, for each case, the plans of the list's two statements (the page and the bounded count) with
``EXPLAIN (ANALYZE, BUFFERS)``; ``--no-plans`` leaves them out.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-plans", action="store_true")
    args = parser.parse_args()
    os.environ.update(
        APP_ENV="development", DATABASE_URL=args.database_url, BESIDE_INSTANCE_PATH=tempfile.mkdtemp()
    )

    from sqlalchemy import func, select

    from sidebar import create_app, demo
    from sidebar.customers import query
    from sidebar.extensions import db
    from sidebar.models import Customer, Staff, Tag

    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Customer))
        staff = {s.userid: s.id for s in db.session.scalars(select(Staff))}
        perfume = db.session.scalar(select(Tag.id).where(Tag.wecom_tag_id == demo.tag_id("兴趣", "香水")))
        sample = db.session.scalar(select(Customer).where(Customer.id == total // 2))
        name_part, phone = sample.name[:2], sample.phone
    print(f"{total:,} customers in {args.database_url.split('@')[-1]}; {args.runs} runs per case")

    cases = [
        ("admin", "tag filter", {"tags_any": perfume}),
        ("admin", "tag filter + skin type", {"tags_any": perfume, "skin_type": "sensitive"}),
        ("admin", "text search (name)", {"q": name_part}),
        ("admin", "text search (phone)", {"q": phone}),
        ("admin", "tag filter, by spend", {"tags_any": perfume, "sort": "spent"}),
        ("admin", "one character", {"q": name_part[0]}),
        ("manager", "tag filter", {"tags_any": perfume}),
        ("manager", "tag filter + skin type", {"tags_any": perfume, "skin_type": "sensitive"}),
        ("manager", "text search (name)", {"q": name_part}),
        ("manager", "all, by last order", {"sort": "last_order"}),
    ]
    for who, label, params in cases:
        client = app.test_client()
        with client.session_transaction() as session:  # signed in as the console's sign-in leaves it
            session["staff_id"] = staff["zhangwei" if who == "admin" else "lina"]
            session["signed_in_at"] = session["console_seen_at"] = time.time()
        timings = []
        count = ""
        for run in range(args.runs + 1):
            started = time.perf_counter()
            res = client.get("/admin/customers", query_string=params)
            elapsed = time.perf_counter() - started
            assert res.status_code == 200, res.status_code
            if run == 0:  # warm-up: the first run fills caches
                text = res.get_data(as_text=True)
                count = text.split('data-testid="result-count">', 1)[1].split("<", 1)[0]
                continue
            timings.append(elapsed * 1000)
        print(
            f"  {who:<7} {label:<24} {count:>9} matches   p50 {statistics.median(timings):7.1f} ms   "
            f"p95 {percentile(timings, 95):7.1f} ms"
        )
    if args.no_plans or not args.database_url.startswith("postgresql"):
        return
    with app.app_context():
        for who, label, params in cases:
            viewer = db.session.get(Staff, staff["zhangwei" if who == "admin" else "lina"])
            f = query.parse({k: str(v) for k, v in params.items()})
            conditions, order = query.SORTS[f.sort].pieces(None, None)[0]  # the first page's first run
            statements = {
                "page": query.matching(viewer, f).where(*conditions).order_by(*order).limit(f.per_page + 1),
                "count": select(func.count()).select_from(
                    query.matching(viewer, f)
                    .with_only_columns(Customer.id)
                    .limit(query.COUNT_BOUND + 1)
                    .subquery()
                ),
            }
            for name, statement in statements.items():
                compiled = statement.compile(db.engine, compile_kwargs={"render_postcompile": True})
                explain = f"EXPLAIN (ANALYZE, BUFFERS) {compiled}"
                plan = db.session.connection().exec_driver_sql(explain, compiled.params).scalars()
                print(f"\n-- {who}, {label}: {name}")
                print("\n".join(plan))


if __name__ == "__main__":
    main()
