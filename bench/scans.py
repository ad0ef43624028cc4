"""Channel-code scans through the app as deployed: gunicorn (2 workers) and a huey consumer, with the
emulator (a process of its own) making a customer scan a code and delivering each add event.

    .venv/bin/python bench/scans.py [--scans 300] [--seconds 60] \
        --database-url postgresql://beside:beside@127.0.0.1:5432/beside_bench_scans

An admin's code with two members and a welcome (text, a link material and a new-customer coupon); the
scans are spread evenly over ``--seconds`` (300 in one minute by default). WeCom accepts a welcome only
within 20 s of the add event: the emulator times each ``send_welcome_msg`` from the event it made.
Prints how many welcomes arrived, the p50 / p95 / max seconds from the add event, how many missed the
20 s window, and the coupons issued. The database's tables are dropped and recreated (demo brand).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    import requests
    from sqlalchemy import func, select

    from sidebar import create_app
    from sidebar.acquisition import codes, welcome
    from sidebar.demo import seed as demo_seed
    from sidebar.extensions import db
    from sidebar.models import Coupon, CouponTemplate, Material, Staff, WelcomeSend
    from tests.conftest import TEST_SECRET, EmulatorProcess, Stack, free_port

    tmp = Path(tempfile.mkdtemp(prefix="beside-bench-scans-"))
    if args.database_url:
        os.environ["TEST_DATABASE_URL"] = args.database_url
    url = args.database_url or f"sqlite:///{tmp / 'test.db'}"
    os.environ["BESIDE_INSTANCE_PATH"] = str(tmp / "instance")
    port = free_port()
    os.environ["PUBLIC_URL"] = f"http://127.0.0.1:{port}"  # the coupon card's link, for the stack too
    wecom = EmulatorProcess(tmp, callback_url=f"http://127.0.0.1:{port}/wecom/callback")
    stack = None
    try:
        app = create_app(
            {
                "APP_ENV": "test",
                "SECRET_KEY": TEST_SECRET,
                "DATABASE_URL": url,
                "WECOM_API_BASE": wecom.url + "/cgi-bin/",
                "PUBLIC_URL": os.environ["PUBLIC_URL"],
            }
        )
        with app.app_context():
            db.drop_all()
            db.create_all()
            demo_seed.seed()
            guides = list(
                db.session.scalars(select(Staff.id).where(Staff.userid.in_(["chenjing", "wangfang"])))
            )
            code = codes.create("基准测试 · 柜台码", "multi", staff_ids=guides)
            link = db.session.scalar(select(Material.id).where(Material.kind == "link").limit(1))
            # The brand's new-customer perk: a template of its own, with a daily quota per guide that
            # a busy counter does not exhaust (the quota holds; the demo's templates allow 30 a day).
            perk = CouponTemplate(
                name="新客礼券",
                value_kind="cash",
                value=2000,
                threshold=0,
                valid_days=30,
                total_stock=100000,
                stock_left=100000,
                per_customer_limit=1,
                per_guide_daily=1000,
                eligible_levels="[]",
                delivery="link",
            )
            db.session.add(perk)
            db.session.flush()
            template = perk.id
            with app.test_request_context():
                welcome.save(
                    code,
                    text="{客户称呼}您好，欢迎来到澜序！新客礼券已放入下方卡片。",
                    material_ids=[link] if link else [],
                    coupon_template_id=template,
                    tag_ids=[],
                )
            config_id = code.config_id
            db.session.commit()
        stack = Stack(tmp, wecom, port=port)

        # Scans spread evenly over the window, each delivered by the emulator as WeCom would.
        gap = args.seconds / args.scans
        failures: list[str] = []
        started = time.monotonic()

        def scan(n: int) -> None:
            spec = {"change_type": "add_external_contact", "config_id": config_id, "name": f"扫码客户{n}"}
            try:
                res = requests.post(wecom.url + "/_emulator/events", json=spec, timeout=30)
                if res.status_code != 200 or not res.json().get("delivered", True):
                    failures.append(f"{n}: {res.status_code}")
            except requests.RequestException as exc:
                failures.append(f"{n}: {exc}")

        threads = []
        for n in range(args.scans):
            wait = started + n * gap - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            t = threading.Thread(target=scan, args=(n,))
            t.start()
            threads.append(t)
        for t in threads:
            t.join(60)
        scanned = time.monotonic() - started
        deadline = time.monotonic() + 60
        got: list[dict] = []
        while time.monotonic() < deadline:
            got = [
                w
                for w in requests.get(wecom.url + "/_emulator/welcomes", timeout=10).json()
                if w.get("welcome")
            ]
            if len(got) >= args.scans:
                break
            time.sleep(1)
        with app.app_context():
            recorded = dict(
                db.session.execute(
                    select(WelcomeSend.status, func.count()).group_by(WelcomeSend.status)
                ).all()
            )
            refusals = dict(
                db.session.execute(
                    select(WelcomeSend.error, func.count())
                    .where(WelcomeSend.error.like("coupon:%"))
                    .group_by(WelcomeSend.error)
                ).all()
            )
            coupons = db.session.scalar(
                select(func.count(Coupon.id)).where(Coupon.idempotency_key.like("welcome-%"))
            )
    finally:
        if stack is not None:
            stack.stop()
        wecom.stop()

    seconds = sorted(float(w["seconds"]) for w in got)

    def pct(p: float) -> float:
        return seconds[min(len(seconds) - 1, int(p * len(seconds)))] if seconds else float("nan")

    late = sum(1 for s in seconds if s > 20)
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"{engine}: {args.scans} scans in {scanned:.1f} s ({len(failures)} not delivered); "
        f"{len(seconds)} welcomes sent, from the add event p50 {pct(0.5):.2f} s, p95 {pct(0.95):.2f} s, "
        f"max {seconds[-1] if seconds else float('nan'):.2f} s; {late} over WeCom's 20 s; "
        f"recorded here {recorded}; {coupons} new-customer coupons issued, "
        f"refused by the coupon rules: {refusals or 'none'}"
    )
    ok = len(seconds) == args.scans and late == 0 and pct(0.95) <= 5.0 and not failures
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
