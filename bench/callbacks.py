"""Time WeCom callbacks against the app as deployed: gunicorn (2 workers) and a huey consumer, with the
emulator delivering from a process of its own.

    .venv/bin/python bench/callbacks.py [--events 500] [--concurrency 8] [--database-url postgresql://...]

Prints how fast each callback was answered (p50, p95, max: WeCom retries after 5 s) and how long until
every event was processed. Uses a temporary SQLite file unless a database URL is given (its tables are
dropped and recreated).
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
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    import requests
    from sqlalchemy import func, select

    from sidebar import create_app, demo
    from sidebar.demo import seed as demo_seed
    from sidebar.extensions import db
    from sidebar.models import WecomEvent
    from tests.conftest import TEST_SECRET, EmulatorProcess, Stack, free_port

    tmp = Path(tempfile.mkdtemp(prefix="beside-bench-callbacks-"))
    if args.database_url:
        os.environ["TEST_DATABASE_URL"] = args.database_url
    url = args.database_url or f"sqlite:///{tmp / 'test.db'}"
    os.environ["BESIDE_INSTANCE_PATH"] = str(tmp / "instance")
    app = create_app({"APP_ENV": "test", "SECRET_KEY": TEST_SECRET, "DATABASE_URL": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        demo_seed.seed()

    port = free_port()
    wecom = EmulatorProcess(tmp, callback_url=f"http://127.0.0.1:{port}/wecom/callback")
    stack = None
    try:
        stack = Stack(tmp, wecom, port=port)
        people = [demo.customer(i % demo.DEFAULT_CUSTOMERS) for i in range(args.events)]
        specs = [
            {
                "change_type": "edit_external_contact" if n % 2 else "transfer_fail",
                "userid": p.follows[0].userid if n % 2 else "chenjing",
                "external_userid": p.external_userid,
                "create_time": 1764000000 + n,
            }
            for n, p in enumerate(people)
        ]
        started = time.monotonic()
        sent = requests.post(
            wecom.url + "/_emulator/burst",
            json={"events": specs, "concurrency": args.concurrency, "timeout": 5.0},
            timeout=900,
        ).json()
        answered = sorted(a["elapsed"] for r in sent["results"] for a in r["attempts"])
        retried = sum(1 for r in sent["results"] if len(r["attempts"]) > 1 or not r["delivered"])
        deadline, done = time.monotonic() + 600, 0
        while time.monotonic() < deadline and done < args.events:
            time.sleep(0.25)
            with app.app_context():
                done = db.session.scalar(
                    select(func.count()).select_from(WecomEvent).where(WecomEvent.status == "done")
                )
        processed = time.monotonic() - started
    finally:
        if stack is not None:
            stack.stop()
        wecom.stop()

    def pct(p: float) -> float:
        return answered[min(len(answered) - 1, int(p * len(answered)))] * 1000

    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"{engine}: {args.events} callbacks, {args.concurrency} at a time, sent in {sent['seconds']:.1f} s; "
        f"answered p50 {pct(0.5):.0f} ms, p95 {pct(0.95):.0f} ms, max {answered[-1] * 1000:.0f} ms; "
        f"{retried} retried; {done} processed {processed:.1f} s after the first"
    )
    return 0 if done == args.events and not retried else 1


if __name__ == "__main__":
    sys.exit(main())
