"""The console (``/admin``) for admins and managers: the blueprint and what every page uses.

Every list, detail, count, chart and export goes through the viewer's scope (``visibility`` for
customers, ``staff_admin.in_scope`` for staff); anything outside it is a 404. The pages live in the
modules imported at the bottom: login, customers (dashboard, customers, jobs), staff, tags, content
(scripts, materials, usage), money (coupons, red packets, API keys), sop, audit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, flash, g, request
from flask_babel import gettext as _

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


def qr_png(fetch: Callable[[], bytes | None], filename: str) -> Response:
    """A code's QR image (channel or group code): shown, or downloaded with ``?download=1``; 502 when
    WeCom's copy could not be fetched, 404 when the code has none."""
    try:
        image = fetch()
    except OSError:
        abort(502, _("The QR image could not be fetched from WeCom. Try again."))
    if image is None:
        abort(404)
    disposition = "attachment" if request.args.get("download") else "inline"
    return Response(
        image, mimetype="image/png", headers={"Content-Disposition": f'{disposition}; filename="{filename}"'}
    )


# Recorded, but not changes a person made and wants confirmed.
NOT_SAID = {"signed_in"}


@admin_bp.after_request
def _say_what_happened(response: Response) -> Response:
    """Every console change that ends in a redirect says what it did on the page it lands on: the
    sentence of its audit entry (``audit_words``), so a change cannot forget its acknowledgement."""
    if request.method == "POST" and response.status_code in (302, 303):
        from sidebar.web.audit_words import sentence

        for action, detail in g.get("audited", []):
            if action not in NOT_SAID:
                flash(_("Done: %(what)s", what=sentence(action, detail)))
    return response


@admin_bp.context_processor
def _navigation() -> dict[str, Any]:
    """The menu and the viewer's name on every console page, whatever the view passed (``nav``): a page
    cannot leave them out, so no console page is a dead end."""
    from sidebar.web.admin import nav

    return nav.layout_context(current_viewer())


# The pages (imported last: they use the blueprint and the helpers above).
from sidebar.web.admin import (  # noqa: E402,F401
    archive,
    audit,
    campaigns,
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
    links,
    login,
    moments,
    money,
    pool,
    products,
    radar,
    referrals,
    reports,
    signals,
    sop,
    staff,
    stores,
    tag_rules,
    tags,
    transfers,
    wecom_check,
)
