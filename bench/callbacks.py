"""WeCom callbacks as fast as they come: how many are acknowledged a second, and are all processed?

    .venv/bin/python bench/callbacks.py --database-url postgresql://.../beside_bench [--seconds 30]

Starts the app as deployed — gunicorn with ``gunicorn.conf.py`` (4 workers) and a huey consumer, on
idle CPU only (``chrt --idle``) as the README advises when they share a machine — and the emulator
(which answers what processing asks WeCom). Distinct events are encrypted and signed beforehand, as
WeCom would send them (a customer's edit, a failed transfer), then posted by the load tool
(``bench/load.py``, 32 connections) for ``--seconds``. Prints the events acknowledged per second with
p50/p99 of the answers and the CPU each part used per event meanwhile (``bench/cpu.py``: the app, the
consumer, PostgreSQL and the load tool share this machine's cores), then waits for the consumer and
prints how long until every acknowledged event was processed. ``--consumer-after`` starts the
consumer only when the sending stops: what answering alone costs on this machine. ``--redis-url``
puts the job queue on Redis, as deployed (the default, a SQLite file, is the demo's). The database
must be migrated with the demo in it (its customers are the events' subjects); without
``--database-url`` a temporary SQLite file is made for it.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import cpu  # noqa: E402
import load  # noqa: E402


def events(count: int, now: float) -> list[load.Request]:
    """``count`` distinct callbacks about the emulator's demo customers, encrypted and signed."""
    from emulator import callbacks, settings
    from sidebar import demo

    conf = settings.load()
    run = secrets.token_hex(4)  # a field WeCom does not send: this run's events are new to the database
    people = [demo.customer(i) for i in range(demo.DEFAULT_CUSTOMERS)]
    prepared = []
    for n in range(count):
        person = people[n % len(people)]
        kind = ("edit_external_contact", "transfer_fail", "transfer_fail", "transfer_fail")[n % 4]
        fields = {
            "UserID": person.follows[0].userid,
            "ExternalUserID": person.external_userid,
            "BenchRun": run,
        }
        if kind == "transfer_fail":
            fields["FailReason"] = "customer_refused"
        xml = callbacks.event_xml(
            conf["WECOM_CORP_ID"], "change_external_contact", kind, fields, int(now) - n
        )
        params, body = callbacks.signed_request(conf, xml, at=now)
        prepared.append(
            load.Request(
                "/wecom/callback?" + urlencode(params),
                method="POST",
                body=body.encode(),
                headers={"Content-Type": "text/xml"},
            )
        )
    return prepared


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--events", type=int, default=120_000, help="prepared; more than can be sent")
    parser.add_argument("--redis-url", help="the job queue on Redis, as deployed (default: a SQLite file)")
    parser.add_argument(
        "--consumer-after",
        action="store_true",
        help="start the consumer only when the sending stops: what answering alone costs",
    )
    args = parser.parse_args()

    from tests.conftest import EmulatorProcess, free_port, wait_until_up

    tmp = Path(tempfile.mkdtemp(prefix="beside-bench-callbacks-"))
    port = free_port()
    emulator = EmulatorProcess(tmp, callback_url=f"http://127.0.0.1:{port}/wecom/callback")
    env = {
        **os.environ,
        "APP_ENV": "development",
        "FLASK_APP": "wsgi",
        "DATABASE_URL": args.database_url or f"sqlite:///{tmp / 'callbacks.db'}",
        "BESIDE_INSTANCE_PATH": str(tmp / "instance"),
        "HUEY_SQLITE_PATH": str(tmp / "huey.db"),
        "EMULATOR_URL": emulator.url,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "4",
        "GUNICORN_ACCESS_LOG": "",
        **({"REDIS_URL": args.redis_url} if args.redis_url else {}),
    }
    bin_dir = Path(sys.executable).parent
    if not args.database_url:
        for command in (["db", "upgrade"], ["demo", "seed"]):
            subprocess.run(
                [str(bin_dir / "flask"), *command], cwd=ROOT, env=env, check=True, capture_output=True
            )
    os.environ.update({k: env[k] for k in ("APP_ENV", "DATABASE_URL", "BESIDE_INSTANCE_PATH")})
    from sqlalchemy import func, select

    from sidebar import create_app
    from sidebar.extensions import db
    from sidebar.models import WecomEvent

    app = create_app()
    with app.app_context():
        before = db.session.scalar(select(func.coalesce(func.max(WecomEvent.id), 0)))

    def processed() -> tuple[int, int]:
        with app.app_context():
            rows = db.session.execute(
                select(WecomEvent.status, func.count())
                .where(WecomEvent.id > before)
                .group_by(WecomEvent.status)
            ).all()
        by_status = dict(rows)
        return sum(by_status.values()), by_status.get("done", 0)

    prepared = events(args.events, time.time())
    log = open(tmp / "servers.log", "w")  # noqa: SIM115  (as long as the servers)

    def start_consumer() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [
                # Only when the web server leaves a core idle, as README › Deploying advises on a
                # shared machine: WeCom waits for the answer, not for the processing.
                "chrt",
                "--idle",
                "0",
                str(bin_dir / "huey_consumer"),
                "wsgi.huey",
                "-w",
                "4",
                "-k",
                "thread",
                "-d",
                "0.05",
                "-m",
                "0.2",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    procs = [
        subprocess.Popen(
            [str(bin_dir / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    ]
    if not args.consumer_after:
        procs.append(start_consumer())
    try:
        if not wait_until_up(f"http://127.0.0.1:{port}/healthz"):
            print((tmp / "servers.log").read_text()[-3000:])
            return 1

        def next_event(n: int) -> list[load.Request]:
            return [prepared[n - 1]] if n <= len(prepared) else []

        parts = {
            "gunicorn": [procs[0].pid],
            "consumer": [p.pid for p in procs[1:]],  # none yet with --consumer-after
            "emulator": [emulator.proc.pid],
        }
        cpu_before = cpu.sample(parts)
        result = load.run("127.0.0.1", port, next_event, connections=args.connections, seconds=args.seconds)
        cpu_during = cpu.report(cpu_before, cpu.sample(parts), units=result.units, seconds=result.seconds)
        if args.consumer_after:
            procs.append(start_consumer())
        sent_at = time.monotonic()
        stored, done = processed()
        deadline = sent_at + 900
        while done < stored and time.monotonic() < deadline:
            time.sleep(1)
            stored, done = processed()
        drained = time.monotonic() - sent_at
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(20)
        emulator.stop()

    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"{engine}, gunicorn with gunicorn.conf.py (4 workers) and a huey consumer, "
        f"{args.connections} connections"
    )
    print(f"  acknowledged: {result.line()}")
    consumer = "started after the sending" if args.consumer_after else "as SCHED_IDLE, processing meanwhile"
    print(f"  {cpu_during} (self: the load tool; the consumer {consumer})")
    print(f"  stored {stored:,}; processed {done:,}, the last {drained:.0f} s after the sending stopped")
    # (A few answered after the time was up: stored and processed, not counted as acknowledged in time.)
    return 0 if not result.errors and done == stored >= result.units else 1


if __name__ == "__main__":
    sys.exit(main())
