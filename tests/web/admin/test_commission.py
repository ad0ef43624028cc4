"""The console's commission: rates (admins; bad ones refused with the reason), a month's drafts made and
approved, the export's totals equal to the database's, corrections only on drafts, managers read-only."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from sidebar.extensions import db
from sidebar.guides import metrics
from sidebar.models import AuditLog, CommissionLine, CommissionRate, CommissionStatement
from tests.web.admin.test_console import csrf_token, qr_sign_in


def rates_form(token: str, month: str, *rows) -> dict[str, str]:
    form = {"csrf_token": token, "month": month}
    for n, (scope, key, pct) in enumerate(rows):
        form |= {f"scope_{n}": scope, f"key_{n}": key, f"rate_{n}": pct}
    return form


def busiest_ended_month(app) -> str:
    """The ended month in which the demo's guides sold most (statements are made once a month ends)."""
    from sidebar.models import GuideMonth

    with app.app_context():
        month = db.session.scalar(
            select(GuideMonth.month)
            .where(GuideMonth.month < metrics.this_month())
            .group_by(GuideMonth.month)
            .order_by(func.sum(GuideMonth.sales).desc())
            .limit(1)
        )
    return month.strftime("%Y-%m")


def test_rates_drafts_approval_and_the_export(seeded, client):
    month = busiest_ended_month(seeded)
    qr_sign_in(client, "zhangwei")
    token = csrf_token(client, "/admin/commission")
    res = client.post(
        "/admin/commission/rates", data=rates_form(token, month, ("default", "", "3"), ("tier", "D", "5"))
    )
    assert res.status_code == 422 and "分层只能是 A、B 或 C" in res.get_data(as_text=True)
    res = client.post("/admin/commission/rates", data=rates_form(token, month, ("default", "", "三")))
    assert res.status_code == 422
    with seeded.app_context():
        assert db.session.scalar(select(func.count()).select_from(CommissionRate)) == 0
    good = rates_form(token, month, ("default", "", "3"), ("tier", "A", "4.5"), ("store", "SH01", "5"))
    assert client.post("/admin/commission/rates", data=good).status_code == 303

    with seeded.app_context():
        this_month = metrics.this_month().strftime("%Y-%m")
    res = client.post("/admin/commission/draft", data={"csrf_token": token, "month": this_month})
    assert res.status_code == 422  # a month that has not ended
    assert (
        client.post("/admin/commission/draft", data={"csrf_token": token, "month": month}).status_code == 303
    )
    with seeded.app_context():
        statements = db.session.scalars(select(CommissionStatement)).all()
        total = db.session.scalar(select(func.sum(CommissionLine.commission)))
        paid = db.session.scalar(select(func.sum(CommissionLine.amount)))
    assert statements and total > 0
    assert {s.status for s in statements} == {"draft"}

    export = client.get("/admin/commission/export", query_string={"month": month})
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.data))
    summary, detail = list(book["提成汇总"].values), list(book["明细"].values)
    assert summary[-1][0] == "合计" and round(summary[-1][7] * 100) == total
    assert round(sum(r[7] for r in summary[1:-1]) * 100) == total
    assert (
        detail[-1][0] == "合计"
        and round(detail[-1][10] * 100) == total
        and round(detail[-1][5] * 100) == paid
    )
    assert len(detail) - 2 == sum(s.orders for s in statements)  # one line per order, no adjustments yet

    assert (
        client.post("/admin/commission/approve", data={"csrf_token": token, "month": month}).status_code
        == 303
    )
    with seeded.app_context():
        assert {s.status for s in db.session.scalars(select(CommissionStatement))} == {"approved"}
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "commission.approve")) is not None
        first = statements[0].id
    res = client.post(
        f"/admin/commission/{first}/adjust", data={"csrf_token": token, "amount": "10", "note": "补"}
    )
    assert res.status_code == 422  # approved: locked
    with seeded.app_context():
        assert db.session.scalar(select(func.sum(CommissionLine.commission))) == total

    # A manager reads the statements of their region, and changes nothing.
    qr_sign_in(client, "lina")
    page = client.get("/admin/commission", query_string={"month": month}).get_data(as_text=True)
    assert "黄丽" not in page and 'data-testid="statement-row"' in page
    token = csrf_token(client, "/admin/commission")
    assert (
        client.post("/admin/commission/draft", data={"csrf_token": token, "month": month}).status_code == 403
    )
