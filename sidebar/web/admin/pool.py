"""The customer pool in the console (获客与留存 → 客户公海): how many buyers wait in it and where, head
office's rule (how many a guide a day, the verification message, the tags), and refresh or assign now."""

from __future__ import annotations

import json
from typing import Any

from flask import redirect, render_template, request, url_for

from sidebar.core import audit, uow
from sidebar.customers import profile
from sidebar.growth import pool
from sidebar.models import utcnow
from sidebar.web.admin import admin_bp, client_ip, common, viewer
from sidebar.web.console_auth import admin_required, console_required


def _page(status: int = 200, **context: Any) -> Any:
    row = pool.rule()
    return render_template(
        "admin/pool.html",
        **common(
            figures=pool.overview(utcnow()),
            by_store=pool.funnel(by="store"),
            by_guide=pool.funnel(by="guide"),
            rule=row,
            chosen=[str(t) for t in json.loads(row.tag_ids or "[]")],
            tag_groups=profile.all_tag_groups(),
            errors=context.pop("errors", {}),
            done=request.args.get("done"),
            **context,
        ),
    ), status


@admin_bp.get("/pool")
@console_required
def pool_page():
    return _page()


@admin_bp.post("/pool/rule")
@admin_required
def pool_rule_save():
    form = request.form
    tag_ids = [int(v) for v in form.getlist("tag_ids") if v.isdigit()]
    try:
        pool.save_rule(active=form.get("active") == "1", per_guide=form.get("per_guide", ""),
                       message=form.get("message", ""), tag_ids=tag_ids, now=utcnow())  # fmt: skip
    except pool.RuleInvalid as exc:
        uow.discard()
        return _page(422, errors=exc.errors)
    audit.record(viewer(), "pool.rule", "pool_rule", 1, ip=client_ip())
    return redirect(url_for("admin.pool_page", done="rule"), 303)


@admin_bp.post("/pool/assign")
@admin_required
def pool_assign_now():
    """Refresh the pool from orders and members, then assign today's customers by the rule."""
    now = utcnow()
    pool.refresh(now)
    made = pool.assign_by_rule(now)
    audit.record(viewer(), "pool.assign", "pool_rule", 1, ip=client_ip(), assigned=made)
    return redirect(url_for("admin.pool_page", done="assigned"), 303)
