"""The preview: a page that looks like the WeCom desktop client, with our sidebar in a 360 px frame.

Chats on the left (the chosen member's customers and groups), a chat pane in the middle, the sidebar on
the right. The page answers the sidebar's JS-SDK calls (getContext, getCurExternalContact,
getCurExternalChat, sendChatMessage) by postMessage, as WeCom's client would, and shows every
sendChatMessage as a bubble (or in the input box for ``enterChat``). Choosing a chat reloads the
sidebar, as WeCom recreates its webview; choosing a member signs the sidebar in again through the real
OAuth flow (the emulator's authorize page picks the member from the ``emu_member`` cookie).
"""

from __future__ import annotations

import hashlib
import time
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from emulator.state import WeComState
from sidebar import demo

preview_bp = Blueprint("preview", __name__, template_folder="templates")
MEMBER_COOKIE = "emu_member"
# Who opens links from the chat (a red packet, a coupon): the customer of the chat last opened.
VISITOR_COOKIE = "emu_visitor"
CHATS_SHOWN = 40


def _state() -> WeComState:
    return current_app.extensions["wecom_state"]


def _chats(st: WeComState, userid: str) -> list[dict[str, Any]]:
    with st.lock:
        groups = [
            {"kind": "group", "id": g["chat_id"], "name": g["name"], "members": len(g["member_list"])}
            for g in st.group_chats.values()
            if any(m["userid"] == userid for m in g["member_list"])
        ]
        singles = [
            {
                "kind": "single",
                "id": ext,
                "name": st.contacts[ext].get("name", ext),
                "avatar": st.contacts[ext].get("avatar", ""),
            }
            for ext, follows in st.follows.items()
            if userid in follows and ext in st.contacts
        ]
    singles.sort(key=lambda c: -int(_state().follows[c["id"]][userid]["createtime"]))
    return groups + singles[:CHATS_SHOWN]


@preview_bp.get("/preview")
def page():
    """The client: pick a member (``?member=``), then a chat."""
    st = _state()
    chosen = request.args.get("member")
    if chosen is not None:
        if chosen not in st.users:
            abort(404, "no such member")
        res = make_response(redirect(url_for("preview.page")))
        res.set_cookie(MEMBER_COOKIE, chosen, httponly=True, samesite="Lax")
        return res
    member = request.cookies.get(MEMBER_COOKIE) or ""
    if member not in st.users:
        # First open: a shopping guide with chats (the demo's first guide), not the admin or a manager.
        active = [u["userid"] for u in st.users.values() if u.get("status") == 1]
        guides = [g.userid for g in demo.GUIDES if g.userid in active]
        with_chats = [u for u in guides + active if any(u in f for f in st.follows.values())]
        member = with_chats[0] if with_chats else active[0]
    app_url = st.settings["APP_URL"].rstrip("/")
    return render_template(
        "preview.html",
        members=[u for u in st.users.values()],
        member=st.users[member],
        chats=_chats(st, member),
        app_url=app_url,
        sidebar_url=app_url + "/sidebar/",
        login_url=app_url + "/auth/login?next=/sidebar/",
    )


@preview_bp.post("/preview/agent-config")
def agent_config():
    """What the WeCom client checks when a page registers with agentConfig: the signature is sha1 over
    ``jsapi_ticket=…&noncestr=…&timestamp=…&url=…`` with a live app ticket, for the page's own URL
    without its fragment (doc 96909 "JS-SDK使用权限签名算法"). Written here from that description, not
    shared with the app's signer."""
    st = _state()
    data = request.get_json(silent=True) or {}
    url, nonce = str(data.get("url") or ""), str(data.get("nonceStr") or "")
    timestamp, signature = str(data.get("timestamp") or ""), str(data.get("signature") or "")
    now = time.time()
    with st.lock:
        tickets = [t for t, expires in st.tickets.items() if t.startswith("emu-agent-") and expires > now]
    plain = "jsapi_ticket={}&noncestr=" + nonce + "&timestamp=" + timestamp + "&url=" + url
    valid = any(
        hashlib.sha1(plain.format(t).encode()).hexdigest() == signature  # noqa: S324 - WeCom's algorithm
        for t in tickets
    )
    return jsonify(ok=valid, url=url)


@preview_bp.get("/preview/open")
def open_as_customer():
    """Open a link from the chat as that chat's customer would in WeChat: OAuth will pick them."""
    st = _state()
    ext, url = request.args.get("as", ""), request.args.get("url", "")
    if ext not in st.contacts:
        abort(404, "no such customer")
    app_origin = urlsplit(st.settings["APP_URL"])
    target = urlsplit(url)
    if (target.scheme, target.netloc) != (app_origin.scheme, app_origin.netloc):
        abort(400, "only the app's own links open here")
    res = make_response(redirect(url))
    res.set_cookie(VISITOR_COOKIE, ext, httponly=True, samesite="Lax")
    return res
