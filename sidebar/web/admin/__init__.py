"""The console (``/admin``) for admins and managers: the blueprint and what every page uses.

Every list, detail, count, chart and export goes through the viewer's scope (``visibility`` for
customers, ``staff_admin.in_scope`` for staff); anything outside it is a 404. The pages live in the
modules imported at the bottom: login, customers (dashboard, customers, jobs), staff, tags, content
(scripts, materials, usage), money (coupons, red packets, API keys), sop, audit.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from sidebar.web.console_auth import current_viewer, is_admin

admin_bp = Blueprint("admin", __name__, url_prefix="/admin")


def viewer() -> Any:
    """The signed-in admin or manager (a staff member or a local account)."""
    v = current_viewer()
    assert v is not None  # console_required ran first
    return v


def client_ip() -> str:
    return request.remote_addr or "unknown"


def common(**context: Any) -> dict[str, Any]:
    return {"viewer": viewer(), "is_admin": is_admin(viewer()), **context}


@admin_bp.context_processor
def _navigation() -> dict[str, Any]:
    """The menu on every console page, whatever the view passed (``nav``)."""
    from sidebar.web.admin import nav

    signed_in = current_viewer()
    if signed_in is None:
        return {"menu": [], "menu_group": ""}
    return {"menu": nav.menu(is_admin(signed_in)), "menu_group": nav.current_group()}


# The pages (imported last: they use the blueprint and the helpers above).
from sidebar.web.admin import (  # noqa: E402,F401
    audit,
    channel_codes,
    commission,
    content,
    customers,
    data,
    deletions,
    group_codes,
    groups,
    guides,
    imports,
    inheritance,
    login,
    money,
    products,
    radar,
    reports,
    signals,
    sop,
    staff,
    tag_rules,
    tags,
    transfers,
)
