"""The audit log: who did what, when, from where."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from sqlalchemy import desc, select

from sidebar.customers import visibility
from sidebar.extensions import db
from sidebar.models import AuditLog
from sidebar.web import audit_words
from sidebar.web.admin import admin_bp, common, viewer
from sidebar.web.console_auth import console_required, is_admin


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
        abort(400, _("The page must be a number."))
    entries = list(db.session.scalars(query.limit(50).offset((page - 1) * 50)))
    return render_template(
        "admin/audit.html", lines=audit_words.lines(entries), count=len(entries), page=page, **common()
    )
