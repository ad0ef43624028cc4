"""The README's run command: it brings up the app, the emulator and the job consumer, prints the
URLs, and Ctrl-C stops them all."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.conftest import free_port
from tests.web.sidebar.test_customers import customer_of

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
            # On these ports every outside call goes to this emulator: WeCom's and WeChat Pay's.
            app_url, emulator_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{emulator_port}"
            a_red_packet_is_opened_by_its_customer(app_url)
            payouts = requests.get(emulator_url + "/_emulator/pay", timeout=5).json()["payouts"]
            assert [p["total_amount"] for p in payouts] == [888]
        finally:
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
            proc.wait(30)
    assert "Stopped." in log.read_text()
    # Everything it started is gone: the ports stop answering (gunicorn may take a moment to close).
    for port in (app_port, emulator_port):
        assert port_closes(port, within=30), f"port {port} still open after Ctrl-C"


def follow_oauth(session: requests.Session, url: str, as_who: str) -> requests.Response:
    """Open ``url`` on the app; it sends us to the emulator's OAuth, which answers as ``as_who``."""
    res = session.get(url, allow_redirects=False, timeout=10)
    assert res.status_code == 302, res.text
    authorize = res.headers["Location"].split("#")[0]
    picked = requests.get(authorize, params={"as": as_who}, allow_redirects=False, timeout=10)
    assert picked.status_code == 302, picked.text
    return session.get(picked.headers["Location"], timeout=10)


def a_red_packet_is_opened_by_its_customer(app_url: str) -> None:
    """chenjing sends 8.88 yuan to one of her customers, who opens it in WeChat and is paid."""
    person = customer_of("chenjing")
    ext = person.external_userid
    guide = requests.Session()
    follow_oauth(guide, f"{app_url}/auth/login?next=/healthz", "chenjing")
    page = guide.get(f"{app_url}/sidebar/customers/{ext}/red-packet", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    confirm = guide.post(
        f"{app_url}/sidebar/customers/{ext}/red-packet/confirm",
        data={"csrf_token": token, "amount": "8.88"},
        timeout=10,
    )
    assert confirm.status_code == 200, confirm.text
    html = confirm.text[confirm.text.index("packet-confirm") :]
    fields = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', html))
    sent = guide.post(f"{app_url}/sidebar/customers/{ext}/red-packets", data=fields, timeout=10)
    assert sent.status_code == 201, sent.text
    path = urlsplit(sent.json()["message"]["news"]["link"]).path

    customer = requests.Session()
    opened = follow_oauth(customer, app_url + path, ext)
    token = re.search(r'name="csrf_token" value="([^"]+)"', opened.text).group(1)
    res = customer.post(app_url + path, data={"csrf_token": token}, allow_redirects=False, timeout=15)
    assert res.status_code == 303, res.text
    page = customer.get(app_url + path, timeout=10).text
    assert 'data-status="paid"' in page, page


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
