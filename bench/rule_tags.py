"""Automatic tags at scale: ten rules evaluated over every customer, then evaluated again (nothing to do).

    .venv/bin/python bench/rule_tags.py --database-url postgresql://...

The database should hold the demo (``bench/seed.py --customers 1000000 --database-url ...``). The rules
give local tags of a group made for the run (so nothing waits to be pushed to WeCom); rules, tags and
what they tagged are removed afterwards.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RULES = [
    {"lifecycle_stage": "active"},
    {"lifecycle_stage": "dormant", "spent_min": "1000"},
    {"rfm_segment": "important_value"},
    {"spent_min": "3000"},
    {"orders_min": "3"},
    {"avg_order_min": "500"},
    {"bought_category": "精华"},
    {"skin_type": "sensitive", "lifecycle_stage": "new"},
    {"order_days_min": "180", "orders_min": "2"},
    {"store_code": "SH01"},
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--slow", type=float, default=0.0, help="print statements slower than this (s)")
    args = parser.parse_args()

    from sqlalchemy import delete, func, select

    from bench.timing import slow_statements
    from sidebar import create_app
    from sidebar.core import uow
    from sidebar.core.analyze import analyze
    from sidebar.customers import rule_tags
    from sidebar.extensions import db
    from sidebar.models import Customer, CustomerTag, Tag, TagGroup, TagRule
    from tests.conftest import TEST_SECRET

    os.environ["BESIDE_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="beside-bench-rules-")
    app = create_app({"APP_ENV": "test", "SECRET_KEY": TEST_SECRET, "DATABASE_URL": args.database_url})
    run = uuid.uuid4().hex[:6]
    with app.app_context():
        if args.slow:
            slow_statements(db.engine, args.slow)
        customers = db.session.scalar(select(func.count()).select_from(Customer))
        with uow.unit():
            group = TagGroup(name=f"bench {run}", is_local=True)
            db.session.add(group)
            db.session.flush()
            for n, conditions in enumerate(RULES):
                tag = Tag(group_id=group.id, name=f"bench {run} {n}", is_local=True)
                db.session.add(tag)
                db.session.flush()
                rule_tags.create(f"bench {run} {n}", tag, rule_tags.conditions(conditions))
        for label in ("first evaluation", "again, nothing changed"):
            started = time.monotonic()
            with uow.unit():
                got = rule_tags.evaluate_all()
            seconds = time.monotonic() - started
            print(
                f"{label}: {len(RULES)} rules over {customers:,} customers in {seconds:.1f} s "
                f"(+{got['added']:,} / -{got['removed']:,} tags)"
            )
            with uow.unit():
                analyze("customer_tags")
        with uow.unit():
            rules = list(db.session.scalars(select(TagRule).where(TagRule.name.like(f"bench {run} %"))))
            tag_ids = [r.tag_id for r in rules]
            db.session.execute(delete(CustomerTag).where(CustomerTag.tag_id.in_(tag_ids)))
            db.session.execute(delete(TagRule).where(TagRule.id.in_([r.id for r in rules])))
            db.session.execute(delete(Tag).where(Tag.id.in_(tag_ids)))
            db.session.execute(delete(TagGroup).where(TagGroup.name == f"bench {run}"))
        with uow.unit():
            analyze("customer_tags")
    return 0


if __name__ == "__main__":
    sys.exit(main())
