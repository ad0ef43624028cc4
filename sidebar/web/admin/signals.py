"""Signal rules in the console: which mall behaviour reaches guides (a cart left, a product viewed again
and again, a VIP back after a while), with a suggested script; how often each fired in 7 days."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, redirect, render_template, request, url_for
from sqlalchemy import func, select

from sidebar.core import audit, uow
from sidebar.extensions import db
from sidebar.models import CustomerSignal, Script, SignalKind, SignalRule, utcnow
from sidebar.signals import rules as signal_rules
from sidebar.web.admin import admin_bp, client_ip, viewer
from sidebar.web.console_auth import admin_required, console_required, is_admin


def _page(status: int = 200, error: str | None = None, form: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    since = utcnow() - timedelta(days=7)
    fired = {
        rule_id: n
        for rule_id, n in db.session.execute(
            select(CustomerSignal.rule_id, func.count())
            .where(CustomerSignal.fired_at >= since)
            .group_by(CustomerSignal.rule_id)
        )
    }
    return render_template(
        "admin/signal_rules.html",
        rules=list(db.session.scalars(select(SignalRule).order_by(SignalRule.id))),
        scripts=list(
            db.session.scalars(select(Script).where(Script.scope != "personal").order_by(Script.id))
        ),
        kinds=[k.value for k in SignalKind],
        fired=fired,
        is_admin=is_admin(viewer()),
        error=error,
        form=form or {},
    ), status


@admin_bp.get("/signal-rules")
@console_required
def signal_rules_page():
    return _page()


@admin_bp.post("/signal-rules")
@admin_required
def signal_rule_create():
    try:
        rule = signal_rules.create(request.form.to_dict())
    except signal_rules.BadRule as exc:
        uow.discard()
        return _page(422, error=str(exc), form=request.form.to_dict())
    audit.record(viewer(), "signal_rule.create", "signal_rule", rule.id, ip=client_ip(), name=rule.name)
    return redirect(url_for("admin.signal_rules_page"), 303)


@admin_bp.post("/signal-rules/<int:rule_id>/toggle")
@admin_required
def signal_rule_toggle(rule_id: int):
    rule = db.session.get(SignalRule, rule_id) or abort(404)
    signal_rules.toggle(rule)
    audit.record(viewer(), "signal_rule.toggle", "signal_rule", rule.id, ip=client_ip(), name=rule.name)
    return redirect(url_for("admin.signal_rules_page"), 303)


@admin_bp.post("/signal-rules/<int:rule_id>/delete")
@admin_required
def signal_rule_delete(rule_id: int):
    rule = db.session.get(SignalRule, rule_id) or abort(404)
    audit.record(viewer(), "signal_rule.delete", "signal_rule", rule.id, ip=client_ip(), name=rule.name)
    db.session.delete(rule)
    return redirect(url_for("admin.signal_rules_page"), 303)
