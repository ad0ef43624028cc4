"""Console pages for group live codes (加入群聊) and tag-based group invitations (标签建群): make a code for
up to five groups, see who joined through it (per group), set its group welcome, change or retire it,
download its QR image or print a poster; invite every customer matching a filter through their guides
and see who joined through each invitation. Head office's tools: admins only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from sidebar.acquisition import group_codes, group_invitations
from sidebar.acquisition.codes import CodeInvalid
from sidebar.core import audit, uow
from sidebar.customers import profile
from sidebar.extensions import db
from sidebar.models import GroupCode, GroupInvitation, Team, utcnow
from sidebar.sop import editor
from sidebar.web.admin import admin_bp, client_ip, common, qr_png, viewer
from sidebar.web.console_auth import admin_required
from sidebar.web.forms import MEMBER_LEVELS
from sidebar.wecom.errors import WeComError


def _number(name: str, default: int | None = None) -> int | None:
    value = (request.form.get(name) or "").strip()
    if not value:
        return default
    return int(value) if value.isdigit() else None


def _code_or_404(code_id: int) -> GroupCode:
    return db.session.get(GroupCode, code_id) or abort(404)


def _list(status: int = 200, **context: Any) -> Any:
    codes = group_codes.all_codes()
    invitations = group_invitations.all_invitations()
    figures = group_invitations.figures(invitations)
    errors, invite_errors = context.pop("errors", {}), context.pop("invite_errors", {})
    page = render_template(
        "admin/group_codes.html",
        **common(
            codes=codes,
            joins=group_codes.joins([c.state for c in codes]),
            invitations=[(i, figures[i.id]) for i in invitations],
            groups=group_codes.live_groups(),
            max_chats=group_codes.MAX_CHATS,
            tag_groups=profile.all_tag_groups(),
            teams=list(db.session.scalars(select(Team).order_by(Team.id))),
            levels=MEMBER_LEVELS,
            default_text=group_invitations.DEFAULT_TEXT,
            errors=errors,
            invite_errors=invite_errors,
            # What was typed comes back in the form it was typed in.
            form=request.form if errors else MultiDict(),
            invite_form=request.form if invite_errors else MultiDict(),
            **context,
        ),
    )
    return page, status


@admin_bp.get("/group-codes")
@admin_required
def group_codes_page():
    return _list()


@admin_bp.post("/group-codes")
@admin_required
def group_code_create():
    form = request.form
    try:
        code = group_codes.create(
            form.get("name", ""),
            form.getlist("chat_ids"),
            auto_create_room=form.get("auto_create_room") == "1",
            room_base_name=form.get("room_base_name", ""),
            room_base_id=_number("room_base_id", 1),
        )
    except CodeInvalid as exc:
        return _list(422, errors=exc.errors)
    except WeComError as exc:
        uow.discard()
        return _list(502, errors={"wecom": _("WeCom refused the code: %(why)s", why=exc.in_words())})
    audit.record(viewer(), "group_code.create", "group_code", code.id, ip=client_ip(), name=code.name)
    return redirect(url_for("admin.group_code_detail", code_id=code.id), 303)


def _detail(code: GroupCode, status: int = 200, **context: Any) -> Any:
    invitation = db.session.scalar(select(GroupInvitation).where(GroupInvitation.code_id == code.id))
    page = render_template(
        "admin/group_code.html",
        **common(
            code=code,
            chosen=group_codes.chats_of(code),
            figures=group_codes.joins([code.state]).get(code.state, {"joined": 0, "stayed": 0, "left": 0}),
            groups_of=group_codes.groups_of(code),
            groups=group_codes.live_groups(),
            materials=group_codes.welcome_materials(),
            invitation=invitation,
            invitation_figures=group_invitations.figures([invitation])[invitation.id] if invitation else None,
            joiners=group_invitations.joiners(invitation) if invitation else [],
            max_chats=group_codes.MAX_CHATS,
            errors=context.pop("errors", {}),
            form=request.form if request.method == "POST" else MultiDict(),  # what was typed stays
            **context,
        ),
    )
    return page, status


def _change(
    code_id: int, action: str, apply: Callable[[GroupCode], object], refused: Callable[[str], str]
) -> Any:
    """Make one change to a code: WeCom first (inside ``apply``); a rule broken answers 422 and WeCom's
    refusal 502, each with nothing changed here; done, it is audited and the page shown again."""
    code = _code_or_404(code_id)
    try:
        apply(code)
    except CodeInvalid as exc:
        uow.discard()
        return _detail(_code_or_404(code_id), 422, errors=exc.errors)
    except WeComError as exc:
        uow.discard()
        return _detail(_code_or_404(code_id), 502, errors={"wecom": refused(exc.in_words())})
    audit.record(viewer(), action, "group_code", code.id, ip=client_ip(), name=code.name)
    return redirect(url_for("admin.group_code_detail", code_id=code.id), 303)


@admin_bp.get("/group-codes/<int:code_id>")
@admin_required
def group_code_detail(code_id: int):
    return _detail(_code_or_404(code_id))


@admin_bp.post("/group-codes/<int:code_id>")
@admin_required
def group_code_update(code_id: int):
    form = request.form
    return _change(
        code_id,
        "group_code.update",
        lambda code: group_codes.update(
            code,
            form.get("name", ""),
            form.getlist("chat_ids"),
            auto_create_room=form.get("auto_create_room") == "1",
            room_base_name=form.get("room_base_name", ""),
            room_base_id=_number("room_base_id", 1),
        ),
        lambda why: _("WeCom refused the change: %(why)s", why=why),
    )


@admin_bp.post("/group-codes/<int:code_id>/welcome")
@admin_required
def group_code_welcome(code_id: int):
    return _change(
        code_id,
        "group_code.welcome",
        lambda code: group_codes.set_welcome(
            code, text=request.form.get("welcome_text", ""), material_id=_number("welcome_material_id")
        ),
        lambda why: _("WeCom refused the welcome: %(why)s", why=why),
    )


@admin_bp.post("/group-codes/<int:code_id>/retire")
@admin_required
def group_code_retire(code_id: int):
    return _change(
        code_id,
        "group_code.retire",
        group_codes.retire,
        lambda why: _("WeCom refused to retire the code: %(why)s", why=why),
    )


@admin_bp.get("/group-codes/<int:code_id>/qr.png")
@admin_required
def group_code_qr(code_id: int):
    code = _code_or_404(code_id)
    return qr_png(lambda: group_codes.qr_image(code), f"group-code-{code.id}.png")


@admin_bp.get("/group-codes/<int:code_id>/poster")
@admin_required
def group_code_poster(code_id: int):
    """A printable A5 poster: the code's name, its QR image and a line asking to scan."""
    return render_template("admin/group_code_poster.html", code=_code_or_404(code_id))


@admin_bp.post("/group-invitations")
@admin_required
def group_invitation_create():
    form = request.form
    source = db.session.get(GroupCode, _number("source_code_id") or 0)
    try:
        invitation = group_invitations.create(
            form.get("name", ""),
            source,
            editor.audience_of(form),
            text=form.get("text", ""),
            window_days=_number("window_days"),
            now=utcnow(),
        )
    except CodeInvalid as exc:
        uow.discard()
        return _list(422, invite_errors=exc.errors)
    except WeComError as exc:
        uow.discard()
        return _list(502, invite_errors={"wecom": _("WeCom refused the code: %(why)s", why=exc.in_words())})
    audit.record(
        viewer(), "group_invitation.create", "group_invitation", invitation.id, ip=client_ip(),
        name=invitation.name,
    )  # fmt: skip
    return redirect(url_for("admin.group_code_detail", code_id=invitation.code_id), 303)
