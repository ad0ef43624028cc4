"""Security headers: a CSP on every page, no sniffing, a referrer policy, framing by area, HSTS in
production. The browser tests fail on any CSP violation (tests/browser/conftest.py)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.sidebar_helpers import sign_in
from tests.web.admin.test_console import qr_sign_in
from tests.web.sidebar.test_customers import customer_of

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def directives(res) -> dict[str, str]:
    policy = res.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def assert_common(res) -> dict[str, str]:
    assert res.headers["X-Content-Type-Options"] == "nosniff"
    assert res.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    csp = directives(res)
    assert csp["script-src"] == "'self'"
    assert "unsafe" not in res.headers["Content-Security-Policy"]
    assert csp["object-src"] == "'none'"
    return csp


def test_sidebar_pages_are_framable_only_by_wecom_and_the_preview(seeded, client, emulator):
    sign_in(client, "chenjing")
    ext = customer_of("chenjing").external_userid
    for path in ("/sidebar/", f"/sidebar/customers/{ext}", "/sidebar/customers/wmNOBODY00000000"):
        res = client.get(path)
        csp = assert_common(res)
        ancestors = csp["frame-ancestors"].split()
        assert "https://*.work.weixin.qq.com" in ancestors and emulator.url in ancestors, path
        assert "'none'" not in ancestors and "*" not in ancestors
        assert "X-Frame-Options" not in res.headers


def test_the_console_may_not_be_framed(seeded, client):
    for res in (client.get("/admin/login"), client.get("/admin/customers", follow_redirects=True)):
        csp = assert_common(res)
        assert csp["frame-ancestors"] == "'none'"
        assert res.headers["X-Frame-Options"] == "DENY"
    qr_sign_in(client, "zhangwei")
    res = client.get("/admin/")
    assert res.status_code == 200 and directives(res)["frame-ancestors"] == "'none'"


def test_json_and_static_files_are_not_sniffed(seeded, client):
    res = client.get("/healthz")
    assert res.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in res.headers  # only production sends HSTS
    page = client.get("/admin/login").get_data(as_text=True)
    css = re.search(r'href="(/assets/[^"]+\.css)"', page).group(1)
    assert client.get(css).headers["X-Content-Type-Options"] == "nosniff"


def test_frame_ancestors_and_hsts_follow_the_settings(another_app, tmp_path):
    app = another_app(FRAME_ANCESTORS="https://wecom.example.cn", PREVIEW_ENABLED=False)
    res = app.test_client().get("/admin/login")
    assert directives(res)["frame-ancestors"] == "'none'"
    res = app.test_client().get("/claim/c/forged-token")
    assert directives(res)["frame-ancestors"] == "https://wecom.example.cn"

    production = another_app(
        APP_ENV="production",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.db'}",
        WECOM_CORP_ID="wwprod",
        WECOM_AGENT_ID="1000009",
        WECOM_SECRET="s",
        WECOM_CALLBACK_TOKEN="t",
        WECOM_CALLBACK_AES_KEY="a" * 43,
        HSTS_MAX_AGE=600,
    )
    res = production.test_client().get("/healthz")
    assert res.headers["Strict-Transport-Security"] == "max-age=600"
    res = production.test_client().get("/claim/c/forged-token")
    # Production never names the preview's origin.
    assert directives(res)["frame-ancestors"] == production.config["FRAME_ANCESTORS"]


def test_no_template_carries_inline_script_or_style():
    templates = list(TEMPLATES.rglob("*.html"))
    assert len(templates) > 20
    for path in templates:
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
        assert not re.search(r"\sstyle=", text), path
        assert not re.search(r"\son[a-z]+=", text), path
        assert "<style" not in text, path
