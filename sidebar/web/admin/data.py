"""Customer data in the console: how many orders each platform sent and how many found their customer,
identifiers two customers claim, the customers to win back in the viewer's scope, and the brand's
lifecycle thresholds with a preview of each stage."""

from __future__ import annotations

import json
from typing import Any

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from sidebar.core import audit, uow
from sidebar.core.units import parse_yuan
from sidebar.customers import visibility
from sidebar.data import alerts, oneid, profile
from sidebar.extensions import db
from sidebar.jobs import recompute_profiles_now
from sidebar.models import Customer, IdentitySettlement, Staff
from sidebar.web import htmx
from sidebar.web.admin import admin_bp, client_ip, common, viewer
from sidebar.web.console_auth import admin_required, console_required


def _days(name: str, default: int) -> int | None:
    raw = (request.values.get(name) or "").strip()
    if not raw:
        return default
    return int(raw) if raw.isdigit() and len(raw) <= 5 else None


def _preview(dormant: int | None, lost: int | None) -> dict[str, Any]:
    """The stage counts these thresholds would give, or why they cannot be used."""
    try:
        profile.check_thresholds(dormant, lost)
    except profile.InvalidThresholds:
        return {
            "preview": None,
            "error": _("Dormant after 1 to 3,649 days; lapsed after more days than that."),
        }
    return {"preview": profile.stage_counts(dormant or 0, lost or 0), "error": None}


def _page(dormant: int | None, lost: int | None, status: int = 200) -> Any:
    the = profile.settings()
    context = {"settings": the, "dormant_days": dormant, "lost_days": lost, **_preview(dormant, lost)}
    if htmx.is_htmx():  # typing in the thresholds: only the preview, not the whole page's counts
        return htmx.render("admin/data.html", block="preview", status=status, **common(**context))
    team_alerts = alerts.open_in_scope(visibility.follower_ids(viewer()), limit=100)
    conflicts = oneid.conflicts()[:50]
    claimant_ids = {i for _, _, ids in conflicts for i in ids}
    settlements = oneid.recent_settlements()
    claimant_ids |= {s.kept_customer_id for s in settlements if s.kept_customer_id}
    claimants = {
        cid: (name, ext)
        for cid, name, ext in db.session.execute(
            select(Customer.id, Customer.name, Customer.external_userid).where(Customer.id.in_(claimant_ids))
        )
    }
    guides = {a.staff_id for a in team_alerts}
    rows = db.session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(guides)))
    return htmx.render(
        "admin/data.html",
        status=status,
        rates=oneid.match_rates(),
        unmatched=oneid.unmatched_count(),
        conflicts=conflicts,
        settlements=settlements,
        claimants=claimants,
        alerts=team_alerts,
        staff_names={staff_id: name for staff_id, name in rows},
        **common(**context),
    )


@admin_bp.get("/data")
@console_required
def data_overview():
    """Match rates, conflicts, and the lifecycle thresholds; ``?dormant_days=&lost_days=`` previews
    other thresholds without saving them."""
    the = profile.settings()
    return _page(_days("dormant_days", the.dormant_days), _days("lost_days", the.lost_days))


@admin_bp.post("/data/lifecycle")
@admin_required
def lifecycle_save():
    """Save the thresholds; every profile is recomputed with them (a job)."""
    dormant, lost = _days("dormant_days", -1), _days("lost_days", -1)
    the = profile.settings()
    raw_spend = (request.form.get("alert_spend_min") or "").strip()  # left out: unchanged
    spend = parse_yuan(raw_spend, allow_zero=True) if raw_spend else the.alert_spend_min
    quiet = _days("alert_quiet_days", the.alert_quiet_days)
    try:
        if spend is None or quiet is None:
            raise profile.InvalidThresholds("alert settings")
        profile.save_thresholds(dormant or 0, lost or 0, alert_spend_min=spend, alert_quiet_days=quiet)
    except profile.InvalidThresholds:
        uow.discard()
        return _page(dormant, lost, 422)
    audit.record(
        viewer(),
        "lifecycle.update",
        "lifecycle_settings",
        None,
        ip=client_ip(),
        dormant_days=dormant,
        lost_days=lost,
        alert_spend_min=spend,
        alert_quiet_days=quiet,
    )
    uow.after_commit(recompute_profiles_now)
    return redirect(url_for("admin.data_overview"), 303)


@admin_bp.post("/data/conflicts/settle")
@admin_required
def conflict_settle():
    """Give a phone or unionid two customers claim to one of them; the orders waiting on it follow."""
    kind, value = request.form.get("kind") or "", request.form.get("value") or ""
    keep = request.form.get("customer_id", type=int) or 0
    try:
        done = oneid.settle(kind, value, keep, actor=viewer())
    except oneid.CannotSettle:
        uow.discard()
        abort(422, _("That conflict is settled already or the customer is not part of it."))
    profile.recompute({keep, *json.loads(done.released_customer_ids)})
    return redirect(url_for("admin.data_overview") + "#conflicts", 303)


@admin_bp.post("/data/conflicts/undo")
@admin_required
def conflict_undo():
    """Undo a settlement: the conflict is back and what it matched waits again."""
    settlement = db.session.get(IdentitySettlement, request.form.get("settlement", type=int) or 0)
    if settlement is None:
        abort(404)
    try:
        touched = oneid.undo(settlement, actor=viewer())
    except oneid.CannotSettle:
        uow.discard()
        abort(422, _("That settlement was undone already."))
    profile.recompute(touched | set(json.loads(settlement.released_customer_ids)))
    return redirect(url_for("admin.data_overview") + "#conflicts", 303)
