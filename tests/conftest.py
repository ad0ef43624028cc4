"""Fixtures: a real emulator and (when a test needs it) the real app, each over HTTP on 127.0.0.1.

The database is SQLite unless ``TEST_DATABASE_URL`` names a PostgreSQL database; ``.ci/run`` runs the
suite both ways. Each test gets empty tables.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from werkzeug.serving import make_server

from emulator import create_emulator
from emulator import settings as emulator_settings
from sidebar import create_app
from sidebar.extensions import db, huey

TEST_SECRET = "test-secret-key-only-for-tests-not-for-anything-else"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """A WSGI app served by werkzeug on a thread, on 127.0.0.1 and a free port."""

    def __init__(self, wsgi_app: Any):
        self.port = free_port()
        self.server = make_server("127.0.0.1", self.port, wsgi_app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(5)


class Emulator:
    """The running emulator and the control calls tests make on it."""

    def __init__(self, served: Served, app: Any):
        self.served = served
        self.app = app
        self.url = served.url
        self.state = app.extensions["wecom_state"]

    def reset(self) -> None:
        requests.post(self.url + "/_emulator/reset", timeout=30).raise_for_status()

    def configure(self, **settings: Any) -> dict[str, Any]:
        res = requests.post(self.url + "/_emulator/config", json=settings, timeout=5)
        res.raise_for_status()
        return res.json()

    def wechatpy_client(self) -> Any:
        """wechatpy's own WeCom client (not ours) pointed at the emulator: shapes checked by code we did
        not write. Only the host is changed: wechatpy hard-codes the official one for gettoken."""
        from wechatpy.work import WeChatClient

        from emulator import settings as emulator_settings

        base = self.url + "/cgi-bin/"
        demo = emulator_settings.load({})

        class PointedAtEmulator(WeChatClient):
            API_BASE_URL = base

            def fetch_access_token(self) -> dict[str, Any]:
                return self._fetch_access_token(
                    url=base + "gettoken", params={"corpid": self.corp_id, "corpsecret": self.secret}
                )

        return PointedAtEmulator(demo["WECOM_CORP_ID"], demo["WECOM_SECRET"], auto_retry=False)

    def calls(self, endpoint: str | None = None) -> list[dict[str, Any]]:
        res = requests.get(
            self.url + "/_emulator/calls", params={"endpoint": endpoint} if endpoint else {}, timeout=5
        )
        return res.json()

    def pay(self, **spec: Any) -> dict[str, Any]:
        """WeChat Pay's side: queue faults (``faults=[...]``), set the balance; returns the payouts."""
        if spec:
            res = requests.post(self.url + "/_emulator/pay", json=spec, timeout=5)
        else:
            res = requests.get(self.url + "/_emulator/pay", timeout=5)
        res.raise_for_status()
        return res.json()

    def send_event(self, **spec: Any) -> dict[str, Any]:
        res = requests.post(self.url + "/_emulator/events", json=spec, timeout=60)
        res.raise_for_status()
        return res.json()


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[Emulator]:
    settings = emulator_settings.load({}, TOKEN_LIFETIME=7200)
    app = create_emulator(settings)
    served = Served(app)
    yield Emulator(served, app)
    served.stop()


@pytest.fixture()
def emulator(emulator_server: Emulator) -> Emulator:
    """The emulator, reset to the demo corp with default settings."""
    emulator_server.reset()
    return emulator_server


def database_url(tmp_path: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}"


def make_app(tmp_path: Path, emulator: Emulator, **overrides: Any):
    settings = {
        "APP_ENV": "test",
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": database_url(tmp_path),
        "WECOM_API_BASE": emulator.url + "/cgi-bin/",
        "WECOM_OAUTH_BASE": emulator.url,
        "WECOM_LOGIN_BASE": emulator.url,
        "WECOM_RATE_LIMIT_WINDOW": 0.5,
        "WECOM_BUSY_BACKOFF": 0.05,
        "PAY_API_BASE": emulator.url,
        "WECHAT_API_BASE": emulator.url,
        # Short, so timeout tests are quick; the emulator's slow answers take longer than this.
        "PAY_HTTP_TIMEOUT": 1.0,
        # A person waits 2 s in production; two cores running the suite beside the emulator can take
        # longer than that for an ordinary answer, which failed sign-ins at random. Tests of the wait
        # itself set it (or the emulator's latency) explicitly.
        "WECOM_INTERACTIVE_TIMEOUT": 4.0,
        "HUEY_IMMEDIATE": True,
        "JOB_SLOT_LEASE": 1.0,
        "WTF_CSRF_ENABLED": True,
    }
    settings.update(overrides)
    return create_app(settings)


def reset_schema(app: Any) -> None:
    """The schema from the models, stamped at the migrations' head as ``flask db upgrade`` leaves it
    (``tests/test_migrations.py`` checks the two agree)."""
    from sqlalchemy import text

    from sidebar.web.health import migration_heads

    with app.app_context():
        db.drop_all()
        db.create_all()
        db.session.execute(
            text("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        )
        db.session.execute(text("DELETE FROM alembic_version"))
        for head in migration_heads():
            db.session.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": head})
        db.session.commit()


@pytest.fixture()
def app(tmp_path: Path, emulator: Emulator, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BESIDE_INSTANCE_PATH", str(tmp_path / "instance"))
    application = make_app(tmp_path, emulator)
    reset_schema(application)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    huey.immediate = True


@pytest.fixture()
def another_app(tmp_path: Path, emulator: Emulator):
    """Build more app instances on the test database (another worker, other settings); their
    connections are closed afterwards."""
    made = []

    def build(**overrides: Any):
        application = make_app(tmp_path, emulator, **overrides)
        made.append(application)
        return application

    yield build
    for application in made:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


@pytest.fixture()
def ctx(app):
    """An app context for tests that call services directly."""
    with app.app_context():
        yield
        db.session.rollback()


@pytest.fixture()
def live_app(app, emulator: Emulator) -> Iterator[Served]:
    """The app over HTTP, with the emulator delivering callbacks to it."""
    served = Served(app)
    emulator.state.settings["CALLBACK_URL"] = served.url + "/wecom/callback"
    yield served
    served.stop()


@pytest.fixture()
def seeded(app):
    """The demo brand in the database (300 customers, the same the emulator knows)."""
    from sidebar.demo import seed as demo_seed

    with app.app_context():
        demo_seed.seed()
    return app


def wait_until_up(url: str, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return True
        except requests.RequestException:
            time.sleep(0.2)
    return False


class EmulatorProcess:
    """The emulator in a process of its own, as WeCom is another machine: for timing-sensitive tests."""

    def __init__(self, tmp_path: Path, callback_url: str = ""):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(tmp_path / "emulator.log", "w")  # noqa: SIM115  (closed in stop)
        env = {**os.environ, "EMULATOR_CALLBACK_URL": callback_url}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "emulator", "serve", "--port", str(self.port)],
            cwd=Path(__file__).resolve().parent.parent,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        if not wait_until_up(self.url + "/"):
            self.stop()
            raise RuntimeError("the emulator did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(15)
        self.log.close()


class Stack:
    """The app as deployed: gunicorn (2 workers) and a huey consumer, separate processes."""

    def __init__(
        self, tmp_path: Path, emulator: Emulator | EmulatorProcess, port: int | None = None, workers: int = 2
    ):
        root = Path(__file__).resolve().parent.parent
        bin_dir = Path(sys.executable).parent
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "APP_ENV": "test",
            "SECRET_KEY": TEST_SECRET,
            "DATABASE_URL": database_url(tmp_path),
            "WECOM_API_BASE": emulator.url + "/cgi-bin/",
            "WECOM_OAUTH_BASE": emulator.url,
            "HUEY_SQLITE_PATH": str(tmp_path / "huey.db"),
            "BESIDE_INSTANCE_PATH": str(tmp_path / "instance"),
            "BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_ACCESS_LOG": "",
        }
        self.log = open(tmp_path / "stack.log", "w")  # noqa: SIM115  (closed in stop)
        self.procs = [
            subprocess.Popen(
                [str(bin_dir / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                cwd=root,
                env=env,
                stdout=self.log,
                stderr=subprocess.STDOUT,
            ),
            subprocess.Popen(
                [
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
                cwd=root,
                env=env,
                stdout=self.log,
                stderr=subprocess.STDOUT,
            ),
        ]
        if wait_until_up(self.url + "/healthz"):
            return
        self.stop()
        raise RuntimeError("the app did not start: " + (tmp_path / "stack.log").read_text()[-2000:])

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.log.close()


@pytest.fixture()
def deployed(seeded, tmp_path: Path) -> Iterator[tuple[Stack, EmulatorProcess]]:
    """gunicorn + consumer talking to an emulator process: every part in its own process."""
    app_port = free_port()
    wecom = EmulatorProcess(tmp_path, callback_url=f"http://127.0.0.1:{app_port}/wecom/callback")
    try:
        running = Stack(tmp_path, wecom, port=app_port)
        try:
            yield running, wecom
        finally:
            running.stop()
    finally:
        wecom.stop()


class ObjectStorage:
    """An S3-speaking server (moto's server mode, from PyPI) in a process of its own on 127.0.0.1: the
    object-store backend of the file store is tested against real HTTP and real request signing."""

    ACCESS_KEY, SECRET_KEY, REGION = "test-access-key", "test-secret-key", "us-east-1"

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(tmp_path / "moto.log", "w")  # noqa: SIM115  (closed in stop)
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        if not wait_until_up(self.url + "/moto-api/"):
            self.stop()
            raise RuntimeError("the S3 server (moto_server) did not start")
        self.client().create_bucket(Bucket="beside-files")

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=self.REGION,
            aws_access_key_id=self.ACCESS_KEY,
            aws_secret_access_key=self.SECRET_KEY,
        )

    def settings(self, prefix: str) -> dict[str, Any]:
        """App settings for a file store under ``prefix`` of the test bucket."""
        return {
            "FILE_STORE_URL": f"s3://beside-files/{prefix}",
            "FILE_STORE_ENDPOINT": self.url,
            "FILE_STORE_REGION": self.REGION,
            "FILE_STORE_ADDRESSING": "path",
            "FILE_STORE_ACCESS_KEY_ID": self.ACCESS_KEY,
            "FILE_STORE_SECRET_ACCESS_KEY": self.SECRET_KEY,
        }

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(15)
        self.log.close()


@pytest.fixture(scope="session")
def object_storage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ObjectStorage]:
    server = ObjectStorage(tmp_path_factory.mktemp("s3"))
    yield server
    server.stop()
