"""「加入群聊」 (group live codes) and 入群欢迎语 (group welcome templates), as WeCom has them (doc 92229,
92366): ``groupchat/add_join_way`` / ``get_join_way`` / ``update_join_way`` / ``del_join_way`` with
WeCom's limits (at most 5 groups a code; remark and state at most 30 characters; an auto-made group's
name at most 40), a real QR image per code, and ``group_welcome_template/add|edit|get|del``.

WeCom ties a welcome template to a group in the owner's client (群设置 → 入群欢迎语), not by API;
``POST /_emulator/group-welcome`` stands for that tap. ``POST /_emulator/group-join`` stands for
customers scanning a code: each goes into the first of its groups with room (``GROUP_CODE_CAPACITY``
members), a full set makes the next group (``room_base_name`` + a number) when the code allows it;
each member carries the code's ``state``, the group's welcome is sent (``/_emulator/group-welcomes``),
and the ``change_external_chat`` events are delivered."""

from __future__ import annotations

import io
import secrets
import time
from typing import Any

import segno
from flask import Blueprint, Response, abort, current_app, jsonify, request

from emulator import callbacks
from emulator.api import body, endpoint, require
from emulator.contact_ways import check_attachment
from emulator.state import ApiError, WeComState

join_bp = Blueprint("join_ways", __name__, url_prefix="/_emulator")
MAX_CHATS = 5
MAX_TEXT = 30
MAX_ROOM_NAME = 40
MAX_WELCOME_BYTES = 3000  # a group welcome's text (doc 92366)
MAX_TEMPLATES = 100  # a corp's welcome template library holds at most 100
# How many members a group takes through its QR code before the code moves on to the next group.
GROUP_CODE_CAPACITY = 200
ATTACHMENT_KINDS = ("image", "link", "miniprogram", "file", "video")


def _state() -> WeComState:
    return current_app.extensions["wecom_state"]


def _check(st: WeComState, data: dict[str, Any]) -> list[str]:
    for name in ("remark", "state"):
        if len(str(data.get(name) or "")) > MAX_TEXT:
            raise ApiError(40058, f"{name} exceeds {MAX_TEXT} characters")
    if len(str(data.get("room_base_name") or "")) > MAX_ROOM_NAME:
        raise ApiError(40058, f"room_base_name exceeds {MAX_ROOM_NAME} characters")
    chats = data.get("chat_id_list") or []
    if not isinstance(chats, list) or not chats:
        raise ApiError(40058, "chat_id_list is required")
    if len(chats) > MAX_CHATS:
        raise ApiError(40058, f"at most {MAX_CHATS} chat_id in chat_id_list")
    with st.lock:
        for chat_id in chats:
            if chat_id not in st.group_chats:
                raise ApiError(40050, f"invalid group id {chat_id}")  # chatid不存在 (doc 90313)
    return [str(c) for c in chats]


def _way(st: WeComState, config_id: str) -> dict[str, Any]:
    with st.lock:
        way = st.join_ways.get(config_id)
    if way is None:
        raise ApiError(40058, "invalid config_id")
    return way


@endpoint("externalcontact/groupchat/add_join_way", "POST")
def add_join_way(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "scene", "chat_id_list")
    if data.get("scene") not in (1, 2):
        raise ApiError(40058, "scene must be 1 or 2")
    chats = _check(st, data)
    config_id = secrets.token_hex(16)
    base = request.host_url.rstrip("/")
    qr_code = f"{base}/_emulator/join_way/{config_id}.png" if data["scene"] == 2 else ""
    way = {
        "config_id": config_id,
        "scene": data["scene"],
        "remark": data.get("remark") or "",
        "auto_create_room": int(data.get("auto_create_room", 1)),
        "room_base_name": data.get("room_base_name") or "",
        "room_base_id": int(data.get("room_base_id") or 1),
        "chat_id_list": chats,
        "qr_code": qr_code,
        "state": data.get("state") or "",
    }
    with st.lock:
        st.join_ways[config_id] = way
    return {"config_id": config_id}


@endpoint("externalcontact/groupchat/get_join_way", "POST")
def get_join_way(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "config_id")
    return {"join_way": dict(_way(st, str(data["config_id"])))}


@endpoint("externalcontact/groupchat/update_join_way", "POST")
def update_join_way(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "config_id", "scene", "chat_id_list")
    way = _way(st, str(data["config_id"]))
    chats = _check(st, data)
    keys = ("remark", "auto_create_room", "room_base_name", "room_base_id", "state")
    with st.lock:
        way.update({k: data[k] for k in keys if k in data}, chat_id_list=chats)
    return {}


@endpoint("externalcontact/groupchat/del_join_way", "POST")
def del_join_way(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "config_id")
    _way(st, str(data["config_id"]))
    with st.lock:
        del st.join_ways[str(data["config_id"])]
    return {}


def _template(data: dict[str, Any]) -> dict[str, Any]:
    text = (data.get("text") or {}).get("content", "")
    attachments = {k: data[k] for k in ATTACHMENT_KINDS if data.get(k)}
    if not text and not attachments:
        raise ApiError(40058, "text or an attachment is required")
    if len(text.encode()) > MAX_WELCOME_BYTES:
        raise ApiError(40058, f"text exceeds {MAX_WELCOME_BYTES} bytes")
    if len(attachments) > 1:
        raise ApiError(40058, "at most one attachment besides the text")
    for kind, part in attachments.items():
        check_attachment(kind, part)
    return {"text": {"content": text}, **attachments}


@endpoint("externalcontact/group_welcome_template/add", "POST")
def welcome_add(st: WeComState) -> dict[str, Any]:
    template = _template(body())
    template_id = "msg" + secrets.token_hex(12)
    with st.lock:
        if len(st.group_welcome_templates) >= MAX_TEMPLATES:
            raise ApiError(41061, "welcome template library is full")
        st.group_welcome_templates[template_id] = {**template, "template_id": template_id}
    return {"template_id": template_id}


@endpoint("externalcontact/group_welcome_template/edit", "POST")
def welcome_edit(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "template_id")
    template = _template(data)
    with st.lock:
        if data["template_id"] not in st.group_welcome_templates:
            raise ApiError(40058, "invalid template_id")
        st.group_welcome_templates[data["template_id"]] = {**template, "template_id": data["template_id"]}
    return {}


@endpoint("externalcontact/group_welcome_template/get", "POST")
def welcome_get(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "template_id")
    with st.lock:
        template = st.group_welcome_templates.get(data["template_id"])
    if template is None:
        raise ApiError(40058, "invalid template_id")
    return {k: v for k, v in template.items() if k != "template_id"}


@endpoint("externalcontact/group_welcome_template/del", "POST")
def welcome_del(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "template_id")
    with st.lock:
        if st.group_welcome_templates.pop(data["template_id"], None) is None:
            raise ApiError(40058, "invalid template_id")
        for chat in st.group_chats.values():
            if chat.get("welcome_template_id") == data["template_id"]:
                chat.pop("welcome_template_id")
    return {}


@join_bp.get("/join_way/<config_id>.png")
def qr_image(config_id: str):
    """The code's QR image (it encodes a link to the code, as WeCom's does)."""
    st = _state()
    with st.lock:
        if config_id not in st.join_ways:
            abort(404)
    out = io.BytesIO()
    qr = segno.make(f"https://work.weixin.qq.com/gm/{config_id}", error="m")
    qr.save(out, kind="png", scale=8, border=2)
    return Response(out.getvalue(), mimetype="image/png")


@join_bp.post("/group-welcome")
def apply_welcome():
    """The group's owner chooses a welcome template for the group (empty ``template_id``: none)."""
    spec = request.get_json() or {}
    st = _state()
    with st.lock:
        chat = st.group_chats.get(spec.get("chat_id", ""))
        if chat is None:
            abort(400, "no such group chat")
        template_id = spec.get("template_id") or ""
        if template_id and template_id not in st.group_welcome_templates:
            abort(400, "no such welcome template")
        if template_id:
            chat["welcome_template_id"] = template_id
        else:
            chat.pop("welcome_template_id", None)
    return jsonify(chat_id=chat["chat_id"], template_id=template_id)


@join_bp.get("/group-welcomes")
def group_welcomes():
    """The welcomes WeCom sent in groups, oldest first (what the group's chat would show)."""
    st, chat_id = _state(), request.args.get("chat_id")
    with st.lock:
        return jsonify([w for w in st.group_welcomes if not chat_id or w["chat_id"] == chat_id])


def _room_for(st: WeComState, way: dict[str, Any], now: int) -> tuple[dict[str, Any], bool]:
    """The group the next scan lands in, and whether it was just made (call with the lock held)."""
    for chat_id in way["chat_id_list"]:
        chat = st.group_chats.get(chat_id)
        if chat is not None and len(chat["member_list"]) < GROUP_CODE_CAPACITY:
            return chat, False
    if not way["auto_create_room"]:
        raise ApiError(701007, "every group of this code is full")
    first = st.group_chats.get(way["chat_id_list"][0]) if way["chat_id_list"] else None
    owner = first["owner"] if first else ""
    chat_id = "wr" + secrets.token_hex(15)
    chat = {
        "chat_id": chat_id,
        "name": f"{way['room_base_name']}{way['room_base_id']}",
        "owner": owner,
        "create_time": now,
        "notice": "",
        "member_list": [
            {"userid": owner, "type": 1, "join_time": now, "join_scene": 1, "invitor": {"userid": owner}}
        ],
        "admin_list": [],
    }
    if first and first.get("welcome_template_id"):
        chat["welcome_template_id"] = first["welcome_template_id"]  # made from the code's first group
    st.group_chats[chat_id] = chat
    way["room_base_id"] += 1
    # The code keeps its five newest groups, as WeCom swaps the made group in.
    way["chat_id_list"] = [*way["chat_id_list"], chat_id][-MAX_CHATS:]
    return chat, True


@join_bp.post("/group-join")
def group_join():
    """Customers scan a group code: ``{"config_id", "members": [{"userid", "name"}]}`` (a member
    without a userid is a new WeChat user). Returns where each landed and the events delivered."""
    spec = request.get_json() or {}
    st = _state()
    way = st.join_ways.get(spec.get("config_id", ""))
    if way is None:
        abort(400, "no such join way")
    placed: list[dict[str, Any]] = []
    events: list[tuple[str, str | None, dict[str, Any]]] = []
    for person in spec.get("members") or []:
        userid = person.get("userid") or "wm" + secrets.token_hex(15)
        now = int(time.time())
        with st.lock:
            try:
                chat, made = _room_for(st, way, now)
            except ApiError as exc:
                abort(409, exc.errmsg)
            if made:
                events.append(("change_external_chat", "create", {"ChatId": chat["chat_id"]}))
            chat["member_list"] = [m for m in chat["member_list"] if m["userid"] != userid]
            chat["member_list"].append(
                {
                    "userid": userid,
                    "type": 2,
                    "join_time": now,
                    "join_scene": 3,
                    "invitor": {"userid": chat["owner"]},
                    "name": person.get("name", ""),
                    "group_nickname": "",
                    "state": way["state"],
                }
            )
            template = st.group_welcome_templates.get(chat.get("welcome_template_id", ""))
            if template:
                nickname = person.get("name") or ""
                st.group_welcomes.append(
                    {
                        "chat_id": chat["chat_id"],
                        "external_userid": userid,
                        "text": {"content": template["text"]["content"].replace("%NICKNAME%", nickname)},
                        **{k: template[k] for k in ATTACHMENT_KINDS if k in template},
                    }
                )
        fields = {"ChatId": chat["chat_id"], "UpdateDetail": "add_member", "JoinScene": 3, "MemChangeCnt": 1}
        events.append(("change_external_chat", "update", fields))
        placed.append({"userid": userid, "chat_id": chat["chat_id"], "new_group": made})
    results = []
    for event, change_type, fields in events:
        xml = callbacks.event_xml(st.settings["WECOM_CORP_ID"], event, change_type, fields, None)
        results.append(callbacks.deliver(st.settings, xml, st.settings["CALLBACK_URL"]))
    return jsonify(placed=placed, deliveries=results)
