"""Console pages for guides by results: a month's figures for every guide in scope (sortable, with
each team's totals), one guide's trend, and (admins) the attribution rule."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from sidebar.archive import compliance
from sidebar.core import audit, uow
from sidebar.core.errors import DomainError
from sidebar.extensions import db
from sidebar.guides import attribution, metrics, report, tiers
from sidebar.jobs import recompute_guides_now
from sidebar.models import AttributionRule, Staff, TierPeriod, utcnow
from sidebar.org import staff_admin
from sidebar.web.admin import admin_bp, client_ip, common, viewer
from sidebar.web.console_auth import admin_required, console_required


def _month(text: str | None) -> date:
    """The month asked for; this month by default."""
    return metrics.parse_month(text) or metrics.this_month()


def _page(  # type: ignore[no-untyped-def]
    status: int = 200, error: str | None = None, tier_error: str | None = None, tier_rows: list | None = None
):
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
                tier_error=tier_error,
                tier_rows=tier_rows if tier_rows is not None else _criteria_rows(),
                metrics_for_tiers=tiers.METRICS,
                periods=[p.value for p in TierPeriod],
                blank_rows=tiers.MAX_CRITERIA,
                **shown,
            ),
        ),
        status,
    )


@admin_bp.get("/guides")
@console_required
def guides_page():
    return _page()


def _criteria_rows() -> list[dict[str, object]]:
    """The saved criteria as the form shows them (numbers without trailing zeros, open ends empty)."""
    return [
        {
            "metric": c.metric,
            "by_percentile": c.by_percentile,
            **{
                f"{t.lower()}_{end}": ""
                if getattr(c, f"{t.lower()}_{end}") is None
                else f"{getattr(c, f'{t.lower()}_{end}'):g}"
                for t in tiers.TIERS
                for end in ("from", "to")
            },
        }
        for c in tiers.criteria()
    ]


def _in_scope(staff_id: int) -> Staff:
    person = db.session.scalar(staff_admin.in_scope(viewer()).where(Staff.id == staff_id))
    if person is None:
        abort(404)
    return person


def _guide(person: Staff, status: int = 200, error: str | None = None):  # type: ignore[no-untyped-def]
    month = _month(request.args.get("month"))
    lines = report.trend(person, month)
    return (
        render_template(
            "admin/guide.html",
            **common(
                person=person,
                month=month,
                lines=lines,
                tier_history=tiers.history(person),
                reasons=tiers.reasons,
                metrics_for_tiers=tiers.METRICS,
                week_hits=compliance.hits_of(person.userid, utcnow() - timedelta(days=7)),
                error=error,
            ),
        ),
        status,
    )


@admin_bp.get("/guides/<int:staff_id>")
@console_required
def guide_page(staff_id: int):
    return _guide(_in_scope(staff_id))


@admin_bp.post("/guides/<int:staff_id>/tier")
@console_required
def guide_tier_override(staff_id: int):
    """A manager's (or an admin's) tier for the guide's latest period, with a reason; audited."""
    person = _in_scope(staff_id)
    row = next(iter(tiers.history(person, 1)), None)
    if row is None:
        abort(404)
    try:
        tiers.override(row, request.form.get("tier", ""), request.form.get("reason", ""), by=viewer().name)
    except tiers.TierError as exc:
        uow.discard()
        return _guide(person, 422, str(exc))
    audit.record(
        viewer(),
        "guides.tier_override",
        "staff",
        person.userid,
        ip=client_ip(),
        period=row.period_start.isoformat(),
        computed=row.computed,
        tier=row.override,
        reason=row.override_reason,
    )
    return redirect(url_for("admin.guide_page", staff_id=staff_id), 303)


def _number(text: str | None) -> float | None:
    text = (text or "").strip().rstrip("%").replace(",", "")
    return float(text) if text else None


@admin_bp.post("/guides/tiers")
@admin_required
def guides_tiers():
    """The tier criteria and period (admins); refused whole, with the reason, if any row is wrong."""
    form = request.form
    rows: list[dict[str, object]] = []
    shown: list[dict[str, object]] = []
    problem = None
    for n in range(tiers.MAX_CRITERIA):
        metric = form.get(f"metric_{n}", "")
        if not metric:
            continue
        typed = {
            f"{t.lower()}_{end}": form.get(f"{t.lower()}_{end}_{n}", "")
            for t in tiers.TIERS
            for end in ("from", "to")
        }
        shown.append({"metric": metric, "by_percentile": form.get(f"by_percentile_{n}") == "1", **typed})
        try:
            values = {k: _number(v) for k, v in typed.items()}
        except ValueError:
            problem = problem or _("Criterion %(n)s: the ranges are numbers.", n=len(shown))
            continue
        if any(values[f"{t.lower()}_from"] is None for t in tiers.TIERS):
            problem = problem or _("Criterion %(n)s: every tier's range needs a start.", n=len(shown))
            continue
        rows.append({"metric": metric, "by_percentile": form.get(f"by_percentile_{n}") == "1", **values})
    try:
        if problem:
            raise tiers.TierError(problem)
        tiers.save_criteria(rows, form.get("period", ""))
        tiers.compute()  # the period that ended last, by the new criteria (overrides kept)
    except tiers.TierError as exc:
        uow.discard()
        return _page(422, tier_error=str(exc), tier_rows=shown)
    audit.record(
        viewer(),
        "guides.tiers",
        "tier_criteria",
        None,
        ip=client_ip(),
        criteria=len(rows),
        period=form.get("period"),
    )
    return redirect(url_for("admin.guides_page"), 303)


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
