"""Time the sidebar's scripts and materials tabs with 5,000 scripts and 2,000 materials.

    .venv/bin/python bench/content.py [--runs 50] [--database-url postgresql://...]

Uses a temporary SQLite file unless a database URL is given (its tables are dropped and recreated).
Each case is a real request through the app (visibility check, query, rendering): server time, p50/p95.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SCRIPTS, MATERIALS = 5_000, 2_000
WORDS = [
    "修护",
    "保湿",
    "防晒",
    "新品",
    "会员日",
    "积分",
    "试用装",
    "沙龙",
    "精华",
    "面霜",
    "敏感肌",
    "礼盒",
    "直播",
    "预售",
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    os.environ.update(
        APP_ENV="development",
        BESIDE_INSTANCE_PATH=tmp,
        DATABASE_URL=args.database_url or f"sqlite:///{tmp}/bench.db",
    )

    from sqlalchemy import insert, select

    from sidebar import create_app, demo
    from sidebar.demo import seed as demo_seed
    from sidebar.extensions import db
    from sidebar.models import Material, Script, Staff, Team

    app = create_app({"WTF_CSRF_ENABLED": False})
    rng = random.Random(7)
    with app.app_context():
        db.drop_all()
        db.create_all()
        demo_seed.seed(300)
        staff = list(db.session.scalars(select(Staff)))
        teams = list(db.session.scalars(select(Team.id)))
        rows = []
        for n in range(SCRIPTS):
            scope = rng.choices(["enterprise", "team", "personal"], weights=[6, 2, 2])[0]
            words = "、".join(rng.sample(WORDS, 3))
            rows.append(
                {
                    "scope": scope,
                    "team_id": rng.choice(teams) if scope == "team" else None,
                    "owner_staff_id": rng.choice(staff).id if scope == "personal" else None,
                    "group_name": rng.choice(["开场白", "产品", "售后", "活动"]),
                    "title": f"话术 {n}",
                    "body": f"{{客户称呼}}您好，关于{words}，{{导购姓名}}为您准备了第 {n} 号方案。",
                    "order": 0,
                    "use_count": rng.randint(0, 500),
                }
            )
        db.session.execute(insert(Script), rows)
        db.session.execute(
            insert(Material),
            [
                {
                    "kind": rng.choice(["text", "link", "miniprogram"]),
                    "title": f"{rng.choice(WORDS)}素材 {n}",
                    "group_name": "",
                    "text": "会员日活动",
                    "url": "https://example.com/a",
                    "description": "",
                    "cover_url": "",
                    "mp_appid": "wx1234567890demo",
                    "mp_page": "pages/a.html",
                    "team_id": rng.choice([None, None, *teams]),
                    "use_count": rng.randint(0, 300),
                }
                for n in range(MATERIALS)
            ],
        )
        db.session.commit()
        chenjing = db.session.scalar(select(Staff.id).where(Staff.userid == "chenjing"))
    ext = next(
        c for c in (demo.customer(i) for i in range(40)) if c.follows[0].userid == "chenjing"
    ).external_userid
    client = app.test_client()
    with client.session_transaction() as session:
        session["staff_id"] = chenjing
    base = f"/sidebar/customers/{ext}"
    cases = [
        ("scripts: company, first page", f"{base}/scripts"),
        ("scripts: mine, first page", f"{base}/scripts?tab=mine"),
        ("scripts: search", f"{base}/scripts?q=%E4%BF%AE%E6%8A%A4"),  # 修护
        ("materials: first page", f"{base}/materials"),
        ("materials: search", f"{base}/materials?q=%E6%96%B0%E5%93%81"),  # 新品
    ]
    engine = "postgresql" if args.database_url else "sqlite"
    print(
        f"{SCRIPTS:,} scripts, {MATERIALS:,} materials on {engine}; {args.runs} runs per case (server time)"
    )
    for label, path in cases:
        timings = []
        for run in range(args.runs + 1):
            started = time.perf_counter()
            res = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            assert res.status_code == 200, (path, res.status_code)
            if run:
                timings.append(elapsed)
        print(
            f"  {label:<30} p50 {statistics.median(timings):6.1f} ms   p95 {percentile(timings, 95):6.1f} ms"
        )


if __name__ == "__main__":
    main()
