"""Console page for the daily and weekly reports: on or off, when they go out, and how the last ones went."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from sidebar.acquisition import reports
from sidebar.core import audit, uow
from sidebar.extensions import db
from sidebar.models import ReportSend
from sidebar.web.admin import admin_bp, client_ip, common, viewer
from sidebar.web.console_auth import admin_required


def _page(status: int = 200, error: str | None = None, form: dict | None = None):  # type: ignore[no-untyped-def]
    history = db.session.execute(
        select(ReportSend.kind, ReportSend.period_start, ReportSend.status, func.count())
        .group_by(ReportSend.kind, ReportSend.period_start, ReportSend.status)
        .order_by(ReportSend.period_start.desc(), ReportSend.kind)
        .limit(60)
    ).all()
    return (
        render_template(
            "admin/reports.html",
            **common(settings=reports.settings(), history=history, error=error, form=form),
        ),
        status,
    )


@admin_bp.get("/reports")
@admin_required
def reports_page():
    return _page()


@admin_bp.post("/reports")
@admin_required
def reports_save():
    form = request.form
    day = form.get("weekly_day", "")
    try:
        reports.save_settings(
            daily_on=form.get("daily_on") == "1",
            daily_at=form.get("daily_at", ""),
            weekly_on=form.get("weekly_on") == "1",
            weekly_day=int(day) if day.isdigit() else -1,
            weekly_at=form.get("weekly_at", ""),
        )
    except reports.ReportSettingsError:
        uow.discard()
        return _page(
            422, _("Give each time as HH:MM (for example 09:00) and pick a weekday."), form.to_dict()
        )
    row = reports.settings()
    audit.record(
        viewer(),
        "reports.settings",
        "reports",
        "settings",
        ip=client_ip(),
        daily=row.daily_at if row.daily_on else "off",
        weekly=f"{row.weekly_day} {row.weekly_at}" if row.weekly_on else "off",
    )
    return redirect(url_for("admin.reports_page"), 303)
