"""Time the SOP engine making one rule's tasks over a large database (e.g. the 1M-customer demo).

    .venv/bin/python bench/sop.py --database-url postgresql://.../beside_bench
    .venv/bin/python bench/sop.py --database-url sqlite:////path/to/beside.db

The rule is the heaviest kind: weekly, today, for everyone, so every live follow gets a task. The
tasks are removed afterwards, so the database is left as it was.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    os.environ.update(
        APP_ENV="development", DATABASE_URL=args.database_url, BESIDE_INSTANCE_PATH=tempfile.mkdtemp()
    )

    from sqlalchemy import delete, func, select

    from sidebar import create_app
    from sidebar.extensions import db
    from sidebar.models import Customer, SopRule, SopStep, SopTask
    from sidebar.sop import engine as sop_engine

    app = create_app()
    now = datetime.now(UTC)
    with app.app_context():
        customers = db.session.scalar(select(func.count()).select_from(Customer))
        rule = SopRule(
            name="bench: weekly, everyone",
            active=True,
            trigger="weekly",
            weekday=now.weekday(),
            window_days=1,
            audience="{}",
        )
        rule.steps = [SopStep(position=0, offset_days=0, text="{客户称呼}，本周新品到店啦")]
        db.session.add(rule)
        db.session.commit()
        try:
            started = time.perf_counter()
            made = sop_engine.generate(rule, now=now)
            db.session.commit()
            first = time.perf_counter() - started
            started = time.perf_counter()
            again = sop_engine.generate(rule, now=now)
            db.session.commit()
            second = time.perf_counter() - started
        finally:
            db.session.execute(delete(SopTask).where(SopTask.rule_id == rule.id))
            db.session.delete(rule)
            db.session.commit()
    engine = args.database_url.split(":", 1)[0]
    print(f"SOP engine on {engine}, {customers:,} customers: {made:,} tasks made in {first:.1f}s")
    print(f"  a second run made {again} in {second:.1f}s")


if __name__ == "__main__":
    main()
