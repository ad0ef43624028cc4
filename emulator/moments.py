"""客户朋友圈 as WeCom has it: head office creates a posting task, each member posts it from their client.

``media/upload_attachment`` (``media_type`` image or video, ``attachment_type`` 1 for moments) answers a
``media_id`` for a moment's attachment. ``externalcontact/add_moment_task`` (doc 95094) is asynchronous: it
answers a ``jobid``; ``get_moment_task_result`` (doc 95095, a GET) answers ``status`` 1 started, 2 running,
3 done and then ``result.moment_id`` with the senders and tags it could not use. The text is at most 2,000
characters; attachments are up to 9 images, or 1 video, or 1 link (title, url, cover ``media_id``), never
mixed; text and attachments are not both empty. ``visible_range.sender_list.user_list`` names who should
post (none: everyone in the app's visible range) and ``external_contact_list.tag_list`` who sees it.

``get_moment_task`` (per member ``publish_status`` 0 / 1; ``limit`` ≤ 1,000, default 500),
``get_moment_list`` (a window of at most 30 days, ``limit`` ≤ 100), ``get_moment_comments`` (a member's
post: ``comment_list`` and ``like_list``, each entry a customer's ``external_userid`` or a member's
``userid`` with ``create_time``) and ``cancel_moment_task`` (stops members who have not posted).

``POST /_emulator/moments/post`` stands for a member posting the task from their client (or, without a
``moment_id``, posting their own through ``shareToExternalMoments``); ``POST /_emulator/moments/interact``
for a customer liking or commenting on it.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, request

from emulator.api import body, endpoint, require
from emulator.contact_ways import check_attachment
from emulator.state import ApiError, WeComState

moments_bp = Blueprint("moments", __name__, url_prefix="/_emulator")

MAX_TEXT = 2000
MAX_IMAGES = 9
LIST_WINDOW = 30 * 86400


def _state() -> WeComState:
    return current_app.extensions["wecom_state"]


def _page(data: dict[str, Any], *, most: int, default: int) -> tuple[int, int]:
    try:
        limit = int(data.get("limit") or default)
        offset = int(data.get("cursor") or 0)
    except (TypeError, ValueError) as exc:
        raise ApiError(40058, "invalid limit or cursor") from exc
    return (limit if 1 <= limit <= most else default), max(0, offset)


@endpoint("media/upload_attachment", "POST")
def upload_attachment(st: WeComState) -> dict[str, Any]:
    media_type = request.args.get("media_type", "")
    if media_type not in ("image", "video") or request.args.get("attachment_type") != "1":
        raise ApiError(40058, "media_type must be image or video, attachment_type 1 (moments)")
    upload = request.files.get("media")
    if upload is None:
        raise ApiError(41005, "media data missing")
    media_id = "moment-" + secrets.token_hex(12)
    with st.lock:
        st.media[media_id] = {"type": media_type, "name": upload.filename or "", "moment": True}
    return {"type": media_type, "media_id": media_id, "created_at": str(int(time.time()))}


def _check_content(st: WeComState, data: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    text = (data.get("text") or {}).get("content", "") if isinstance(data.get("text"), dict) else ""
    attachments = data.get("attachments") or []
    if not text and not attachments:
        raise ApiError(41089, "text and attachments cannot both be empty")
    if len(text) > MAX_TEXT:
        raise ApiError(40058, f"text.content exceeds {MAX_TEXT} characters")
    if not isinstance(attachments, list):
        raise ApiError(40058, "attachments must be a list")
    kinds = {a.get("msgtype") if isinstance(a, dict) else None for a in attachments}
    if len(kinds) > 1:
        raise ApiError(40058, "attachments of one kind only: images, a video or a link")
    kind = next(iter(kinds), None)
    if kind not in (None, "image", "video", "link"):
        raise ApiError(40058, f"invalid attachment msgtype {kind!r}")
    if (kind == "image" and len(attachments) > MAX_IMAGES) or (
        kind in ("video", "link") and len(attachments) > 1
    ):
        raise ApiError(40058, "at most 9 images, 1 video or 1 link")
    for item in attachments:
        part = item.get(kind) or {}
        if kind == "link":
            check_attachment("link", {"title": part.get("title"), "url": part.get("url")})
        media_id = part.get("media_id")
        if not media_id or not st.media.get(media_id, {}).get("moment"):
            raise ApiError(40007, "invalid media_id: moments take media from upload_attachment")
    return text, attachments


@endpoint("externalcontact/add_moment_task", "POST")
def add_moment_task(st: WeComState) -> dict[str, Any]:
    data = body()
    with st.lock:
        text, attachments = _check_content(st, data)
        wanted = (data.get("visible_range") or {}).get("sender_list", {}).get("user_list") or []
        tags = (data.get("visible_range") or {}).get("external_contact_list", {}).get("tag_list") or []
        active = {u for u, user in st.users.items() if user.get("status") == 1}
        senders = [u for u in wanted if u in active] if wanted else sorted(active)
        known_tags = {t["id"] for g in st.tag_groups for t in g["tag"]}
        jobid = "job" + secrets.token_hex(12)
        moment_id = "mom" + secrets.token_hex(12)
        st.moments[moment_id] = {
            "moment_id": moment_id,
            "create_time": int(time.time()),
            "create_type": 0,
            "creator": "",
            "text": text,
            "attachments": attachments,
            "tags": [t for t in tags if t in known_tags],
            "tasks": {u: {"publish_status": 0, "publish_time": None} for u in senders},
            "cancelled": False,
            "interactions": [],
        }
        st.moment_jobs[jobid] = {
            "moment_id": moment_id,
            "ready_at": time.time() + st.config["moment_job_delay"],
            "invalid_users": [u for u in wanted if u not in active],
            "invalid_tags": [t for t in tags if t not in known_tags],
        }
    return {"jobid": jobid}


@endpoint("externalcontact/get_moment_task_result", "GET")
def get_moment_task_result(st: WeComState) -> dict[str, Any]:
    jobid = request.args.get("jobid", "")
    with st.lock:
        job = st.moment_jobs.get(jobid)
        if job is None:
            raise ApiError(40058, "invalid jobid")
        if time.time() < job["ready_at"]:
            return {"status": 2, "type": "add_moment_task"}
        return {
            "status": 3,
            "type": "add_moment_task",
            "result": {
                "errcode": 0,
                "errmsg": "ok",
                "moment_id": job["moment_id"],
                "invalid_sender_list": {"user_list": job["invalid_users"], "department_list": []},
                "invalid_external_contact_list": {"tag_list": job["invalid_tags"]},
            },
        }


def _moment(st: WeComState, moment_id: Any) -> dict[str, Any]:
    found = st.moments.get(str(moment_id or ""))
    if found is None:
        raise ApiError(40058, "invalid moment_id")
    return found


@endpoint("externalcontact/get_moment_task", "POST")
def get_moment_task(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "moment_id")
    limit, offset = _page(data, most=1000, default=500)
    with st.lock:
        rows = [
            {"userid": u, "publish_status": t["publish_status"]}
            for u, t in sorted(_moment(st, data["moment_id"])["tasks"].items())
        ]
    more = offset + limit < len(rows)
    return {"next_cursor": str(offset + limit) if more else "", "task_list": rows[offset : offset + limit]}


@endpoint("externalcontact/get_moment_list", "POST")
def get_moment_list(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "start_time", "end_time")
    try:
        start, end = int(data["start_time"]), int(data["end_time"])
    except (TypeError, ValueError) as exc:
        raise ApiError(40058, "invalid start_time or end_time") from exc
    if end < start or end - start > LIST_WINDOW:
        raise ApiError(40058, "the time range is at most 30 days")
    limit, offset = _page(data, most=100, default=50)
    with st.lock:
        found = [
            m
            for m in sorted(st.moments.values(), key=lambda m: (m["create_time"], m["moment_id"]))
            if start <= m["create_time"] <= end
            and (not data.get("creator") or m["creator"] == data["creator"])
        ]
    more = offset + limit < len(found)
    return {
        "next_cursor": str(offset + limit) if more else "",
        "moment_list": [
            {
                "moment_id": m["moment_id"],
                "creator": m["creator"],
                "create_time": m["create_time"],
                "create_type": m["create_type"],
                "visible_type": 0 if m["tags"] else 1,
                "text": {"content": m["text"]},
            }
            for m in found[offset : offset + limit]
        ],
    }


@endpoint("externalcontact/get_moment_comments", "POST")
def get_moment_comments(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "moment_id", "userid")
    with st.lock:
        moment = _moment(st, data["moment_id"])
        mine = [i for i in moment["interactions"] if i["poster"] == data["userid"]]
    return {
        "comment_list": [
            {"external_userid": i["external_userid"], "create_time": i["at"]}
            for i in mine
            if i["kind"] == "comment"
        ],
        "like_list": [
            {"external_userid": i["external_userid"], "create_time": i["at"]}
            for i in mine
            if i["kind"] == "like"
        ],
    }


@endpoint("externalcontact/get_moment_send_result", "POST")
def get_moment_send_result(st: WeComState) -> dict[str, Any]:
    """The customers who can see a member's post: their contacts, narrowed to the task's tags if it named
    any; ``limit`` ≤ 5,000 (default 500)."""
    data = body()
    require(data, "moment_id", "userid")
    limit, offset = _page(data, most=5000, default=500)
    with st.lock:
        moment = _moment(st, data["moment_id"])
        userid = str(data["userid"])
        if moment["tasks"].get(userid, {}).get("publish_status") != 1:
            rows: list[dict[str, str]] = []
        else:
            rows = [
                {"external_userid": ext}
                for ext, follows in sorted(st.follows.items())
                if userid in follows
                and (not moment["tags"] or set(moment["tags"]) & set(follows[userid]["tags"]))
            ]
    more = offset + limit < len(rows)
    return {
        "next_cursor": str(offset + limit) if more else "",
        "customer_list": rows[offset : offset + limit],
    }


@endpoint("externalcontact/cancel_moment_task", "POST")
def cancel_moment_task(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "moment_id")
    with st.lock:
        _moment(st, data["moment_id"])["cancelled"] = True
    return {}


@moments_bp.post("/moments/post")
def post_moment():
    """A member posts: a task of head office's (``moment_id``), or their own (``text``/``attachments``, as
    ``shareToExternalMoments`` does; WeCom lists it as 个人发表, ``create_type`` 1)."""
    spec = request.get_json(silent=True) or {}
    userid = str(spec.get("userid") or "")
    st = _state()
    now = int(time.time())
    with st.lock:
        if userid not in st.users:
            abort(404, "no such member")
        if spec.get("moment_id"):
            moment = st.moments.get(str(spec["moment_id"]))
            if moment is None or userid not in moment["tasks"]:
                abort(404, "no such task for this member")
            if moment["cancelled"]:
                abort(409, "the task was stopped")
            moment["tasks"][userid] = {"publish_status": 1, "publish_time": now}
            return jsonify(moment_id=moment["moment_id"])
        moment_id = "mom" + secrets.token_hex(12)
        st.moments[moment_id] = {
            "moment_id": moment_id,
            "create_time": now,
            "create_type": 1,
            "creator": userid,
            "text": (spec.get("text") or {}).get("content", "") if isinstance(spec.get("text"), dict) else "",
            "attachments": spec.get("attachments") or [],
            "tags": [],
            "tasks": {userid: {"publish_status": 1, "publish_time": now}},
            "cancelled": False,
            "interactions": [],
        }
        return jsonify(moment_id=moment_id)


@moments_bp.post("/moments/interact")
def interact():
    """A customer likes or comments on a member's post (one who can see it: the member's contact)."""
    spec = request.get_json(silent=True) or {}
    st = _state()
    with st.lock:
        moment = st.moments.get(str(spec.get("moment_id") or ""))
        poster, ext, kind = (
            str(spec.get("userid") or ""),
            str(spec.get("external_userid") or ""),
            spec.get("kind"),
        )
        if moment is None or moment["tasks"].get(poster, {}).get("publish_status") != 1:
            abort(404, "no such post")
        if poster not in st.follows.get(ext, {}) or kind not in ("like", "comment"):
            abort(400, "a contact of the member likes or comments")
        moment["interactions"].append(
            {"poster": poster, "external_userid": ext, "kind": kind, "at": int(time.time())}
        )
    return jsonify(ok=True)


@moments_bp.get("/moments/posted")
def posted():
    """A member's posts (tasks they posted and their own), newest first: what the preview lets the open
    chat's customer like or comment on."""
    userid = request.args.get("userid", "")
    st = _state()
    with st.lock:
        rows = [
            {"moment_id": m["moment_id"], "text": m["text"], "own": m["create_type"] == 1}
            for m in sorted(st.moments.values(), key=lambda m: -m["create_time"])
            if m["tasks"].get(userid, {}).get("publish_status") == 1
        ]
    return jsonify(rows[:20])


@moments_bp.get("/moments/pending")
def pending():
    """Posting tasks waiting in a member's client (not posted, not stopped)."""
    userid = request.args.get("userid", "")
    st = _state()
    with st.lock:
        rows = [
            {"moment_id": m["moment_id"], "text": m["text"], "attachments": len(m["attachments"])}
            for m in sorted(st.moments.values(), key=lambda m: m["create_time"])
            if m["create_type"] == 0
            and not m["cancelled"]
            and m["tasks"].get(userid, {}).get("publish_status") == 0
        ]
    return jsonify(rows)
