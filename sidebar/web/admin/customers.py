"""The console's overview, customers (list, detail, bulk tagging, export) and its background jobs."""

from __future__ import annotations

import json
from typing import Any

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from sqlalchemy import String, and_, cast, desc, or_, select

from sidebar.acquisition import codes
from sidebar.core import files as file_store
from sidebar.customers import bulk, profile, visibility
from sidebar.customers import query as customer_query
from sidebar.data import oneid
from sidebar.extensions import db
from sidebar.jobs import run_console_job
from sidebar.models import AuditLog, Coupon, RedPacket, Send, Staff, StaffStatus, Tag, Team
from sidebar.org import dashboard, staff_admin
from sidebar.web import audit_words, htmx
from sidebar.web.admin import admin_bp, common, viewer
from sidebar.web.console_auth import console_required, is_admin

# -- dashboard -------------------------------------------------------------------------------------


@admin_bp.get("/")
@console_required
def dashboard_view():
    """Customers in scope, added and lost per day, lifecycle, top tags."""
    return render_template("admin/dashboard.html", figures=dashboard.figures(viewer()), **common())


# -- customers -------------------------------------------------------------------------------------


def _filter_or_400() -> customer_query.CustomerFilter:
    try:
        return customer_query.parse(request.values)
    except customer_query.BadFilter as exc:
        abort(400, str(exc))


def _scope_choices() -> dict[str, Any]:
    staff = list(
        db.session.scalars(
            staff_admin.in_scope(viewer()).where(Staff.status == StaffStatus.ACTIVE).order_by(Staff.name)
        )
    )
    teams = list(db.session.scalars(select(Team).order_by(Team.id)))
    if not is_admin(viewer()):
        allowed = (
            set(db.session.scalars(visibility.team_subtree(viewer().team_id))) if viewer().team_id else set()
        )
        teams = [t for t in teams if t.id in allowed]
    groups = profile.all_tag_groups()
    return {"staff_choices": staff, "team_choices": teams, "tag_groups": groups}


@admin_bp.get("/customers")
@console_required
def customers():
    """Filter, sort and page through customers in scope: counted up to a bound, paged by keyset."""
    f = _filter_or_400()
    page = customer_query.page(db.session, viewer(), f)
    total = customer_query.count_upto(
        db.session, viewer(), f, current_app.config["CUSTOMER_LIST_COUNT_BOUND"]
    )
    return htmx.render(
        "admin/customers.html",
        block="results",
        f=f,
        page=page,
        total=total,
        params=f.as_params(),
        **_scope_choices(),
        **common(),
    )


@admin_bp.get("/customers/count")
@console_required
def customers_count():
    """The exact number of matches, when the list said "10,000+" and someone asked."""
    f = _filter_or_400()
    total = customer_query.Count(customer_query.count(db.session, viewer(), f), True)
    return htmx.render(
        "admin/customer_count.html", block="count", total=total, params=f.as_params(), **common()
    )


@admin_bp.get("/customers/<external_userid>")
@console_required
def customer_detail(external_userid: str):
    """Full profile, every follow (ended ones too), notes, sends and audit entries."""
    try:
        customer = visibility.customer_for(viewer(), external_userid, ask_wecom=False)
    except visibility.NotVisible:
        abort(404)
    data = profile.load(customer, viewer() if isinstance(viewer(), Staff) else None)
    sends = list(
        db.session.scalars(
            select(Send).where(Send.customer_id == customer.id).order_by(desc(Send.created_at)).limit(50)
        )
    )
    # The customer's own entries and those of what was given them (red packets, coupons): an audit of
    # this customer that left out the money sent to them would be no audit.
    theirs = or_(
        and_(AuditLog.target_type == "customer", AuditLog.target_id.in_([external_userid, str(customer.id)])),
        and_(
            AuditLog.target_type == "red_packet",
            AuditLog.target_id.in_(
                select(cast(RedPacket.id, String)).where(RedPacket.customer_id == customer.id)
            ),
        ),
        and_(
            AuditLog.target_type == "coupon",
            AuditLog.target_id.in_(select(cast(Coupon.id, String)).where(Coupon.customer_id == customer.id)),
        ),
    )
    entries = audit_words.lines(
        db.session.scalars(select(AuditLog).where(theirs).order_by(desc(AuditLog.created_at)).limit(50))
    )
    return render_template(
        "admin/customer.html",
        customer=customer,
        p=data,
        notes=profile.notes_of(customer),
        channels=codes.names(f.state for f in customer.follows),
        phones=oneid.phones_of(customer.id),
        sends=sends,
        entries=entries,
        **common(),
    )


@admin_bp.post("/customers/bulk-tags")
@console_required
def bulk_tags():
    """Add or remove tags on every customer the current filter shows, as a job with progress."""
    f = _filter_or_400()
    try:
        add = [int(t) for t in request.form.getlist("add_tag") if t]
        remove = [int(t) for t in request.form.getlist("remove_tag") if t]
    except ValueError:
        abort(400, _("Choose tags from the list."))
    known = set(db.session.scalars(select(Tag.id).where(Tag.id.in_(add + remove))))
    if not (add or remove) or known != set(add + remove) or set(add) & set(remove):
        abort(422, _("Choose tags to add or remove (not the same tag for both)."))
    job = bulk.start("bulk_tags", viewer(), f, add=add, remove=remove)
    return _enqueue(job.id)


@admin_bp.post("/customers/export")
@console_required
def export():
    """Export the filtered customers to xlsx, as a job with progress."""
    job = bulk.start("export", viewer(), _filter_or_400())
    return _enqueue(job.id)


def _enqueue(job_id: int):
    try:
        run_console_job(job_id)
    except Exception:  # the job row keeps the error; the progress view shows it
        current_app.logger.exception("console job %s failed", job_id)
    db.session.expire_all()
    return job_view(job_id)


@admin_bp.get("/jobs/<int:job_id>")
@console_required
def job_view(job_id: int):
    """The job's progress; htmx polls this fragment until the job has finished."""
    job = bulk.visible_job(viewer(), job_id)
    if job is None:
        abort(404)
    result = json.loads(job.result) if job.result else {}
    return htmx.render("admin/job.html", block="job", job=job, result=result, **common())


@admin_bp.get("/jobs/<int:job_id>/download")
@console_required
def job_download(job_id: int):
    job = bulk.visible_job(viewer(), job_id)
    if job is None or job.kind != "export" or not job.result:
        abort(404)
    key = json.loads(job.result)["file"]
    if "/" not in key:  # an export made before the file store: moved by `flask files move-instance`
        key = f"exports/{key}"
    try:
        return file_store.download(key, filename=f"customers-{job.id}.xlsx", mimetype=bulk.XLSX)
    except file_store.FileMissing:
        abort(404)
