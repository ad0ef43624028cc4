"""Who is signed in. The session holds a staff id; every request re-checks that the member is active.

Sessions end: ``SESSION_MAX_AGE`` (12 h) after sign-in (inside WeCom signing in again is silent, so
this costs a guide nothing); in the console also after ``CONSOLE_IDLE_TIMEOUT`` (2 h) without a
console request and ``CONSOLE_SESSION_MAX_AGE`` (12 h) in all; and everywhere at once when the person
signs out (``end_sessions_everywhere``).

``login_required`` guards staff pages: without a session a page request is sent to WeCom OAuth, and an
htmx request gets ``HX-Redirect`` (never a login page swapped into a fragment).
"""

from __future__ import annotations

import functools
import secrets
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask import current_app, g, redirect, request, session, url_for

from sidebar.extensions import db
from sidebar.models import AdminAccount, Staff, StaffStatus, utcnow
from sidebar.web.htmx import hx_redirect, is_htmx
from sidebar.web.redirects import safe_next

SESSION_KEY = "staff_id"
SIGNED_IN_AT = "signed_in_at"  # seconds since the epoch
CONSOLE_SEEN_AT = "console_seen_at"
F = TypeVar("F", bound=Callable[..., Any])


def current_staff() -> Staff | None:
    """The signed-in, still active staff member whose session is current, or None."""
    if "staff" not in g:
        staff_id = session.get(SESSION_KEY)
        accept_staff(db.session.get(Staff, staff_id) if staff_id else None)
    return g.staff


def accept_staff(staff: Staff | None) -> None:
    """Take ``staff`` (loaded by the caller for this session's id, perhaps with more in the same
    statement) as the signed-in member, if still active and the session current."""
    alive = staff is not None and staff.status == StaffStatus.ACTIVE and session_is_current(staff)
    g.staff = staff if alive else None


def start_session(key: str, holder_id: int) -> None:
    """A fresh session for a staff member or an account: nothing from before sign-in carries over
    (except the language chosen)."""
    lang = session.get("lang")
    session.clear()
    session[key] = holder_id
    session[SIGNED_IN_AT] = session[CONSOLE_SEEN_AT] = time.time()
    if lang:
        session["lang"] = lang
    session.permanent = True


def session_is_current(holder: Staff | AdminAccount) -> bool:
    """Begun within ``SESSION_MAX_AGE``, and after the holder last signed out everywhere."""
    started = session.get(SIGNED_IN_AT)
    if not isinstance(started, int | float):
        return False  # a session from before these rules: sign in again
    if time.time() - started > current_app.config["SESSION_MAX_AGE"]:
        return False
    ended = holder.sessions_valid_after
    return ended is None or started > ended.timestamp()


def console_session_is_current() -> bool:
    """Not idle for ``CONSOLE_IDLE_TIMEOUT`` nor older than ``CONSOLE_SESSION_MAX_AGE``; marks this
    request as activity."""
    cfg, now = current_app.config, time.time()
    started = session.get(SIGNED_IN_AT) or 0
    seen = session.get(CONSOLE_SEEN_AT) or started
    if now - started > cfg["CONSOLE_SESSION_MAX_AGE"] or now - seen > cfg["CONSOLE_IDLE_TIMEOUT"]:
        return False
    if now - seen > 60:  # not on every request: each change re-sends the cookie
        session[CONSOLE_SEEN_AT] = now
    return True


def end_sessions_everywhere(holder: Staff | AdminAccount) -> None:
    """Sign out: this session and every other one the holder began before now; the caller commits."""
    holder.sessions_valid_after = utcnow()
    session.clear()
    g.pop("staff", None)


def sign_in(staff: Staff) -> None:
    start_session(SESSION_KEY, staff.id)
    g.staff = staff


def sign_out() -> None:
    session.pop(SESSION_KEY, None)
    g.pop("staff", None)


class SignInStateMismatch(Exception):
    """The ``state`` WeCom sent back is not the one this browser was given: a stale or forged link."""


def begin_wecom_sign_in(flow: str, next_url: str) -> str:
    """A one-time ``state`` for a WeCom sign-in (OAuth or QR), remembered with where to go after. Hex:
    WeCom's OAuth takes only a-zA-Z0-9 in ``state``, at most 128 bytes (doc 96441, 构造网页授权链接)."""
    state = secrets.token_hex(16)
    session[f"{flow}_state"] = state
    session[f"{flow}_next"] = next_url
    return state


def oauth_url(state: str, redirect_uri: str, *, agentid: str | None = None) -> str:
    """WeCom's OAuth (snsapi_base, silent). With ``agentid`` it signs in a member of the corp; without,
    it is someone in WeChat and WeCom answers with their openid (and external_userid for customers)."""
    cfg = current_app.config
    params = {
        "appid": cfg["WECOM_CORP_ID"],
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": "snsapi_base",
        "state": state,
    }
    if agentid:
        params["agentid"] = agentid
    return (
        f"{cfg['WECOM_OAUTH_BASE'].rstrip('/')}/connect/oauth2/authorize?{urlencode(params)}#wechat_redirect"
    )


def finish_wecom_sign_in(flow: str, returned_state: str) -> str | None:
    """Check the returned ``state`` (once); give back the remembered destination."""
    expected = session.pop(f"{flow}_state", None)
    next_url = session.pop(f"{flow}_next", None)
    if not expected or not secrets.compare_digest(expected, returned_state or ""):
        raise SignInStateMismatch(flow)
    return next_url


def login_required(view: F) -> F:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_staff() is None:
            target = (
                request.full_path.rstrip("?") if request.method == "GET" else request.referrer or "/sidebar/"
            )
            login = url_for("auth.login", next=safe_next(target, "/sidebar/"))
            return hx_redirect(login) if is_htmx() else redirect(login)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
