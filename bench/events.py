"""Signals under load: mall events in batches of 200, and tracked links opened.

    .venv/bin/python bench/events.py --database-url postgresql://.../beside_bench [--seconds 30]

Starts gunicorn with the repository's ``gunicorn.conf.py`` (4 workers, production settings) on the
given database (the demo, ``flask demo seed``). Then, with the load tool (``bench/load.py``):

1. ``POST /api/v1/events``, batches of 200 distinct events (views, carts, orders, payments) of demo
   customers named by external_userid, phone or unionid, for ``--seconds``; prints events/s and the
   batch p50/p99. Each batch enqueues the signal rules' evaluation, as in production.
2. Tracked links opened: links made beforehand, each opened by its own customer (a signed-in visitor
   session, as WeChat's OAuth leaves it), for ``--seconds``; prints opens/s and p50/p95/p99.

Goals (issue 15): at least 1,000 events/s; a tracked-link open answered in p95 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import load  # noqa: E402

# bench/profile.py's production settings (loaded by path: "profile" is also a standard module).
_spec = importlib.util.spec_from_file_location("bench_profile", ROOT / "bench" / "profile.py")
assert _spec is not None and _spec.loader is not None
bench_profile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_profile)

BATCH = 200
KINDS = ["viewed"] * 6 + ["carted"] * 2 + ["ordered", "paid"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--connections", type=int, default=8, help="for the events API")
    parser.add_argument("--open-connections", type=int, default=8, help="for tracked-link opens")
    parser.add_argument("--links", type=int, default=10_000)
    parser.add_argument("--redis-url", help="the job queue on Redis, as deployed (default: a SQLite file)")
    args = parser.parse_args()

    instance = tempfile.mkdtemp(prefix="beside-bench-events-")
    from tests.conftest import free_port, wait_until_up

    port = free_port()
    env = bench_profile.production_env(args.database_url, port, instance)
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    os.environ.update({k: v for k, v in env.items() if k != "BIND"})

    from flask.sessions import SecureCookieSessionInterface
    from sqlalchemy import func, select

    from sidebar import create_app
    from sidebar.core.analyze import analyze
    from sidebar.extensions import db
    from sidebar.models import BehaviourEvent, Customer, Follow, LinkView, Material, Staff
    from sidebar.org import api_keys
    from sidebar.signals import radar
    from sidebar.web.claim import VISITOR

    app = create_app()
    run_id = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    with app.app_context():
        key = api_keys.create(f"bench events {run_id}", ["events:write"])
        top = db.session.scalar(select(func.max(Customer.id))) or 0
        sample = db.session.execute(
            select(Customer.external_userid, Customer.phone, Customer.unionid)
            .where(Customer.id > top - 200_000)
            .limit(50_000)
        ).all()
        # Tracked links: the demo's article, sent by each customer's guide.
        article = db.session.scalar(select(Material).where(Material.kind == "article"))
        pairs = db.session.execute(
            select(Customer, Staff)
            .join(Follow, Follow.customer_id == Customer.id)
            .join(Staff, Staff.id == Follow.staff_id)
            .where(Follow.deleted_at.is_(None), Customer.id > top - 100_000)
            .limit(args.links)
        ).all()
        links = []
        for customer, staff in pairs:
            link = radar.make_link(staff, article, customer=customer)
            links.append((radar.public_code(link), customer.external_userid))
        db.session.commit()
        events_before = db.session.scalar(select(func.count()).select_from(BehaviourEvent)) or 0
        views_before = db.session.scalar(select(func.count()).select_from(LinkView)) or 0
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    # What WeChat's OAuth leaves behind: each customer opens their own link.
    visitors = []
    for _code, ext in links:
        session = {VISITOR: {"openid": "o" + ext[-20:], "external_userid": ext}}
        visitors.append({"Cookie": f"{cookie_name}={serializer.dumps(session)}"})

    rng = random.Random(run_id)
    now = datetime.now(UTC)
    sent = [0]

    def batch(n: int) -> list[load.Request]:
        events = []
        for i in range(BATCH):
            ext, phone, unionid = sample[rng.randrange(len(sample))]
            who = rng.choice(
                [
                    {"external_userid": ext},
                    {"phone": phone or ext},
                    {"unionid": unionid or "ozNobody" + ext[-10:]},
                ]
            )
            sku = f"LX-SER-0{rng.randint(1, 2)}"
            events.append(
                {
                    "event_id": f"{run_id}-{n}-{i}",
                    "kind": rng.choice(KINDS),
                    "occurred_at": (now - timedelta(minutes=rng.randint(0, 120))).isoformat(),
                    "sku": sku,
                    "product_name": "澜序 精华",
                    "customer": who,
                }
            )
        sent[0] += BATCH
        body = json.dumps({"events": events}).encode()
        return [
            load.Request(
                "/api/v1/events",
                method="POST",
                body=body,
                headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
            )
        ]

    def open_link(n: int) -> list[load.Request]:
        i = n % len(links)
        return [load.Request(f"/t/{links[i][0]}", headers=visitors[i])]

    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(Path(instance) / "gunicorn.log", "w"),  # noqa: SIM115
    )
    try:
        if not wait_until_up(f"http://127.0.0.1:{port}/healthz"):
            print((Path(instance) / "gunicorn.log").read_text()[-3000:])
            return 1
        load.run("127.0.0.1", port, batch, connections=args.connections, seconds=3)  # warm up
        events = load.run("127.0.0.1", port, batch, connections=args.connections, seconds=args.seconds)
        load.run("127.0.0.1", port, open_link, connections=args.open_connections, seconds=3)  # warm up
        opens = load.run(
            "127.0.0.1", port, open_link, connections=args.open_connections, seconds=args.seconds
        )
    finally:
        proc.terminate()
        proc.wait(20)

    with app.app_context():
        stored = (db.session.scalar(select(func.count()).select_from(BehaviourEvent)) or 0) - events_before
        viewed = (db.session.scalar(select(func.count()).select_from(LinkView)) or 0) - views_before
        analyze("behaviour_events", "behaviour_days", "link_views")
        db.session.commit()
    engine = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    print(f"{engine}, gunicorn with gunicorn.conf.py (4 workers), {args.seconds:.0f} s each")
    print(
        f"  events API, batches of {BATCH}, {args.connections} connections: "
        f"{events.per_second * BATCH:,.0f} events/s ({events.units:,} batches; batch {events.line()})"
    )
    print(f"    events stored during the run and its warm-up: {stored:,}")
    print(
        f"  tracked-link opens, {args.open_connections} connections: {opens.per_second:,.0f}/s, "
        f"p50 {opens.percentile(50) * 1000:.1f} ms, p95 {opens.percentile(95) * 1000:.1f} ms, "
        f"p99 {opens.percentile(99) * 1000:.1f} ms, {len(opens.errors)} errors; {viewed:,} views recorded"
    )
    return 0 if not (events.errors or opens.errors) else 1


if __name__ == "__main__":
    sys.exit(main())
