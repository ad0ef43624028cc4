"""A brand's first day, following the README's production steps: ``APP_ENV=production`` with a corp of
the brand's own (not the demo's settings), an empty database (SQLite, or PostgreSQL when
``TEST_DATABASE_URL`` names one), the emulator standing in for WeCom. Every step is the README's command,
run as a process; what came of it is read over HTTP and from the database."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, text

from sidebar import demo
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
# The brand's own corp: the emulator answers for it because it is given the same settings.
BRAND = {
    "WECOM_CORP_ID": "wwfirstday0brand0",
    "WECOM_AGENT_ID": "1000017",
    "WECOM_SECRET": "brand-app-secret-" + secrets.token_hex(8),
    "WECOM_CALLBACK_TOKEN": "brandToken" + secrets.token_hex(4),
    "WECOM_CALLBACK_AES_KEY": "Qk9SRUFMQlJBTkRLRVkwMTIzNDU2Nzg5MDEyMzQ1Njc",
}


def _clean_env() -> dict[str, str]:
    drop = ("WECOM_", "EMULATOR_", "TEST_", "DATABASE_URL", "REDIS_URL", "PAY_", "APP_", "FLASK_")
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)}


def _wait(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer: {log.read_text()}")


def _empty_database(tmp_path: Path) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path / 'brand.db'}"
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:  # as a new brand's database is: nothing in it
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture()
def brand(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The emulator and the app's environment for a brand that has just set Beside up."""
    emulator_port, app_port = free_port(), free_port()
    emulator_url = f"http://127.0.0.1:{emulator_port}"
    app_url = f"http://127.0.0.1:{app_port}"
    emulator_log = tmp_path / "emulator.log"
    emulator_env = {**_clean_env(), **BRAND, "EMULATOR_APP_URL": app_url}
    with open(emulator_log, "w") as out:
        emulator = subprocess.Popen(
            [sys.executable, "-m", "emulator", "serve", "--port", str(emulator_port)],
            cwd=ROOT,
            env=emulator_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    _wait(emulator_url + "/cgi-bin/gettoken", emulator, emulator_log)
    env = {
        **_clean_env(),
        **BRAND,
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": _empty_database(tmp_path),
        "WECOM_API_BASE": emulator_url + "/cgi-bin/",
        "WECOM_OAUTH_BASE": emulator_url,
        "WECOM_LOGIN_BASE": emulator_url,
        "PUBLIC_URL": app_url,
        "WECOM_ADMIN_USERIDS": "zhangwei",
        "BESIDE_INSTANCE_PATH": str(tmp_path / "instance"),
        "BIND": f"127.0.0.1:{app_port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_ACCESS_LOG": "",
    }
    yield {"env": env, "app": app_url, "emulator": emulator_url, "tmp": tmp_path}
    emulator.terminate()
    emulator.wait(10)
    if os.environ.get("TEST_DATABASE_URL"):  # leave it as the suite's other tests expect: empty
        _empty_database(tmp_path)


def flask(brand: dict[str, Any], *args: str, **env: str) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env={**brand["env"], **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.returncode, done.stdout + done.stderr


@pytest.fixture()
def running(brand: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Migrated, then gunicorn started as the README says."""
    code, output = flask(brand, "db", "upgrade")
    assert code == 0, output
    log = brand["tmp"] / "gunicorn.log"
    with open(log, "w") as out:
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=brand["env"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    _wait(brand["app"] + "/healthz", web, log)
    yield brand
    web.terminate()
    web.wait(20)


def sign_in_console(brand: dict[str, Any], userid: str) -> requests.Response:
    """The console's QR sign-in as the emulator plays it. Production cookies are Secure, and this is
    plain HTTP on loopback: the session cookie is carried by hand, as a browser would over HTTPS."""
    start = requests.get(brand["app"] + "/admin/login/wecom", allow_redirects=False, timeout=10)
    cookie = start.headers["Set-Cookie"].split(";", 1)[0]
    picked = requests.get(start.headers["Location"], params={"as": userid}, allow_redirects=False, timeout=10)
    return requests.get(
        picked.headers["Location"], headers={"Cookie": cookie}, allow_redirects=False, timeout=10
    )


def query(brand: dict[str, Any], sql: str, **params: Any) -> list[Any]:
    url = brand["env"]["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(sql), params).all()
    engine.dispose()
    return rows


@pytest.mark.slow
def test_a_brands_first_day_follows_the_readme(running):
    brand = running
    # The self-test first: every step works with the brand's settings.
    code, output = flask(brand, "wecom", "check")
    assert code == 0, output

    # First data: staff (the named admin becomes one), tags, customers.
    code, output = flask(brand, "sync", "staff")
    assert code == 0, output
    assert json.loads(output.strip().splitlines()[-1])["made_admin"] == 1
    for what in ("tags", "customers"):
        code, output = flask(brand, "sync", what)
        assert code == 0, output

    # The first admin signs in to the console; a guide is told who can give them a role.
    assert sign_in_console(brand, "zhangwei").status_code == 302
    guide = sign_in_console(brand, "chenjing")
    assert guide.status_code == 403 and "chenjing" in guide.text

    # The brand's systems get a key and send members, orders and a store.
    code, output = flask(
        brand,
        "create-api-key",
        "CRM",
        "--scope",
        "members:write",
        "--scope",
        "orders:write",
        "--scope",
        "stores:write",
    )
    assert code == 0, output
    key = {"Authorization": "Bearer " + output.strip().splitlines()[-1]}
    people = [i for i in range(1, 200) if demo.customer(i).unionid and i % 3][:3]
    members = [
        {"member_no": "CRM-1", "unionid": demo.customer(people[0]).unionid, "level": "金卡", "points": 1280,
         "phone": "139 0000 1111"},
        {"member_no": "CRM-2", "unionid": demo.customer(people[1]).unionid, "level": "银卡", "points": 300},
        {"member_no": "CRM-3", "unionid": demo.customer(people[2]).unionid, "level": "普通", "points": 7},
    ]  # fmt: skip
    res = requests.post(brand["app"] + "/api/v1/members", json={"members": members}, headers=key, timeout=30)
    assert res.status_code == 200 and res.json()["counts"]["created"] == 3, res.text
    levels = dict(
        query(
            brand,
            "SELECT external_userid, member_level || ' ' || points FROM customers WHERE external_userid IN "
            "(:a, :b, :c)",
            a=demo.customer(people[0]).external_userid,
            b=demo.customer(people[1]).external_userid,
            c=demo.customer(people[2]).external_userid,
        )
    )
    assert [levels[demo.customer(i).external_userid] for i in people] == ["金卡 1280", "银卡 300", "普通 7"]

    order = {
        "platform": "tmall",
        "order_no": "TM-FIRST-1",
        "status": "paid",
        "paid_at": "2026-12-01T10:00:00+08:00",
        "total_amount": "399.00",
        "store_code": "SH001",
        "items": [{"sku": "S1", "name": "精华", "quantity": 1, "price": "399.00"}],
        "buyer": {"phone": "13900001111"},
    }
    res = requests.post(brand["app"] + "/api/v1/orders", json=order, headers=key, timeout=30)
    assert res.status_code == 200, res.text
    matched = query(
        brand,
        "SELECT c.external_userid, o.matched_by FROM orders o JOIN customers c ON c.id = o.customer_id "
        "WHERE o.order_no = 'TM-FIRST-1'",
    )
    assert [tuple(r) for r in matched] == [(demo.customer(people[0]).external_userid, "phone")]

    store = requests.put(
        brand["app"] + "/api/v1/stores/SH001",
        json={"name": "静安嘉里店", "city": "上海"},
        headers=key,
        timeout=30,
    )
    assert store.status_code == 201 and store.json()["resolved_orders"] == 1, store.text

    # The self-test names a wrong secret.
    code, output = flask(brand, "wecom", "check", WECOM_SECRET="a-secret-of-another-app")
    assert code == 1 and "40001" in output and "WECOM_SECRET" in output
    assert re.search(r"Traceback", output) is None
