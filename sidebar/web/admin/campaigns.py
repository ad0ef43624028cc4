"""Console pages for 企业群发: write a campaign (content, audience, holdout, when), see whom it reaches before
sending, and follow it — per guide, per customer, over time — with reminders, cancelling and a csv.

Admins see every campaign; a manager makes campaigns for the customers in their scope and sees their own.
"""

from __future__ import annotations

import bisect
import io
import json
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from flask import Response, abort, redirect, render_template, request, stream_with_context, url_for
from sqlalchemy import func, select

from sidebar.acquisition import codes
from sidebar.acquisition.welcome import ATTACHABLE
from sidebar.campaigns import plan, results
from sidebar.core import audit, export, uow
from sidebar.core.units import brand_zone
from sidebar.customers import profile
from sidebar.extensions import db
from sidebar.models import (
    BatchStatus,
    Campaign,
    CampaignBatch,
    CampaignGroupTarget,
    CampaignStatus,
    CampaignTarget,
    CouponTemplate,
    Customer,
    GroupChat,
    GroupTag,
    Material,
    Staff,
    StaffStatus,
    Store,
    TargetStatus,
    Team,
    utcnow,
)
from sidebar.money import campaign_coupons
from sidebar.money.coupons import usable_templates
from sidebar.web import htmx
from sidebar.web.admin import admin_bp, client_ip, viewer
from sidebar.web.console_auth import console_required, is_admin
from sidebar.web.labels import TARGET_STATUS, zone_note

PER_PAGE = 50
GUIDES_SHOWN = 100


def _visible() -> Any:
    """Campaigns the viewer may see: all for an admin, their own for a manager."""
    query = select(Campaign)
    v = viewer()
    if not is_admin(v):
        query = query.where(Campaign.staff_id == v.id)
    return query


def _campaign(campaign_id: int) -> Campaign:
    return db.session.scalar(_visible().where(Campaign.id == campaign_id)) or abort(404)


def _choices() -> dict[str, Any]:
    v = viewer()
    return {
        "tag_groups": profile.all_tag_groups(),
        "teams": list(db.session.scalars(select(Team).order_by(Team.id))),
        "guides": list(
            db.session.scalars(
                select(Staff).where(Staff.status == StaffStatus.ACTIVE.value).order_by(Staff.name)
            )
        ),
        "stores": list(db.session.scalars(select(Store).order_by(Store.code))),
        "group_tags": list(db.session.scalars(select(GroupTag.name).order_by(GroupTag.name))),
        "channel_codes": codes.all_codes(),
        "materials": list(
            db.session.scalars(
                select(Material).where(Material.kind.in_(sorted(ATTACHABLE))).order_by(Material.id)
            )
        ),
        "coupon_templates": [t for t in usable_templates(utcnow()) if campaign_coupons.offerable(t)],
        "zone": zone_note(),
        "is_admin": is_admin(v),
        "max_attachments": plan.MAX_ATTACHMENTS,
    }


def _names() -> dict[str, dict[str, str]]:
    return {
        "tag_names": {str(t.id): t.name for g in profile.all_tag_groups() for t in g.tags},
        "team_names": {str(t.id): t.name for t in db.session.scalars(select(Team))},
        "channel_names": {c.state: c.name for c in codes.all_codes()},
        "staff_names": {str(s.id): s.name for s in db.session.scalars(select(Staff))},
        "staff_names_by_userid": dict(db.session.execute(select(Staff.userid, Staff.name)).tuples().all()),
    }


@admin_bp.get("/campaigns")
@console_required
def campaigns_page():
    """Every campaign the viewer may see, newest first, with how far each got."""
    campaigns = list(db.session.scalars(_visible().order_by(Campaign.id.desc()).limit(200)))
    ids = [c.id for c in campaigns]
    sent = dict(
        db.session.execute(
            select(CampaignTarget.campaign_id, func.count())
            .where(CampaignTarget.campaign_id.in_(ids), CampaignTarget.status == TargetStatus.SENT.value)
            .group_by(CampaignTarget.campaign_id)
        )
        .tuples()
        .all()
    )
    guides = {
        cid: (total, done)
        for cid, total, done in db.session.execute(
            select(
                CampaignBatch.campaign_id,
                func.count(),
                func.sum((CampaignBatch.send_status == 2).cast(db.Integer)),
            )
            .where(CampaignBatch.campaign_id.in_(ids))
            .group_by(CampaignBatch.campaign_id)
        )
    }
    return render_template("admin/campaigns.html", campaigns=campaigns, sent=sent, guides=guides)


@admin_bp.route("/campaigns/new", methods=["GET", "POST"])
@console_required
def campaign_new():
    """The form (filled from the customer list's filter when it came from there); saving makes the
    campaign scheduled, handed to WeCom at once or at its time."""
    errors: dict[str, str] = {}
    form: Any = request.form if request.method == "POST" else request.args
    if request.method == "POST":
        try:
            campaign = plan.build(request.form, viewer(), now=utcnow())
        except plan.CampaignInvalid as exc:
            errors = exc.errors
        else:
            db.session.add(campaign)
            db.session.flush()
            audit.record(
                viewer(), "campaign_created", "campaign", campaign.id, ip=client_ip(), name=campaign.name
            )
            if campaign.send_at <= utcnow() + timedelta(seconds=30):
                from sidebar.jobs import send_campaign

                uow.after_commit(lambda: send_campaign(campaign.id))
            return redirect(url_for("admin.campaign_detail", campaign_id=campaign.id), 303)
    chosen = [
        int(v) for v in (form.getlist("material_ids") if hasattr(form, "getlist") else []) if v.isdigit()
    ]
    return (
        render_template(
            "admin/campaign_new.html", form=form, errors=errors, chosen=chosen, editing=None, **_choices()
        ),
        422 if errors else 200,
    )


@admin_bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@console_required
def campaign_edit(campaign_id: int):
    """Change a campaign until it is handed to the guides; after that the form says why it cannot."""
    campaign = _campaign(campaign_id)
    errors: dict[str, str] = {}
    form: Any = plan.form_of(campaign)
    if request.method == "POST":
        form = request.form
        try:
            plan.revise(campaign, request.form, viewer(), now=utcnow())
        except plan.CampaignInvalid as exc:
            errors = exc.errors
        else:
            audit.record(
                viewer(), "campaign_changed", "campaign", campaign.id, ip=client_ip(), name=campaign.name
            )
            if campaign.send_at <= utcnow() + timedelta(seconds=30):
                from sidebar.jobs import send_campaign

                uow.after_commit(lambda: send_campaign(campaign.id))
            return redirect(url_for("admin.campaign_detail", campaign_id=campaign.id), 303)
    elif campaign.status != CampaignStatus.SCHEDULED.value:
        errors = {"status": plan.too_late()}
    chosen = [int(v) for v in form.getlist("material_ids") if v.isdigit()]
    status = 409 if "status" in errors else 422 if errors else 200
    return (
        render_template(
            "admin/campaign_new.html", form=form, errors=errors, chosen=chosen, editing=campaign, **_choices()
        ),
        status,
    )


@admin_bp.post("/campaigns/forecast")
@console_required
def campaign_forecast():
    """Before saving: whom the form's campaign reaches through which guides, and who is left out why."""
    try:
        campaign = plan.build(request.form, viewer(), now=utcnow())
    except plan.CampaignInvalid as exc:
        return render_template("admin/_campaign_forecast.html", errors=exc.errors, ahead=None)
    campaign.id = 0  # not saved: the holdout hash needs a number
    ahead = plan.forecast(campaign, viewer(), now=utcnow())
    return render_template(
        "admin/_campaign_forecast.html", errors={}, ahead=ahead, campaign=campaign, coupon=_coupon(campaign)
    )


@admin_bp.get("/campaigns/<int:campaign_id>")
@console_required
def campaign_detail(campaign_id: int):
    """The campaign's counts (added up from its batches), guides a hundred at a time, and its customers by
    result fifty at a time after the last one shown: a million customers cost no more than a hundred."""
    campaign = _campaign(campaign_id)
    status_filter = request.args.get("status") or ""
    if status_filter and status_filter not in {s.value for s in TargetStatus}:
        abort(404)
    after = request.args.get("after", 0, type=int) or 0
    guide_page = max(1, request.args.get("guides", 1, type=int) or 1)
    batches = list(
        db.session.execute(
            select(CampaignBatch, Staff.name)
            .outerjoin(Staff, Staff.id == CampaignBatch.staff_id)
            .where(CampaignBatch.campaign_id == campaign.id)
            .order_by(CampaignBatch.send_status, CampaignBatch.size.desc(), Staff.name, CampaignBatch.seq)
        ).tuples()
    )
    query: Any = (
        select(CampaignTarget, Customer.name, Customer.external_userid, Staff.name)
        .join(Customer, Customer.id == CampaignTarget.customer_id)
        .outerjoin(Staff, Staff.id == CampaignTarget.staff_id)
        .where(CampaignTarget.campaign_id == campaign.id, CampaignTarget.id > after)
        .order_by(CampaignTarget.id)
        .limit(PER_PAGE + 1)
    )
    if status_filter:
        query = query.where(CampaignTarget.status == status_filter)
    if campaign.target == "groups":
        query = (
            select(CampaignGroupTarget, GroupChat.name, GroupChat.chat_id, Staff.name)
            .join(GroupChat, GroupChat.id == CampaignGroupTarget.group_id)
            .outerjoin(Staff, Staff.id == CampaignGroupTarget.staff_id)
            .where(CampaignGroupTarget.campaign_id == campaign.id, CampaignGroupTarget.id > after)
            .order_by(CampaignGroupTarget.id)
            .limit(PER_PAGE + 1)
        )
        if status_filter:
            query = query.where(CampaignGroupTarget.status == status_filter)
    rows = list(db.session.execute(query).tuples())
    now = utcnow()
    shown = batches[(guide_page - 1) * GUIDES_SHOWN : guide_page * GUIDES_SHOWN]
    return render_template(
        "admin/campaign.html",
        campaign=campaign,
        counts=results.summary(campaign.id),
        batches=shown,
        guides_total=len(batches),
        guide_page=guide_page,
        guides_more=len(batches) > guide_page * GUIDES_SHOWN,
        rows=rows[:PER_PAGE],
        next_after=rows[PER_PAGE - 1][0].id if len(rows) > PER_PAGE else None,
        after=after,
        status_filter=status_filter,
        chart=_confirmations(campaign, [b for b, _ in batches], now=now),
        audience=json.loads(campaign.audience or "{}"),
        materials=_materials(campaign),
        coupon=_coupon(campaign),
        reminders_left=sum(1 for b, _ in batches if results.can_remind(b, now=now)),
        open_batches=sum(
            1 for b, _ in batches if b.status == BatchStatus.HANDED.value and b.send_status != 2
        ),
        **_names(),
    )


def _coupon(campaign: Campaign) -> CouponTemplate | None:
    """The template of the campaign's coupon card, if it has one."""
    if campaign.coupon_template_id is None:
        return None
    return db.session.get(CouponTemplate, campaign.coupon_template_id)


def _materials(campaign: Campaign) -> list[Material]:
    ids = json.loads(campaign.material_ids or "[]")
    found = {m.id: m for m in db.session.scalars(select(Material).where(Material.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def _confirmations(campaign: Campaign, batches: Sequence[CampaignBatch], *, now: Any) -> dict[str, Any]:
    """The share of guides who have sent, hour by hour since it was handed over (the chart)."""
    handed = [b for b in batches if b.status in (BatchStatus.HANDED.value, BatchStatus.CANCELLED.value)]
    if not handed or campaign.handed_at is None:
        return {"labels": [], "values": []}
    sent = sorted(b.sent_at for b in handed if b.sent_at)
    start = campaign.handed_at.replace(minute=0, second=0, microsecond=0)
    last = max(sent[-1:] + [now])
    hours = min(int((last - start).total_seconds() // 3600) + 1, 24 * 14)
    labels, values = [], []
    for h in range(hours):
        at = start + timedelta(hours=h + 1)
        labels.append(at.astimezone(brand_zone()).strftime("%m-%d %H:00"))
        values.append(round(100 * bisect.bisect_left(sent, at) / len(handed), 1))
    return {"labels": labels, "values": values}


@admin_bp.get("/campaigns/<int:campaign_id>/outcome")
@console_required
def campaign_outcome(campaign_id: int):
    """What it led to (loaded after the page: over a million customers it reads their orders). A plain
    request (a reload, a link) gets the whole campaign page instead of a bare fragment."""
    campaign = _campaign(campaign_id)
    if not htmx.is_htmx():
        return redirect(url_for("admin.campaign_detail", campaign_id=campaign.id, _anchor="outcome"))
    return render_template(
        "admin/_campaign_outcome.html",
        outcome=results.outcome(campaign),
        campaign=campaign,
        coupons=campaign_coupons.figures(campaign) if campaign.coupon_template_id else None,
    )


@admin_bp.post("/campaigns/<int:campaign_id>/<action>")
@console_required
def campaign_action(campaign_id: int, action: str):
    campaign = _campaign(campaign_id)
    now = utcnow()
    if action == "remind":
        outcome = results.remind(campaign.id, now=now)
        audit.record(
            viewer(),
            "campaign_reminded",
            "campaign",
            campaign.id,
            ip=client_ip(),
            name=campaign.name,
            **outcome,
        )
    elif action == "cancel":
        if campaign.status == CampaignStatus.CANCELLED.value:
            abort(409)
        outcome = results.cancel(campaign.id, now=now)
        audit.record(
            viewer(),
            "campaign_cancelled",
            "campaign",
            campaign.id,
            ip=client_ip(),
            name=campaign.name,
            **outcome,
        )
    elif action == "refresh":
        results.poll(campaign.id, now=now)
    else:
        abort(404)
    return redirect(url_for("admin.campaign_detail", campaign_id=campaign.id), 303)


@admin_bp.get("/campaigns/<int:campaign_id>/results.csv")
@console_required
def campaign_csv(campaign_id: int):
    """Every customer of the campaign with their guide and result (csv, formulas neutralised)."""
    campaign = _campaign(campaign_id)
    query = (
        select(
            Customer.name, Customer.external_userid, Staff.name, CampaignTarget.status, CampaignTarget.sent_at
        )
        .join(Customer, Customer.id == CampaignTarget.customer_id)
        .outerjoin(Staff, Staff.id == CampaignTarget.staff_id)
        .where(CampaignTarget.campaign_id == campaign.id)
        .order_by(CampaignTarget.id)
        .execution_options(yield_per=5000)
    )
    header = ["客户", "外部联系人 ID", "导购", "结果", "发送时间"]
    if campaign.target == "groups":
        query = (
            select(
                GroupChat.name,
                GroupChat.chat_id,
                Staff.name,
                CampaignGroupTarget.status,
                CampaignGroupTarget.sent_at,
            )
            .join(GroupChat, GroupChat.id == CampaignGroupTarget.group_id)
            .outerjoin(Staff, Staff.id == CampaignGroupTarget.staff_id)
            .where(CampaignGroupTarget.campaign_id == campaign.id)
            .order_by(CampaignGroupTarget.id)
        )
        header = ["客户群", "群 ID", "群主", "结果", "发送时间"]

    def rows() -> Any:
        out = io.StringIO()
        writer = export.CsvWriter(out)
        writer.writerow(header)
        yield "\ufeff" + out.getvalue()
        out.seek(0)
        out.truncate()
        for n, (name, ext, guide, status, sent_at) in enumerate(db.session.execute(query), start=1):
            when = sent_at.astimezone(brand_zone()).strftime("%Y-%m-%d %H:%M") if sent_at else ""
            writer.writerow([name, ext, guide or "", str(TARGET_STATUS.get(status, status)), when])
            if n % 1000 == 0:
                yield out.getvalue()
                out.seek(0)
                out.truncate()
        yield out.getvalue()

    return Response(
        stream_with_context(rows()),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=campaign-{campaign.id}.csv"},
    )
