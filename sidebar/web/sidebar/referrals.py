"""任务宝 in the sidebar: the guide sends the customer in the chat their invitation — a card that opens
their own campaign page (their poster, their code, their friends counted) — in one tap."""

from __future__ import annotations

from flask import abort, jsonify, request, url_for
from flask_babel import gettext as _

from sidebar.core import send_log, uow
from sidebar.extensions import db
from sidebar.growth import campaigns, codes
from sidebar.models import Customer, ReferralCampaign, utcnow
from sidebar.web.errors import json_error
from sidebar.web.referral import token_of
from sidebar.web.sidebar import customer_route, me, sidebar_bp
from sidebar.web.sidebar.cards import card_image, in_chat_with


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
