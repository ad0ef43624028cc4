"""The console (``/admin``) for admins and managers: sign-in, dashboard, customers, staff, tags, audit.

Every list, detail, count, chart and export goes through the viewer's scope (``visibility`` for
customers, ``staff_admin.in_scope`` for staff); anything outside it is a 404.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import desc, select

from sidebar import htmx
from sidebar.auth import SignInStateMismatch, begin_wecom_sign_in, finish_wecom_sign_in, sign_in
from sidebar.console_auth import (
    admin_required,
    console_required,
    current_viewer,
    is_admin,
    sign_in_account,
    sign_out_console,
)
from sidebar.core import audit, uow
from sidebar.customers import bulk, profile, visibility
from sidebar.customers import query as customer_query
from sidebar.extensions import db
from sidebar.models import AuditLog, Role, Send, Staff, StaffStatus, Store, Tag, TagGroup, Team
from sidebar.org import accounts as admin_accounts
from sidebar.org import dashboard, staff_admin, tag_admin
from sidebar.redirects import safe_next
from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import wecom

admin_bp = Blueprint("admin", __name__, url_prefix="/admin")


def viewer() -> Any:
    v = current_viewer()
    assert v is not None  # console_required ran first
    return v


def client_ip() -> str:
    return request.remote_addr or "unknown"


def common(**context: Any) -> dict[str, Any]:
    return {"viewer": viewer(), "is_admin": is_admin(viewer()), **context}


# -- signing in ------------------------------------------------------------------------------------


@admin_bp.get("/login")
def login():
    """The sign-in page: WeCom QR login, or a local account. Inside WeCom, OAuth signs in silently."""
    signed_in = current_viewer()
    if signed_in is not None and signed_in.role in (Role.ADMIN, Role.MANAGER):
        return redirect(url_for("admin.dashboard_view"))
    next_url = safe_next(request.args.get("next"), url_for("admin.dashboard_view"))
    if "wxwork" in request.headers.get("User-Agent", "").lower():
        return redirect(url_for("auth.login", next=next_url))
    return render_template("admin/login.html", next_url=next_url, error=None)


@admin_bp.post("/login")
def login_local():
    """A local account: the same vague answer for a wrong name, a wrong password or too many tries."""
    next_url = safe_next(request.form.get("next"), url_for("admin.dashboard_view"))
    try:
        account = admin_accounts.authenticate(
            request.form.get("username", ""), request.form.get("password", ""), ip=client_ip()
        )
    except admin_accounts.SignInRefused:
        error = _("Wrong username or password, or too many attempts. Try again later.")
        return render_template("admin/login.html", next_url=next_url, error=error), 401
    audit.record(account, "signed_in", "admin_account", account.id, ip=client_ip())
    sign_in_account(account)
    return redirect(next_url, 303)


@admin_bp.get("/login/wecom")
def login_wecom():
    """Start WeCom's QR sign-in (企业微信扫码登录)."""
    state = begin_wecom_sign_in("qr", safe_next(request.args.get("next"), url_for("admin.dashboard_view")))
    cfg = current_app.config
    query = urlencode(
        {
            "login_type": "CorpApp",
            "appid": cfg["WECOM_CORP_ID"],
            "agentid": cfg["WECOM_AGENT_ID"],
            "redirect_uri": url_for("admin.login_callback", _external=True),
            "state": state,
        }
    )
    return redirect(f"{cfg['WECOM_LOGIN_BASE'].rstrip('/')}/wwlogin/sso/login?{query}")


@admin_bp.get("/login/callback")
def login_callback():
    try:
        next_url = finish_wecom_sign_in("qr", request.args.get("state", ""))
    except SignInStateMismatch:
        abort(400, _("The sign-in link was not the one we sent. Please sign in again."))
    try:
        userid = wecom().user_by_code(request.args.get("code", "")).get("userid")
    except WeComError as exc:
        abort(
            502, _("WeCom answered: %(error)s. Please close the sidebar and open it again.", error=exc.errmsg)
        )
    staff = db.session.scalar(select(Staff).where(Staff.userid == userid)) if userid else None
    if staff is None or staff.status != StaffStatus.ACTIVE or staff.role not in (Role.ADMIN, Role.MANAGER):
        return render_template(
            "errors/error.html",
            status=403,
            title=_("No access"),
            message=_("The console is for admins and managers who are still with the company."),
        ), 403
    sign_in(staff)
    return redirect(safe_next(next_url, url_for("admin.dashboard_view")))


@admin_bp.post("/logout")
def logout():
    """Sign out here and on every other device."""
    sign_out_console()
    return redirect(url_for("admin.login"), 303)


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
    """Filter, sort and page through customers in scope; the count is computed in SQL."""
    f = _filter_or_400()
    rows = customer_query.page(db.session, viewer(), f)
    total = customer_query.count(db.session, viewer(), f)
    return htmx.render(
        "admin/customers.html",
        block="results",
        f=f,
        rows=rows,
        total=total,
        params=f.as_params(),
        **_scope_choices(),
        **common(),
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
    entries = list(
        db.session.scalars(
            select(AuditLog)
            .where(
                AuditLog.target_type == "customer",
                AuditLog.target_id.in_([external_userid, str(customer.id)]),
            )
            .order_by(desc(AuditLog.created_at))
            .limit(50)
        )
    )
    return render_template(
        "admin/customer.html", customer=customer, p=data, sends=sends, entries=entries, **common()
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
        abort(400, "tag ids must be numbers")
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
    from sidebar.jobs import run_console_job

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
    name = json.loads(job.result)["file"]
    return send_from_directory(
        bulk.export_folder(current_app.instance_path),
        name,
        as_attachment=True,
        download_name=f"customers-{job.id}.xlsx",
    )


# -- staff -----------------------------------------------------------------------------------------


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
            tier=request.form.get("tier", ""),
            actor=viewer(),
            ip=client_ip(),
        )
    except (ValueError, staff_admin.StaffError) as exc:
        abort(422, str(exc))
    return redirect(url_for("admin.staff_list"), 303)


@admin_bp.post("/staff/sync")
@admin_required
def staff_sync():
    from sidebar.org import staff as staff_service

    try:
        counts = staff_service.sync_staff()
    except WeComError as exc:
        abort(502, exc.errmsg)
    audit.record(viewer(), "staff_synced", "staff", None, ip=client_ip(), **counts)
    return redirect(url_for("admin.staff_list"), 303)


# -- tags ------------------------------------------------------------------------------------------


@admin_bp.get("/tags")
@console_required
def tags():
    return render_template("admin/tags.html", groups=profile.all_tag_groups(), error=None, **common())


def _tag_action(action: Any) -> Any:
    """Run a tag change; WeCom's refusal or a bad name comes back on the page, nothing changed."""
    try:
        action()
    except (tag_admin.TagError, WeComError) as exc:
        uow.discard()
        message = exc.errmsg if isinstance(exc, WeComError) else str(exc)
        return render_template(
            "admin/tags.html", groups=profile.all_tag_groups(), error=message, **common()
        ), 422
    return redirect(url_for("admin.tags"), 303)


def _group_or_404(group_id: int) -> TagGroup:
    return db.session.get(TagGroup, group_id) or abort(404)


def _tag_or_404(tag_id: int) -> Tag:
    return db.session.get(Tag, tag_id) or abort(404)


@admin_bp.post("/tags/groups")
@admin_required
def tag_group_create():
    form = request.form
    return _tag_action(
        lambda: tag_admin.create_group(
            form.get("name", ""), form.get("first_tag", ""), local=bool(form.get("local")), actor=viewer()
        )
    )


@admin_bp.post("/tags/groups/<int:group_id>/tags")
@admin_required
def tag_create(group_id: int):
    group = _group_or_404(group_id)
    return _tag_action(lambda: tag_admin.add_tag(group, request.form.get("name", ""), actor=viewer()))


@admin_bp.post("/tags/groups/<int:group_id>/rename")
@admin_required
def tag_group_rename(group_id: int):
    group = _group_or_404(group_id)
    return _tag_action(lambda: tag_admin.rename(group, request.form.get("name", ""), actor=viewer()))


@admin_bp.post("/tags/groups/<int:group_id>/delete")
@admin_required
def tag_group_delete(group_id: int):
    group = _group_or_404(group_id)
    return _tag_action(lambda: tag_admin.delete(group, actor=viewer()))


@admin_bp.post("/tags/<int:tag_id>/rename")
@admin_required
def tag_rename(tag_id: int):
    tag = _tag_or_404(tag_id)
    return _tag_action(lambda: tag_admin.rename(tag, request.form.get("name", ""), actor=viewer()))


@admin_bp.post("/tags/<int:tag_id>/move")
@admin_required
def tag_move(tag_id: int):
    tag = _tag_or_404(tag_id)
    return _tag_action(lambda: tag_admin.move(tag, request.form.get("direction", ""), actor=viewer()))


@admin_bp.post("/tags/<int:tag_id>/delete")
@admin_required
def tag_delete(tag_id: int):
    tag = _tag_or_404(tag_id)
    return _tag_action(lambda: tag_admin.delete(tag, actor=viewer()))


# -- audit -----------------------------------------------------------------------------------------


@admin_bp.get("/audit")
@console_required
def audit_log():
    """Who changed what and when; a manager sees what members of their team did."""
    query = select(AuditLog).order_by(desc(AuditLog.created_at), desc(AuditLog.id))
    if not is_admin(viewer()):
        query = query.where(AuditLog.actor_staff_id.in_(visibility.follower_ids(viewer())))  # type: ignore[arg-type]
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        abort(400, "page must be a number")
    entries = list(db.session.scalars(query.limit(50).offset((page - 1) * 50)))
    return render_template("admin/audit.html", entries=entries, page=page, **common())
