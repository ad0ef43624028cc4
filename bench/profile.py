"""How heavy is a profile? The sidebar's customer page against a one-SELECT floor, as deployed.

    .venv/bin/python bench/profile.py --database-url postgresql://.../beside_bench [--seconds 20]

Starts gunicorn with the repository's ``gunicorn.conf.py`` (4 workers, production settings) on the
given database (the demo, ``flask demo seed``), signs in as a guide, and drives with the same load tool
(``bench/load.py``) and the same 50 connections: first the floor (``bench/floor_wsgi.py``: one SELECT),
then the profiles of the guide's customers. A profile counts whole: every part the page loads by
itself (``hx-trigger="load"`` or ``"revealed"``) is requested too, and a profile is one complete set.
Prints both throughputs, their ratio, p50/p99, the CPU each part used per request (``bench/cpu.py``:
gunicorn, PostgreSQL and the load tool share this machine's cores), and the SQL statements one
profile runs.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import cpu  # noqa: E402
import load  # noqa: E402

GUIDE = "chenjing"
SECRET = "bench-profile-" + "0123456789" * 4  # a session key for this run only  # noqa: S105
# What a page loads by itself once shown: hx-get with a load or revealed trigger.
LAZY = re.compile(rb'hx-get="([^"]+)"[^>]*hx-trigger="(?:load|revealed)"')


def production_env(database_url: str, port: int, instance: str) -> dict[str, str]:
    """Production settings (no preview, no demo sign-in); WeCom is never called for a visible customer."""
    return {
        **os.environ,
        "APP_ENV": "production",
        "SECRET_KEY": SECRET,
        "DATABASE_URL": database_url,
        "WECOM_CORP_ID": "wwbench",
        "WECOM_AGENT_ID": "1000002",
        "WECOM_SECRET": "bench",
        "WECOM_CALLBACK_TOKEN": "bench",
        "WECOM_CALLBACK_AES_KEY": "a" * 43,
        "WECOM_API_BASE": "http://127.0.0.1:9/cgi-bin/",  # nothing listens: a call would fail loudly
        "BESIDE_INSTANCE_PATH": instance,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "4",
        "GUNICORN_ACCESS_LOG": "",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--customers", type=int, default=500, help="distinct profiles to cycle through")
    args = parser.parse_args()

    instance = tempfile.mkdtemp(prefix="beside-bench-profile-")
    from tests.conftest import free_port, wait_until_up

    port = free_port()
    env = production_env(args.database_url, port, instance)
    os.environ.update({k: v for k, v in env.items() if k not in ("BIND",)})

    from flask.sessions import SecureCookieSessionInterface
    from sqlalchemy import event, select

    from sidebar import create_app
    from sidebar.extensions import db
    from sidebar.models import Customer, Follow, Staff
    from sidebar.web.auth import CONSOLE_SEEN_AT, SESSION_KEY, SIGNED_IN_AT

    app = create_app()
    with app.app_context():
        guide = db.session.scalar(select(Staff).where(Staff.userid == GUIDE))
        rows = db.session.execute(
            select(Customer.external_userid, Customer.id)
            .join(Follow, Follow.customer_id == Customer.id)
            .where(Follow.staff_id == guide.id, Follow.deleted_at.is_(None))
            .order_by(Follow.customer_id.desc())
            .limit(args.customers)
        ).all()
        guide_id = guide.id
    externals, ids = [r[0] for r in rows], [r[1] for r in rows]
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    now = time.time()
    cookie = serializer.dumps(
        {SESSION_KEY: guide_id, SIGNED_IN_AT: now, CONSOLE_SEEN_AT: now, "_permanent": True}
    )
    headers = {"Cookie": f"{app.config['SESSION_COOKIE_NAME']}={cookie}"}

    def profile_parts(page: bytes) -> list[load.Request]:
        return [
            load.Request(url.decode().replace("&amp;", "&"), headers={"HX-Request": "true"})
            for url in LAZY.findall(page)
        ]

    # Statements for one whole profile, in process (the same code the workers run).
    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    statements: list[str] = []
    sample = externals[len(externals) // 2]
    # Warm, as a worker is after its first request: the catalogue recommendations read is cached.
    assert client.get(f"/sidebar/customers/{externals[0]}").status_code == 200
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    page = client.get(f"/sidebar/customers/{sample}")
    assert page.status_code == 200, page.status_code
    requests_made = 1
    for part in profile_parts(page.data):
        assert client.get(part.path, headers=part.headers).status_code == 200, part.path
        requests_made += 1

    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "--pythonpath",
            "bench",
            "floor_wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(Path(instance) / "gunicorn.log", "w"),  # noqa: SIM115
    )
    try:
        if not wait_until_up(f"http://127.0.0.1:{port}/healthz"):
            print((Path(instance) / "gunicorn.log").read_text()[-3000:])
            return 1

        def floor(n: int) -> list[load.Request]:
            return [load.Request(f"/_bench/floor?id={ids[n % len(ids)]}")]

        def profile(n: int) -> list[load.Request]:
            return [load.Request(f"/sidebar/customers/{externals[n % len(externals)]}", headers=headers)]

        def follow(req: load.Request, body: bytes) -> list[load.Request]:
            return (
                profile_parts(body)
                if req.path.startswith("/sidebar/customers/") and "HX-Request" not in req.headers
                else []
            )

        for make, then in ((floor, None), (profile, follow)):
            load.run("127.0.0.1", port, make, connections=args.connections, seconds=3, follow=then)  # warm up
        parts = {"gunicorn": [proc.pid]}
        before = cpu.sample(parts)
        floor_result = load.run("127.0.0.1", port, floor, connections=args.connections, seconds=args.seconds)
        between = cpu.sample(parts)
        profile_result = load.run(
            "127.0.0.1", port, profile, connections=args.connections, seconds=args.seconds, follow=follow
        )
        floor_cpu = cpu.report(before, between, units=floor_result.units, seconds=floor_result.seconds)
        profile_cpu = cpu.report(
            between, cpu.sample(parts), units=profile_result.units, seconds=profile_result.seconds
        )
    finally:
        proc.terminate()
        proc.wait(20)

    engine = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    print(
        f"{engine}, gunicorn with gunicorn.conf.py (4 workers), {args.connections} connections, "
        f"{args.seconds:.0f} s each"
    )
    print(f"  one-SELECT floor:  {floor_result.line()}")
    print(f"  sidebar profile:   {profile_result.line()}   ({requests_made} request(s) per profile)")
    print(f"    {floor_cpu}")
    print(f"    {profile_cpu}")
    print(f"  ratio profile ÷ floor: {profile_result.per_second / floor_result.per_second:.2f}")
    print(f"  SQL statements per profile open: {len(statements)}")
    for sql in statements:
        print("    " + " ".join(sql.split())[:160])
    return 0 if not (floor_result.errors or profile_result.errors) else 1


if __name__ == "__main__":
    sys.exit(main())
