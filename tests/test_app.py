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


def test_healthz_answers_ok_with_the_database_checked(client):
    res = client.get("/healthz")
    assert res.status_code == 200
    assert res.json == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_does_not_answer(another_app, tmp_path):
    # A directory is not a database file: every query fails.
    app = another_app(DATABASE_URL=f"sqlite:///{tmp_path}")
    res = app.test_client().get("/healthz")
    assert res.status_code == 503
    assert res.json["status"] == "error"


def test_api_errors_use_the_one_envelope(client):
    res = client.get("/api/v1/no-such-thing")
    assert res.status_code == 404
    assert set(res.json) == {"error"}
    assert res.json["error"]["code"] == "not_found"


def test_html_errors_are_pages(client):
    res = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert res.status_code == 404
    assert res.mimetype == "text/html"
    assert b"Not Found" in res.data


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
