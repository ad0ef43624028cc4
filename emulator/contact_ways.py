"""「联系我」 (channel live codes): ``add_contact_way``, ``get_contact_way``, ``update_contact_way`` and
``del_contact_way``, with WeCom's limits (remark and state at most 30 characters; one member for a
single code, at most 100 for a multi-member one) and a real QR image per code under
``/_emulator/contact_way/<config_id>.png``."""

from __future__ import annotations

import io
import secrets
import time
from typing import Any

import segno
from flask import Blueprint, Response, abort, request

from emulator.api import body, endpoint, require
from emulator.state import ApiError, WeComState

qr_bp = Blueprint("contact_way_qr", __name__, url_prefix="/_emulator")
MAX_MEMBERS = 100
MAX_TEXT = 30


def _check(st: WeComState, data: dict[str, Any], kind: int) -> list[str]:
    for name in ("remark", "state"):
        if len(str(data.get(name) or "")) > MAX_TEXT:
            raise ApiError(40058, f"{name} exceeds {MAX_TEXT} characters")
    users = data.get("user") or []
    if not isinstance(users, list) or not users:
        raise ApiError(40058, "user is required")
    if kind == 1 and len(users) != 1:
        raise ApiError(40058, "a single contact way takes exactly one user")
    if len(users) > MAX_MEMBERS:
        raise ApiError(40058, f"at most {MAX_MEMBERS} users")
    for userid in users:
        user = st.user(str(userid))
        if user.get("status") != 1:
            raise ApiError(60111, f"userid {userid} is not an active member")
    return [str(u) for u in users]


def _way(st: WeComState, config_id: str) -> dict[str, Any]:
    with st.lock:
        way = st.contact_ways.get(config_id)
    if way is None:
        raise ApiError(40058, "invalid config_id")
    return way


@endpoint("externalcontact/add_contact_way", "POST")
def add_contact_way(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "type", "scene")
    kind, scene = data.get("type"), data.get("scene")
    if kind not in (1, 2) or scene not in (1, 2):
        raise ApiError(40058, "type and scene must be 1 or 2")
    users = _check(st, data, kind)
    config_id = secrets.token_hex(16)
    qr_code = f"{request.host_url.rstrip('/')}/_emulator/contact_way/{config_id}.png" if scene == 2 else None
    way = {
        "config_id": config_id,
        "type": kind,
        "scene": scene,
        "remark": data.get("remark") or "",
        "state": data.get("state") or "",
        "skip_verify": bool(data.get("skip_verify", True)),
        "user": users,
        "qr_code": qr_code,
    }
    with st.lock:
        st.contact_ways[config_id] = way
    return {"config_id": config_id, **({"qr_code": qr_code} if qr_code else {})}


@endpoint("externalcontact/get_contact_way", "POST")
def get_contact_way(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "config_id")
    return {"contact_way": dict(_way(st, str(data["config_id"])))}


@endpoint("externalcontact/update_contact_way", "POST")
def update_contact_way(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "config_id")
    way = _way(st, str(data["config_id"]))
    changes: dict[str, Any] = {k: data[k] for k in ("remark", "state", "skip_verify", "user") if k in data}
    users = _check(st, {**way, **changes}, way["type"])
    with st.lock:
        way.update(changes, user=users)
    return {}


@endpoint("externalcontact/del_contact_way", "POST")
def del_contact_way(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "config_id")
    _way(st, str(data["config_id"]))
    with st.lock:
        del st.contact_ways[str(data["config_id"])]
    return {}


@qr_bp.get("/welcomes")
def welcomes():
    """The welcomes delivered to customers, oldest first (what a customer's chat would show)."""
    from flask import current_app, jsonify

    st: WeComState = current_app.extensions["wecom_state"]
    ext, userid = request.args.get("external_userid"), request.args.get("userid")
    with st.lock:
        return jsonify(
            [
                w
                for w in st.welcomes
                if (not ext or w["external_userid"] == ext) and (not userid or w["userid"] == userid)
            ]
        )


@qr_bp.get("/contact_way/<config_id>.png")
def qr_image(config_id: str):
    """The code's QR image (it encodes the code's config_id, as WeCom's encodes a link to it)."""
    from flask import current_app

    st: WeComState = current_app.extensions["wecom_state"]
    with st.lock:
        if config_id not in st.contact_ways:
            abort(404)
    out = io.BytesIO()
    segno.make(f"https://work.weixin.qq.com/ca/{config_id}", error="m").save(
        out, kind="png", scale=8, border=2
    )
    return Response(out.getvalue(), mimetype="image/png")


WELCOME_WINDOW = 20.0  # seconds WeCom accepts a WelcomeCode after the add event
MAX_ATTACHMENTS = 9
MAX_WELCOME_BYTES = 4000
# Attachment fields and their limits in bytes of UTF-8 (doc 92137 "发送新客户欢迎语"; the group welcome
# template, doc 92366, takes the same attachments).
ATTACHMENT_BYTES = {
    "link": {"title": 128, "desc": 512, "url": 2048, "picurl": 2048},
    "miniprogram": {"title": 64},
}


def check_attachment(kind: str, part: Any) -> None:
    """40058 for an attachment over its documented byte limits (or with a missing required field)."""
    if not isinstance(part, dict):
        raise ApiError(40058, f"{kind} must be an object")
    for field, limit in ATTACHMENT_BYTES.get(kind, {}).items():
        if len(str(part.get(field) or "").encode()) > limit:
            raise ApiError(40058, f"{kind}.{field} exceeds {limit} bytes")
    if kind == "link" and not (part.get("title") and part.get("url")):
        raise ApiError(40058, "link needs a title and a url")
    if kind == "miniprogram" and not all(part.get(k) for k in ("title", "appid", "page", "pic_media_id")):
        raise ApiError(40058, "miniprogram needs title, appid, page and pic_media_id")


@endpoint("externalcontact/send_welcome_msg", "POST")
def send_welcome_msg(st: WeComState) -> dict[str, Any]:
    """WeCom's rules (doc 92599): within 20 s of the event, once; a second call answers 41051
    (externaluser has started chatting). An unknown or expired code is refused as invalid."""
    data = body()
    require(data, "welcome_code")
    text = (data.get("text") or {}).get("content", "")
    attachments = data.get("attachments") or []
    if not text and not attachments:
        raise ApiError(40058, "text or attachments required")
    if len(text.encode()) > MAX_WELCOME_BYTES or len(attachments) > MAX_ATTACHMENTS:
        raise ApiError(40058, "welcome exceeds the limits")
    for item in attachments:
        kind = item.get("msgtype", "") if isinstance(item, dict) else ""
        check_attachment(kind, item.get(kind) if kind else None)
    with st.lock:
        entry = st.welcome_codes.get(str(data["welcome_code"]))
        if entry is None:
            raise ApiError(40058, "invalid welcome code")
        if entry["used"]:
            raise ApiError(41051, "externaluser has started chatting")
        if time.time() - entry["at"] > WELCOME_WINDOW:
            raise ApiError(40058, "invalid welcome code: expired")
        entry["used"] = True
        entry["message"] = {"text": text, "attachments": attachments}
        st.welcomes.append(
            {
                "welcome": True,
                "userid": entry["userid"],
                "external_userid": entry["external_userid"],
                "text": {"content": text},
                "attachments": attachments,
                "seconds": round(time.time() - entry["at"], 3),  # from the add event to this call
            }  # fmt: skip
        )
    return {}
