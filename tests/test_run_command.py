"""The README's run command: it brings up the app, the emulator and the job consumer, prints the
URLs, and Ctrl-C stops them all."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_make_run_serves_the_app_and_the_emulator_and_stops_on_ctrl_c(tmp_path):
    app_port, emulator_port = free_port(), free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WECOM_", "EMULATOR_", "TEST_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(
        APP_PORT=str(app_port),
        EMULATOR_PORT=str(emulator_port),
        BESIDE_INSTANCE_PATH=str(tmp_path / "instance"),
    )
    log = tmp_path / "run.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            ["make", "--no-print-directory", "run"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 90
            while "Beside is running" not in log.read_text() and time.monotonic() < deadline:
                assert proc.poll() is None, log.read_text()
                time.sleep(0.3)
            printed = log.read_text()
            assert (
                f"http://127.0.0.1:{app_port}" in printed and f"http://127.0.0.1:{emulator_port}" in printed
            )
            health = requests.get(f"http://127.0.0.1:{app_port}/healthz", timeout=5)
            assert health.status_code == 200 and health.json()["status"] == "ok"
            token = requests.get(
                f"http://127.0.0.1:{emulator_port}/cgi-bin/gettoken",
                params={"corpid": "wwbeside0demo0corp", "corpsecret": "demo-app-secret-not-for-production"},
                timeout=5,
            ).json()
            assert token["errcode"] == 0
            # The demo data is in: the SQLite file holds the seeded customers.
            assert (tmp_path / "instance" / "beside.db").stat().st_size > 100_000
        finally:
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
            proc.wait(30)
    assert "Stopped." in log.read_text()
    # Everything it started is gone: the ports stop answering (gunicorn may take a moment to close).
    for port in (app_port, emulator_port):
        assert port_closes(port, within=30), f"port {port} still open after Ctrl-C"


def port_closes(port: int, *, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=1)
        except requests.ConnectionError:
            return True
        except requests.Timeout:
            pass  # still listening while shutting down
        time.sleep(0.3)
    return False
