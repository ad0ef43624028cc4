"""企业群发 as WeCom has it: a task the API creates and the member confirms in the client.

``externalcontact/add_msg_template`` (doc 92135): ``chat_type`` single (customers, at most 10,000
``external_userid``; with only ``sender``, every customer of the sender) or group (``sender`` required,
at most 2,000 ``chat_id_list``); text at most 4,000 bytes; at most 9 attachments, each matching its
``msgtype``. It answers a ``msgid`` and ``fail_list``: the customers it cannot send to (not the
sender's contact). Nothing reaches a customer until the member taps send in 群发助手.

Results (doc 93338): ``get_groupmsg_list_v2`` (a window of at most one month, ``limit`` ≤ 100, messages
made by the API carry no ``creator``), ``get_groupmsg_task`` (per member: 0 not sent, 1 confirmed, 2
sent; ``limit`` ≤ 1,000, default 500), ``get_groupmsg_send_result`` (per customer: 0 not sent, 1 sent,
2 not a friend, 3 had received its limit; ``limit`` ≤ 1,000, default 500). ``remind_groupmsg_send`` —
"24小时内每个群发最多触发三次提醒" — and ``cancel_groupmsg_send`` stop what was not sent (doc 97610).

Each customer receives at most as many mass messages a month as the month has days (doc 92135:
"每位客户/每个客户群每月最多可接收条数为当月天数"); past that, a send answers status 3 for them.

``POST /_emulator/groupmsg/confirm`` stands for the member's tap; the message then shows in each
customer's chat in the preview (``GET /_emulator/chat-log``)."""

from __future__ import annotations

import calendar
import secrets
import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, request

from emulator import finance
from emulator.api import body, endpoint, require
from emulator.contact_ways import check_attachment
from emulator.state import ApiError, WeComState

groupmsg_bp = Blueprint("group_msgs", __name__, url_prefix="/_emulator")

MAX_CUSTOMERS = 10_000
MAX_CHATS = 2_000
MAX_TEXT_BYTES = 4_000
MAX_ATTACHMENTS = 9
KINDS = ("image", "link", "miniprogram", "video", "file")
LIST_WINDOW = 31 * 86400  # "群发任务记录的起止时间间隔不能超过1个月"
REMINDS_PER_DAY = 3
CHINA = timezone(timedelta(hours=8))  # WeCom counts days and months in China's time
# WeCom documents the limit of three reminders a day but no errcode for a fourth: the emulator answers
# the general frequency limit (45009, doc 90313).
REMIND_ERRCODE = 45009


def _state() -> WeComState:
    return current_app.extensions["wecom_state"]


def _page_args(data: dict[str, Any], *, most: int, default: int) -> tuple[int, int]:
    try:
        limit = int(data.get("limit") or default)
        offset = int(data.get("cursor") or 0)
    except (TypeError, ValueError) as exc:
        raise ApiError(40058, "invalid limit or cursor") from exc
    if limit > most or limit < 1:
        limit = default  # "超过最大值时取默认值"
    return limit, max(0, offset)


def _message(st: WeComState, msgid: str) -> dict[str, Any]:
    msg = st.group_msgs.get(str(msgid or ""))
    if msg is None:
        raise ApiError(40058, "invalid msgid")  # 不合法的参数 (doc 90313)
    return msg


@endpoint("externalcontact/add_msg_template", "POST")
def add_msg_template(st: WeComState) -> dict[str, Any]:
    data = body()
    chat_type = data.get("chat_type") or "single"
    if chat_type not in ("single", "group"):
        raise ApiError(40058, "chat_type must be single or group")
    sender = str(data.get("sender") or "")
    text = (data.get("text") or {}).get("content", "") if isinstance(data.get("text"), dict) else ""
    attachments = data.get("attachments") or []
    if not text and not attachments:
        raise ApiError(40058, "text or attachments required")
    if len(text.encode()) > MAX_TEXT_BYTES:
        raise ApiError(40058, f"text.content exceeds {MAX_TEXT_BYTES} bytes")
    if not isinstance(attachments, list) or len(attachments) > MAX_ATTACHMENTS:
        raise ApiError(40058, f"at most {MAX_ATTACHMENTS} attachments")
    for item in attachments:
        kind = item.get("msgtype", "") if isinstance(item, dict) else ""
        if kind not in KINDS:
            raise ApiError(40058, f"invalid attachment msgtype {kind!r}")
        check_attachment(kind, item.get(kind))
        part = item[kind]
        if kind in ("image", "video", "file") and not (part.get("media_id") or part.get("pic_url")):
            raise ApiError(40058, f"{kind} needs a media_id")
    with st.lock:
        if sender and sender not in st.users:
            raise ApiError(60111, "invalid userid")  # userid not found (doc 90313)
        if chat_type == "group":
            if not sender:
                raise ApiError(40058, "sender is required for chat_type group")
            chats = [str(c) for c in data.get("chat_id_list") or []]
            if len(chats) > MAX_CHATS:
                raise ApiError(40058, f"at most {MAX_CHATS} chat_id_list")
            targets = {sender: {"chats": chats, "customers": []}}
            fail: list[str] = []
        else:
            wanted = data.get("external_userid") or []
            if not isinstance(wanted, list):
                raise ApiError(40058, "external_userid must be a list")
            if not wanted and not sender:
                raise ApiError(40058, "external_userid and sender cannot both be empty")
            if len(wanted) > MAX_CUSTOMERS:
                raise ApiError(40058, f"at most {MAX_CUSTOMERS} external_userid")
            targets, fail = _single_targets(st, [str(w) for w in wanted], sender)
        msgid = "msg" + secrets.token_hex(12)
        st.group_msgs[msgid] = {
            "msgid": msgid,
            "chat_type": chat_type,
            "create_time": int(time.time()),
            "create_type": 0,
            "text": text,
            "attachments": attachments,
            # member -> {status 0/1/2, send_time, customers: {ext: [status, send_time]}, chats: [...]}
            "tasks": {
                userid: {
                    "status": 0,
                    "send_time": None,
                    "customers": {ext: [0, None] for ext in parts["customers"]},
                    "chats": parts["chats"],
                }
                for userid, parts in targets.items()
            },
            "reminds": [],
            "cancelled": False,
        }
    return {"fail_list": fail, "msgid": msgid}


def _single_targets(
    st: WeComState, wanted: list[str], sender: str
) -> tuple[dict[str, dict[str, list[str]]], list[str]]:
    """Whom each member sends to: the sender's contacts among those named (all of them when none are
    named); without a sender, each customer's member — the one who last added them (WeCom sends "仅会推送
    给最后跟客户进行聊天互动的企业成员"; the emulator knows no chats, so the latest add stands for it)."""
    targets: dict[str, dict[str, list[str]]] = {}
    fail: list[str] = []
    if sender and not wanted:
        wanted = [ext for ext, follows in st.follows.items() if sender in follows]
    for ext in dict.fromkeys(wanted):
        follows = st.follows.get(ext) or {}
        if sender:
            who = sender if sender in follows else None
        else:
            live = [f for u, f in follows.items() if st.users.get(u, {}).get("status") == 1]
            who = max(live, key=lambda f: f["createtime"])["userid"] if live else None
        if who is None:
            fail.append(ext)
            continue
        targets.setdefault(who, {"chats": [], "customers": []})["customers"].append(ext)
    return targets, fail


@endpoint("externalcontact/get_groupmsg_list_v2", "POST")
def get_groupmsg_list_v2(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "chat_type", "start_time", "end_time")
    try:
        start, end = int(data["start_time"]), int(data["end_time"])
    except (TypeError, ValueError) as exc:
        raise ApiError(40058, "invalid start_time or end_time") from exc
    if end < start or end - start > LIST_WINDOW:
        raise ApiError(40058, "the time range is at most one month")
    limit, offset = _page_args(data, most=100, default=50)
    creator = data.get("creator")
    raw_filter = data.get("filter_type")
    filter_type = int(raw_filter) if isinstance(raw_filter, int | str) and str(raw_filter).isdigit() else 2
    with st.lock:
        found = [
            m
            for m in sorted(st.group_msgs.values(), key=lambda m: (m["create_time"], m["msgid"]))
            if m["chat_type"] == data["chat_type"]
            and start <= m["create_time"] <= end
            and filter_type in (m["create_type"], 2)
            and not creator  # messages made by the API have no creator
        ]
    page = found[offset : offset + limit]
    more = offset + limit < len(found)
    return {
        "next_cursor": str(offset + limit) if more else "",
        "group_msg_list": [
            {
                "msgid": m["msgid"],
                "create_time": str(m["create_time"]),
                "create_type": m["create_type"],
                "text": {"content": m["text"]},
                "attachments": m["attachments"],
            }
            for m in page
        ],
    }


@endpoint("externalcontact/get_groupmsg_task", "POST")
def get_groupmsg_task(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "msgid")
    limit, offset = _page_args(data, most=1000, default=500)
    with st.lock:
        msg = _message(st, data["msgid"])
        rows = [
            {"userid": u, "status": t["status"], **({"send_time": t["send_time"]} if t["send_time"] else {})}
            for u, t in sorted(msg["tasks"].items())
        ]
    more = offset + limit < len(rows)
    return {"next_cursor": str(offset + limit) if more else "", "task_list": rows[offset : offset + limit]}


@endpoint("externalcontact/get_groupmsg_send_result", "POST")
def get_groupmsg_send_result(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "msgid", "userid")
    limit, offset = _page_args(data, most=1000, default=500)
    with st.lock:
        task = _message(st, data["msgid"])["tasks"].get(str(data["userid"]))
        rows: list[dict[str, Any]] = []
        if task is not None:
            for ext, (status, at) in sorted(task["customers"].items()):
                row: dict[str, Any] = {"external_userid": ext, "userid": data["userid"], "status": status}
                if status == 1:
                    row["send_time"] = at
                rows.append(row)
            if task["status"] == 2:  # a group send lists only the groups it went to
                rows += [
                    {"chat_id": chat, "userid": data["userid"], "status": 1, "send_time": task["send_time"]}
                    for chat in task["chats"]
                ]
    more = offset + limit < len(rows)
    return {"next_cursor": str(offset + limit) if more else "", "send_list": rows[offset : offset + limit]}


@endpoint("externalcontact/remind_groupmsg_send", "POST")
def remind_groupmsg_send(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "msgid")
    now = time.time()
    with st.lock:
        msg = _message(st, data["msgid"])
        recent = [t for t in msg["reminds"] if now - t < 86400]
        if len(recent) >= REMINDS_PER_DAY:
            raise ApiError(REMIND_ERRCODE, "at most 3 reminders a message in 24 hours")
        msg["reminds"] = recent + [now]
    return {}


@endpoint("externalcontact/cancel_groupmsg_send", "POST")
def cancel_groupmsg_send(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "msgid")
    with st.lock:
        msg = _message(st, data["msgid"])
        msg["cancelled"] = True
    return {}


def received_this_month(st: WeComState, ext: str, now: float) -> int:
    """Mass messages the customer received in the calendar month of ``now``."""
    month = datetime.fromtimestamp(now, UTC).strftime("%Y-%m")
    times = st.mass_received.get(ext, [])
    return sum(1 for at in times if datetime.fromtimestamp(at, UTC).strftime("%Y-%m") == month)


def confirm(st: WeComState, msgid: str, userid: str, now: float | None = None) -> dict[str, int]:
    """The member taps send in 群发助手: each customer gets it (1), is no longer a contact (2) or has had
    this month's limit (3). A cancelled message, or one already sent, sends nothing more."""
    now = now or time.time()
    counts = {"sent": 0, "not_friend": 0, "limit": 0}
    with st.lock:
        msg = _message(st, msgid)
        task = msg["tasks"].get(userid)
        if task is None or msg["cancelled"] or task["status"] == 2:
            return counts
        days = calendar.monthrange(*map(int, datetime.fromtimestamp(now, UTC).strftime("%Y %m").split()))[1]
        for ext, result in task["customers"].items():
            if userid not in st.follows.get(ext, {}):
                result[0] = 2
                counts["not_friend"] += 1
            elif received_this_month(st, ext, now) >= days:
                result[0] = 3
                counts["limit"] += 1
            else:
                result[0], result[1] = 1, int(now)
                st.mass_received.setdefault(ext, []).append(now)
                st.chat_log.setdefault(f"{userid}|{ext}", []).append(
                    {"from": userid, "text": msg["text"], "attachments": msg["attachments"], "at": int(now)}
                )
                _archive_sent(st, userid, ext, msg)
                counts["sent"] += 1
        task["status"], task["send_time"] = 2, int(now)
    return counts


def _archive_sent(st: WeComState, userid: str, ext: str, msg: dict[str, Any]) -> None:
    """What reached the customer is in the chat archive too, a message per part (doc 91774)."""
    parts = ([{"msgtype": "text", "text": {"content": msg["text"]}}] if msg["text"] else []) + list(
        msg["attachments"]
    )
    for part in parts:
        archived, blob = finance.archived_message(part)
        finance.record(st, {"from": userid, "tolist": [ext], "roomid": "", **archived}, blob)


@groupmsg_bp.get("/groupmsg/pending")
def pending():
    """What waits in a member's 群发助手: the messages not yet sent and not cancelled."""
    userid = request.args.get("userid", "")
    st = _state()
    with st.lock:
        rows = [
            {
                "msgid": m["msgid"],
                "text": m["text"],
                "attachments": len(m["attachments"]),
                "customers": len(m["tasks"][userid]["customers"]),
                "create_time": m["create_time"],
            }
            for m in sorted(st.group_msgs.values(), key=lambda m: m["create_time"])
            if userid in m["tasks"] and m["tasks"][userid]["status"] != 2 and not m["cancelled"]
        ]
    return jsonify(rows)


@groupmsg_bp.post("/groupmsg/confirm")
def confirm_route():
    spec = request.get_json(silent=True) or request.form
    msgid, userid = spec.get("msgid", ""), spec.get("userid", "")
    st = _state()
    try:
        counts = confirm(st, msgid, userid)
    except ApiError:
        abort(404, "no such message")
    return jsonify(counts)


@groupmsg_bp.post("/share")
def share_route():
    """The member confirmed WeCom's mass-send screen opened by ``shareToExternalContact`` or
    ``shareToExternalChat`` (a personal mass message): each customer gets it unless this member already
    sent them one today ("同一个成员每日向一个客户最多可群发一条消息": @wecom/jssdk 2.4.4's note on
    shareToExternalChat; doc 96997)."""
    spec = request.get_json(silent=True) or {}
    userid = str(spec.get("userid") or "")
    st = _state()
    now = time.time()
    today = datetime.fromtimestamp(now, CHINA).date()
    text = (spec.get("text") or {}).get("content", "") if isinstance(spec.get("text"), dict) else ""
    counts = {"delivered": 0, "skipped": 0, "chats": 0}
    with st.lock:
        for ext in spec.get("externalUserIds") or []:
            if userid not in st.follows.get(ext, {}):
                continue
            key = f"{userid}|{ext}"
            if any(
                m.get("personal") and datetime.fromtimestamp(m["at"], CHINA).date() == today
                for m in st.chat_log.get(key, [])
            ):
                counts["skipped"] += 1
                continue
            st.chat_log.setdefault(key, []).append(
                {
                    "from": userid,
                    "text": text,
                    "attachments": spec.get("attachments") or [],
                    "at": int(now),
                    "personal": True,
                }
            )
            counts["delivered"] += 1
        counts["chats"] = len([c for c in spec.get("chatIds") or [] if c in st.group_chats])
    return jsonify(counts)


@groupmsg_bp.get("/chat-log")
def chat_log():
    """What a member's chat with a customer holds beyond the preview's own bubbles (mass messages)."""
    st = _state()
    key = f"{request.args.get('userid', '')}|{request.args.get('external_userid', '')}"
    with st.lock:
        return jsonify(list(st.chat_log.get(key, [])))
