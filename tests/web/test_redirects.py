"""No ``next`` parameter can send anyone to another site, on any route that takes one.

Every form below is a known open-redirect bypass; each is tried on each route, and the ``Location`` the
app answers is read the way a browser reads it.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from sidebar.web.redirects import safe_next
from tests.sidebar_helpers import sign_in
from tests.web.admin.test_console import PASSWORD

BYPASSES = [
    "//evil.example",
    "///evil.example",
    "////evil.example/x",
    "/\\evil.example",
    "\\/evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/%09/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/%2F/evil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "%5C%5Cevil.example",
    "https://evil.example/",
    "https:evil.example",
    "https:/evil.example",
    "http:\\\\evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "//user:pass@evil.example",
    "//sidebar@evil.example",
    "/／evil.example",
    "／／evil.example",
    "＼＼evil.example",
    "/\\/evil.example",
    "\x00//evil.example",
    "//evil%2Eexample",
    "evil.example",
]


def browser_target(location: str, base: str = "http://localhost/sidebar/lang/en") -> str:
    """Where a browser goes for this Location: tabs and newlines dropped, ``\\`` read as ``/``."""
    cleaned = re.sub(r"[\t\r\n]", "", location).strip("".join(chr(c) for c in range(0x21)))
    return urljoin(base, cleaned.replace("\\", "/"))


def assert_stays_on_site(location: str) -> None:
    assert location.isascii(), location
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    target = urlsplit(browser_target(location))
    assert (target.scheme, target.netloc) == ("http", "localhost"), location


@pytest.mark.parametrize("target", BYPASSES)
def test_safe_next_refuses_every_bypass(target):
    assert safe_next(target, "/fallback") == "/fallback"


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/sidebar/?from=test", "/sidebar/?from=test"),
        ("/admin/customers?tag=1&tag=2", "/admin/customers?tag=1&tag=2"),
        ("/sidebar/customers/wm%20x", "/sidebar/customers/wm%20x"),
        ("/sidebar/客户", "/sidebar/%E5%AE%A2%E6%88%B7"),
        ("/sidebar/\t", "/sidebar/"),
    ],
)
def test_safe_next_keeps_paths_on_this_site(target, expected):
    assert safe_next(target, "/fallback") == expected


@pytest.mark.parametrize("target", BYPASSES)
def test_the_language_switch_never_leaves_the_site(app, client, target):
    res = client.get("/sidebar/lang/en", query_string={"next": target})
    assert res.status_code == 302
    assert_stays_on_site(res.headers["Location"])


def follow_oauth(client, start: str, userid: str, **params) -> str:
    """Start a WeCom sign-in at ``start``, pick ``userid`` on the emulator's page, come back."""
    res = client.get(start, query_string=params)
    assert res.status_code == 302
    picked = requests.get(
        res.headers["Location"].split("#")[0], params={"as": userid}, allow_redirects=False, timeout=10
    )
    back = urlsplit(picked.headers["Location"])
    done = client.get(back.path + "?" + back.query)
    assert done.status_code == 302, done.data
    return done.headers["Location"]


def test_no_sign_in_flow_returns_to_another_site(seeded, client, admin_account):
    for target in BYPASSES:
        # The sidebar's OAuth: the destination is kept in the session and used on return.
        assert_stays_on_site(follow_oauth(client, "/auth/login", "chenjing", next=target))
        # The console's QR login.
        assert_stays_on_site(follow_oauth(client, "/admin/login/wecom", "zhangwei", next=target))
        client.post("/admin/logout", data={"csrf_token": _token(client)})
        # Inside WeCom the console sends members to OAuth, passing its next on.
        res = client.get("/admin/login", query_string={"next": target}, headers={"User-Agent": "wxwork/4.1"})
        passed_on = parse_qs(urlsplit(res.headers["Location"]).query)["next"][0]
        assert_stays_on_site(passed_on)
        # The console's own sign-in page carries next in its form; a local account signs in with it.
        page = client.get("/admin/login", query_string={"next": target}).get_data(as_text=True)
        assert_stays_on_site(re.search(r'name="next" value="([^"]*)"', page).group(1).replace("&amp;", "&"))
        res = client.post(
            "/admin/login",
            data={"username": "root", "password": PASSWORD, "next": target, "csrf_token": _token(client)},
        )
        assert res.status_code == 303
        assert_stays_on_site(res.headers["Location"])
        client.post("/admin/logout", data={"csrf_token": _token(client)})


def _token(client) -> str:
    page = client.get("/admin/login").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if found:
        return found.group(1)
    page = client.get("/admin/").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_the_existing_sign_in_helper_still_returns_to_a_local_path(seeded, client):
    res = sign_in(client, "chenjing", "/sidebar/?from=test")
    assert res.headers["Location"] == "/sidebar/?from=test"


@pytest.fixture()
def admin_account(seeded, runner):
    result = runner.invoke(args=["create-admin", "root"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    return "root"
