"""Customer groups at scale: ``--groups`` group chats (5,000 by default) of ``--members`` members (500)
synced through the emulator over HTTP under WeCom's rate limit, then group SOP made for all of them.

    .venv/bin/python bench/groups.py --database-url postgresql://beside:beside@127.0.0.1:5432/beside_bench_groups

Prints the sync's time, pages and calls, the busiest minute's calls against the limit (10,000 a minute
per corp and API), the members stored; then the time to make one weekly group rule's tasks for every
group (goal ≤ 5 s on PostgreSQL) and for the half tagged VIP群. The database's tables are dropped and
recreated (the demo brand plus the groups): give it a database of its own.
"""

from __future__ import annotations

import argparse
import bisect
import json
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
    parser.add_argument("--groups", type=int, default=5000)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    from sqlalchemy import func, insert, select, text

    from emulator import create_emulator
    from emulator import settings as emulator_settings
    from sidebar import create_app
    from sidebar.core.analyze import analyze
    from sidebar.customers import group_sync
    from sidebar.demo import seed as demo_seed
    from sidebar.extensions import db
    from sidebar.models import (
        GroupChat,
        GroupChatMember,
        GroupChatTag,
        GroupSopTask,
        GroupTag,
        SopRule,
        SopStep,
        utcnow,
    )
    from sidebar.sop import engine
    from tests.conftest import TEST_SECRET, Served

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    tmp = Path(tempfile.mkdtemp(prefix="beside-bench-groups-"))
    os.environ["BESIDE_INSTANCE_PATH"] = str(tmp / "instance")
    url = args.database_url or f"sqlite:///{tmp / 'test.db'}"
    emulator_app = create_emulator(emulator_settings.load({}, RATE_LIMIT=RATE_LIMIT, RATE_WINDOW=60.0))
    served = Served(emulator_app)
    st = emulator_app.extensions["wecom_state"]
    owners = ["chenjing", "wangfang", "liuyang", "huangli"]
    now_ts = int(time.time()) - 86400 * 10
    with st.lock:
        st.group_chats.clear()
        for g in range(args.groups):
            owner = owners[g % len(owners)]
            members = [
                {
                    "userid": owner,
                    "type": 1,
                    "join_time": now_ts,
                    "join_scene": 1,
                    "invitor": {"userid": owner},
                }
            ]
            members += [
                {
                    "userid": f"wmbg{g:05d}m{m:04d}",
                    "type": 2,
                    "join_time": now_ts + m,
                    "join_scene": 3,
                    "invitor": {"userid": owner},
                    "name": f"群友{m}",
                    "group_nickname": "",
                }
                for m in range(args.members - 1)
            ]
            chat_id = f"wrbench{g:06d}"
            st.group_chats[chat_id] = {
                "chat_id": chat_id,
                "name": f"压测群 {g}",
                "owner": owner,
                "create_time": now_ts,
                "notice": "",
                "member_list": members,
                "admin_list": [],
            }
    try:
        app = create_app(
            {
                "APP_ENV": "test",
                "SECRET_KEY": TEST_SECRET,
                "DATABASE_URL": url,
                "WECOM_API_BASE": served.url + "/cgi-bin/",
            }
        )
        with app.app_context():
            db.drop_all()
            db.create_all()
            demo_seed.seed(customers=0)
            db.session.execute(text("DELETE FROM group_chat_members"))
            db.session.execute(text("DELETE FROM group_chats"))
            db.session.commit()

            started = time.monotonic()
            t0 = time.time()
            totals = group_sync.sync_groups()
            db.session.commit()
            synced_in = time.monotonic() - started
            analyze("group_chats", "group_chat_members")
            db.session.commit()
            stored = db.session.scalar(select(func.count()).select_from(GroupChat))
            members = db.session.scalar(select(func.count()).select_from(GroupChatMember))

            # Half the groups tagged VIP群, set-based.
            tag = GroupTag(name="VIP群")
            db.session.add(tag)
            db.session.flush()
            db.session.execute(
                insert(GroupChatTag).from_select(
                    ["group_id", "tag_id"],
                    select(GroupChat.id, text(str(tag.id))).where(GroupChat.id % 2 == 0),
                )
            )
            db.session.commit()
            analyze("group_chat_tags")
            db.session.commit()

            def rule(name: str, audience: dict) -> SopRule:
                made = SopRule(
                    name=name,
                    target="groups",
                    active=True,
                    trigger="weekly",
                    weekday=utcnow().weekday(),
                    window_days=3,
                    audience=json.dumps(audience, ensure_ascii=False),
                )
                made.steps = [SopStep(position=0, text="各位晚上好，本周直播预告～")]
                db.session.add(made)
                db.session.flush()
                return made

            timings, made_rules = [], []
            for name, audience in (("每群周会", {}), ("VIP 群福利", {"tag": "VIP群", "min_members": 100})):
                r = rule(name, audience)
                made_rules.append(r)
                started = time.monotonic()
                made = engine.generate(r, now=utcnow())
                db.session.commit()
                timings.append((name, made, time.monotonic() - started))
            started = time.monotonic()
            again = sum(engine.generate(r, now=utcnow()) for r in made_rules)
            db.session.commit()
            again_in = time.monotonic() - started
            tasks = db.session.scalar(
                select(func.count()).where(GroupSopTask.rule_id.in_([r.id for r in made_rules]))
            )
    finally:
        served.stop()

    stamps = sorted(c["at"] for c in st.calls if c["at"] >= t0 and c["endpoint"] != "gettoken")
    busiest = max((bisect.bisect_left(stamps, s + 60) - i for i, s in enumerate(stamps)), default=0)
    engine_name = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"{engine_name}: {args.groups:,} groups of {args.members} members through the emulator")
    print(
        f"  sync: {stored:,} groups and {members:,} members stored in {synced_in:.1f} s "
        f"({totals['pages']} pages of groupchat/list, {len(stamps):,} calls; busiest minute {busiest:,} "
        f"of WeCom's {RATE_LIMIT:,})"
    )
    for name, made, seconds in timings:
        print(f"  group SOP '{name}': {made:,} tasks in {seconds:.2f} s")
    print(f"  running both again: {again} new tasks in {again_in:.2f} s ({tasks:,} in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
