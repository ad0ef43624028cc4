"""Console page for 离职继承: what WeCom still holds for members who left, handed to a colleague by rule or
by hand, and how each handover is going."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from sidebar import jobs
from sidebar.acquisition import inheritance
from sidebar.core import audit, uow
from sidebar.extensions import db
from sidebar.models import Handover, Role, Staff, StaffStatus
from sidebar.web.admin import admin_bp, client_ip, common, viewer
from sidebar.web.console_auth import admin_required
from sidebar.wecom.errors import WeComError


def _page(status: int = 200, error: str | None = None) -> Any:
    try:
        held = inheritance.unassigned()
    except WeComError as exc:
        held, error = {}, _("WeCom did not answer: %(why)s", why=exc.in_words())
    leavers = {s.userid: s for s in db.session.scalars(select(Staff).where(Staff.userid.in_(list(held))))}
    progress = {
        (userid, state): n
        for userid, state, n in db.session.execute(
            select(Handover.handover_userid, Handover.status, func.count()).group_by(
                Handover.handover_userid, Handover.status
            )
        )
    }
    colleagues = list(
        db.session.scalars(
            select(Staff)
            .where(Staff.status == StaffStatus.ACTIVE.value, Staff.role == Role.GUIDE)
            .order_by(Staff.name)
        )
    )
    page = render_template(
        "admin/inheritance.html",
        **common(
            held=held,
            leavers=leavers,
            suggested={u: inheritance.choose_takeover(leavers.get(u)) for u in held},
            progress=progress,
            colleagues=colleagues,
            runs=inheritance.recent_hand_overs(),
            error=error,
        ),
    )
    return page, status


@admin_bp.get("/inheritance")
@admin_required
def inheritance_page():
    return _page()


@admin_bp.post("/inheritance")
@admin_required
def inheritance_assign():
    """Hand one leaver's customers to the colleague chosen (the suggested one unless changed)."""
    userid = request.form.get("handover_userid", "")
    takeover_id = request.form.get("takeover_id", "")
    takeover = db.session.get(Staff, int(takeover_id)) if takeover_id.isdigit() else None
    if takeover is None or takeover.status != StaffStatus.ACTIVE.value:
        return _page(422, _("Choose an active colleague to take the customers over."))
    try:
        held = inheritance.unassigned().get(userid, [])
    except WeComError as exc:
        return _page(502, _("WeCom did not answer: %(why)s", why=exc.in_words()))
    if not held:
        abort(404)
    # Thousands of customers take hundreds of calls: a job asks WeCom, batch by batch; the page shows
    # the progress as the answers are recorded.
    leaver = db.session.scalar(select(Staff.name).where(Staff.userid == userid)) or userid
    job_id = inheritance.start_hand_over(userid, leaver, takeover, len(held), started_by=viewer()).id
    uow.after_commit(lambda: jobs.hand_over(job_id))
    audit.record(
        viewer(),
        "inheritance.request",
        "staff",
        userid,
        ip=client_ip(),
        takeover=takeover.name,
        customers=len(held),
    )
    return redirect(url_for("admin.inheritance_page"), 303)
