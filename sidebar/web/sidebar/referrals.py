"""任务宝 in the sidebar: the guide sends the customer in the chat their invitation — a card that opens
their own campaign page (their poster, their code, their friends counted) — in one tap."""

from __future__ import annotations

from flask import abort, jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from sidebar.core import send_log, uow
from sidebar.extensions import db
from sidebar.growth import campaigns, codes
from sidebar.models import (
    Coupon,
    Customer,
    RedPacket,
    ReferralCampaign,
    ReferralCode,
    ReferralReward,
    Staff,
    utcnow,
)
from sidebar.money import coupons, red_packets
from sidebar.web.errors import json_error
from sidebar.web.referral import token_of
from sidebar.web.sidebar import customer_route, me, sidebar_bp
from sidebar.web.sidebar.cards import card_image, coupon_message, in_chat_with


def running() -> list[ReferralCampaign]:
    """The campaigns a guide may invite customers to now."""
    return campaigns.running(utcnow())


def invitation_card(campaign: ReferralCampaign) -> dict[str, object]:
    """The sendChatMessage payload: a news card to the customer's campaign page."""
    return {
        "msgtype": "news",
        "news": {
            "link": url_for("referral.page", token=token_of(campaign), _external=True),
            "title": campaign.name[:64],
            "desc": (campaign.poster_text or _("Invite friends, get rewards"))[:128],
            "imgUrl": card_image("coupon"),
        },
    }


def _campaign_or_404() -> ReferralCampaign:
    try:
        campaign = db.session.get(ReferralCampaign, int(request.form.get("campaign_id", "")))
    except ValueError:
        abort(400, "campaign_id must be a number")
    if campaign is None:
        abort(404)
    return campaign


@sidebar_bp.post("/customers/<external_userid>/referrals")
@customer_route
def referral_invite(customer: Customer):
    """Make (or find) the customer's personal code and answer with the card to send."""
    staff = me()
    if not in_chat_with(staff, customer):
        abort(403, _("Only a guide who has this customer can invite them."))
    campaign = _campaign_or_404()
    try:
        codes.code_for(campaign, customer)
    except codes.CodeRefused as exc:
        uow.discard()
        return json_error(409, exc.code, str(exc))
    sent = url_for("sidebar.referral_sent", external_userid=customer.external_userid, referral_id=campaign.id)
    return jsonify(message=invitation_card(campaign), sent_url=sent), 201


@sidebar_bp.post("/customers/<external_userid>/referrals/<int:referral_id>/sent")
@customer_route
def referral_sent(customer: Customer, referral_id: int):
    """WeCom confirmed the invitation went to the chat."""
    campaign = db.session.get(ReferralCampaign, referral_id)
    if campaign is None:
        abort(404)
    send_log.record(me().id, kind="referral", ref_id=campaign.id, customer_id=customer.id, msgtype="news",
                    summary=campaign.name)  # fmt: skip
    return jsonify(sent=True)


# -- a reward reached: the guide tells the customer and sends it, in one tap ------------------------


def rewards_to_send(customer: Customer) -> list[ReferralReward]:
    """This customer's issued rewards no guide has sent yet."""
    return list(
        db.session.scalars(
            select(ReferralReward)
            .where(ReferralReward.inviter_id == customer.id, ReferralReward.status == "issued",
                   ReferralReward.told_at.is_(None))
            .order_by(ReferralReward.id)
        )
    )  # fmt: skip


def _reward_or_404(customer: Customer, reward_id: int) -> ReferralReward:
    reward = db.session.get(ReferralReward, reward_id)
    if reward is None or reward.inviter_id != customer.id or reward.status != "issued":
        abort(404)
    return reward


@sidebar_bp.post("/customers/<external_userid>/referral-rewards/<int:reward_id>")
@customer_route
def referral_reward_card(customer: Customer, reward_id: int):
    """The reward's card (the coupon, or the red packet) to send the customer."""
    staff = me()
    if not in_chat_with(staff, customer):
        abort(403, _("Only a guide who has this customer can invite them."))
    reward = _reward_or_404(customer, reward_id)
    if reward.coupon_id is not None:
        coupon = db.session.get(Coupon, reward.coupon_id)
        assert coupon is not None
        message = coupon_message(coupon)
    else:
        packet = db.session.get(RedPacket, reward.red_packet_id)
        if packet is None:
            abort(404)
        claim = url_for("claim.packet_page", token=red_packets.claim_token(packet), _external=True)
        message = red_packets.card(packet, claim, card_image("packet"), staff.name)
    sent = url_for(
        "sidebar.referral_reward_sent", external_userid=customer.external_userid, reward_id=reward.id
    )
    return jsonify(message=message, sent_url=sent)


@sidebar_bp.post("/customers/<external_userid>/referral-rewards/<int:reward_id>/sent")
@customer_route
def referral_reward_sent(customer: Customer, reward_id: int):
    """WeCom confirmed the reward's card went to the chat: the customer has been told."""
    reward = _reward_or_404(customer, reward_id)
    now = utcnow()
    if reward.coupon_id is not None and (coupon := db.session.get(Coupon, reward.coupon_id)) is not None:
        coupons.mark_sent(coupon, now=now)
    elif reward.red_packet_id is not None and (packet := db.session.get(RedPacket, reward.red_packet_id)):
        red_packets.mark_sent(packet, now=now)
    reward.told_at = reward.told_at or now
    return jsonify(sent=True)


def rewards_for_guide(staff: Staff) -> list[tuple[ReferralReward, Customer]]:
    """Rewards reached by this guide's inviters (their codes route to the guide) not yet sent: the today
    page lists them, each opening the customer's chat."""
    return list(
        db.session.execute(
            select(ReferralReward, Customer)
            .join(Customer, Customer.id == ReferralReward.inviter_id)
            .join(ReferralCode, (ReferralCode.campaign_id == ReferralReward.campaign_id)
                  & (ReferralCode.inviter_id == ReferralReward.inviter_id))
            .where(ReferralCode.staff_userid == staff.userid, ReferralReward.status == "issued",
                   ReferralReward.told_at.is_(None))
            .order_by(ReferralReward.id)
            .limit(50)
        ).tuples()
    )  # fmt: skip
