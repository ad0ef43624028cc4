"""Console page for customers lost: who deleted whom and when, the customer's stage and spend, and the
guides who deleted more than the brand allows today — within the viewer's scope."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, render_template, request

from sidebar.acquisition import deletions
from sidebar.models import Staff, utcnow
from sidebar.web.admin import admin_bp, common, viewer
from sidebar.web.console_auth import console_required

PERIODS = (1, 7, 30)  # days the list can cover


@admin_bp.get("/deletions")
@console_required
def deletions_page():
    days = request.args.get("days", "7")
    if not days.isdigit() or int(days) not in PERIODS:
        abort(400)
    now = utcnow()
    person = viewer() if isinstance(viewer(), Staff) else None
    return render_template(
        "admin/deletions.html",
        **common(
            rows=deletions.recent(person, since=now - timedelta(days=int(days))),
            flagged=deletions.flagged(person, now=now),
            days=int(days),
            periods=PERIODS,
        ),
    )
