"""The self-test a brand runs after set-up (``flask wecom check`` and the console page): against the
emulator, each failure names what to change."""

from __future__ import annotations

import pytest

from tests.web.admin.test_console import qr_sign_in


@pytest.fixture()
def public(app, live_app):
    """The app as WeCom reaches it: PUBLIC_URL is where the callback check goes."""
    app.config["PUBLIC_URL"] = live_app.url
    return app


def check(application):
    result = application.test_cli_runner().invoke(args=["wecom", "check"])
    return result.exit_code, result.output


def test_every_step_passes_when_the_settings_are_right(public):
    code, output = check(public)
    assert code == 0, output
    assert output.count("✓") == 7 and "✗" not in output


def test_a_wrong_secret_is_named(public, another_app, live_app):
    wrong = another_app(WECOM_SECRET="not-the-apps-secret", PUBLIC_URL=live_app.url)
    code, output = check(wrong)
    assert code == 1
    assert "40001" in output and "WECOM_SECRET" in output


def test_an_untrusted_ip_names_the_trusted_ip_list(public, emulator):
    emulator.configure(queued_errors={"gettoken": [60020]})
    code, output = check(public)
    assert code == 1 and "60020" in output and "企业可信IP" in output


def test_an_app_without_customer_contact_names_its_permissions(public, emulator):
    emulator.configure(always_error={"externalcontact/get_follow_user_list": 48002})
    code, output = check(public)
    assert code == 1 and "48002" in output and "可调用接口的应用" in output


def test_a_wrong_agent_id_is_named(public, another_app, live_app):
    code, output = check(another_app(WECOM_AGENT_ID="1000099", PUBLIC_URL=live_app.url))
    assert code == 1 and "40056" in output and "WECOM_AGENT_ID" in output


def test_a_callback_url_serving_another_aes_key_is_named(public, another_app, live_app):
    """The server at PUBLIC_URL (the live app) decrypts with its key; the checking side has another."""
    other = another_app(
        WECOM_CALLBACK_AES_KEY="ZYXWVUTSRQPONMLKJIHGFEDCBAabcdefghij0123456", PUBLIC_URL=live_app.url
    )
    code, output = check(other)
    assert code == 1 and "WECOM_CALLBACK_AES_KEY" in output


def test_admins_see_the_check_in_the_console_and_managers_do_not(seeded, public, client):
    qr_sign_in(client, "zhangwei")
    page = client.get("/admin/wecom-check")
    assert page.status_code == 200
    assert page.get_data(as_text=True).count('data-ok="yes"') == 7
    client.get("/admin/logout")
    qr_sign_in(client, "lina")
    assert client.get("/admin/wecom-check").status_code == 403
