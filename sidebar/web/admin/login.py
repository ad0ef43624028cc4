"""Signing in to the console: WeCom QR login, OAuth inside WeCom, or a local account; signing out."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from sidebar.core import audit
from sidebar.extensions import db
from sidebar.models import Role, Staff, StaffStatus
from sidebar.org import accounts as admin_accounts
from sidebar.web.admin import admin_bp, client_ip
from sidebar.web.auth import SignInStateMismatch, begin_wecom_sign_in, finish_wecom_sign_in, sign_in
from sidebar.web.console_auth import current_viewer, sign_in_account, sign_out_console
from sidebar.web.redirects import safe_next
from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import wecom


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
            502,
            _("WeCom answered: %(error)s. Please close the sidebar and open it again.", error=exc.in_words()),
        )
    staff = db.session.scalar(select(Staff).where(Staff.userid == userid)) if userid else None
    if staff is None or staff.status != StaffStatus.ACTIVE or staff.role not in (Role.ADMIN, Role.MANAGER):
        return render_template(
            "errors/error.html",
            status=403,
            title=_("No access"),
            message=_refusal(staff, userid),
        ), 403
    sign_in(staff)
    return redirect(safe_next(next_url, url_for("admin.dashboard_view")))


def _refusal(staff: Staff | None, userid: str | None) -> str:
    """Why this WeCom member may not use the console, and who can change that."""
    if staff is not None and staff.status != StaffStatus.ACTIVE:
        return _("The console is for admins and managers who are still with the company.")
    if not db.session.scalar(select(Staff.id).where(Staff.role == Role.ADMIN).limit(1)):
        return _(
            "Beside has no admin yet. The person who set Beside up makes the first one: name their WeCom "
            "account in WECOM_ADMIN_USERIDS before syncing staff, or sign in with an account made by "
            "flask create-admin, then give roles on the Staff page."
        )
    if staff is None:
        return _(
            "Your WeCom account (%(userid)s) is not in Beside yet. Ask an admin to sync staff from WeCom "
            "on the Staff page (员工), then to give you a role.",
            userid=userid or "?",
        )
    return _(
        "The console is for admins and managers. Ask an admin to give your account (%(userid)s) the admin "
        "or manager role on the Staff page (员工).",
        userid=staff.userid,
    )


@admin_bp.post("/logout")
def logout():
    """Sign out here and on every other device."""
    sign_out_console()
    return redirect(url_for("admin.login"), 303)
