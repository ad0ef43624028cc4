"""Console pages for 会话内容存档: where the pull stands (and what stops it, in words), who has an archive
licence, and the conversations themselves — a member's, a customer's with every member, group chats,
search — in the viewer's scope only (``archive.read``). Every read of a conversation is audited."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for
from sqlalchemy import func, select

from sidebar.archive import chat_tags, compliance, read
from sidebar.archive import source as archive_source
from sidebar.archive.media import mime_of
from sidebar.archive.pull import cursor
from sidebar.core import audit
from sidebar.core.files import FileMissing, download
from sidebar.customers import profile
from sidebar.extensions import db
from sidebar.models import (
    ArchiveMessage,
    ChatTagRule,
    Customer,
    GroupChat,
    SensitiveHit,
    SensitiveRule,
    Staff,
    StaffStatus,
    Tag,
    utcnow,
)
from sidebar.web.admin import admin_bp, client_ip, viewer
from sidebar.web.console_auth import admin_required, console_required, is_admin
from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import gateway

PER_ALERTS_PAGE = 50


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
    media: dict[str, int] = {}
    if enabled and is_admin(v):
        states = db.session.execute(
            select(ArchiveMessage.media_state, func.count())
            .where(ArchiveMessage.media_state.in_(("too_large", "failed", "pending")))
            .group_by(ArchiveMessage.media_state)
        ).tuples()
        media = {str(state): int(n) for state, n in states}
    return render_template(
        "admin/archive.html",
        enabled=enabled,
        media=media,
        media_max_mb=int(float(current_app.config["ARCHIVE_MEDIA_MAX_MB"])),
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


# -- compliance: rules (admins) and the hits they raise -------------------------------------------------


@admin_bp.route("/archive/rules", methods=["GET", "POST"])
@console_required
def archive_rules():
    """Sensitive words and behaviours: every rule, and (admins) a new one."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not is_admin(viewer()):
            abort(403)
        try:
            rule = compliance.save_rule(request.form)
        except compliance.RuleInvalid as exc:
            errors = exc.errors
        else:
            audit.record(viewer(), "sensitive_rule_created", "sensitive_rule", rule.id, ip=client_ip(),
                         name=rule.name)  # fmt: skip
            return redirect(url_for("admin.archive_rules"), 303)
    rules = list(db.session.scalars(select(SensitiveRule).order_by(SensitiveRule.id)))
    return (
        render_template(
            "admin/archive_rules.html",
            rules=rules,
            errors=errors,
            form=request.form,
            behaviours=compliance.BEHAVIOURS,
            is_admin=is_admin(viewer()),
        ),  # fmt: skip
        422 if errors else 200,
    )


@admin_bp.post("/archive/rules/<int:rule_id>/<action>")
@admin_required
def archive_rule_action(rule_id: int, action: str):
    rule = db.session.get(SensitiveRule, rule_id) or abort(404)
    if action == "toggle":
        rule.active = not rule.active
        audit.record(
            viewer(), "sensitive_rule_toggled", "sensitive_rule", rule.id, ip=client_ip(), name=rule.name
        )
    elif action == "delete":
        audit.record(
            viewer(), "sensitive_rule_deleted", "sensitive_rule", rule.id, ip=client_ip(), name=rule.name
        )
        db.session.delete(rule)
    else:
        abort(404)
    return redirect(url_for("admin.archive_rules"), 303)


@admin_bp.get("/archive/alerts")
@console_required
def archive_alerts():
    """What the rules caught in the viewer's scope, open ones first, each with its message in context."""
    handled = request.args.get("state") == "handled"
    query = compliance.visible_hits(viewer()).where(
        SensitiveHit.handled_at.is_not(None) if handled else SensitiveHit.handled_at.is_(None)
    )
    after = request.args.get("before", type=int)
    if after:
        query = query.where(SensitiveHit.id < after)
    hits = list(db.session.scalars(query.order_by(SensitiveHit.id.desc()).limit(PER_ALERTS_PAGE + 1)))
    shown = hits[:PER_ALERTS_PAGE]
    contexts = {h.id: compliance.context_of(h) for h in shown}
    messages = [m for ms in contexts.values() for m in ms]
    return render_template(
        "admin/archive_alerts.html",
        hits=shown,
        contexts=contexts,
        names=_names(messages) | _names_of({h.staff_userid for h in shown if h.staff_userid}),
        rules=dict(db.session.execute(select(SensitiveRule.id, SensitiveRule.name)).tuples().all()),
        handled=handled,
        older=shown[-1].id if len(hits) > PER_ALERTS_PAGE else None,
    )


@admin_bp.post("/archive/alerts/<int:hit_id>/handle")
@console_required
def archive_alert_handle(hit_id: int):
    """Mark a hit handled (someone spoke to the guide, the customer was answered…)."""
    hit = db.session.scalar(compliance.visible_hits(viewer()).where(SensitiveHit.id == hit_id)) or abort(404)
    if hit.handled_at is None:
        hit.handled_at = utcnow()
        hit.handled_by = getattr(viewer(), "userid", None) or getattr(viewer(), "username", None)
        audit.record(viewer(), "sensitive_hit_handled", "sensitive_hit", hit.id, ip=client_ip(),
                     matched=hit.matched)  # fmt: skip
    return redirect(url_for("admin.archive_alerts"), 303)


def _names_of(userids: set[str]) -> dict[str, str]:
    return dict(
        db.session.execute(select(Staff.userid, Staff.name).where(Staff.userid.in_(userids))).tuples().all()
    )


# -- tags from what customers say ---------------------------------------------------------------------------


@admin_bp.route("/archive/tag-rules", methods=["GET", "POST"])
@console_required
def archive_tag_rules():
    """Keyword rules that tag customers from what they say, and the latest tags they set (each with the
    message that set it)."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not is_admin(viewer()):
            abort(403)
        try:
            rule = chat_tags.save_rule(request.form)
        except chat_tags.RuleInvalid as exc:
            errors = exc.errors
        else:
            audit.record(viewer(), "chat_tag_rule_created", "chat_tag_rule", rule.id, ip=client_ip(),
                         name=rule.name)  # fmt: skip
            return redirect(url_for("admin.archive_tag_rules"), 303)
    rules = list(
        db.session.execute(select(ChatTagRule, Tag.name).join(Tag, Tag.id == ChatTagRule.tag_id)).tuples()
    )
    return (
        render_template(
            "admin/archive_tag_rules.html",
            rules=rules,
            errors=errors,
            form=request.form,
            tag_groups=profile.all_tag_groups(),
            recent=chat_tags.recent() if is_admin(viewer()) else [],
            is_admin=is_admin(viewer()),
        ),
        422 if errors else 200,
    )


@admin_bp.post("/archive/tag-rules/<int:rule_id>/<action>")
@admin_required
def archive_tag_rule_action(rule_id: int, action: str):
    rule = db.session.get(ChatTagRule, rule_id) or abort(404)
    if action not in ("toggle", "delete"):
        abort(404)
    audit.record(viewer(), f"chat_tag_rule_{'toggled' if action == 'toggle' else 'deleted'}", "chat_tag_rule",
                 rule.id, ip=client_ip(), name=rule.name)  # fmt: skip
    if action == "toggle":
        rule.active = not rule.active
    else:
        db.session.delete(rule)  # the tags it set stay: they are the customer's now
    return redirect(url_for("admin.archive_tag_rules"), 303)
