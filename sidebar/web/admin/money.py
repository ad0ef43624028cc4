"""Console pages for coupons and red packets: templates, the rule and budgets, API keys, redemption
rates, recent packets and the finance export. Admins change things; managers see their scope."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, redirect, render_template, request, stream_with_context, url_for
from sqlalchemy import select, update

from sidebar.core import audit, uow
from sidebar.core.locking import changed
from sidebar.core.units import parse_yuan
from sidebar.customers import profile, visibility
from sidebar.extensions import db
from sidebar.models import ApiKey, Coupon, CouponTemplate, RedPacket, RedPacketBudget, Team, utcnow
from sidebar.money import admin as money_admin
from sidebar.money import coupons, payout_errors, red_packets
from sidebar.org import api_keys
from sidebar.web.admin import admin_bp, client_ip, common, viewer
from sidebar.web.console_auth import admin_required, console_required


def _coupon_page(status: int = 200, **context: Any) -> Any:
    templates = list(db.session.scalars(select(CouponTemplate).order_by(CouponTemplate.id)))
    keys = list(db.session.scalars(select(ApiKey).order_by(ApiKey.id)))
    page = render_template(
        "admin/coupons.html",
        **common(
            templates=templates,
            rates=money_admin.redemption(viewer()),
            keys=keys,
            levels=money_admin.LEVELS,
            tag_groups=profile.all_tag_groups(),
            describe=coupons.describe,
            # A code that exists, for the API example (a made-up one when none was issued yet).
            example_code=db.session.scalar(select(Coupon.code).order_by(Coupon.id.desc()).limit(1))
            or "8KZ4QH2M",
            form=context.pop("form", {}),
            errors=context.pop("errors", {}),
            **context,
        ),
    )
    return page, status


@admin_bp.get("/coupons")
@console_required
def coupons_admin():
    """Templates with their stock; redemption rates by template, team and guide; API keys."""
    return _coupon_page()


@admin_bp.post("/coupons")
@admin_required
def coupon_template_create():
    form = request.form
    values, errors = money_admin.template_form(
        form, form.getlist("eligible_levels"), form.getlist("eligible_tag_ids")
    )
    if errors:
        return _coupon_page(422, form=form, errors=errors)
    template = CouponTemplate(**values, stock_left=values["total_stock"])
    db.session.add(template)
    db.session.flush()
    audit.record(
        viewer(),
        "coupon_template.create",
        "coupon_template",
        template.id,
        ip=client_ip(),
        **{k: v for k, v in values.items() if k in ("name", "kind", "value", "threshold", "total_stock")},
    )
    return redirect(url_for("admin.coupons_admin"), 303)


@admin_bp.post("/coupons/<int:template_id>/<action>")
@admin_required
def coupon_template_action(template_id: int, action: str):
    """Switch a template on or off, or add stock (an atomic increment: issuing may run meanwhile)."""
    template = db.session.get(CouponTemplate, template_id) or abort(404)
    if action in ("enable", "disable"):
        template.active = action == "enable"
        detail: dict[str, Any] = {}
    elif action == "add-stock":
        try:
            more = int(request.form.get("amount", ""))
        except ValueError:
            more = 0
        if not 1 <= more <= 10_000_000:
            return _coupon_page(422, errors={"stock": "add between 1 and 10,000,000"})
        changed(
            update(CouponTemplate)
            .where(CouponTemplate.id == template.id)
            .values(
                stock_left=CouponTemplate.stock_left + more, total_stock=CouponTemplate.total_stock + more
            )
        )
        detail = {"added": more}
    else:
        abort(404)
    audit.record(
        viewer(), f"coupon_template.{action}", "coupon_template", template.id, ip=client_ip(), **detail
    )
    return redirect(url_for("admin.coupons_admin"), 303)


@admin_bp.post("/api-keys")
@admin_required
def api_key_create():
    try:
        key = api_keys.create(request.form.get("name", ""), request.form.getlist("scope"))
    except ValueError as exc:
        uow.discard()
        return _coupon_page(422, errors={"api_key": str(exc)})
    audit.record(
        viewer(),
        "api_key_created",
        "api_key",
        request.form.get("name"),
        ip=client_ip(),
        scopes=request.form.getlist("scope"),
    )
    return _coupon_page(new_key=key)


@admin_bp.post("/api-keys/<int:key_id>/revoke")
@admin_required
def api_key_revoke(key_id: int):
    key = db.session.get(ApiKey, key_id) or abort(404)
    api_keys.revoke(key)
    audit.record(viewer(), "api_key_revoked", "api_key", key.name, ip=client_ip())
    return redirect(url_for("admin.coupons_admin"), 303)


# -- red packets -----------------------------------------------------------------------------------


def _packet_page(status: int = 200, **context: Any) -> Any:
    the_rule = red_packets.rule()
    query = select(RedPacket).order_by(RedPacket.created_at.desc()).limit(50)
    followers = visibility.follower_ids(viewer())
    if followers is not None:
        query = query.where(RedPacket.staff_id.in_(followers))
    today = utcnow()
    first, last = money_admin.default_range(today)
    return (
        render_template(
            "admin/red_packets.html",
            **common(
                rule=the_rule,
                budgets=money_admin.team_budgets(the_rule, today),
                packets=list(db.session.scalars(query)),
                teams=list(db.session.scalars(select(Team).order_by(Team.id))),
                month_start=first.isoformat(),
                today=last.isoformat(),
                explain_payout=payout_errors.explain,
                form=context.pop("form", {}),
                errors=context.pop("errors", {}),
                **context,
            ),
        ),
        status,
    )


@admin_bp.get("/red-packets")
@console_required
def red_packets_admin():
    """The rule, each team's budget and spending this month, recent packets, the finance export."""
    return _packet_page()


@admin_bp.post("/red-packets/rule")
@admin_required
def red_packet_rule_save():
    values, errors = money_admin.rule_form(request.form)
    if errors:
        return _packet_page(422, form=request.form, errors=errors)
    the_rule = red_packets.rule()
    for name, value in values.items():
        setattr(the_rule, name, value)
    audit.record(viewer(), "red_packet_rule.update", "red_packet_rule", the_rule.id, ip=client_ip(), **values)
    return redirect(url_for("admin.red_packets_admin"), 303)


@admin_bp.post("/red-packets/budgets/<int:team_id>")
@admin_required
def red_packet_budget_save(team_id: int):
    db.session.get(Team, team_id) or abort(404)
    raw = (request.form.get("monthly_amount") or "").strip()
    amount = None if raw == "" else parse_yuan(raw, allow_zero=True)
    if raw and amount is None:
        return _packet_page(422, errors={f"budget{team_id}": "an amount in yuan, or empty for the default"})
    budget = db.session.get(RedPacketBudget, team_id) or RedPacketBudget(team_id=team_id)
    budget.monthly_amount = amount
    db.session.add(budget)
    audit.record(viewer(), "red_packet_budget.update", "team", team_id, ip=client_ip(), monthly_amount=amount)
    return redirect(url_for("admin.red_packets_admin"), 303)


@admin_bp.get("/red-packets/export")
@console_required
def red_packets_export():
    """The finance export (csv or xlsx) for a date range and a team, within the viewer's scope."""
    q = money_admin.finance_query(request.args)
    if isinstance(q, str):
        return _packet_page(422, errors={"export": q})
    name = f"red-packets-{request.args['from']}-{request.args['to']}"
    audit.record(viewer(), "red_packet.export", "red_packet", None, ip=client_ip(), **dict(request.args))
    if request.args.get("format") == "xlsx":
        return Response(
            money_admin.finance_xlsx(viewer(), q),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )
    return Response(
        stream_with_context(money_admin.finance_csv(viewer(), q)),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )
