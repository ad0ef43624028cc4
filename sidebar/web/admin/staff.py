"""Staff in the console: the list in scope, admins' settings (role, team, store, tier), sync from WeCom."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from sqlalchemy import select

from sidebar.core import audit
from sidebar.extensions import db
from sidebar.models import Role, Staff, Store, Team
from sidebar.org import staff as staff_service
from sidebar.org import staff_admin
from sidebar.web.admin import admin_bp, client_ip, common, viewer
from sidebar.web.console_auth import admin_required, console_required
from sidebar.wecom.errors import WeComError


@admin_bp.get("/staff")
@console_required
def staff_list():
    """Staff in scope with their role, team, store, tier and how many customers they hold."""
    rows = staff_admin.with_customer_counts(viewer())
    return render_template(
        "admin/staff.html",
        rows=rows,
        teams=list(db.session.scalars(select(Team).order_by(Team.id))),
        stores=list(db.session.scalars(select(Store).order_by(Store.id))),
        roles=[r.value for r in Role],
        **common(),
    )


@admin_bp.post("/staff/<int:staff_id>")
@admin_required
def staff_update(staff_id: int):
    person = db.session.scalar(staff_admin.in_scope(viewer()).where(Staff.id == staff_id))
    if person is None:
        abort(404)
    try:
        team_id = int(request.form["team_id"]) if request.form.get("team_id") else None
        store_id = int(request.form["store_id"]) if request.form.get("store_id") else None
        staff_admin.update(
            person,
            role=request.form.get("role", ""),
            team_id=team_id,
            store_id=store_id,
            actor=viewer(),
            ip=client_ip(),
        )
    except (ValueError, staff_admin.StaffError) as exc:
        abort(422, str(exc))
    return redirect(url_for("admin.staff_list"), 303)


@admin_bp.post("/staff/sync")
@admin_required
def staff_sync():
    try:
        counts = staff_service.sync_staff()
    except WeComError as exc:
        abort(502, exc.in_words())
    audit.record(viewer(), "staff_synced", "staff", None, ip=client_ip(), **counts)
    return redirect(url_for("admin.staff_list"), 303)
