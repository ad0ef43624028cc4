"""Time issuing coupons and reserving red packets under contention, on a seeded database.

    .venv/bin/python bench/money.py --database-url postgresql://.../beside_bench
    .venv/bin/python bench/money.py --database-url sqlite:////path/to/beside.db

Eight threads issue 400 coupons of one template (every issue takes that template's row lock) and
reserve 400 red packets from 8 guides of one team (each takes the guide's, the customer's and the team
budget's locks). Prints throughput and latency percentiles; removes what it made afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

THREADS = 8
N = 400


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
    from sidebar.models import AuditLog, Coupon, CouponTemplate, Customer, Follow, RedPacket, Staff
    from sidebar.money import coupons, red_packets

    app = create_app()
    with app.app_context():
        template = CouponTemplate(
            name="bench",
            value=1000,
            valid_days=7,
            total_stock=N,
            stock_left=N,
            per_customer_limit=N,
            per_guide_daily=N,
        )
        db.session.add(template)
        rule = red_packets.rule()
        saved = (
            rule.guide_daily_count,
            rule.guide_daily_amount,
            rule.customer_daily_count,
            rule.default_team_monthly_budget,
        )
        rule.guide_daily_count, rule.guide_daily_amount = N, 10**9
        rule.customer_daily_count, rule.default_team_monthly_budget = 10, 10**12
        db.session.commit()
        team_id = db.session.scalar(  # the team with the most live follows
            select(Staff.team_id)
            .join(Follow, Follow.staff_id == Staff.id)
            .where(Staff.team_id.is_not(None), Follow.deleted_at.is_(None))
            .group_by(Staff.team_id)
            .order_by(func.count().desc())
            .limit(1)
        )
        pairs = db.session.execute(
            select(Follow.staff_id, Follow.customer_id)
            .join(Staff, Staff.id == Follow.staff_id)
            .where(Staff.team_id == team_id, Follow.deleted_at.is_(None))
            .limit(N)
        ).all()
        template_id = template.id
        audit_before = db.session.scalar(select(func.max(AuditLog.id))) or 0
        packets_before = db.session.scalar(select(func.max(RedPacket.id))) or 0

    def timed(work):
        def run(i: int) -> float:
            with app.app_context():
                started = time.perf_counter()
                try:
                    work(i)
                    db.session.commit()
                except (coupons.CouponError, red_packets.PacketError):
                    db.session.rollback()
                finally:
                    db.session.remove()
                return time.perf_counter() - started

        started = time.perf_counter()
        with ThreadPoolExecutor(THREADS) as pool:
            times = list(pool.map(run, range(N)))
        return time.perf_counter() - started, sorted(times)

    def issue(i: int) -> None:
        staff_id, customer_id = pairs[i % len(pairs)]
        coupons.issue(
            db.session.get(Staff, staff_id),
            db.session.get(Customer, customer_id),
            template_id,
            uuid.uuid4().hex,
        )

    def send(i: int) -> None:
        staff_id, customer_id = pairs[i % len(pairs)]
        red_packets.send(
            db.session.get(Staff, staff_id),
            db.session.get(Customer, customer_id),
            amount=188,
            key=uuid.uuid4().hex,
        )

    engine = args.database_url.split(":", 1)[0]
    try:
        for label, work, model in (("coupon issues", issue, Coupon), ("red-packet sends", send, RedPacket)):
            wall, times = timed(work)
            with app.app_context():
                made = db.session.scalar(
                    select(func.count())
                    .select_from(model)
                    .where(
                        Coupon.template_id == template_id
                        if model is Coupon
                        else RedPacket.id > packets_before
                    )
                )
            p50 = statistics.median(times) * 1000
            p95 = times[int(len(times) * 0.95)] * 1000
            print(
                f"{engine}: {N} {label} in {THREADS} threads: {made} made, {N / wall:.0f}/s, "
                f"p50 {p50:.0f} ms, p95 {p95:.0f} ms"
            )
    finally:
        with app.app_context():
            db.session.execute(delete(Coupon).where(Coupon.template_id == template_id))
            db.session.execute(delete(RedPacket).where(RedPacket.id > packets_before))
            db.session.execute(
                delete(AuditLog).where(
                    AuditLog.id > audit_before, AuditLog.action.in_(["coupon.issue", "red_packet.send"])
                )
            )
            db.session.execute(delete(CouponTemplate).where(CouponTemplate.id == template_id))
            rule = red_packets.rule()
            (
                rule.guide_daily_count,
                rule.guide_daily_amount,
                rule.customer_daily_count,
                rule.default_team_monthly_budget,
            ) = saved
            db.session.commit()


if __name__ == "__main__":
    main()
