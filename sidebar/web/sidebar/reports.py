"""The mobile report page a daily or weekly report's text card opens: the reader's figures for the
period and the last seven days of customers added and lost, within their scope."""

from __future__ import annotations

from datetime import date

from flask import abort, render_template

from sidebar.acquisition import reports
from sidebar.models import utcnow
from sidebar.web.auth import login_required
from sidebar.web.sidebar import me, sidebar_bp


@sidebar_bp.get("/reports/<kind>/<day>")
@login_required
def report_page(kind: str, day: str):
    try:
        start = date.fromisoformat(day)
    except ValueError:
        abort(404)
    if kind not in reports.KINDS or start > reports.latest_start(kind, utcnow()):
        abort(404)  # no report for a period that has not ended
    if kind == "weekly" and start.weekday() != 0:
        abort(404)
    begin, end = reports.period(kind, start)
    days = reports.per_day(me(), end)
    top = max([max(a, lost) for _, a, lost in days] + [1])
    return render_template(
        "sidebar/report.html",
        staff=me(),
        kind=kind,
        start=start,
        title=reports.title(kind, start),
        figures=reports.figures(me(), begin, end),
        days=days,
        top=top,
        latest={k: reports.latest_start(k, utcnow()).isoformat() for k in reports.KINDS},
    )
