"""Console pages for 会话内容存档: where the pull stands (and what stops it, in words), who has an archive
licence, and the conversations themselves — a member's, a customer's with every member, group chats,
search — in the viewer's scope only (``archive.read``). Every read of a conversation is audited."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, render_template, request
from sqlalchemy import select

from sidebar.archive import read
from sidebar.archive import source as archive_source
from sidebar.archive.media import mime_of
from sidebar.archive.pull import cursor
from sidebar.core import audit
from sidebar.core.files import FileMissing, download
from sidebar.extensions import db
from sidebar.models import ArchiveMessage, Customer, GroupChat, Staff, StaffStatus
from sidebar.web.admin import admin_bp, client_ip, viewer
from sidebar.web.console_auth import console_required, is_admin
from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import gateway


def _licensed() -> tuple[set[str] | None, str | None]:
    """Members with an archive licence (msgaudit/get_permit_user_list, doc 91614), or why not known."""
    try:
        answer = gateway().archive_client.post("msgaudit/get_permit_user_list", data={})
    except WeComError as exc:
        return None, exc.in_words()
    return set(answer.get("ids") or []), None


@admin_bp.get("/archive")
@console_required
def archive_page():
    """The archive: its state (admins), the members whose conversations the viewer may read, group chats
    and search."""
    v = viewer()
    enabled = archive_source.enabled(current_app.config)
    members = read.scope_userids(v)
    staff_query = select(Staff).where(Staff.status == StaffStatus.ACTIVE.value).order_by(Staff.name)
    if members is not None:
        staff_query = staff_query.where(Staff.userid.in_(members))
    staff = list(db.session.scalars(staff_query))
    unlicensed: list[Staff] = []
    licence_error = None
    if enabled and is_admin(v):
        licensed, licence_error = _licensed()
        if licensed is not None:
            unlicensed = [s for s in staff if s.userid not in licensed]
    return render_template(
        "admin/archive.html",
        enabled=enabled,
        at=cursor() if enabled else None,
        source=current_app.config.get("WECOM_ARCHIVE_SOURCE"),
        retention_days=int(float(current_app.config["ARCHIVE_RETENTION_DAYS"])),
        staff=staff,
        unlicensed=unlicensed,
        licence_error=licence_error,
        is_admin=is_admin(v),
    )


def _names(messages: list[ArchiveMessage]) -> dict[str, str]:
    """Who each party is, for the page: members' and customers' names by their ids."""
    ids = {m.sender for m in messages} | {m.staff_userid for m in messages if m.staff_userid}
    members = select(Staff.userid, Staff.name).where(Staff.userid.in_(ids))
    customers = select(Customer.external_userid, Customer.name).where(Customer.external_userid.in_(ids))
    return dict(db.session.execute(members).tuples().all()) | dict(
        db.session.execute(customers).tuples().all()
    )


def _chat(title: str, page: read.Page, **extra: Any):
    return render_template(
        "admin/archive_chat.html", title=title, page=page, names=_names(page.messages), **extra
    )


@admin_bp.get("/archive/members/<userid>")
@console_required
def archive_member(userid: str):
    """A member's one-to-one conversations, the latest first."""
    if not read.may_read_member(viewer(), userid):
        abort(404)
    member = db.session.scalar(select(Staff).where(Staff.userid == userid)) or abort(404)
    return render_template(
        "admin/archive_threads.html", member=member, threads=read.threads_of(viewer(), userid)
    )


@admin_bp.get("/archive/members/<userid>/customers/<external_userid>")
@console_required
def archive_conversation(userid: str, external_userid: str):
    """One member's conversation with one customer (audited)."""
    if not read.may_read_member(viewer(), userid) or read.is_refused(external_userid):
        abort(404)
    member = db.session.scalar(select(Staff).where(Staff.userid == userid)) or abort(404)
    customer = db.session.scalar(select(Customer).where(Customer.external_userid == external_userid))
    if customer is None and not is_admin(viewer()):
        abort(404)
    page = read.conversation(viewer(), userid, external_userid, request.args.get("before"))
    audit.record(viewer(), "archive_read", "conversation", None, ip=client_ip(), member=userid,
                 customer=external_userid)  # fmt: skip
    name = customer.name if customer is not None else external_userid
    return _chat(f"{member.name} · {name}", page, member=member, customer=customer)


@admin_bp.get("/archive/customers/<external_userid>")
@console_required
def archive_customer(external_userid: str):
    """One customer's conversations with every member the viewer oversees (audited)."""
    customer = read.customer_in_scope(viewer(), external_userid)
    if customer is None or read.is_refused(external_userid):
        abort(404)
    page = read.customer_history(viewer(), external_userid, request.args.get("before"))
    audit.record(viewer(), "archive_read", "customer", customer.id if customer else None, ip=client_ip(),
                 customer=external_userid)  # fmt: skip
    return _chat(
        customer.name if customer is not None else external_userid, page, customer=customer, by_member=True
    )


@admin_bp.get("/archive/groups")
@console_required
def archive_groups():
    return render_template("admin/archive_groups.html", rooms=read.rooms_of(viewer()))


@admin_bp.get("/archive/groups/<chat_id>")
@console_required
def archive_room(chat_id: str):
    """A group chat's messages (audited)."""
    chat = db.session.scalar(select(GroupChat).where(GroupChat.chat_id == chat_id))
    if chat is None or not read.may_read_room(viewer(), chat_id):
        abort(404)
    page = read.room(viewer(), chat_id, request.args.get("before"))
    audit.record(viewer(), "archive_read", "group_chat", chat.id, ip=client_ip(), chat=chat_id)
    return _chat(chat.name or chat_id, page, chat_id=chat_id)


@admin_bp.get("/archive/search")
@console_required
def archive_search():
    """Messages containing the words (two characters or more), in the viewer's scope (audited)."""
    q = (request.args.get("q") or "").strip()[:50]
    if len(q) < 2:
        return render_template("admin/archive_chat.html", title=None, page=None, names={}, q=q, short=bool(q))
    page = read.found(viewer(), q, request.args.get("before"))
    audit.record(viewer(), "archive_search", "archive", None, ip=client_ip(), q=q)
    return _chat(q, page, q=q, by_member=True)


@admin_bp.get("/archive/media/<int:message_id>")
@console_required
def archive_media(message_id: int):
    """A message's file, to a viewer who may read the message."""
    message = read.visible_message(viewer(), message_id)
    if message is None or not message.media_key:
        abort(404)
    try:
        return download(message.media_key, filename=None, mimetype=mime_of(message), private_max_age=3600)
    except FileMissing:
        abort(404)
