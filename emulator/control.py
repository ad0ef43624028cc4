"""``/_emulator``: what tests and scripts use to steer the emulator and look inside it.

Not part of WeCom. Lets a test inject errors, shorten token lifetimes, read the call log, and make
WeCom-side changes (a customer adds a member, a member deletes a customer...) that send callbacks.
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, request

from emulator import callbacks
from emulator.state import ApiError, WeComState

control_bp = Blueprint("control", __name__, url_prefix="/_emulator")
deliveries: deque[dict[str, Any]] = deque(maxlen=5000)


def state() -> WeComState:
    return current_app.extensions["wecom_state"]


@control_bp.post("/reset")
def reset():
    state().reset()
    current_app.extensions["pay_state"].reset()
    deliveries.clear()
    return jsonify(ok=True)


@control_bp.post("/config")
def configure():
    try:
        return jsonify(state().configure(**(request.get_json() or {})))
    except KeyError as exc:
        abort(400, f"unknown setting {exc}")


@control_bp.get("/calls")
def calls():
    """The call log, optionally only one endpoint's calls (``?endpoint=externalcontact/mark_tag``)."""
    wanted = request.args.get("endpoint")
    with state().lock:
        found = [c for c in state().calls if not wanted or c["endpoint"] == wanted]
    return jsonify(found)


@control_bp.get("/contacts/<external_userid>")
def contact(external_userid: str):
    try:
        return jsonify(state().contact(external_userid))
    except ApiError as exc:
        abort(404, exc.errmsg)


@control_bp.get("/messages")
def messages():
    with state().lock:
        return jsonify(list(state().messages))


@control_bp.get("/deliveries")
def delivery_log():
    return jsonify(list(deliveries))


def _apply(st: WeComState, spec: dict[str, Any]) -> tuple[str, str | None, dict[str, Any]]:
    """Make the WeCom-side change an event reports; return (Event, ChangeType, fields)."""
    change = spec.get("change_type", "")
    userid: str = spec.get("userid") or ""
    ext: str = spec.get("external_userid") or ""
    if change in ("add_external_contact", "add_half_external_contact"):
        if spec.get("config_id"):  # a customer scans a channel code: WeCom picks the member, in turn
            with st.lock:
                way = st.contact_ways.get(spec["config_id"])
                if way is None:
                    abort(400, "no such contact way")
                way["scans"] = way.get("scans", 0) + 1
                userid = way["user"][(way["scans"] - 1) % len(way["user"])]
                spec = {**spec, "state": way["state"]}
        given = spec.get("contact")
        if given is not None and not isinstance(given, dict):
            abort(400, "contact must be an object")
        if given is not None and not (ext or given.get("external_userid")):
            abort(400, "contact needs its external_userid (leave contact out to add a new customer)")
        contact = given or (st.contacts.get(ext) if ext else None)
        if contact is None:  # a new customer: WeCom names them (wm…)
            contact = {"name": spec.get("name") or "新客户", "type": 1, "gender": 0}
        ext = ext or str(contact.get("external_userid") or "") or "wm" + secrets.token_hex(15)
        contact = {**contact, "external_userid": ext}
        st.add_contact(
            userid,
            contact,
            state=spec.get("state", ""),
            tags=spec.get("tags", []),
            remark=spec.get("remark", ""),
            # A member who adds a customer by searching their phone: WeCom reports add_way 2 (搜索手机号,
            # doc 92114) and the phone in remark_mobiles (WeCom's answer in its developer community: "通过
            # 手机号直接添加的外部联系人，也会返回").
            add_way=2 if spec.get("phone") else int(spec.get("add_way", 1)),
            remark_mobiles=[str(spec["phone"])] if spec.get("phone") else [],
        )
        welcome_code = secrets.token_hex(16)
        with st.lock:
            st.welcome_codes[welcome_code] = {
                "userid": userid,
                "external_userid": contact["external_userid"],
                "at": time.time(),
                "used": False,
            }
        fields = {
            "UserID": userid,
            "ExternalUserID": contact["external_userid"],
            "State": spec.get("state"),
            "WelcomeCode": welcome_code,
        }
        return "change_external_contact", change, fields
    if change == "edit_external_contact":
        if spec.get("contact"):
            with st.lock:
                st.contacts[ext] = {**st.contacts.get(ext, {}), **spec["contact"], "external_userid": ext}
        return "change_external_contact", change, {"UserID": userid, "ExternalUserID": ext}
    if change in ("del_external_contact", "del_follow_user"):
        st.remove_follow(userid, ext)
        fields = {"UserID": userid, "ExternalUserID": ext}
        if spec.get("source"):
            fields["Source"] = spec["source"]
        return "change_external_contact", change, fields
    if change == "transfer_fail":
        return (
            "change_external_contact",
            change,
            {"UserID": userid, "ExternalUserID": ext, "FailReason": spec.get("reason", "customer_refused")},
        )
    if spec.get("event") == "change_external_chat":
        return _group_change(st, spec)
    if change in ("create", "update", "delete", "shuffle"):
        tag_id = spec.get("tag_id")
        with st.lock:
            if change == "create":
                group = next((g for g in st.tag_groups if g["group_name"] == spec.get("group_name")), None)
                if group is None:
                    group = {
                        "group_id": "etgroup" + secrets.token_hex(11),
                        "group_name": spec.get("group_name", "新分组"),
                        "create_time": int(time.time()),
                        "order": 0,
                        "tag": [],
                    }
                    st.tag_groups.append(group)
                tag_id = "ettag" + secrets.token_hex(11)
                group["tag"].append(
                    {
                        "id": tag_id,
                        "name": spec.get("tag_name", "新标签"),
                        "create_time": int(time.time()),
                        "order": 0,
                    }
                )
            elif change == "update":
                for g in st.tag_groups:
                    for t in g["tag"]:
                        if t["id"] == tag_id:
                            t["name"] = spec.get("tag_name", t["name"])
            elif change == "delete":
                for g in st.tag_groups:
                    g["tag"] = [t for t in g["tag"] if t["id"] != tag_id]
                st.tag_groups = [g for g in st.tag_groups if g["tag"]]
        return "change_external_tag", change, {"Id": tag_id, "TagType": "tag"}
    abort(400, f"unknown change_type {change!r}")


def _group_change(st: WeComState, spec: dict[str, Any]) -> tuple[str, str | None, dict[str, Any]]:
    """A customer group chat made, changed (members joining or leaving, owner, name, notice) or
    dismissed, as ``change_external_chat`` reports it (doc 92130)."""
    change, chat_id, detail = spec.get("change_type", ""), spec.get("chat_id", ""), spec.get("update_detail")
    fields: dict[str, Any] = {"ChatId": chat_id}
    now = int(time.time())
    with st.lock:
        if change == "create":
            owner = spec.get("owner", "")
            st.group_chats[chat_id] = {
                "chat_id": chat_id,
                "name": spec.get("name", ""),
                "owner": owner,
                "create_time": now,
                "notice": "",
                "member_list": [
                    {
                        "userid": owner,
                        "type": 1,
                        "join_time": now,
                        "join_scene": 1,
                        "invitor": {"userid": owner},
                    }
                ],
                "admin_list": [],
            }
            return "change_external_chat", change, fields
        chat = st.group_chats.get(chat_id)
        if chat is None:
            abort(400, "no such group chat")
        if change == "dismiss":
            del st.group_chats[chat_id]
            st.dismissed_chats.add(chat_id)
            return "change_external_chat", change, fields
        if change != "update":
            abort(400, f"unknown change_type {change!r} for a group chat")
        fields["UpdateDetail"] = detail
        members = spec.get("members") or []
        if detail == "add_member":
            scene = int(spec.get("join_scene", 3))
            for m in members:
                chat["member_list"].append(
                    {
                        "userid": m["userid"],
                        "type": int(m.get("type", 2)),
                        "join_time": now,
                        "join_scene": scene,
                        "invitor": {"userid": chat["owner"]},
                        "name": m.get("name", ""),
                        "group_nickname": "",
                    }
                )
            fields.update(JoinScene=scene, MemChangeCnt=len(members))
        elif detail == "del_member":
            gone = {m["userid"] for m in members}
            chat["member_list"] = [m for m in chat["member_list"] if m["userid"] not in gone]
            fields.update(QuitScene=int(spec.get("quit_scene", 0)), MemChangeCnt=len(gone))
        elif detail == "change_owner":
            chat["owner"] = spec["owner"]
        elif detail == "change_name":
            chat["name"] = spec["name"]
        elif detail == "change_notice":
            chat["notice"] = spec.get("notice", "")
        else:
            abort(400, f"unknown update_detail {detail!r}")
    return "change_external_chat", change, fields


@control_bp.post("/members/<userid>/resign")
def resign(userid: str):
    """A member leaves the company (离职): ``user/list`` reports them with status 5 (退出企业, doc 90201),
    and their customers wait in ``get_unassigned_list`` (doc 92124) for 离职继承."""
    st = state()
    with st.lock:
        user = st.users.get(userid)
        if user is None:
            abort(404, "no such member")
        user["status"] = 5
        user["dimission_time"] = int(time.time())
        return jsonify(userid=userid, status=5, dimission_time=user["dimission_time"])


@control_bp.post("/events")
def send_event():
    """Make a WeCom-side change and deliver its callback to the app (``wait`` for the outcome)."""
    spec = request.get_json(silent=True)
    if not isinstance(spec, dict):
        abort(400, "send the event as a JSON object")
    return jsonify(_deliver(state(), spec))


def _deliver(st: WeComState, spec: dict[str, Any]) -> dict[str, Any]:
    try:
        event, change_type, fields = _apply(st, spec)
    except ApiError as exc:
        abort(400, exc.errmsg)
    xml = callbacks.event_xml(
        st.settings["WECOM_CORP_ID"], event, change_type, fields, spec.get("create_time")
    )
    url = spec.get("url") or st.settings["CALLBACK_URL"]
    result = callbacks.deliver(
        st.settings,
        xml,
        url,
        timeout=float(spec.get("timeout", callbacks.TIMEOUT)),
        retry_delay=float(spec.get("retry_delay", 0.5)),
    )
    record = {"event": event, "change_type": change_type, "fields": fields, **result}
    deliveries.append(record)
    return record


@control_bp.get("/contact_ways")
def contact_ways():
    """The 「联系我」 codes made through the API, the newest first (the preview's 扫一扫 lists them)."""
    with state().lock:
        ways = list(state().contact_ways.values())
    return jsonify([{k: w[k] for k in ("config_id", "remark", "state", "user")} for w in reversed(ways)])


@control_bp.post("/contact_ways/<config_id>/scan")
def scan_contact_way(config_id: str):
    """Someone scans a code and adds its member — as WeCom then reports it (doc 92130 添加企业客户事件,
    with the code's State): ``who`` is ``new`` (a WeChat user the brand never had), ``existing`` (already
    another member's customer) or ``readded`` (a customer who deletes their member first, then adds
    through the code)."""
    st = state()
    who = str((request.get_json(silent=True) or {}).get("who") or "new")
    with st.lock:
        if config_id not in st.contact_ways:
            abort(404, "no such contact way")
        code_users = set(st.contact_ways[config_id]["user"])
        known = [(ext, sorted(f)) for ext, f in st.follows.items() if f and not set(f) & code_users]
        count = len(st.contacts)
    if who == "new":
        ext = "wm" + secrets.token_hex(15)
        contact = {"external_userid": ext, "name": f"新客户{count + 1}", "type": 1, "gender": 0}
        return jsonify(_deliver(st, {"change_type": "add_external_contact", "config_id": config_id,
                                     "external_userid": ext, "contact": contact}))  # fmt: skip
    if who not in ("existing", "readded") or not known:
        abort(400, "who must be new, existing or readded (and a customer must exist)")
    ext, members = known[0] if who == "existing" else known[-1]
    if who == "readded":
        _deliver(st, {"change_type": "del_follow_user", "userid": members[0], "external_userid": ext})
    return jsonify(_deliver(st, {"change_type": "add_external_contact", "config_id": config_id,
                                 "external_userid": ext}))  # fmt: skip


@control_bp.post("/burst")
def send_burst():
    """Deliver many events at once, ``concurrency`` at a time, as WeCom does in a busy minute."""
    from concurrent.futures import ThreadPoolExecutor

    spec = request.get_json() or {}
    events = spec.get("events") or []
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def one(event_spec: dict[str, Any]) -> dict[str, Any]:
        with app.app_context():
            st = state()
            event, change_type, fields = _apply(st, event_spec)
            xml = callbacks.event_xml(
                st.settings["WECOM_CORP_ID"], event, change_type, fields, event_spec.get("create_time")
            )
            result = callbacks.deliver(
                st.settings,
                xml,
                st.settings["CALLBACK_URL"],
                timeout=float(spec.get("timeout", callbacks.TIMEOUT)),
            )
            deliveries.append({"event": event, "change_type": change_type, "fields": fields, **result})
            return result

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=int(spec.get("concurrency", 8))) as pool:
        results = list(pool.map(one, events))
    return jsonify(results=results, seconds=round(time.monotonic() - started, 3))


@control_bp.post("/verify-url")
def verify_url():
    st = state()
    url = (request.get_json() or {}).get("url") or st.settings["CALLBACK_URL"]
    return jsonify(callbacks.verify_url(st.settings, url))
