"""Console pages for guides by results: a month's figures for every guide in scope (sortable, with
each team's totals), one guide's trend, and (admins) the attribution rule."""

from __future__ import annotations

from datetime import date

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from sidebar.core import audit, uow
from sidebar.core.errors import DomainError
from sidebar.extensions import db
from sidebar.guides import attribution, metrics, report
from sidebar.jobs import recompute_guides_now
from sidebar.models import AttributionRule, Staff
from sidebar.org import staff_admin
from sidebar.web.admin import admin_bp, client_ip, common, viewer
from sidebar.web.console_auth import admin_required, console_required


def _month(text: str | None) -> date:
    """``YYYY-MM`` from the query string; this month when absent or not a month."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return metrics.this_month()


def _page(status: int = 200, error: str | None = None):  # type: ignore[no-untyped-def]
    month = _month(request.args.get("month"))
    descending = request.args.get("dir", "desc") != "asc"
    shown = report.table(viewer(), month, request.args.get("sort", "sales"), descending)
    months = report.months(viewer())
    if month not in months:
        months = sorted([*months, month], reverse=True)
    return (
        render_template(
            "admin/guides.html",
            **common(
                month=month,
                months=months,
                sorts=report.SORTS,
                rules=[r.value for r in AttributionRule],
                settings=attribution.settings(),
                error=error,
                **shown,
            ),
        ),
        status,
    )


@admin_bp.get("/guides")
@console_required
def guides_page():
    return _page()


@admin_bp.get("/guides/<int:staff_id>")
@console_required
def guide_page(staff_id: int):
    person = db.session.scalar(staff_admin.in_scope(viewer()).where(Staff.id == staff_id))
    if person is None:
        abort(404)
    month = _month(request.args.get("month"))
    lines = report.trend(person, month)
    return render_template("admin/guide.html", **common(person=person, month=month, lines=lines))


@admin_bp.post("/guides/rule")
@admin_required
def guides_rule():
    days = request.form.get("touch_days", "")
    try:
        row = attribution.save_rule(request.form.get("rule", ""), int(days) if days.isdigit() else 0)
    except DomainError:
        uow.discard()
        return _page(422, _("Pick a rule, and a coupon window of 1 to 90 days."))
    audit.record(
        viewer(),
        "guides.rule",
        "guide_settings",
        str(row.id),
        ip=client_ip(),
        rule=row.rule,
        days=row.touch_days,
    )
    uow.after_commit(recompute_guides_now)
    return redirect(url_for("admin.guides_page"), 303)
