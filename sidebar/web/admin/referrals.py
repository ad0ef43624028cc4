"""Console pages for referral campaigns (任务宝): make one (dates, hold period, reward ladder, budget, poster,
members), see what it brought, decide on the invitations held for review, end it."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from sidebar.core import audit, uow
from sidebar.extensions import db
from sidebar.growth import campaigns, invites, results
from sidebar.models import (
    CouponTemplate,
    ReferralCampaign,
    ReferralInvite,
    RewardKind,
    Staff,
    StaffStatus,
    utcnow,
)
from sidebar.money import campaign_coupons
from sidebar.web.admin import admin_bp, client_ip, common, viewer
from sidebar.web.console_auth import admin_required, console_required


def _choices() -> dict[str, Any]:
    templates = db.session.scalars(
        select(CouponTemplate).where(CouponTemplate.active.is_(True)).order_by(CouponTemplate.id)
    )
    return {
        "coupon_templates": [t for t in templates if campaign_coupons.offerable(t)],
        "members": list(
            db.session.scalars(select(Staff).where(Staff.status == StaffStatus.ACTIVE).order_by(Staff.name))
        ),
        "kinds": [k.value for k in RewardKind],
        "rung_rows": range(campaigns.RUNG_ROWS),
    }


def _list(status: int = 200, **context: Any) -> Any:
    rows = list(db.session.scalars(select(ReferralCampaign).order_by(ReferralCampaign.id.desc())))
    page = render_template(
        "admin/referrals.html",
        **common(
            campaigns=rows,
            figures={c.id: results.figures(c) for c in rows},
            errors=context.pop("errors", {}),
            form=context.pop("form", MultiDict()),
            **_choices(),
        ),
    )
    return page, status


@admin_bp.get("/referrals")
@console_required
def referrals_page():
    return _list()


@admin_bp.post("/referrals")
@admin_required
def referral_create():
    upload = request.files.get("poster")
    poster = upload.read() if upload and upload.filename else None
    try:
        made = campaigns.create(**campaigns.from_form(request.form, poster, now=utcnow()))
    except campaigns.CampaignInvalid as exc:
        uow.discard()
        return _list(422, errors=exc.errors, form=request.form)
    audit.record(viewer(), "referral.create", "referral_campaign", made.id, ip=client_ip(), name=made.name)
    return redirect(url_for("admin.referral_detail", referral_id=made.id), 303)


def _campaign_or_404(referral_id: int) -> ReferralCampaign:
    return db.session.get(ReferralCampaign, referral_id) or abort(404)


@admin_bp.get("/referrals/<int:referral_id>")
@console_required
def referral_detail(referral_id: int):
    campaign = _campaign_or_404(referral_id)
    return render_template(
        "admin/referral.html",
        **common(
            campaign=campaign,
            figures=results.figures(campaign),
            by_guide=results.by_guide(campaign),
            inviters=results.top_inviters(campaign),
            held=results.held(campaign),
            per_day=results.per_day(campaign),
            baseline=results.baseline(campaign),
        ),
    )


@admin_bp.get("/referrals/<int:referral_id>/export.xlsx")
@console_required
def referral_export(referral_id: int):
    campaign = _campaign_or_404(referral_id)
    audit.record(
        viewer(), "referral.export", "referral_campaign", campaign.id, ip=client_ip(), name=campaign.name
    )
    return Response(
        results.xlsx(campaign),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="referral-{campaign.id}.xlsx"'},
    )


@admin_bp.post("/referrals/<int:referral_id>/end")
@admin_required
def referral_end(referral_id: int):
    campaign = _campaign_or_404(referral_id)
    freed = campaigns.end(campaign, now=utcnow())
    audit.record(
        viewer(), "referral.end", "referral_campaign", campaign.id, ip=client_ip(), codes_freed=freed
    )
    return redirect(url_for("admin.referral_detail", referral_id=campaign.id), 303)


@admin_bp.post("/referrals/<int:referral_id>/held/<int:invite_id>")
@admin_required
def referral_review(referral_id: int, invite_id: int):
    """Approve or reject an invitation held for review."""
    invite = db.session.get(ReferralInvite, invite_id)
    if invite is None or invite.campaign_id != referral_id:
        abort(404)
    approve = request.form.get("decision") == "approve"
    invites.review(invite, approve=approve, now=utcnow())
    action = "referral.approve" if approve else "referral.reject"
    audit.record(viewer(), action, "referral_invite", invite.id, ip=client_ip())
    return redirect(url_for("admin.referral_detail", referral_id=referral_id), 303)
