"""Signing in with WeCom OAuth (snsapi_base): works silently inside the WeCom client."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from sidebar.extensions import db
from sidebar.models import Staff, StaffStatus
from sidebar.web.auth import (
    SignInStateMismatch,
    begin_wecom_sign_in,
    finish_wecom_sign_in,
    oauth_url,
    sign_in,
)
from sidebar.web.redirects import safe_next
from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import wecom

auth_bp = Blueprint("auth", __name__, url_prefix="/auth")


def refuse(title: str, message: str, status: int = 403):
    return render_template("errors/error.html", status=status, title=title, message=message), status


@auth_bp.get("/login")
def login():
    """Start OAuth: remember where to return and a one-time state, then go to WeCom."""
    state = begin_wecom_sign_in("oauth", safe_next(request.args.get("next"), url_for("sidebar.entry")))
    callback_url = url_for("auth.callback", _external=True)
    return redirect(oauth_url(state, callback_url, agentid=str(current_app.config["WECOM_AGENT_ID"])))


@auth_bp.get("/callback")
def callback():
    """WeCom sends the member back with a code: check the state, ask who it is, sign them in."""
    try:
        next_url = finish_wecom_sign_in("oauth", request.args.get("state", ""))
    except SignInStateMismatch:
        return refuse(
            _("Sign-in expired"),
            _("The sign-in link was not the one we sent. Please open the sidebar again."),
            400,
        )
    code = request.args.get("code", "")
    if not code:
        abort(400, _("The sign-in link is incomplete. Open the sidebar again."))
    try:
        identity = wecom().user_by_code(code)
    except WeComError as exc:
        return refuse(
            _("WeCom did not confirm who you are"),
            _("WeCom answered: %(error)s. Please close the sidebar and open it again.", error=exc.in_words()),
            502,
        )
    userid = identity.get("userid") or identity.get("UserId")
    if not userid:
        return refuse(_("Members only"), _("This page is for members of the company in WeCom."))
    staff = db.session.scalar(select(Staff).where(Staff.userid == userid))
    if staff is None:
        return refuse(
            _("Your account is not set up yet"),
            _("Ask your administrator to sync members into Beside, then open the sidebar again."),
        )
    if staff.status != StaffStatus.ACTIVE:
        return refuse(
            _("Account no longer active"), _("This member has left the company and cannot sign in.")
        )
    sign_in(staff)
    return redirect(safe_next(next_url, url_for("sidebar.entry")))
