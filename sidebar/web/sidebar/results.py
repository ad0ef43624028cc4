"""The guide's own results in the sidebar ("我的"): this month and the ones before, as the console
shows them for their manager, and their tier with why. Only the signed-in member's own figures."""

from __future__ import annotations

from flask import render_template, request

from sidebar.guides import metrics, report, tiers
from sidebar.web.auth import login_required
from sidebar.web.sidebar import me, sidebar_bp


@sidebar_bp.get("/me")
@login_required
def my_results():
    month = metrics.parse_month(request.args.get("month")) or metrics.this_month()
    lines = report.trend(me(), month, 6)
    latest_tier = next(iter(tiers.history(me(), 1)), None)
    return render_template(
        "sidebar/me.html",
        staff=me(),
        month=month,
        now=lines[-1],
        before=lines[-2],
        lines=lines,
        top=max([line.month.sales for line in lines] + [1]),
        tier=latest_tier,
        reasons=tiers.reasons(latest_tier) if latest_tier else [],
        units={key: m.unit for key, m in tiers.METRICS.items()},
        previous=metrics.previous_month(month),
    )
