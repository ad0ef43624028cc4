"""Console pages for channel live codes (渠道活码): make one for a member, several members or a store;
see what each brought (adds, losses, net, still there after 7 days, first purchase within 30 days, per
guide and per day); change its members; retire it; download its QR image or print an A5 poster."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from sidebar.acquisition import codes, stats, welcome
from sidebar.core import audit, uow
from sidebar.customers.visibility import follower_ids
from sidebar.extensions import db
from sidebar.models import ChannelCode, CodeKind, CouponTemplate, Material, Staff, StaffStatus, Store
from sidebar.web.admin import admin_bp, client_ip, common, qr_png, viewer
from sidebar.web.console_auth import admin_required, console_required
from sidebar.wecom.errors import WeComError


def _choices() -> dict[str, Any]:
    return {
        "kinds": [k.value for k in CodeKind],
        "stores": list(db.session.scalars(select(Store).order_by(Store.id))),
        "members": list(
            db.session.scalars(select(Staff).where(Staff.status == StaffStatus.ACTIVE).order_by(Staff.name))
        ),
    }


def _ids(name: str) -> list[int]:
    return [int(v) for v in request.form.getlist(name) if v.isdigit()]


def _list(status: int = 200, **context: Any) -> Any:
    all_codes = codes.all_codes()
    figures = stats.by_code([c.state for c in all_codes], scope=follower_ids(viewer()))
    page = render_template(
        "admin/channel_codes.html",
        **common(
            codes=all_codes,
            figures=figures,
            errors=context.pop("errors", {}),
            form=context.pop("form", MultiDict()),
            welcome=welcome.own(None),
            sends=welcome.recent(None, scope=follower_ids(viewer())),
            typed=context.pop("typed", None),
            **_choices(),
            **_welcome_choices(),
            **context,
        ),
    )
    return page, status


def _code_or_404(code_id: int) -> ChannelCode:
    return db.session.get(ChannelCode, code_id) or abort(404)


@admin_bp.get("/channel-codes")
@console_required
def channel_codes():
    return _list()


@admin_bp.post("/channel-codes")
@admin_required
def channel_code_create():
    form = request.form
    store = form.get("store_id", "")
    try:
        code = codes.create(
            form.get("name", ""),
            form.get("kind", ""),
            staff_ids=_ids("staff_ids"),
            store_id=int(store) if store.isdigit() else None,
            skip_verify=form.get("skip_verify") == "1",
        )
    except codes.CodeInvalid as exc:
        return _list(422, errors=exc.errors, form=form)
    except WeComError as exc:
        uow.discard()
        return _list(
            502, errors={"wecom": _("WeCom refused the code: %(why)s", why=exc.in_words())}, form=form
        )
    audit.record(viewer(), "channel_code.create", "channel_code", code.id, ip=client_ip(), name=code.name)
    return redirect(url_for("admin.channel_code_detail", code_id=code.id), 303)


def _detail(code: ChannelCode, status: int = 200, **context: Any) -> Any:
    scope = follower_ids(viewer())  # a manager sees what the code brought their teams
    page = render_template(
        "admin/channel_code.html",
        **common(
            code=code,
            figures=stats.by_code([code.state], scope=scope).get(code.state, stats.Figures()),
            by_guide=stats.by_guide(code.state, scope=scope),
            per_day=stats.adds_per_day(code.state, scope=scope),
            errors=context.pop("errors", {}),
            chosen=[m.staff_id for m in code.members],
            welcome=welcome.own(code),
            sends=welcome.recent(code, scope=scope),
            typed=context.pop("typed", None),
            **_choices(),
            **_welcome_choices(),
            **context,
        ),
    )
    return page, status


def _refused(code_id: int, why: str) -> Any:
    """WeCom said no: nothing changes here, and the code's page says why."""
    uow.discard()
    return _detail(_code_or_404(code_id), 502, errors={"wecom": why})


def _changed(code: ChannelCode, action: str) -> Any:
    audit.record(viewer(), action, "channel_code", code.id, ip=client_ip(), name=code.name)
    return redirect(url_for("admin.channel_code_detail", code_id=code.id), 303)


@admin_bp.get("/channel-codes/<int:code_id>")
@console_required
def channel_code_detail(code_id: int):
    return _detail(_code_or_404(code_id))


@admin_bp.post("/channel-codes/<int:code_id>")
@admin_required
def channel_code_update(code_id: int):
    code = _code_or_404(code_id)
    try:
        codes.update(
            code,
            request.form.get("name", ""),
            staff_ids=_ids("staff_ids") if code.kind != CodeKind.STORE.value else [],
            skip_verify=request.form.get("skip_verify") == "1",
        )
    except codes.CodeInvalid as exc:
        uow.discard()
        return _detail(_code_or_404(code_id), 422, errors=exc.errors)
    except WeComError as exc:
        return _refused(code_id, _("WeCom refused the change: %(why)s", why=exc.in_words()))
    return _changed(code, "channel_code.update")


@admin_bp.post("/channel-codes/<int:code_id>/retire")
@admin_required
def channel_code_retire(code_id: int):
    code = _code_or_404(code_id)
    try:
        codes.retire(code)
    except WeComError as exc:
        return _refused(code_id, _("WeCom refused to retire the code: %(why)s", why=exc.in_words()))
    return _changed(code, "channel_code.retire")


@admin_bp.get("/channel-codes/<int:code_id>/qr.png")
@console_required
def channel_code_qr(code_id: int):
    code = _code_or_404(code_id)
    return qr_png(lambda: codes.qr_image(code), f"channel-code-{code.id}.png")


@admin_bp.get("/channel-codes/<int:code_id>/poster")
@console_required
def channel_code_poster(code_id: int):
    """A printable A5 poster: the store's name, the code, and a line asking to scan."""
    code = _code_or_404(code_id)
    return render_template("admin/channel_code_poster.html", code=code)


def _welcome_choices() -> dict[str, Any]:
    from sidebar.customers import profile

    return {
        "attachable": list(
            db.session.scalars(
                select(Material).where(Material.kind.in_(sorted(welcome.ATTACHABLE))).order_by(Material.id)
            )
        ),
        "coupon_templates": list(
            db.session.scalars(
                select(CouponTemplate).where(CouponTemplate.active.is_(True)).order_by(CouponTemplate.id)
            )
        ),
        "tag_groups": profile.all_tag_groups(),
        "staff_names": {u: n for u, n in db.session.execute(select(Staff.userid, Staff.name))},
    }


def _save_welcome(code: ChannelCode | None) -> str | None:
    """Save the posted welcome; the reason when it cannot be saved."""
    coupon = request.form.get("coupon_template_id", "")
    try:
        saved = welcome.save(
            code,
            text=request.form.get("text", ""),
            material_ids=_ids("material_ids"),
            coupon_template_id=int(coupon) if coupon.isdigit() else None,
            tag_ids=_ids("tag_ids"),
        )
    except welcome.WelcomeInvalid as exc:
        uow.discard()
        return str(exc)
    audit.record(
        viewer(), "welcome.update", "channel_code" if code else "welcome", code.id if code else saved.id,
        ip=client_ip(), name=code.name if code else _("default welcome"),
    )  # fmt: skip
    return None


@admin_bp.post("/channel-codes/<int:code_id>/welcome")
@admin_required
def channel_code_welcome(code_id: int):
    code = _code_or_404(code_id)
    problem = _save_welcome(code)
    if problem:
        return _detail(_code_or_404(code_id), 422, errors={"welcome": problem}, typed=request.form)
    return redirect(url_for("admin.channel_code_detail", code_id=code_id) + "#welcome", 303)


@admin_bp.post("/channel-codes/welcome")
@admin_required
def default_welcome():
    problem = _save_welcome(None)
    if problem:
        return _list(422, errors={"welcome": problem}, typed=request.form)
    return redirect(url_for("admin.channel_codes") + "#welcome", 303)


@admin_bp.get("/channel-codes/<int:code_id>/export.xlsx")
@console_required
def channel_code_export(code_id: int):
    code = _code_or_404(code_id)
    data = stats.code_xlsx(code.name, code.state, scope=follower_ids(viewer()))
    audit.record(viewer(), "channel_code.export", "channel_code", code.id, ip=client_ip(), name=code.name)
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="channel-code-{code.id}.xlsx"'},
    )
