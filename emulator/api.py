"""WeCom's server API under ``/cgi-bin/``, answering as WeCom does: JSON with errcode and errmsg,
HTTP 200 even for errors, real errcodes for bad tokens, expired tokens, rate limits and unknown ids."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, jsonify, request

from emulator.state import VISITOR, ApiError, WeComState

cgi_bp = Blueprint("cgi", __name__, url_prefix="/cgi-bin")

Handler = Callable[[WeComState], dict[str, Any]]
_routes: dict[str, tuple[str, Handler]] = {}


def state() -> WeComState:
    return current_app.extensions["wecom_state"]


def endpoint(path: str, method: str = "GET") -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _routes[path] = (method, fn)
        return fn

    return register


def body() -> dict[str, Any]:
    try:
        data = json.loads(request.get_data() or b"{}")
    except ValueError as exc:
        raise ApiError(47001, "data format error") from exc
    if not isinstance(data, dict):
        raise ApiError(47001, "data format error")
    return data


def require(data: dict[str, Any], *names: str) -> None:
    for name in names:
        if data.get(name) in (None, "", []):
            raise ApiError(41001 if name == "access_token" else 40058, f"missing {name}")


@cgi_bp.route("/<path:path>", methods=["GET", "POST"])
def dispatch(path: str):
    st = state()
    route = _routes.get(path)
    entry: dict[str, Any] = {
        "endpoint": path,
        "method": request.method,
        "args": {k: v for k, v in request.args.items() if k != "access_token"},
        "json": None,
        "at": time.time(),
    }
    if request.method == "POST" and request.mimetype != "multipart/form-data":
        try:
            entry["json"] = json.loads(request.get_data() or b"null")
        except ValueError:
            entry["json"] = None
    try:
        if route is None or route[0] != request.method:
            raise ApiError(60011 if route else 48001, f"api not found: {request.method} {path}")
        latency = st.config["latency"]
        if latency:
            time.sleep(latency)
        st.check_call(path, request.args.get("access_token"))
        _check_licence(st, path, entry)
        result = {"errcode": 0, "errmsg": "ok", **route[1](st)}
    except ApiError as exc:
        result = {"errcode": exc.errcode, "errmsg": exc.errmsg}
    entry["errcode"] = result["errcode"]
    st.log_call(entry)
    return jsonify(result)


def _named_members(entry: dict[str, Any]) -> set[str]:
    """The members a call acts for: ``userid`` in the query or body, ``userid_list``, ``owner_filter``."""
    data = entry["json"] if isinstance(entry["json"], dict) else {}
    named = {entry["args"].get("userid"), data.get("userid"), data.get("handover_userid")}
    named |= set(data.get("userid_list") or [])
    named |= set((data.get("owner_filter") or {}).get("userid_list") or [])
    return {n for n in named if isinstance(n, str) and n}


def _check_licence(st: WeComState, path: str, entry: dict[str, Any]) -> None:
    """Customer-contact calls acting for a member without a 互通 licence answer 701008 没有合法的有互通
    license的用户 (global error codes, doc 90313). Members are marked
    unlicensed with ``/_emulator/config {"unlicensed": [...]}``."""
    unlicensed = set(st.config["unlicensed"])
    if unlicensed and path.startswith("externalcontact/") and _named_members(entry) & unlicensed:
        raise ApiError(701008, "no valid user with interoperable license")


# -- credentials ---------------------------------------------------------------------------------


@endpoint("gettoken")
def gettoken(st: WeComState) -> dict[str, Any]:
    return st.issue_token(request.args.get("corpid", ""), request.args.get("corpsecret", ""))


@endpoint("get_jsapi_ticket")
def get_jsapi_ticket(st: WeComState) -> dict[str, Any]:
    return st.issue_ticket("corp")


@endpoint("ticket/get")
def ticket_get(st: WeComState) -> dict[str, Any]:
    if request.args.get("type") != "agent_config":
        raise ApiError(40004, "invalid type")
    return st.issue_ticket("agent")


@endpoint("auth/getuserinfo")
def auth_getuserinfo(st: WeComState) -> dict[str, Any]:
    who = st.redeem_code(request.args.get("code", ""))
    if who.startswith(VISITOR):
        # Someone outside the corp, signed in from WeChat: an openid, and their external_userid when
        # they are a customer of the corp.
        ext = who[len(VISITOR) :]
        answer = {"openid": st.openid(ext)}
        if ext in st.contacts:
            answer["external_userid"] = ext
        return answer
    return {"userid": who, "user_ticket": secrets.token_urlsafe(12), "expires_in": 1800}


# -- directory -----------------------------------------------------------------------------------


@endpoint("user/get")
def user_get(st: WeComState) -> dict[str, Any]:
    return dict(st.user(request.args.get("userid", "")))


@endpoint("user/list")
def user_list(st: WeComState) -> dict[str, Any]:
    """A department's members (doc 90201 "获取部门成员详情"); ``fetch_child=1`` adds its sub-departments'.
    A department outside the app's visible range answers 60011 (no privilege); a subtree of
    ``fetch_child_limit`` members or more answers 45029 回包大小超过上限 — doc 90313 advises pulling
    department by department without fetch_child. A member who left is listed with status 5."""
    try:
        department = int(request.args.get("department_id", ""))
    except ValueError as exc:
        raise ApiError(60123, "invalid department id") from exc
    with st.lock:
        if department not in {d["id"] for d in st.departments}:
            raise ApiError(60123, "invalid department id")
    if department not in st.visible_department_ids():
        raise ApiError(60011, "no privilege to access/modify contact/party/agent")
    fetch_child = request.args.get("fetch_child") == "1"
    wanted = st.subtree({department}) if fetch_child else {department}
    with st.lock:
        users = [dict(u) for u in st.users.values() if set(u["department"]) & wanted]
    if fetch_child and len(users) >= int(st.config["fetch_child_limit"]):
        raise ApiError(45029, "response size exceeds limit")
    return {"userlist": users}


@endpoint("agent/get")
def agent_get(st: WeComState) -> dict[str, Any]:
    """The app's details (doc 90227 "获取应用"): an agentid that is not this app's is 40056 (不合法的
    agentid, global error codes doc 90313)."""
    if request.args.get("agentid", "") != str(st.settings["WECOM_AGENT_ID"]):
        raise ApiError(40056, "invalid agentid")
    roots = st.config["visible_departments"]
    with st.lock:
        users = [{"userid": u} for u, user in st.users.items() if user.get("status", 1) == 1]
    if roots is not None:  # a range of departments: no members listed one by one
        users = []
    return {
        "agentid": int(st.settings["WECOM_AGENT_ID"]),
        "name": "Beside",
        "square_logo_url": "",
        "description": "",
        "allow_userinfos": {"user": users},
        "allow_partys": {"partyid": [1] if roots is None else [int(d) for d in roots]},
        "allow_tags": {"tagid": []},
        "close": 0,
        "redirect_domain": "",
        "report_location_flag": 0,
        "isreportenter": 0,
        "home_url": "",
    }


@endpoint("externalcontact/get_follow_user_list")
def get_follow_user_list(st: WeComState) -> dict[str, Any]:
    """Members who may use customer contact (doc 92571 "获取配置了客户联系功能的成员列表"); an app not
    listed under 客户联系 → 可调用接口的应用 is answered 48002 (injected with ``always_error``)."""
    with st.lock:
        return {"follow_user": sorted(u for u, user in st.users.items() if user.get("status", 1) == 1)}


@endpoint("department/list")
def department_list(st: WeComState) -> dict[str, Any]:
    """The departments of the app's visible range (doc 90208 "获取部门列表": only those the app may see)."""
    visible = st.visible_department_ids()
    with st.lock:
        return {"department": [dict(d) for d in st.departments if d["id"] in visible]}


# -- customer contact ----------------------------------------------------------------------------


@endpoint("externalcontact/list")
def externalcontact_list(st: WeComState) -> dict[str, Any]:
    userid = request.args.get("userid", "")
    st.user(userid)
    with st.lock:
        ids = [ext for ext, follows in st.follows.items() if userid in follows]
    return {"external_userid": ids}


FOLLOWERS_PAGE = 500  # doc 92114: "当客户在企业内的跟进人超过500人时需要使用cursor参数进行分页获取"


@endpoint("externalcontact/get")
def externalcontact_get(st: WeComState) -> dict[str, Any]:
    """A customer and their followers (doc 92114), 500 followers a page: past that, ``next_cursor``
    leads to the rest (the cursor is an offset here, opaque to callers)."""
    found = st.contact(request.args.get("external_userid", ""))
    cursor = request.args.get("cursor") or "0"
    if not cursor.isdigit():
        raise ApiError(40058, "invalid cursor")
    start = int(cursor)
    followers = found["follow_user"]
    page = followers[start : start + FOLLOWERS_PAGE]
    more = start + FOLLOWERS_PAGE < len(followers)
    answer = {**found, "follow_user": page}
    if more:
        answer["next_cursor"] = str(start + FOLLOWERS_PAGE)
    return answer


@endpoint("externalcontact/batch/get_by_user", "POST")
def batch_get_by_user(st: WeComState) -> dict[str, Any]:
    data = body()
    userids = data.get("userid_list") or []
    if not userids or len(userids) > 100:
        raise ApiError(40058, "userid_list must hold 1 to 100 members")
    limit = int(data.get("limit") or 50)
    if not 1 <= limit <= 100:
        raise ApiError(40058, "limit must be 1 to 100")
    offset = st.read_cursor("batch/get_by_user", data.get("cursor"))
    for userid in userids:
        st.user(userid)
    with st.lock:
        pairs = [(ext, uid) for ext in sorted(st.follows) for uid in userids if uid in st.follows[ext]]
        page = pairs[offset : offset + limit]
        entries = []
        for ext, uid in page:
            f = st.follows[ext][uid]
            info = {k: v for k, v in f.items() if k != "tags"}
            info["tag_id"] = sorted(f["tags"])
            entries.append({"external_contact": dict(st.contacts[ext]), "follow_info": info})
    more = offset + limit < len(pairs)
    next_cursor = st.make_cursor("batch/get_by_user", offset + limit) if more else ""
    return {"external_contact_list": entries, "next_cursor": next_cursor}


@endpoint("externalcontact/remark", "POST")
def externalcontact_remark(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "userid", "external_userid")
    follow = st.follow(data["userid"], data["external_userid"])
    if len(data.get("remark") or "") > 20:
        raise ApiError(40058, "remark exceeds 20 characters")
    if len(data.get("description") or "") > 150:
        raise ApiError(40058, "description exceeds 150 characters")
    with st.lock:
        for key in ("remark", "description", "remark_mobiles"):
            if key in data:
                follow[key] = data[key]
    return {}


OWNER_FILTER_MAX = 100  # doc 92120: owner_filter.userid_list "最多100个"
UNFILTERED_MAX_MEMBERS = 1000  # doc 92120: without owner_filter, past 1,000 visible members 81017


@endpoint("externalcontact/groupchat/list", "POST")
def groupchat_list(st: WeComState) -> dict[str, Any]:
    """Group chats, ``limit`` (1–1000) a page, an opaque cursor to the next (doc 92120). Without
    ``owner_filter`` the list spans every member of the app's visible range, refused with 81017 (请求个数
    超过限制) when that is over 1,000 people; the filter takes at most 100 owners."""
    data = body()
    limit = data.get("limit")
    if not isinstance(limit, int) or not 1 <= limit <= 1000:
        raise ApiError(40058, "limit must be 1 to 1000")
    owners = set(((data.get("owner_filter") or {}).get("userid_list")) or [])
    if len(owners) > OWNER_FILTER_MAX:
        raise ApiError(40058, "owner_filter.userid_list takes at most 100 members")
    with st.lock:
        if not owners and len(st.visible_userids()) > UNFILTERED_MAX_MEMBERS:
            raise ApiError(81017, "request count exceeds limit: use owner_filter")
        ids = [c for c, chat in st.group_chats.items() if not owners or chat["owner"] in owners]
    start = st.read_cursor("groupchat/list", data.get("cursor"))
    page = ids[start : start + limit]
    more = start + limit < len(ids)
    return {
        "group_chat_list": [{"chat_id": c, "status": 0} for c in page],
        "next_cursor": st.make_cursor("groupchat/list", start + limit) if more else "",
    }


@endpoint("externalcontact/groupchat/get", "POST")
def groupchat_get(st: WeComState) -> dict[str, Any]:
    """A group's details (doc 92122). A chat the owner dismissed answers 49008 群已经解散, one WeCom never
    had 40050 chatid不存在 (global error codes, doc 90313)."""
    data = body()
    require(data, "chat_id")
    with st.lock:
        chat = st.group_chats.get(data["chat_id"])
        if chat is None and data["chat_id"] in st.dismissed_chats:
            raise ApiError(49008, "group chat has been dismissed")
        if chat is None:
            raise ApiError(40050, "invalid group id")
        chat = dict(chat)
    if not data.get("need_name"):
        chat["member_list"] = [{k: v for k, v in m.items() if k != "name"} for m in chat["member_list"]]
    return {"group_chat": chat}


# -- transfers (在职继承 / 离职继承) ---------------------------------------------------------------


TRANSFER_WINDOW = 90 * 86400  # each customer may be moved between serving members twice in 90 days
TRANSFER_MOVES = 2
TRANSFER_MSG_MAX = 200  # characters of transfer_success_msg


def _transfer(st: WeComState, *, resigned: bool) -> dict[str, Any]:
    """Move customers between members (doc 92125, 94081). The follow moves at once here; ``transfer_result``
    says "waiting" until the ``transfer_delay`` config has passed, as WeCom waits up to 24 h. Per-customer
    refusals carry WeCom's errcodes: 40096 unknown customer, 40097 the member has not left (离职 only),
    40128 moved twice in 90 days (在职 only), 40129 already being moved, 40130 same member, 40131 not
    the member's customer."""
    data = body()
    require(data, "handover_userid", "takeover_userid", "external_userid")
    ids = data["external_userid"]
    if not isinstance(ids, list) or len(ids) > 100:
        raise ApiError(40058, "external_userid must be a list of at most 100")
    message = data.get("transfer_success_msg") or ""
    if not isinstance(message, str) or len(message) > TRANSFER_MSG_MAX:
        raise ApiError(40058, "transfer_success_msg exceeds 200 characters")
    handover, takeover = data["handover_userid"], st.user(data["takeover_userid"])["userid"]
    now = time.time()
    results = []
    with st.lock:
        if handover not in st.users:
            raise ApiError(60111, "userid not found")
        if st.users[takeover].get("status") != 1:
            raise ApiError(60111, "takeover_userid is not an active member")
        for ext in ids:
            follows = st.follows.get(ext, {})
            moves = [t for t in st.moves.get(ext, []) if now - t < TRANSFER_WINDOW]
            code = (
                40096
                if ext not in st.contacts
                else 40130
                if handover == takeover
                else 40131
                if handover not in follows
                else 40097
                if resigned and st.users[handover].get("status") == 1
                else 40128
                if not resigned and len(moves) >= TRANSFER_MOVES
                else 0
            )
            if code:
                results.append({"external_userid": ext, "errcode": code})
                continue
            # The takeover's follow_user is a new relation: add_way 202 (管理员/负责人分配, doc 92114
            # "获取客户详情"), created now, oper_userid the takeover (the remark is carried over here).
            moved = dict(
                follows.pop(handover),
                userid=takeover,
                tags=set(follows.get(takeover, {}).get("tags", set())),
                add_way=202,
                createtime=int(now),
                oper_userid=takeover,
            )
            follows[takeover] = moved
            st.transfers[(handover, takeover, ext)] = {
                "external_userid": ext,
                "status": 1,
                "takeover_time": int(now),
                "requested_at": now,
            }
            if not resigned:
                st.moves[ext] = [*moves, now]
                st.welcomes.append(
                    {
                        "welcome": False,
                        "transfer": True,
                        "userid": handover,
                        "external_userid": ext,
                        "text": {"content": message or DEFAULT_TRANSFER_MSG},
                        "attachments": [],
                    }
                )
            results.append({"external_userid": ext, "errcode": 0})
    return {"customer": results}


DEFAULT_TRANSFER_MSG = "您好，您的服务已升级，后续将由我的同事接替我的工作，继续为您服务。"


@endpoint("externalcontact/get_unassigned_list", "POST")
def get_unassigned_list(st: WeComState) -> dict[str, Any]:
    """Customers still held by members who left (离职), a page at a time (cursor = offset here)."""
    data = body()
    size = int(data.get("page_size") or 1000)
    if not 1 <= size <= 1000:
        raise ApiError(40058, "page_size must be 1 to 1000")
    try:
        offset = int(data.get("cursor") or 0)
    except ValueError as exc:
        raise ApiError(40058, "invalid cursor") from exc
    with st.lock:
        gone = {u for u, user in st.users.items() if user.get("status") != 1}
        held = [
            {
                "handover_userid": u,
                "external_userid": ext,
                "dimission_time": int(st.users[u].get("dimission_time", 0)),
            }
            for ext in sorted(st.follows)
            for u in sorted(st.follows[ext])
            if u in gone
        ]
    page = held[offset : offset + size]
    more = offset + size < len(held)
    return {"info": page, "is_last": not more, "next_cursor": str(offset + size) if more else ""}


@endpoint("externalcontact/transfer_customer", "POST")
def transfer_customer(st: WeComState) -> dict[str, Any]:
    return _transfer(st, resigned=False)


@endpoint("externalcontact/resigned/transfer_customer", "POST")
def resigned_transfer_customer(st: WeComState) -> dict[str, Any]:
    return _transfer(st, resigned=True)


def _transfer_result(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "handover_userid", "takeover_userid")
    delay = float(st.config.get("transfer_delay") or 0)
    now = time.time()
    with st.lock:
        found = []
        for (h, t, _), v in st.transfers.items():
            if h != data["handover_userid"] or t != data["takeover_userid"]:
                continue
            # WeCom takes its time (up to 24 h): "waiting" (2) until the delay has passed, then done (1).
            waiting = now - v.get("requested_at", 0) < delay
            found.append(
                {
                    "external_userid": v["external_userid"],
                    "status": 2 if waiting else v["status"],
                    "takeover_time": 0 if waiting else v["takeover_time"],
                }
            )
    return {"customer": found, "next_cursor": ""}


@endpoint("externalcontact/transfer_result", "POST")
def transfer_result(st: WeComState) -> dict[str, Any]:
    return _transfer_result(st)


@endpoint("externalcontact/resigned/transfer_result", "POST")
def resigned_transfer_result(st: WeComState) -> dict[str, Any]:
    return _transfer_result(st)


# -- corp tags -----------------------------------------------------------------------------------

# A tag or group name is at most 30 characters — characters, not bytes ("管理企业标签": "最长为30个字符").
TAG_NAME_CHARS = 30


@endpoint("externalcontact/get_corp_tag_list", "POST")
def get_corp_tag_list(st: WeComState) -> dict[str, Any]:
    data = body()
    tag_ids, group_ids = set(data.get("tag_id") or []), set(data.get("group_id") or [])
    with st.lock:
        groups = []
        for g in st.tag_groups:
            tags = [dict(t) for t in g["tag"] if not tag_ids or t["id"] in tag_ids]
            if group_ids and g["group_id"] not in group_ids:
                continue
            if tag_ids and not tags:
                continue
            groups.append({**{k: v for k, v in g.items() if k != "tag"}, "tag": tags})
    return {"tag_group": groups}


@endpoint("externalcontact/add_corp_tag", "POST")
def add_corp_tag(st: WeComState) -> dict[str, Any]:
    data = body()
    tags = data.get("tag") or []
    if not tags:
        raise ApiError(40058, "tag is required")
    for t in tags:
        if not t.get("name") or len(t["name"]) > TAG_NAME_CHARS:
            raise ApiError(40071, "tag name must be 1 to 30 characters")
    now = int(time.time())
    with st.lock:
        group = next((g for g in st.tag_groups if g["group_id"] == data.get("group_id")), None)
        if group is None and data.get("group_id"):
            raise ApiError(40068, "invalid group id")
        if group is None:
            if not data.get("group_name"):
                raise ApiError(40058, "group_id or group_name is required")
            group = next((g for g in st.tag_groups if g["group_name"] == data["group_name"]), None)
        if group is None:
            group = {
                "group_id": "etgroup" + secrets.token_hex(11),
                "group_name": data["group_name"],
                "create_time": now,
                "order": int(data.get("order") or 0),
                "tag": [],
            }
            st.tag_groups.append(group)
        names = {t["name"] for t in group["tag"]}
        added = []
        for t in tags:
            if t["name"] in names:
                raise ApiError(40071, "tag name exists in this group")
            tag = {
                "id": "ettag" + secrets.token_hex(11),
                "name": t["name"],
                "create_time": now,
                "order": int(t.get("order") or 0),
            }
            group["tag"].append(tag)
            added.append(dict(tag))
        return {"tag_group": {**{k: v for k, v in group.items() if k != "tag"}, "tag": added}}


@endpoint("externalcontact/edit_corp_tag", "POST")
def edit_corp_tag(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "id")
    with st.lock:
        for g in st.tag_groups:
            if g["group_id"] == data["id"]:
                g["group_name"] = data.get("name") or g["group_name"]
                g["order"] = int(data.get("order", g["order"]))
                return {}
            for t in g["tag"]:
                if t["id"] == data["id"]:
                    if data.get("name") and len(data["name"]) > TAG_NAME_CHARS:
                        raise ApiError(40071, "tag name must be 1 to 30 characters")
                    t["name"] = data.get("name") or t["name"]
                    t["order"] = int(data.get("order", t["order"]))
                    return {}
    raise ApiError(40068, "invalid tagid")


@endpoint("externalcontact/del_corp_tag", "POST")
def del_corp_tag(st: WeComState) -> dict[str, Any]:
    data = body()
    if not all(isinstance(data.get(k) or [], list) for k in ("tag_id", "group_id")):
        raise ApiError(40058, "tag_id and group_id must be lists")
    tag_ids, group_ids = set(data.get("tag_id") or []), set(data.get("group_id") or [])
    if not tag_ids and not group_ids:
        raise ApiError(40058, "tag_id or group_id is required")
    with st.lock:
        known = set(st.tag_index()) | {g["group_id"] for g in st.tag_groups}
        if (tag_ids | group_ids) - known:
            raise ApiError(40068, "invalid tagid")
        st.tag_groups = [g for g in st.tag_groups if g["group_id"] not in group_ids]
        for g in st.tag_groups:
            g["tag"] = [t for t in g["tag"] if t["id"] not in tag_ids]
        # WeCom removes a group whose last tag goes.
        st.tag_groups = [g for g in st.tag_groups if g["tag"]]
        for follows in st.follows.values():
            for f in follows.values():
                f["tags"] -= tag_ids
    return {}


@endpoint("externalcontact/mark_tag", "POST")
def mark_tag(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "userid", "external_userid")
    add, remove = set(data.get("add_tag") or []), set(data.get("remove_tag") or [])
    if not add and not remove:
        raise ApiError(40058, "add_tag or remove_tag is required")
    follow = st.follow(data["userid"], data["external_userid"])
    with st.lock:
        if (add | remove) - set(st.tag_index()):
            raise ApiError(40068, "invalid tagid")
        follow["tags"] |= add
        follow["tags"] -= remove
    return {}


# -- media and messages --------------------------------------------------------------------------

MEDIA_LIMITS = {"image": 10 * 2**20, "video": 10 * 2**20, "file": 20 * 2**20, "voice": 2 * 2**20}


@endpoint("media/upload", "POST")
def media_upload(st: WeComState) -> dict[str, Any]:
    kind = request.args.get("type", "")
    if kind not in MEDIA_LIMITS:
        raise ApiError(40004, "invalid media type")
    upload = request.files.get("media")
    if upload is None:
        raise ApiError(41005, "media data missing")
    content = upload.read()
    if not content:
        raise ApiError(40005, "invalid file type")
    if len(content) > MEDIA_LIMITS[kind]:
        raise ApiError(40006, "invalid file size")
    media_id = "3" + secrets.token_urlsafe(30)
    created = int(time.time())
    with st.lock:
        st.media[media_id] = {
            "type": kind,
            "size": len(content),
            "filename": upload.filename,
            "created_at": created,
        }
    return {"type": kind, "media_id": media_id, "created_at": str(created)}


def _clip(text: Any, limit: int) -> str:
    return str(text or "").encode()[:limit].decode(errors="ignore")


# What WeCom does with an app message body (doc 90236 "发送应用消息"): the type's required fields are
# checked; text over its bytes is cut, not refused ("超过将截断" / "超过会自动截断"): content 2,048 bytes,
# textcard and news titles 128 bytes, descriptions 512 bytes, btntxt 4 characters.
def _check_message(data: dict[str, Any]) -> None:
    kind = data["msgtype"]
    part = data.get(kind)
    if not isinstance(part, dict):
        raise ApiError(40008, "invalid message type")
    if kind == "text":
        if not part.get("content"):
            raise ApiError(44004, "empty content")
        part["content"] = _clip(part["content"], 2048)
    elif kind == "textcard":
        for field in ("title", "description", "url"):
            if not part.get(field):
                raise ApiError(40058, f"textcard.{field} missing")
        if len(str(part["url"]).encode()) > 2048:
            raise ApiError(40058, "textcard.url over 2048 bytes")
        part["title"], part["description"] = _clip(part["title"], 128), _clip(part["description"], 512)
        if part.get("btntxt"):
            part["btntxt"] = str(part["btntxt"])[:4]
    elif kind == "news":
        articles = part.get("articles")
        if not isinstance(articles, list) or not 1 <= len(articles) <= 8:
            raise ApiError(40058, "news takes 1 to 8 articles")
        for article in articles:
            if not article.get("title"):
                raise ApiError(40058, "news.articles.title missing")
            if not article.get("url") and not article.get("appid"):
                raise ApiError(40058, "news.articles needs a url or a mini program")
            article["title"] = _clip(article["title"], 128)
            article["description"] = _clip(article.get("description"), 512)
    elif kind not in ("image", "file", "markdown", "miniprogram_notice"):
        raise ApiError(40008, "invalid message type")


@endpoint("message/send", "POST")
def message_send(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "msgtype", "agentid")
    if str(data["agentid"]) != str(st.settings["WECOM_AGENT_ID"]):
        raise ApiError(40056, "invalid agentid")
    _check_message(data)
    recipients = [u for u in (data.get("touser") or "").split("|") if u]
    with st.lock:
        invalid = [u for u in recipients if u != "@all" and u not in st.users]
        st.messages.append(data)
    return {"invaliduser": "|".join(invalid), "msgid": secrets.token_hex(16)}
