"""Beside on many machines, shown on this one: two web hosts (gunicorn, each with an instance folder of its
own, on two ports) and two job consumers, with PostgreSQL and Redis the only parts they share — and WeCom
(the emulator) a process of its own.

- A material uploaded through host A is shown and sent from host B; an export started on A downloads from
  B; a guide signed in on A is signed in on B.
- WeCom's ``gettoken`` is called once for all four processes (the token is shared through Redis; once
  more after Redis restarted without persistence).
- A burst of 300 callbacks, during which one consumer is killed with SIGKILL and Redis is restarted: every
  event is applied once (the events are in the database; the sweeper re-enqueues what the queue lost).
- Each periodic job ran once per time slot across both consumers.
- After every PostgreSQL connection is cut (as a restart or failover does), no request answers 500.
- The request id of the export's request is in the consumer's log line for the export job.

PostgreSQL only (four processes on one SQLite file is not a deployment); Redis is started by the test, so
it can be restarted without disturbing anything else.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import func, select, text

from sidebar import demo
from sidebar.extensions import db
from sidebar.models import BackgroundJob, Material, WecomEvent
from tests.conftest import TEST_SECRET, EmulatorProcess, database_url, free_port, wait_until_up

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BURST = 300


class RedisProcess:
    """A Redis of this test's own on 127.0.0.1, without persistence (a restart loses the queue)."""

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = tmp_path / "redis.log"
        self.proc: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        self.out = self.log.open("a")
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=self.out,
            stderr=subprocess.STDOUT,
        )
        import redis

        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                if redis.Redis.from_url(self.url).ping():
                    return
            except redis.RedisError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None
            self.out.close()


class Process:
    """One of the deployment's processes, its output in a log file of its own."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], tmp_path: Path):
        self.name, self.log_path = name, tmp_path / f"{name}.log"
        self.out = self.log_path.open("w")
        self.proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=self.out, stderr=subprocess.STDOUT)

    def json_lines(self) -> list[dict]:
        found = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    found.append(json.loads(line))
                except ValueError:
                    continue
        return found

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.out.close()


@pytest.fixture()
def deployment(seeded, tmp_path: Path):
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("PostgreSQL only: set TEST_DATABASE_URL")
    if shutil.which("redis-server") is None:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail("REQUIRE_REDIS=1 but redis-server is not installed")
        pytest.skip("redis-server is not installed")
    redis_server = RedisProcess(tmp_path)
    port_a, port_b = free_port(), free_port()
    wecom = EmulatorProcess(tmp_path, callback_url=f"http://127.0.0.1:{port_a}/wecom/callback")
    base = {
        **os.environ,
        "APP_ENV": "test",
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": database_url(tmp_path),
        "REDIS_URL": redis_server.url,
        "WECOM_API_BASE": wecom.url + "/cgi-bin/",
        "WECOM_OAUTH_BASE": wecom.url,
        "WECOM_LOGIN_BASE": wecom.url,
        "PAY_API_BASE": wecom.url,
        "WECHAT_API_BASE": wecom.url,
        "LOG_FORMAT": "json",
        "CALLBACK_SWEEP_GRACE": "3",
        "JOB_SLOT_LEASE": "5",
        "GUNICORN_ACCESS_LOG": "",
        "WEB_CONCURRENCY": "2",
    }
    procs: list[Process] = []
    try:
        for name, port in (("host-a", port_a), ("host-b", port_b)):
            env = {**base, "BIND": f"127.0.0.1:{port}", "BESIDE_INSTANCE_PATH": str(tmp_path / name)}
            procs.append(
                Process(name, [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"], env, tmp_path)
            )
        for n in (1, 2):
            env = {**base, "BESIDE_INSTANCE_PATH": str(tmp_path / f"consumer-{n}")}
            argv = [
                str(BIN / "huey_consumer"),
                "wsgi.huey",
                "-w",
                "4",
                "-k",
                "thread",
                "-d",
                "0.05",
                "-m",
                "0.2",
            ]
            procs.append(Process(f"consumer-{n}", argv, env, tmp_path))
        for port in (port_a, port_b):
            if not wait_until_up(f"http://127.0.0.1:{port}/healthz"):
                raise RuntimeError((tmp_path / "host-a.log").read_text()[-3000:])
        yield {
            "a": f"http://127.0.0.1:{port_a}",
            "b": f"http://127.0.0.1:{port_b}",
            "wecom": wecom,
            "redis": redis_server,
            "procs": {p.name: p for p in procs},
            "app": seeded,
        }
    finally:
        for p in procs:
            p.stop()
        wecom.stop()
        redis_server.stop()


def signed_in(host: str, userid: str, *, console: bool = False) -> requests.Session:
    """A browser's session, signed in through WeCom's OAuth (the sidebar) or QR login (the console)."""
    browser = requests.Session()
    start = browser.get(
        host + ("/admin/login/wecom" if console else "/auth/login"),
        params=None if console else {"next": "/sidebar/"},
        allow_redirects=False,
        timeout=10,
    )
    picked = requests.get(start.headers["Location"], params={"as": userid}, allow_redirects=False, timeout=10)
    back = urlsplit(picked.headers["Location"])
    done = browser.get(f"{host}{back.path}?{back.query}", allow_redirects=False, timeout=10)
    assert done.status_code in (302, 303), done.text[:500]
    return browser


def csrf_of(browser: requests.Session, url: str) -> str:
    page = browser.get(url, timeout=10).text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page) or re.search(
        r'"X-CSRFToken": "([^"]+)"', page
    )
    assert found, page[:500]
    return found.group(1)


def wait_for(check, seconds: float, every: float = 0.5):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(every)
    return check()


@pytest.mark.slow
def test_two_hosts_and_two_consumers_share_everything_through_postgresql_and_redis(deployment):
    a, b, wecom, app = deployment["a"], deployment["b"], deployment["wecom"], deployment["app"]

    # A session signed in on A is valid on B.
    guide = signed_in(a, "chenjing")
    on_b = guide.get(b + "/sidebar/", timeout=10)
    assert on_b.status_code == 200 and "陈静" in on_b.text

    # A material uploaded through A is shown and sent from B.
    admin = signed_in(a, "zhangwei", console=True)
    poster = demo.poster_png()
    made = admin.post(
        a + "/admin/materials",
        data={
            "csrf_token": csrf_of(admin, a + "/admin/materials"),
            "kind": "image",
            "title": "两台主机的海报",
        },
        files={"file": ("poster.png", poster, "image/png")},
        allow_redirects=False,
        timeout=30,
    )
    assert made.status_code == 303, made.text[:500]
    with app.app_context():
        material_id = db.session.scalar(select(Material.id).where(Material.title == "两台主机的海报"))
    shown = guide.get(f"{b}/sidebar/materials/{material_id}/file", timeout=10)
    assert shown.status_code == 200 and shown.content == poster
    sent = guide.post(
        f"{b}/sidebar/materials/{material_id}/message",
        headers={"X-CSRFToken": csrf_of(guide, b + "/sidebar/")},
        timeout=30,
    )
    assert sent.status_code == 200 and sent.json()["image"]["mediaid"]

    # An export started on A (made by whichever consumer takes it) downloads from B.
    started = admin.post(
        a + "/admin/customers/export",
        data={"csrf_token": csrf_of(admin, a + "/admin/")},
        headers={"HX-Request": "true", "X-Request-Id": "export-request-0001"},
        timeout=30,
    )
    job_id = int(re.search(r"/admin/jobs/(\d+)", started.text).group(1))

    def export_done() -> bool:
        with app.app_context():
            return db.session.scalar(select(BackgroundJob.status).where(BackgroundJob.id == job_id)) == "done"

    assert wait_for(export_done, 60)
    download = admin.get(f"{b}/admin/jobs/{job_id}/download", timeout=30)
    assert download.status_code == 200 and download.content[:2] == b"PK"  # an xlsx workbook
    consumer_lines = [
        x for name in ("consumer-1", "consumer-2") for x in deployment["procs"][name].json_lines()
    ]
    assert any(x.get("job") and x.get("request_id") == "export-request-0001" for x in consumer_lines)

    # A burst of callbacks; one consumer killed with SIGKILL and Redis restarted while it comes in.
    people = [demo.customer(i) for i in range(BURST)]
    specs = [
        {
            "change_type": "edit_external_contact",
            "userid": p.follows[0].userid,
            "external_userid": p.external_userid,
            "create_time": 1765000000 + n,
        }
        for n, p in enumerate(people)
    ]
    answers: dict = {}

    def send() -> None:
        answers.update(
            requests.post(
                wecom.url + "/_emulator/burst", json={"events": specs, "concurrency": 6}, timeout=600
            ).json()
        )

    # WeCom's token was fetched once for both hosts and both consumers (shared through Redis).
    assert len(wecom_calls(wecom, "gettoken")) == 1

    sender = threading.Thread(target=send)
    sender.start()
    time.sleep(1.0)
    deployment["procs"]["consumer-1"].proc.send_signal(signal.SIGKILL)
    time.sleep(1.0)
    deployment["redis"].stop()
    time.sleep(0.5)
    deployment["redis"].start()
    sender.join(600)
    assert all(r["delivered"] for r in answers["results"]), [
        r for r in answers["results"] if not r["delivered"]
    ][:3]

    def all_applied() -> bool:
        with app.app_context():
            return (
                db.session.scalar(
                    select(func.count()).select_from(WecomEvent).where(WecomEvent.status == "done")
                )
                >= BURST
            )

    assert wait_for(all_applied, 150, every=1.0), "callbacks lost"
    with app.app_context():
        by_status = dict(
            db.session.execute(select(WecomEvent.status, func.count()).group_by(WecomEvent.status)).all()
        )
    assert by_status == {"done": BURST}  # each once: none lost, none doubled, none failed

    # Every PostgreSQL connection cut, as a restart or failover does: the next requests still answer.
    with app.app_context(), db.engine.connect() as conn:
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend' AND usename = current_user"
            )
        )
    answered = [guide.get(host + "/sidebar/tasks", timeout=15).status_code for host in (a, b) * 5]
    assert answered == [200] * 10

    # Redis restarted without persistence forgot the token: fetched once more, by one process of the four.
    assert len(wecom_calls(wecom, "gettoken")) <= 2

    # Each periodic job ran once per slot, across both consumers (a minute and more has passed).
    ran = Counter(
        (x["periodic"], x["slot"])
        for name in ("consumer-1", "consumer-2")
        for x in deployment["procs"][name].json_lines()
        if x.get("ran") == "done"
    )
    assert ran and max(ran.values()) == 1, [k for k, n in ran.items() if n > 1]
    assert "sweep_events" in {name for name, _ in ran}


def wecom_calls(wecom: EmulatorProcess, endpoint: str) -> list[dict]:
    return requests.get(wecom.url + "/_emulator/calls", params={"endpoint": endpoint}, timeout=5).json()
