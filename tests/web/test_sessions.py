"""How long a session lasts: 12 h in the sidebar; in the console 2 h idle and 12 h in all; and signing
out ends every session of that person. Time passes by moving the session's own timestamps back."""

from __future__ import annotations

import re
import time
from email.utils import parsedate_to_datetime

from tests.sidebar_helpers import sign_in
from tests.web.admin.test_console import PASSWORD, local_sign_in, qr_sign_in

HOUR = 3600


def age_session(client, **seconds_ago: float) -> None:
    """Pretend the session's ``signed_in_at`` / ``console_seen_at`` happened that long ago."""
    with client.session_transaction() as session:
        for key, ago in seconds_ago.items():
            session[key] = time.time() - ago


def console_token(client) -> str:
    return re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/admin/").get_data(as_text=True)
    ).group(1)


def test_a_sidebar_session_lasts_12_hours(seeded, client):
    res = sign_in(client, "chenjing")
    cookie = next(c for c in res.headers.getlist("Set-Cookie") if c.startswith("beside_session="))
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookie).group(1))
    assert abs(expires.timestamp() - time.time() - 12 * HOUR) < 120  # not Flask's default 31 days
    age_session(client, signed_in_at=11 * HOUR)
    assert client.get("/sidebar/").status_code == 200
    age_session(client, signed_in_at=12 * HOUR + 60)
    res = client.get("/sidebar/")
    assert res.status_code == 302 and res.headers["Location"].startswith("/auth/login")
    # An htmx request is told to navigate, not given a login page in a fragment.
    res = client.get("/sidebar/", headers={"HX-Request": "true"})
    assert res.headers["HX-Redirect"].startswith("/auth/login")


def test_the_console_signs_out_after_two_idle_hours(seeded, client):
    qr_sign_in(client, "lina")
    age_session(client, console_seen_at=HOUR + 50 * 60)  # 1 h 50 min without a console request
    assert client.get("/admin/").status_code == 200  # and that request counts as activity
    age_session(client, signed_in_at=3 * HOUR)
    assert client.get("/admin/customers").status_code == 200
    age_session(client, console_seen_at=2 * HOUR + 60)
    res = client.get("/admin/customers")
    assert res.status_code == 302 and res.headers["Location"].startswith("/admin/login")
    assert client.get("/admin/").status_code == 302  # signed out, not just refused once


def test_the_console_signs_out_12_hours_after_sign_in_however_busy(seeded, client):
    qr_sign_in(client, "zhangwei")
    age_session(client, signed_in_at=12 * HOUR + 60, console_seen_at=60)
    res = client.get("/admin/", headers={"HX-Request": "true"})
    assert res.headers["HX-Redirect"].startswith("/admin/login")


def test_the_console_limits_are_settings(seeded, another_app):
    app = another_app(CONSOLE_IDLE_TIMEOUT=60)
    client = app.test_client()
    qr_sign_in(client, "zhangwei")
    age_session(client, console_seen_at=120)
    assert client.get("/admin/").status_code == 302


def test_signing_out_ends_every_session_of_that_person(seeded, app):
    laptop, phone, colleague = app.test_client(), app.test_client(), app.test_client()
    for c in (laptop, phone):
        qr_sign_in(c, "zhangwei")
    sign_in(phone, "zhangwei")  # the sidebar too, in WeCom on the phone
    qr_sign_in(colleague, "lina")
    assert phone.get("/sidebar/").status_code == 200
    laptop.post("/admin/logout", data={"csrf_token": console_token(laptop)})
    for c in (laptop, phone):
        assert c.get("/admin/").status_code == 302
    assert phone.get("/sidebar/").status_code == 302
    assert colleague.get("/admin/").status_code == 200  # someone else's sessions are theirs
    # Signing in again works at once.
    qr_sign_in(phone, "zhangwei")
    assert phone.get("/admin/").status_code == 200


def test_signing_out_a_local_account_ends_its_other_sessions(seeded, app, runner):
    result = runner.invoke(args=["create-admin", "root"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0
    first, second = app.test_client(), app.test_client()
    for c in (first, second):
        assert local_sign_in(c).status_code == 303
        assert c.get("/admin/").status_code == 200
    first.post("/admin/logout", data={"csrf_token": console_token(first)})
    assert second.get("/admin/").status_code == 302


def test_a_stale_form_is_refused_in_words_not_in_flask_wtfs_english(seeded, client):
    from tests.web.admin.test_console import qr_sign_in

    qr_sign_in(client, "zhangwei")
    res = client.post("/admin/campaigns/new", data={"csrf_token": "stale", "name": "x"})
    html = res.get_data(as_text=True)
    assert res.status_code == 400 and "页面已过期" in html and "CSRF tokens" not in html
