"""Console pages for commission: the rates (admins), a month's statements per guide and store (drafts
made and approved by admins; managers read their scope), a statement's lines with corrections, and the
xlsx for finance."""

from __future__ import annotations

import io
from datetime import date

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import select

from sidebar.core import audit, export, uow
from sidebar.core.units import parse_yuan
from sidebar.customers.visibility import follower_ids
from sidebar.extensions import db
from sidebar.guides import commission, metrics
from sidebar.models import CommissionStatement, RateScope, Staff, StatementStatus, Store
from sidebar.org import staff_admin
from sidebar.web.admin import admin_bp, client_ip, common, viewer
from sidebar.web.console_auth import admin_required, console_required

RATE_ROWS = 12  # rows the rates form offers


def _month(text: str | None) -> date:
    """The month asked for; by default the last one ended (the one finance closes next)."""
    return metrics.parse_month(text) or metrics.previous_month(metrics.this_month())


def _page(month: date, status: int = 200, error: str | None = None, typed: list | None = None):  # type: ignore[no-untyped-def]
    shown = commission.statements(month, follower_ids(viewer()))
    rates = (
        typed
        if typed is not None
        else [(r.scope, r.key, f"{r.basis_points / 100:g}") for r in commission.rates()]
    )
    return (
        render_template(
            "admin/commission.html",
            **common(
                month=month,
                shown=shown,
                totals={
                    k: sum(getattr(st, k) for st, _, _ in shown)
                    for k in ("orders", "amount", "refunds", "adjustments", "commission")
                },
                drafts=sum(1 for st, _, _ in shown if st.status == StatementStatus.DRAFT.value),
                rates=rates,
                rate_rows=RATE_ROWS,
                scopes=[s.value for s in RateScope],
                error=error,
            ),
        ),
        status,
    )


@admin_bp.get("/commission")
@console_required
def commission_page():
    return _page(_month(request.args.get("month")))


@admin_bp.post("/commission/rates")
@admin_required
def commission_rates():
    form = request.form
    rows, typed = [], []
    problem = None
    for n in range(RATE_ROWS):
        scope, key, pct = (
            form.get(f"scope_{n}", ""),
            form.get(f"key_{n}", ""),
            form.get(f"rate_{n}", "").strip(),
        )
        if not scope:
            continue
        typed.append((scope, key, pct))
        fen = parse_yuan(pct.rstrip("%"), allow_zero=True)  # two decimals of a percent: basis points
        if fen is None:
            problem = problem or _("Rate %(n)s: a percentage such as 3.5.", n=len(typed))
            continue
        rows.append((scope, key, fen))
    month = _month(form.get("month"))
    try:
        if problem:
            raise commission.CommissionError(problem)
        commission.save_rates(rows)
    except commission.CommissionError as exc:
        uow.discard()
        return _page(month, 422, str(exc), typed)
    audit.record(
        viewer(), "commission.rates", "commission_rates", None, ip=client_ip(), rates=[list(r) for r in rows]
    )
    return redirect(url_for("admin.commission_page", month=month.strftime("%Y-%m")), 303)


@admin_bp.post("/commission/draft")
@admin_required
def commission_draft():
    month = _month(request.form.get("month"))
    if month >= metrics.this_month():
        return _page(month, 422, _("A month's statements are made once it has ended."))
    try:
        made = commission.draft(month)
    except commission.CommissionError as exc:
        uow.discard()
        return _page(month, 422, str(exc))
    audit.record(
        viewer(), "commission.draft", "commission_statements", month.isoformat(), ip=client_ip(), drafts=made
    )
    return redirect(url_for("admin.commission_page", month=month.strftime("%Y-%m")), 303)


@admin_bp.post("/commission/approve")
@admin_required
def commission_approve():
    month = _month(request.form.get("month"))
    drafts = list(
        db.session.scalars(
            select(CommissionStatement).where(
                CommissionStatement.month == month, CommissionStatement.status == StatementStatus.DRAFT.value
            )
        )
    )
    done = commission.approve(drafts, by=viewer().name)
    audit.record(
        viewer(),
        "commission.approve",
        "commission_statements",
        month.isoformat(),
        ip=client_ip(),
        approved=done,
    )
    return redirect(url_for("admin.commission_page", month=month.strftime("%Y-%m")), 303)


def _statement(statement_id: int) -> CommissionStatement:
    """The statement, if its guide is in the viewer's scope (the staff scope every page uses); else 404."""
    st = db.session.get(CommissionStatement, statement_id)
    if st is None or db.session.scalar(staff_admin.in_scope(viewer()).where(Staff.id == st.staff_id)) is None:
        abort(404)
    return st


def _statement_page(st: CommissionStatement, status: int = 200, error: str | None = None):  # type: ignore[no-untyped-def]
    person = db.session.get(Staff, st.staff_id)
    store = db.session.get(Store, st.store_id) if st.store_id else None
    return (
        render_template(
            "admin/commission_statement.html",
            **common(st=st, person=person, store=store, lines=commission.lines(st), error=error),
        ),
        status,
    )


@admin_bp.get("/commission/<int:statement_id>")
@console_required
def commission_statement(statement_id: int):
    return _statement_page(_statement(statement_id))


@admin_bp.post("/commission/<int:statement_id>/adjust")
@admin_required
def commission_adjust(statement_id: int):
    st = _statement(statement_id)
    text = request.form.get("amount", "").strip()
    negative = text.startswith("-")
    fen = parse_yuan(text.lstrip("-"), allow_zero=True)
    try:
        if fen is None:
            raise commission.CommissionError(_("The correction is an amount in yuan, such as -12.50."))
        line = commission.adjust(st, -fen if negative else fen, request.form.get("note", ""))
    except commission.CommissionError as exc:
        uow.discard()
        return _statement_page(st, 422, str(exc))
    audit.record(
        viewer(),
        "commission.adjust",
        "commission_statements",
        str(st.id),
        ip=client_ip(),
        fen=line.commission,
        note=line.note,
    )
    return redirect(url_for("admin.commission_statement", statement_id=st.id), 303)


HEADER = ["月份", "导购", "门店", "订单数", "订单金额", "退款", "调整", "提成", "状态", "审批人"]
LINE_HEADER = [
    "月份",
    "导购",
    "门店",
    "类型",
    "订单号",
    "订单金额",
    "退款",
    "计提基数",
    "费率%",
    "费率来源",
    "提成",
    "备注",
]


def _yuan(fen: int) -> float:
    return round(fen / 100, 2)


@admin_bp.get("/commission/export")
@console_required
def commission_export():
    """The month's statements and every line, for finance: each sheet ends with its totals, which are
    the database's sums (the statements' totals are summed from their lines)."""
    month = _month(request.args.get("month"))
    shown = commission.statements(month, follower_ids(viewer()))
    book = Workbook(write_only=True)
    summary, detail = book.create_sheet("提成汇总"), book.create_sheet("明细")
    export.append(summary, HEADER)
    export.append(detail, LINE_HEADER)
    sums = dict.fromkeys(("orders", "amount", "refunds", "adjustments", "commission"), 0)
    line_sums = dict.fromkeys(("amount", "refund", "base", "commission"), 0)
    for st, person, store in shown:
        export.append(
            summary,
            [
                month.strftime("%Y-%m"),
                person.name,
                store.name if store else "",
                st.orders,
                _yuan(st.amount),
                _yuan(st.refunds),
                _yuan(st.adjustments),
                _yuan(st.commission),
                "已审批" if st.status == StatementStatus.APPROVED.value else "草稿",
                st.approved_by or "",
            ],
        )
        for k in sums:
            sums[k] += getattr(st, k)
        for line, order in commission.lines(st):
            export.append(
                detail,
                [
                    month.strftime("%Y-%m"),
                    person.name,
                    store.name if store else "",
                    "订单" if line.kind == "order" else "调整",
                    order.order_no if order else "",
                    _yuan(line.amount),
                    _yuan(line.refund),
                    _yuan(line.base),
                    line.basis_points / 100,
                    line.rate_from,
                    _yuan(line.commission),
                    line.note,
                ],
            )
            for k in line_sums:
                line_sums[k] += getattr(line, k)
    export.append(
        summary,
        [
            "合计",
            "",
            "",
            sums["orders"],
            _yuan(sums["amount"]),
            _yuan(sums["refunds"]),
            _yuan(sums["adjustments"]),
            _yuan(sums["commission"]),
            "",
            "",
        ],
    )
    export.append(
        detail,
        [
            "合计",
            "",
            "",
            "",
            "",
            _yuan(line_sums["amount"]),
            _yuan(line_sums["refund"]),
            _yuan(line_sums["base"]),
            "",
            "",
            _yuan(line_sums["commission"]),
            "",
        ],
    )
    out = io.BytesIO()
    book.save(out)
    return Response(
        out.getvalue(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename=commission-{month.strftime('%Y-%m')}.xlsx"},
    )
