"""The inviter's campaign page (任务宝), opened in WeChat from the card their guide sent or a shared link.

Who opens it is asked of WeChat (WeCom's silent OAuth for visitors, as the claim pages do): the brand's
customer sees their own poster — their personal code in it — how many friends count, how many wait out
the hold period, the next reward and the rewards they have. Someone not yet a customer is asked to add a
guide first. The link names the campaign only (signed, so it cannot be guessed or altered); what the page
shows is always the visitor's own."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, session
from flask_babel import gettext as _
from sqlalchemy import select

from sidebar.core import once
from sidebar.extensions import db
from sidebar.growth import codes, invites, posters
from sidebar.models import Coupon, Customer, ReferralCampaign, ReferralReward
from sidebar.money import coupons
from sidebar.web.claim import VISITOR, visitor_sign_in

referral_bp = Blueprint("referral", __name__, url_prefix="/r")
PURPOSE = "referral-campaign"


def token_of(campaign: ReferralCampaign) -> str:
    return once.sign(PURPOSE, campaign.id)


def _campaign_or_404(token: str) -> ReferralCampaign:
    campaign_id = once.unsign(PURPOSE, token)
    campaign = db.session.get(ReferralCampaign, campaign_id) if campaign_id is not None else None
    if campaign is None:
        abort(404, _("This campaign link is not valid."))
    return campaign


def _visitor() -> Customer | None:
    ext = (session.get(VISITOR) or {}).get("external_userid")
    return db.session.scalar(select(Customer).where(Customer.external_userid == ext)) if ext else None


@referral_bp.get("/<token>")
def page(token: str):
    campaign = _campaign_or_404(token)
    if not session.get(VISITOR):
        return visitor_sign_in(request.path)
    inviter = _visitor()
    code, problem = None, None
    if inviter is not None:
        try:
            code = codes.code_for(campaign, inviter)
        except codes.CodeRefused as exc:
            problem = str(exc)
    progress = invites.progress(campaign, inviter) if inviter is not None else None
    got: dict[int, tuple[ReferralReward, Coupon | None]] = {}
    if inviter is not None:
        got = {
            reward.rung_id: (reward, coupon)
            for reward, coupon in db.session.execute(
                select(ReferralReward, Coupon)
                .outerjoin(Coupon, Coupon.id == ReferralReward.coupon_id)
                .where(ReferralReward.campaign_id == campaign.id, ReferralReward.inviter_id == inviter.id)
            ).tuples()
        }
    return render_template(
        "referral/page.html", campaign=campaign, inviter=inviter, code=code, problem=problem,
        progress=progress, got=got, token=token, coupon_token=coupons.claim_token,
    )  # fmt: skip


@referral_bp.get("/<token>/poster.png")
def poster(token: str):
    """The visitor's own poster (never anyone else's: the code is looked up by who is signed in)."""
    campaign = _campaign_or_404(token)
    inviter = _visitor()
    if inviter is None:
        abort(404)
    code = codes.kept(campaign, inviter)
    if code is None:
        abort(404)
    res = Response(posters.poster_png(campaign, code, inviter), mimetype="image/png")
    res.headers["Cache-Control"] = "private, max-age=3600"
    return res
