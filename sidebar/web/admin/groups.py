"""Customer groups in the console: per group and per owner, members, joins, leaves, messages sent from
Beside and orders from members over 7, 30 or 90 days, with a chart of joins and leaves; ``?format=csv``
exports the groups."""

from __future__ import annotations

import io

from flask import Response, abort, render_template, request

from sidebar.core import export
from sidebar.core.units import yuan
from sidebar.customers import group_stats
from sidebar.web.admin import admin_bp, viewer
from sidebar.web.console_auth import console_required


@admin_bp.get("/groups")
@console_required
def groups_page():
    try:
        days = int(request.args.get("days", "30"))
    except ValueError:
        abort(400, "days is 7, 30 or 90")
    if days not in group_stats.PERIODS:
        abort(400, "days is 7, 30 or 90")
    report = group_stats.report(viewer(), days=days)
    if request.args.get("format") == "csv":
        out = io.StringIO()
        writer = export.CsvWriter(out)
        writer.writerow(
            ["group", "owner", "status", "members", "joins", "leaves", "sends", "orders", "spent"]
        )
        for g in report["groups"]:
            writer.writerow(
                [g.name, g.owner, g.status, g.members, g.joins, g.leaves, g.sends, g.orders, yuan(g.spent)]
            )
        return Response(
            "\ufeff" + out.getvalue(),
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename=groups-{days}d.csv"},
        )
    return render_template("admin/groups.html", report=report, periods=group_stats.PERIODS)
