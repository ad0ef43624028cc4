"""Who is using the console: an active admin or manager (signed in through WeCom), or a local admin
account. Guides have no console. ``console_required`` guards every console view."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, g, redirect, request, session, url_for
from flask_babel import gettext as _

from sidebar.extensions import db
from sidebar.models import AdminAccount, Role, Staff
from sidebar.web.auth import (
    console_session_is_current,
    current_staff,
    end_sessions_everywhere,
    session_is_current,
    sign_out,
    start_session,
)
from sidebar.web.htmx import hx_redirect, is_htmx
from sidebar.web.redirects import safe_next

ACCOUNT_KEY = "admin_account_id"
F = TypeVar("F", bound=Callable[..., Any])
Viewer = Staff | AdminAccount


def current_viewer() -> Viewer | None:
    if "viewer" not in g:
        account_id = session.get(ACCOUNT_KEY)
        account = db.session.get(AdminAccount, account_id) if account_id else None
        if account is not None and not session_is_current(account):
            account = None
        g.viewer = account or current_staff()
    return g.viewer


def sign_in_account(account: AdminAccount) -> None:
    start_session(ACCOUNT_KEY, account.id)
    g.viewer = account


def sign_out_console() -> None:
    """Sign out of the console: every session of this person ends, on every device."""
    viewer = current_viewer()
    if viewer is not None:
        end_sessions_everywhere(viewer)
    session.pop(ACCOUNT_KEY, None)
    sign_out()
    g.pop("viewer", None)


def is_admin(viewer: Viewer) -> bool:
    return viewer.role == Role.ADMIN


def console_required(view: F) -> F:
    """Signed in as an admin or manager; a guide gets 403, nobody gets the sign-in page."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        viewer = current_viewer()
        if viewer is not None and not console_session_is_current():
            # Idle too long, or signed in too long ago: sign in again (silent inside WeCom).
            session.pop(ACCOUNT_KEY, None)
            sign_out()
            g.pop("viewer", None)
            viewer = None
        if viewer is None:
            target = request.full_path.rstrip("?") if request.method == "GET" else "/admin/"
            login = url_for("admin.login", next=safe_next(target, "/admin/"))
            return hx_redirect(login) if is_htmx() else redirect(login)
        if viewer.role not in (Role.ADMIN, Role.MANAGER):
            abort(403, _("The console is for admins and managers."))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def admin_required(view: F) -> F:
    """Configuration that only admins may change."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        viewer = current_viewer()
        if viewer is None or not is_admin(viewer):
            abort(403, _("Only admins can change this."))
        return view(*args, **kwargs)

    return console_required(wrapper)  # type: ignore[return-value]
