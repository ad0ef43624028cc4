"""A mass message's coupon card (企业群发 with a coupon): one link card in the message, and each customer
it was sent to claims one coupon through it.

The card cannot name its customer (WeCom sends one message to every customer of a batch), so the claim
page asks WeChat who opens it (OAuth) and gives a coupon only to a recipient of the campaign: a
customer planned or sent to (not held out, over the limit or cancelled), or a member of a group it went
into. The limits are the template's — its stock (one atomic UPDATE, which locks the template's row while
the rest is counted), its audience and per-customer limit — but not a guide's daily quota: head office
sent it, so ``coupons.issued_today`` leaves these coupons out. The coupon carries the guide who sent the
message (for attribution) and the campaign (for its outcome). A repeated claim returns the first coupon:
the key is the campaign's and the customer's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select

from sidebar.core import once
from sidebar.core.locking import fresh_transaction
from sidebar.extensions import db
from sidebar.models import (
    Campaign,
    CampaignGroupTarget,
    CampaignStatus,
    CampaignTarget,
    Coupon,
    CouponTemplate,
    Customer,
    GroupChatMember,
    Staff,
    TargetStatus,
    utcnow,
)
from sidebar.money import coupons
from sidebar.money.group_coupons import droppable
from sidebar.money.messages import Refused
from sidebar.wecom import limits

# Who received the card, or will once their guide confirms: a claim before the results are read back is
# a customer who has it in their chat.
RECEIVING = (TargetStatus.PLANNED.value, TargetStatus.SENT.value)


def offerable(template: CouponTemplate) -> bool:
    """Our own coupons with a claim link: a WeChat Pay voucher or a mini-program coupon names one
    customer in the card itself, which a mass message cannot."""
    return droppable(template)


def claim_token(campaign: Campaign) -> str:
    return once.sign("campaign-coupon", campaign.id)


def from_token(token: str) -> Campaign | None:
    row_id = once.unsign("campaign-coupon", token)
    return None if row_id is None else db.session.get(Campaign, row_id)


def attachment(template: CouponTemplate, claim_url: str, image_url: str) -> dict[str, Any]:
    """The link attachment ``add_msg_template`` carries (doc 92135: title, picurl, desc, url)."""
    return {
        "msgtype": "link",
        "link": limits.link(
            title=f"{template.name}（{coupons.describe(template)}）",
            picurl=image_url,
            desc="点击领取，每人限领 1 张，到店或商城下单时使用",
            url=claim_url,
        ),
    }


def sender_for(campaign: Campaign, customer: Customer) -> int | None:
    """The guide whose message brought this customer the card, or None: not a recipient."""
    if campaign.target == "groups":
        return db.session.scalar(
            select(CampaignGroupTarget.staff_id)
            .where(
                CampaignGroupTarget.campaign_id == campaign.id,
                CampaignGroupTarget.status.in_(RECEIVING),
                exists().where(
                    GroupChatMember.group_id == CampaignGroupTarget.group_id,
                    GroupChatMember.userid == customer.external_userid,
                    GroupChatMember.left_at.is_(None),
                ),
            )
            .limit(1)
        )
    return db.session.scalar(
        select(CampaignTarget.staff_id).where(
            CampaignTarget.campaign_id == campaign.id,
            CampaignTarget.customer_id == customer.id,
            CampaignTarget.status.in_(RECEIVING),
        )
    )


def claimed_by(campaign: Campaign, customer: Customer) -> Coupon | None:
    return coupons.by_key(_key(campaign, customer))


def _key(campaign: Campaign, customer: Customer) -> str:
    return f"campaign-{campaign.id}-{customer.id}"


def claim(campaign: Campaign, customer: Customer, *, now: datetime | None = None) -> Coupon:
    """The customer's coupon from the campaign's card (the same one if they claimed before); the caller
    commits, or rolls back on Refused."""
    now = now or utcnow()
    key = _key(campaign, customer)
    template_id = campaign.coupon_template_id
    if template_id is None:
        raise Refused("not_found")
    fresh_transaction()
    reserved = coupons.reserve_one(template_id)  # first: the template's row lock
    found = coupons.by_key(key)
    if found is not None:
        db.session.rollback()  # claimed before: give back the one we took
        return found
    campaign = db.session.get(Campaign, campaign.id, populate_existing=True) or campaign
    template = db.session.get(CouponTemplate, template_id, populate_existing=True)
    if template is None or not template.active or not offerable(template):
        raise Refused("not_found")
    if campaign.status == CampaignStatus.CANCELLED.value:
        raise Refused("campaign_ended")
    staff_id = sender_for(campaign, customer)
    if staff_id is None:
        raise Refused("not_a_recipient")
    if template.valid_until is not None and template.valid_until <= now:
        raise Refused("ended")
    if not reserved:
        raise Refused("out_of_stock")
    team_id = db.session.scalar(select(Staff.team_id).where(Staff.id == staff_id))
    return coupons.claimed(template, customer, key=key, staff_id=staff_id, team_id=team_id, now=now,
                           card_sent_at=now, campaign_id=campaign.id)  # fmt: skip


def figures(campaign: Campaign) -> tuple[int, int, int]:
    """(claimed, redeemed, redeemed amount in fen) of the campaign's coupons."""
    claimed, redeemed, amount = db.session.execute(
        select(
            func.count(),
            func.count(Coupon.redeemed_at),
            func.coalesce(func.sum(Coupon.redeem_amount), 0),
        ).where(Coupon.campaign_id == campaign.id)
    ).one()
    return int(claimed), int(redeemed), int(amount)
