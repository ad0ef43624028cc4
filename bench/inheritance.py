"""离职继承 at scale: a guide who left holds ``--customers`` customers (20,000 by default) in WeCom and here;
all are handed to a colleague through the emulator over HTTP, under WeCom's rate limit (10,000 calls a
minute per API), then followed until done.

    .venv/bin/python bench/inheritance.py [--customers 20000] \
        --database-url postgresql://beside:beside@127.0.0.1:5432/beside_bench_inherit

Prints the time to list and request them, the calls made, the busiest minute's calls against the limit,
how many customers WeCom was asked about more than once (must be 0), then the time to follow them up
and move the follows and open tasks, and checks that every follow moved. The database's tables are
dropped and recreated (demo brand plus the leaver's customers).
"""

from __future__ import annotations

import argparse
import bisect
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RATE_LIMIT = 10_000  # WeCom: per corp per API per minute


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    from sqlalchemy import func, insert, select, text

    from emulator import create_emulator
    from emulator import settings as emulator_settings
    from sidebar import create_app
    from sidebar.acquisition import inheritance
    from sidebar.demo import seed as demo_seed
    from sidebar.extensions import db
    from sidebar.models import Customer, Follow, Handover, Staff, StaffStatus
    from tests.conftest import TEST_SECRET, Served

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    tmp = Path(tempfile.mkdtemp(prefix="beside-bench-inherit-"))
    os.environ["BESIDE_INSTANCE_PATH"] = str(tmp / "instance")
    url = args.database_url or f"sqlite:///{tmp / 'test.db'}"
    emulator_app = create_emulator(emulator_settings.load({}, RATE_LIMIT=RATE_LIMIT, RATE_WINDOW=60.0))
    served = Served(emulator_app)
    st = emulator_app.extensions["wecom_state"]
    try:
        app = create_app(
            {
                "APP_ENV": "test",
                "SECRET_KEY": TEST_SECRET,
                "DATABASE_URL": url,
                "WECOM_API_BASE": served.url + "/cgi-bin/",
            }
        )
        leaver_id = "wangfang"
        exts = [f"wmbenchinherit{n:08d}" for n in range(args.customers)]
        with app.app_context():
            db.drop_all()
            db.create_all()
            demo_seed.seed()
            leaver = db.session.scalar(select(Staff).where(Staff.userid == leaver_id))
            leaver.status = StaffStatus.RESIGNED.value
            for start in range(0, len(exts), 5000):
                chunk = exts[start : start + 5000]
                db.session.execute(
                    insert(Customer),
                    [{"external_userid": e, "name": f"继承客户{e[-5:]}", "type": 1} for e in chunk],
                )
            ids = dict(
                db.session.execute(
                    select(Customer.external_userid, Customer.id).where(
                        Customer.external_userid.in_(exts[:1])
                    )
                ).all()
            )
            first_id = ids[exts[0]]
            db.session.execute(
                insert(Follow).from_select(
                    [
                        "customer_id",
                        "staff_id",
                        "added_at",
                        "add_way",
                        "remark",
                        "description",
                        "remark_mobiles",
                    ],
                    select(
                        Customer.id,
                        text(str(leaver.id)),
                        text("CURRENT_TIMESTAMP"),
                        text("1"),
                        text("''"),
                        text("''"),
                        text("''"),
                    ).where(Customer.id >= first_id, Customer.external_userid.like("wmbenchinherit%")),
                )
            )
            db.session.commit()
            if db.engine.dialect.name == "postgresql":
                db.session.execute(text("ANALYZE customers; ANALYZE follows; ANALYZE handovers"))
                db.session.commit()
        with st.lock:
            st.users[leaver_id]["status"] = 5
            for e in exts:
                st.contacts[e] = {"external_userid": e, "name": f"继承客户{e[-5:]}", "type": 1, "gender": 2}
                st.follows[e] = {
                    leaver_id: {
                        "userid": leaver_id,
                        "remark": "",
                        "description": "",
                        "createtime": 0,
                        "tags": set(),
                        "remark_mobiles": [],
                        "add_way": 1,
                        "state": "",
                        "oper_userid": leaver_id,
                    }  # fmt: skip
                }

        with app.app_context():
            t0 = time.time()
            started = time.monotonic()
            held = inheritance.unassigned().get(leaver_id, [])
            takeover = inheritance.choose_takeover(
                db.session.scalar(select(Staff).where(Staff.userid == leaver_id))
            )
            assert takeover is not None
            counts = inheritance.request(leaver_id, takeover, held)
            db.session.commit()
            requested_in = time.monotonic() - started
            again = inheritance.request(leaver_id, takeover, held)  # a second press asks for nobody
            db.session.commit()
            started = time.monotonic()
            followed = inheritance.follow_up()
            db.session.commit()
            followed_in = time.monotonic() - started
            moved = db.session.scalar(
                select(func.count(Follow.id)).where(
                    Follow.staff_id == takeover.id,
                    Follow.deleted_at.is_(None),
                    Follow.customer_id.in_(
                        select(Customer.id).where(Customer.external_userid.like("wmbenchinherit%"))
                    ),
                )
            )
            left = db.session.scalar(
                select(func.count(Follow.id)).where(Follow.staff_id == leaver.id, Follow.deleted_at.is_(None))
            )
            done = db.session.scalar(select(func.count(Handover.id)).where(Handover.status == "done"))
    finally:
        served.stop()

    with st.lock:
        calls = [c for c in st.calls if c["at"] >= t0]
    transfer_calls = [c for c in calls if c["endpoint"] == "externalcontact/resigned/transfer_customer"]
    accepted = [e for c in transfer_calls if c["errcode"] == 0 for e in c["json"]["external_userid"]]
    twice = len(accepted) - len(set(accepted))
    times = sorted(c["at"] for c in calls)
    busiest = max((bisect.bisect_left(times, t + 60) - i for i, t in enumerate(times)), default=0)
    limited = sum(1 for c in calls if c["errcode"] in (45009, 45033))
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"{engine}: {len(held)} customers of a leaver listed and requested in {requested_in:.1f} s "
        f"({counts}); {len(transfer_calls)} transfer calls of at most "
        f"{max((len(c['json']['external_userid']) for c in transfer_calls), default=0)}; "
        f"busiest minute {busiest} calls (limit {RATE_LIMIT}), {limited} rate-limited; "
        f"{twice} customers requested twice; a second press asked for "
        f"{again['requested'] + again['refused']} "
        "more; "
        f"followed up in {followed_in:.1f} s ({followed}); {moved} follows now the colleague's, "
        f"{left} left with the leaver, {done} handovers done"
    )
    ok = (
        twice == 0
        and limited == 0
        and busiest <= RATE_LIMIT
        and counts["requested"] == len(held)
        and moved == args.customers
        and left == 0
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
