"""Public pages customers open from cards in the chat: a coupon, a red packet.

Reached through signed links (the id signed with the app's key, so links cannot be guessed or
altered). A red packet also needs to know who opens it: WeCom's OAuth in WeChat (no agentid) answers
with the visitor's openid and, for the corp's customers, their external_userid; only the customer it
was sent to may open it, and the payout goes to that openid.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from sidebar.core import uow
from sidebar.demo import poster_png
from sidebar.extensions import db
from sidebar.models import (
    Campaign,
    CampaignStatus,
    Coupon,
    CouponTemplate,
    Customer,
    GroupCouponDrop,
    RedPacket,
    Staff,
    utcnow,
)
from sidebar.money import campaign_coupons, coupons, group_coupons, red_packets
from sidebar.money.messages import MESSAGES, Refused
from sidebar.web.auth import SignInStateMismatch, begin_wecom_sign_in, finish_wecom_sign_in, oauth_url
from sidebar.web.redirects import safe_next
from sidebar.wecom import vouchers
from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import wecom

T = TypeVar("T")

claim_bp = Blueprint("claim", __name__, url_prefix="/claim")

VISITOR = "visitor"  # the session key: {"openid": ..., "external_userid": ...}
CARD_COLOURS = {"coupon": (250, 157, 59), "packet": (230, 67, 64), "material": (16, 174, 255)}


@functools.cache
def _card_png(kind: str) -> bytes:
    return poster_png(200, 200, CARD_COLOURS[kind])


@claim_bp.get("/img/<kind>.png")
def card_image(kind: str):
    """The picture on coupon and red-packet cards (a plain colour block; brands may replace it)."""
    if kind not in CARD_COLOURS:
        abort(404)
    res = Response(_card_png(kind), mimetype="image/png")
    res.headers["Cache-Control"] = "public, max-age=86400"
    return res


# -- coupons ---------------------------------------------------------------------------------------


def _by_token_or_404(load: Callable[[str], T | None], token: str, message: str) -> T:
    """The row a signed link names, or 404 with ``message`` (a forged or mistyped link)."""
    found = load(token)
    if found is None:
        abort(404, message)
    return found


def _coupon_or_404(token: str) -> Coupon:
    return _by_token_or_404(coupons.from_token, token, _("This coupon link is not valid."))


@claim_bp.get("/c/<token>")
def coupon_page(token: str):
    """Our coupon shows its code. A WeChat Pay voucher needs the customer's openid first (OAuth), then
    offers to put it in their WeChat card wallet."""
    coupon = _coupon_or_404(token)
    mine = True
    if coupons.is_voucher(coupon):
        visitor = session.get(VISITOR)
        if not visitor:
            return visitor_sign_in(request.path)
        mine = visitor.get("external_userid") == coupon.customer.external_userid
        if mine and not visitor.get("voucher_openid") and not coupon.provider_ref:
            return official_account_sign_in(request.path)
    elif coupon.claimed_at is None:
        coupon.claimed_at = utcnow()
    return render_template(
        "claim/coupon.html",
        coupon=coupon,
        template=coupon.template,
        status=coupons.status_of(coupon),
        describe=coupons.describe(coupon.template),
        voucher=coupons.is_voucher(coupon),
        mine=mine,
        token=token,
        error=request.args.get("error"),
    )


@claim_bp.post("/c/<token>")
def voucher_take(token: str):
    """Put the WeChat Pay voucher in the customer's wallet (once: WeChat Pay dedupes by our key)."""
    coupon = _coupon_or_404(token)
    visitor = session.get(VISITOR)
    if not visitor:
        return visitor_sign_in(url_for("claim.coupon_page", token=token))
    if not visitor.get("voucher_openid"):
        return official_account_sign_in(url_for("claim.coupon_page", token=token))
    try:
        coupons.deliver_voucher(
            coupon, openid=visitor["voucher_openid"], external_userid=visitor.get("external_userid")
        )
    except Refused as exc:
        uow.discard()
        return redirect(url_for("claim.coupon_page", token=token, error=exc.code), 303)
    return redirect(url_for("claim.coupon_page", token=token), 303)


# -- coupons in a group chat (群券) -------------------------------------------------------------------


def _drop_or_404(token: str) -> GroupCouponDrop:
    return _by_token_or_404(group_coupons.from_token, token, _("This coupon link is not valid."))


def _visitor_customer() -> Customer | None:
    """The customer the signed-in WeChat visitor is, if they are the brand's customer."""
    ext = (session.get(VISITOR) or {}).get("external_userid")
    return db.session.scalar(select(Customer).where(Customer.external_userid == ext)) if ext else None


@claim_bp.get("/g/<token>")
def drop_page(token: str):
    """A group's coupons: who opens it is asked of WeChat (OAuth); a member who claimed already sees
    their coupon; others see how many are left and a button."""
    row = _drop_or_404(token)
    if not session.get(VISITOR):
        return visitor_sign_in(request.path)
    customer = _visitor_customer()
    if customer is not None:
        mine = db.session.scalar(
            select(Coupon).where(Coupon.drop_id == row.id, Coupon.customer_id == customer.id)
        )
        if mine is not None:
            return redirect(url_for("claim.coupon_page", token=coupons.claim_token(mine)))
    error = request.args.get("error")
    message = str(MESSAGES[error]) if error in MESSAGES else None
    if error == "customer_limit":  # the limit stopped it, not a claim of this drop: say the limit
        message = _(
            "You already have the %(n)s of this coupon each person may hold.",
            n=row.template.per_customer_limit,
        )
    return render_template(
        "claim/drop.html",
        row=row,
        template=row.template,
        describe=coupons.describe(row.template),
        left=row.quantity - row.claimed,
        ended=row.returned_at is not None or row.expires_at <= utcnow(),
        token=token,
        error=message,
        customer=customer,
    )


@claim_bp.post("/g/<token>")
def drop_take(token: str):
    """Claim one: our customer, in the group now, within the coupon's limits (else the page says why)."""
    row = _drop_or_404(token)
    if not session.get(VISITOR):
        return visitor_sign_in(url_for("claim.drop_page", token=token))
    customer = _visitor_customer()
    if customer is None:
        return redirect(url_for("claim.drop_page", token=token, error="not_a_customer"), 303)
    try:
        coupon = group_coupons.claim(row, customer)
    except Refused as exc:
        uow.discard()
        return redirect(url_for("claim.drop_page", token=token, error=exc.code), 303)
    return redirect(url_for("claim.coupon_page", token=coupons.claim_token(coupon)), 303)


# -- a mass message's coupon card (企业群发) ------------------------------------------------------------


def _campaign_or_404(token: str) -> Campaign:
    campaign = _by_token_or_404(campaign_coupons.from_token, token, _("This coupon link is not valid."))
    if campaign.coupon_template_id is None:
        abort(404, _("This coupon link is not valid."))
    return campaign


@claim_bp.get("/m/<token>")
def campaign_page(token: str):
    """A mass message's coupon: who opens it is asked of WeChat (OAuth); a recipient who claimed already
    sees their coupon; others get a button (and, refused, the reason)."""
    campaign = _campaign_or_404(token)
    if not session.get(VISITOR):
        return visitor_sign_in(request.path)
    customer = _visitor_customer()
    if customer is not None and (mine := campaign_coupons.claimed_by(campaign, customer)) is not None:
        return redirect(url_for("claim.coupon_page", token=coupons.claim_token(mine)))
    template = db.session.get(CouponTemplate, campaign.coupon_template_id) or abort(404)
    error = request.args.get("error")
    if customer is not None and not error and campaign_coupons.sender_for(campaign, customer) is None:
        error = "not_a_recipient"  # said at once, rather than after a tap
    return render_template(
        "claim/campaign.html",
        template=template,
        describe=coupons.describe(template),
        ended=campaign.status == CampaignStatus.CANCELLED.value,
        token=token,
        error=str(MESSAGES[error]) if error in MESSAGES else None,
        refused=error == "not_a_recipient",
        customer=customer,
    )


@claim_bp.post("/m/<token>")
def campaign_take(token: str):
    """Claim one: a recipient of the campaign, within the coupon's limits (else the page says why)."""
    campaign = _campaign_or_404(token)
    if not session.get(VISITOR):
        return visitor_sign_in(url_for("claim.campaign_page", token=token))
    customer = _visitor_customer()
    if customer is None:
        return redirect(url_for("claim.campaign_page", token=token, error="not_a_customer"), 303)
    try:
        coupon = campaign_coupons.claim(campaign, customer)
    except Refused as exc:
        uow.discard()
        return redirect(url_for("claim.campaign_page", token=token, error=exc.code), 303)
    return redirect(url_for("claim.coupon_page", token=coupons.claim_token(coupon)), 303)


# -- red packets -----------------------------------------------------------------------------------


def visitor_sign_in(next_url: str) -> Any:
    """WeCom OAuth as someone in WeChat (no agentid): silent, answers with their openid."""
    state = begin_wecom_sign_in("visitor", next_url)
    return redirect(oauth_url(state, url_for("claim.oauth_callback", _external=True)))


def official_account_sign_in(next_url: str) -> Any:
    """The brand's official account's own OAuth (silent): the customer's openid under the appid WeChat
    Pay issues vouchers for (the WeCom visitor openid is the corp's, which WeChat Pay refuses)."""
    state = begin_wecom_sign_in("official_account", next_url)
    cfg = current_app.config
    return redirect(
        vouchers.official_account_oauth_url(
            cfg, state, url_for("claim.official_account_callback", _external=True)
        )
    )


@claim_bp.get("/oa-oauth")
def official_account_callback():
    try:
        next_url = finish_wecom_sign_in("official_account", request.args.get("state", ""))
    except SignInStateMismatch:
        abort(400, _("This link has expired. Please open the card in the chat again."))
    visitor = session.get(VISITOR)
    if not visitor:
        abort(400, _("This link has expired. Please open the card in the chat again."))
    openid = vouchers.openid_for_code(current_app.config, request.args.get("code", ""))
    if openid is None:
        abort(502, _("WeChat did not confirm who you are. Please try again."))
    session[VISITOR] = {**visitor, "voucher_openid": openid}
    return redirect(safe_next(next_url, "/"))


@claim_bp.get("/oauth")
def oauth_callback():
    try:
        next_url = finish_wecom_sign_in("visitor", request.args.get("state", ""))
    except SignInStateMismatch:
        abort(400, _("This link has expired. Please open the card in the chat again."))
    try:
        who = wecom().user_by_code(request.args.get("code", ""))
    except WeComError:
        abort(502, _("WeChat did not confirm who you are. Please try again."))
    if not who.get("openid"):
        abort(403, _("Please open this red packet in WeChat."))
    session[VISITOR] = {"openid": who["openid"], "external_userid": who.get("external_userid")}
    return redirect(safe_next(next_url, "/"))


def _packet_or_404(token: str) -> RedPacket:
    return _by_token_or_404(red_packets.from_token, token, _("This red packet link is not valid."))


@claim_bp.get("/p/<token>")
def packet_page(token: str):
    packet = _packet_or_404(token)
    visitor = session.get(VISITOR)
    if not visitor:
        return visitor_sign_in(request.path)
    customer = packet.customer
    mine = visitor.get("external_userid") == customer.external_userid
    status = packet.status
    if status == "issued" and packet.expires_at <= utcnow():
        status = "expired"
    return render_template(
        "claim/packet.html",
        packet=packet,
        sender=db.session.get(Staff, packet.staff_id),
        mine=mine,
        status=status,
        token=token,
    )


@claim_bp.post("/p/<token>")
def packet_open(token: str):
    """Open the packet: the first tap pays (once); every other tap sees how it went."""
    packet = _packet_or_404(token)
    visitor = session.get(VISITOR)
    if not visitor:
        return visitor_sign_in(url_for("claim.packet_page", token=token))
    try:
        red_packets.claim(packet, openid=visitor["openid"], external_userid=visitor.get("external_userid"))
    except Refused:
        uow.discard()
    return redirect(url_for("claim.packet_page", token=token), 303)
