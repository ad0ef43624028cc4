"""获客助手: acquisition links that open a chat with a member without a QR code — created, read, listed
and deleted (doc 97297 获客链接管理), the corp's quota (doc 97400 查询剩余使用量), and a customer opening one:
they add one of its members, the add event carrying the link's ``customer_channel`` as ``State``
(doc 101359: "通过点击带有customer_channel参数的链接获取到的客户 … 返回的state参数即为链接后拼接自定义
字符串", at most 64 bytes), one of the quota used; under 20 left WeCom sends ``customer_acquisition``
/ ``balance_low``, at none ``balance_exhausted`` (doc 97299), and the link adds nobody."""

from __future__ import annotations

import secrets
import time
from typing import Any

from flask import Blueprint, abort, jsonify, request

from emulator import callbacks
from emulator.api import body, endpoint, require, state
from emulator.state import ApiError, WeComState

ca_bp = Blueprint("acquisition_links", __name__, url_prefix="/_emulator/ca")
MAX_NAME = 30  # link_name
MAX_MEMBERS = 500  # range: "覆盖总人数不超过 500"
LOW = 20  # doc 97299: "当获客助手的使用量低于20次时，将回调此事件"


def _range(st: WeComState, data: dict[str, Any]) -> list[str]:
    users = [str(u) for u in (data.get("range") or {}).get("user_list") or []]
    if not users:
        raise ApiError(40058, "range.user_list is required")
    if len(users) > MAX_MEMBERS:
        raise ApiError(40058, f"at most {MAX_MEMBERS} members")
    for userid in users:
        if st.user(userid).get("status") != 1:
            raise ApiError(60111, f"userid {userid} is not an active member")
    return users


def _link(st: WeComState, link_id: str) -> dict[str, Any]:
    with st.lock:
        link = st.acquisition_links.get(link_id)
    if link is None:
        raise ApiError(40058, "invalid link_id")
    return link


@endpoint("externalcontact/customer_acquisition/create_link", "POST")
def create_link(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "link_name")
    name = str(data["link_name"])
    if len(name) > MAX_NAME:
        raise ApiError(40058, f"link_name exceeds {MAX_NAME} characters")
    users = _range(st, data)
    link_id = "ca" + secrets.token_hex(8)
    link = {"link_id": link_id, "link_name": name, "skip_verify": bool(data.get("skip_verify", True)),
            "url": f"{request.host_url.rstrip('/')}/_emulator/ca/{link_id}", "create_time": int(time.time()),
            "user_list": users, "opened": 0}  # fmt: skip
    with st.lock:
        st.acquisition_links[link_id] = link
    return {"link": {k: link[k] for k in ("link_id", "link_name", "url", "create_time")}}


@endpoint("externalcontact/customer_acquisition/get", "POST")
def get_link(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "link_id")
    link = _link(st, str(data["link_id"]))
    return {"link": {k: link[k] for k in ("link_name", "url", "create_time", "skip_verify")},
            "range": {"user_list": link["user_list"], "department_list": []}}  # fmt: skip


@endpoint("externalcontact/customer_acquisition/list_link", "POST")
def list_links(st: WeComState) -> dict[str, Any]:
    with st.lock:
        ids = list(st.acquisition_links)
    return {"link_id_list": ids[:100], "next_cursor": ""}


@endpoint("externalcontact/customer_acquisition/delete_link", "POST")
def delete_link(st: WeComState) -> dict[str, Any]:
    data = body()
    require(data, "link_id")
    _link(st, str(data["link_id"]))
    with st.lock:
        del st.acquisition_links[str(data["link_id"])]
    return {}


@endpoint("externalcontact/customer_acquisition_quota", "GET")
def quota(st: WeComState) -> dict[str, Any]:
    total = int(st.config["acquisition_quota"])
    balance = max(0, total - st.acquisition_used)
    expire = int(time.time()) // 86400 * 86400 + 90 * 86400
    return {"total": st.acquisition_used, "balance": balance,
            "quota_list": [{"expire_date": expire, "balance": balance}] if balance else []}  # fmt: skip


def _event(st: WeComState, change_type: str, fields: dict[str, Any], event: str) -> dict[str, Any]:
    xml = callbacks.event_xml(st.settings["WECOM_CORP_ID"], event, change_type, fields, None)
    return callbacks.deliver(st.settings, xml, st.settings["CALLBACK_URL"], timeout=callbacks.TIMEOUT,
                             retry_delay=0.5)  # fmt: skip


@ca_bp.get("/")
def links_made():
    """The links made, the newest first (the preview's 扫一扫 lists them)."""
    with state().lock:
        made = list(state().acquisition_links.values())
    return jsonify([{k: link[k] for k in ("link_id", "link_name", "user_list")} for link in reversed(made)])


@ca_bp.get("/<link_id>")
def opened_page(link_id: str):
    """What a customer sees opening the link outside WeChat here: where to tap (the preview opens it)."""
    with state().lock:
        if link_id not in state().acquisition_links:
            abort(404)
    return jsonify(link_id=link_id, note="POST /_emulator/ca/<link_id>/open adds a customer through it")


@ca_bp.post("/<link_id>/open")
def open_link(link_id: str):
    """A WeChat user opens the link (``customer_channel`` as the link's query would carry it) and adds
    one of its members, in turn; the add event is delivered with the channel as ``State``."""
    st = state()
    spec = request.get_json(silent=True) or {}
    channel = str(spec.get("customer_channel") or "").encode()[:64].decode(errors="ignore")
    with st.lock:
        link = st.acquisition_links.get(link_id)
        if link is None:
            abort(404, "no such link")
        if st.acquisition_used >= int(st.config["acquisition_quota"]):
            abort(409, "quota exhausted: the link adds nobody (doc 97299 balance_exhausted)")
        st.acquisition_used += 1
        left = int(st.config["acquisition_quota"]) - st.acquisition_used
        userid = link["user_list"][link["opened"] % len(link["user_list"])]
        link["opened"] += 1
    ext = "wm" + secrets.token_hex(15)
    name = str(spec.get("name") or "获客链接客户")
    st.add_contact(userid, {"external_userid": ext, "name": name, "type": 1, "gender": 0}, state=channel)
    fields = {"UserID": userid, "ExternalUserID": ext, "State": channel, "WelcomeCode": secrets.token_hex(16)}
    added = _event(st, "add_external_contact", fields, "change_external_contact")
    if left in (LOW - 1, 0):
        _event(st, "balance_low" if left else "balance_exhausted", {}, "customer_acquisition")
    return jsonify(external_userid=ext, userid=userid, state=channel, left=left, **added)
