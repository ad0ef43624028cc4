"""The app factory, configuration rules, health check and error envelopes."""

from __future__ import annotations

import pytest

from sidebar import config, create_app

PRODUCTION_ENV = {
    "APP_ENV": "production",
    "SECRET_KEY": "s" * 64,
    "DATABASE_URL": "sqlite:///:memory:",
    "WECOM_CORP_ID": "wwcorp",
    "WECOM_AGENT_ID": "1000002",
    "WECOM_SECRET": "secret",
    "WECOM_CALLBACK_TOKEN": "token",
    "WECOM_CALLBACK_AES_KEY": "a" * 43,
}


def test_readyz_answers_ok_with_the_database_and_its_migrations_checked(client):
    res = client.get("/readyz")
    assert res.status_code == 200
    assert res.json == {"status": "ok", "database": "ok", "migrations": "ok"}


def test_readyz_is_503_when_the_database_does_not_answer_and_healthz_still_200(another_app, tmp_path):
    # A directory is not a database file: every query fails.
    app = another_app(DATABASE_URL=f"sqlite:///{tmp_path}")
    res = app.test_client().get("/readyz")
    assert res.status_code == 503
    assert res.json["status"] == "error" and res.json["database"] == "unreachable"
    alive = app.test_client().get("/healthz")  # the process itself is fine: no restart for an outage
    assert alive.status_code == 200 and alive.json == {"status": "ok"}


def test_readyz_is_503_when_the_schema_is_behind_the_code(app, client):
    from sqlalchemy import text

    from sidebar.extensions import db

    with app.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = '9a4f3b7c2e81'"))
        db.session.commit()
    res = client.get("/readyz")
    assert res.status_code == 503 and res.json["migrations"].startswith("behind")


def test_api_errors_use_the_one_envelope(client):
    res = client.get("/api/v1/no-such-thing")
    assert res.status_code == 404
    assert set(res.json) == {"error"}
    assert res.json["error"]["code"] == "not_found"


def test_html_errors_are_pages(client):
    res = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert res.status_code == 404
    assert res.mimetype == "text/html"
    html = res.get_data(as_text=True)
    assert "未找到" in html and "Not Found" not in html  # in words, never werkzeug's English


@pytest.mark.parametrize("missing", config.REQUIRED_IN_PRODUCTION)
def test_production_refuses_to_start_without_each_secret(missing, tmp_path):
    environ = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    with pytest.raises(config.ConfigError, match=missing):
        config.load(environ, None, str(tmp_path))


def test_production_needs_every_pay_setting_once_one_is_given(tmp_path):
    with pytest.raises(config.ConfigError, match="PAY_WORKWX_SECRET"):
        config.load(
            {**PRODUCTION_ENV, "PAY_MCH_ID": "1900000109", "PAY_API_KEY": "k" * 32}, None, str(tmp_path)
        )
    settings = config.load(PRODUCTION_ENV, None, str(tmp_path))
    assert settings["PAY_MCH_ID"] is None  # no red packets, and no demo merchant in production
    assert settings["PAY_API_BASE"] == config.OFFICIAL_PAY_BASE


def test_production_never_enables_preview_or_demo_login(tmp_path):
    settings = config.load(
        PRODUCTION_ENV, {"PREVIEW_ENABLED": True, "DEMO_LOGIN_ENABLED": True}, str(tmp_path)
    )
    assert settings["PREVIEW_ENABLED"] is False
    assert settings["DEMO_LOGIN_ENABLED"] is False
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["WECOM_API_BASE"] == config.OFFICIAL_API_BASE


def test_production_app_starts_with_its_secrets(tmp_path, monkeypatch):
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("BESIDE_INSTANCE_PATH", str(tmp_path))
    app = create_app()
    assert app.config["APP_ENV"] == "production"
    assert app.config["SECRET_KEY"] == "s" * 64


def test_development_falls_back_to_the_emulator_and_keeps_env_overrides(tmp_path):
    settings = config.load({"WECOM_CORP_ID": "wwmine"}, None, str(tmp_path))
    assert settings["WECOM_API_BASE"] == "http://127.0.0.1:5001/cgi-bin/"
    assert settings["WECOM_CORP_ID"] == "wwmine"
    assert settings["WECOM_SECRET"] == config.DEMO_WECOM["WECOM_SECRET"]
    assert settings["PREVIEW_ENABLED"] is True
    # The development key is generated per checkout and kept, not a shared default.
    again = config.load({}, None, str(tmp_path))
    assert settings["SECRET_KEY"] == again["SECRET_KEY"]
    assert len(settings["SECRET_KEY"]) == 64


def test_every_emulator_url_follows_the_emulator_port(tmp_path):
    settings = config.load({"EMULATOR_PORT": "5111"}, None, str(tmp_path))
    for name in ("WECOM_API_BASE", "WECOM_OAUTH_BASE", "WECOM_LOGIN_BASE", "PAY_API_BASE"):
        assert settings[name].startswith("http://127.0.0.1:5111"), name
    settings = config.load({"EMULATOR_URL": "http://127.0.0.1:6000/"}, None, str(tmp_path))
    assert settings["PAY_API_BASE"] == "http://127.0.0.1:6000"
    assert settings["WECOM_API_BASE"] == "http://127.0.0.1:6000/cgi-bin/"
    # A URL given outright still wins.
    settings = config.load(
        {"EMULATOR_PORT": "5111", "PAY_API_BASE": "http://127.0.0.1:7000"}, None, str(tmp_path)
    )
    assert settings["PAY_API_BASE"] == "http://127.0.0.1:7000"


def test_bad_app_env_is_refused(tmp_path):
    with pytest.raises(config.ConfigError, match="APP_ENV"):
        config.load({"APP_ENV": "staging"}, None, str(tmp_path))


def test_postgres_urls_get_the_psycopg_driver(tmp_path):
    settings = config.load({"DATABASE_URL": "postgres://u:p@h/db"}, None, str(tmp_path))
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@h/db"


def test_production_refuses_a_short_secret_key(tmp_path):
    with pytest.raises(config.ConfigError, match="SECRET_KEY must be at least 32 bytes"):
        config.load({**PRODUCTION_ENV, "SECRET_KEY": "x" * 31}, None, str(tmp_path))
    config.load({**PRODUCTION_ENV, "SECRET_KEY": "x" * 32}, None, str(tmp_path))


def test_payments_to_a_plain_http_test_endpoint_need_no_client_certificate(tmp_path):
    pay = {"PAY_MCH_ID": "1900000109", "PAY_API_KEY": "k" * 32, "PAY_WORKWX_SECRET": "w"}
    settings = config.load(
        {**PRODUCTION_ENV, **pay, "PAY_API_BASE": "http://127.0.0.1:5001"}, None, str(tmp_path)
    )
    assert settings["PAY_CERT_PATH"] is None
    # WeChat Pay's own endpoint is HTTPS and needs the merchant's certificate and key.
    with pytest.raises(config.ConfigError, match="PAY_CERT_PATH, PAY_KEY_PATH"):
        config.load({**PRODUCTION_ENV, **pay}, None, str(tmp_path))


def test_a_setting_error_at_start_up_is_one_line_without_a_traceback(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, **PRODUCTION_ENV, "SECRET_KEY": "short", "BESIDE_INSTANCE_PATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("Beside cannot start: SECRET_KEY must be at least 32 bytes")
    assert "Traceback" not in done.stderr


def test_the_demo_seed_is_refused_in_production(tmp_path, monkeypatch):
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    monkeypatch.setenv("BESIDE_INSTANCE_PATH", str(tmp_path))
    app = create_app()
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code != 0 and "refused in production" in result.output


def test_red_packets_stay_off_until_an_admin_turns_them_on(app):
    from sidebar.extensions import db
    from sidebar.money import red_packets

    with app.app_context():
        assert red_packets.rule().enabled is False  # made on first need, switched off
        db.session.rollback()


def test_readyz_pings_redis_when_one_is_configured(app, another_app):
    down = another_app(REDIS_URL="redis://127.0.0.1:9/0")
    res = down.test_client().get("/readyz")
    assert res.status_code == 503 and res.json["redis"] == "unreachable"
    import os

    if os.environ.get("TEST_REDIS_URL"):
        up = another_app(REDIS_URL=os.environ["TEST_REDIS_URL"])
        ready = up.test_client().get("/readyz").json
        assert (ready["status"], ready["database"], ready["redis"]) == ("ok", "ok", "ok")
