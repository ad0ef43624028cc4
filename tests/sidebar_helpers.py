"""Signing in to the app through the real OAuth flow against the emulator."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests


def sign_in(client, userid: str, next_path: str = "/sidebar/"):
    """Follow /auth/login -> the emulator's authorize page (as=userid) -> /auth/callback."""
    res = client.get("/auth/login", query_string={"next": next_path})
    assert res.status_code == 302, res.data
    authorize = res.headers["Location"].split("#")[0]
    picked = requests.get(authorize, params={"as": userid}, allow_redirects=False, timeout=10)
    assert picked.status_code == 302, picked.text
    back = urlsplit(picked.headers["Location"])
    return client.get(back.path + "?" + back.query)
