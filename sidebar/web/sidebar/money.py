"""The sidebar's coupon and red-packet tabs.

Only a guide with a live follow of the customer may issue or send (they are the one in the chat); a
manager who can see the customer sees the tabs read-only. Each button carries an idempotency key made
when the tab was drawn, so a double tap (or a retry after a lost answer) makes one coupon or packet.
The card goes to the chat through the bridge; the page then reports it sent.
"""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from sidebar.core import uow
from sidebar.core.units import parse_yuan, yuan
from sidebar.extensions import db
from sidebar.growth import campaigns as referral_campaigns
from sidebar.models import Coupon, Customer, GroupChat, GroupCouponDrop, Order, RedPacket, utcnow
from sidebar.money import coupons, group_coupons, red_packets
from sidebar.money.messages import MESSAGES, Refused
from sidebar.web import htmx
from sidebar.web.auth import login_required
from sidebar.web.errors import json_error
from sidebar.web.sidebar import customer_route, me, referrals, sidebar_bp
from sidebar.web.sidebar.cards import card_image, coupon_message, in_chat_with, new_key, refusal
from sidebar.web.sidebar.group_chats import group_or_404

# -- coupons ---------------------------------------------------------------------------------------


def _render_coupons(customer: Customer) -> Any:
    staff = me()
    reasons = {
        "stock": _("Out of stock"),
        "customer_limit": _("Already has it"),
        "guide_quota": _("Today's quota used"),
        "level": _("Member level not eligible"),
        "tags": _("Tags not eligible"),
    }
    return htmx.render(
        "sidebar/coupons.html",
        block="coupon_list",
        staff=staff,
        customer=customer,
        chat_id=None,
        can_issue=in_chat_with(staff, customer),
        offers=coupons.offers(staff, customer),
        held=coupons.customer_coupons(customer),
        reasons=reasons,
        describe=coupons.describe,
        status_of=coupons.status_of,
        new_key=new_key,
        referrals=referral_campaigns.running(utcnow()),
        rewards=referrals.rewards_to_send(customer),
    )


@sidebar_bp.get("/customers/<external_userid>/coupons")
@customer_route
def coupons_for_customer(customer: Customer):
    """The coupons this customer may get from this guide, and the ones they have."""
    return _render_coupons(customer)


@sidebar_bp.post("/customers/<external_userid>/coupons")
@customer_route
def coupon_issue(customer: Customer):
    """Issue a coupon for this tap and answer with the card to send."""
    staff = me()
    if not in_chat_with(staff, customer):
        abort(403, _("Only a guide who has this customer can issue coupons to them."))
    try:
        template_id = int(request.form.get("template_id", ""))
    except ValueError:
        abort(400, "template_id must be a number")
    try:
        coupon = coupons.issue(staff, customer, template_id, request.form.get("key", ""))
    except Refused as exc:
        uow.discard()
        return refusal(exc)
    return jsonify(
        id=coupon.id,
        code=coupon.code,
        message=coupon_message(coupon),
        sent_url=url_for("sidebar.coupon_sent", coupon_id=coupon.id),
    ), 201


def _my_coupon(coupon_id: int) -> Coupon:
    coupon = db.session.get(Coupon, coupon_id)
    if coupon is None or coupon.staff_id != me().id:
        abort(404)
    return coupon


@sidebar_bp.post("/coupons/<int:coupon_id>/sent")
@login_required
def coupon_sent(coupon_id: int):
    """WeCom confirmed the card went to the chat."""
    coupon = _my_coupon(coupon_id)
    coupons.mark_sent(coupon)
    return jsonify(id=coupon.id, sent=True)


@sidebar_bp.post("/coupons/<int:coupon_id>/card")
@login_required
def coupon_card(coupon_id: int):
    """The card again, for a coupon whose first send did not go out."""
    coupon = _my_coupon(coupon_id)
    return jsonify(
        message=coupon_message(coupon), sent_url=url_for("sidebar.coupon_sent", coupon_id=coupon.id)
    )


# -- red packets -----------------------------------------------------------------------------------


def _orders(customer: Customer) -> list[Order]:
    return list(
        db.session.scalars(
            select(Order).where(Order.customer_id == customer.id).order_by(Order.paid_at.desc()).limit(10)
        )
    )


def _recent_packets(customer: Customer) -> list[RedPacket]:
    return list(
        db.session.scalars(
            select(RedPacket)
            .where(RedPacket.customer_id == customer.id)
            .order_by(RedPacket.created_at.desc())
            .limit(10)
        )
    )


def _render_packet(
    customer: Customer,
    *,
    block: str = "packet_panel",
    status: int = 200,
    errors: dict[str, str] | None = None,
    confirm: dict[str, Any] | None = None,
) -> Any:
    staff = me()
    rule = red_packets.rule()
    return htmx.render(
        "sidebar/red_packet.html",
        block=block,
        status=status,
        staff=staff,
        customer=customer,
        chat_id=None,
        rule=rule,
        usage=red_packets.usage(staff, customer, rule, utcnow()),
        can_send=in_chat_with(staff, customer),
        orders=_orders(customer),
        packets=_recent_packets(customer),
        form=request.form if request.method == "POST" else {},
        errors=errors or {},
        confirm=confirm,
    )


@sidebar_bp.get("/customers/<external_userid>/red-packet")
@customer_route
def red_packet_for_customer(customer: Customer):
    """The red-packet form with today's limits, and the customer's recent packets."""
    return _render_packet(customer)


def _packet_fields(customer: Customer) -> tuple[dict[str, Any], dict[str, str]]:
    """The form's values and, by field, what is wrong with them (``red_packets.check``); nothing is
    reserved."""
    form = request.form
    rule = red_packets.rule()
    amount = parse_yuan(form.get("amount"))
    order_id = int(form["order_id"]) if (form.get("order_id") or "").isdigit() else None
    wishing = (form.get("wishing") or "").strip() or rule.wishing
    reason = (form.get("reason") or "").strip()[:255]
    fields: dict[str, Any] = {"amount": amount, "wishing": wishing, "reason": reason, "order_id": order_id}
    if form.get("order_id") and order_id is None:
        return fields, {"order_id": str(MESSAGES["order"])}
    if amount is None:
        return fields, {"amount": _("Enter an amount in yuan, e.g. 8.88.")}
    problems = red_packets.check(
        customer, rule, amount=amount, wishing=wishing, reason=reason, order_id=order_id
    )
    errors = {field: str(MESSAGES[code]) for field, code in problems.items()}
    if "amount" in problems:  # the range itself, not only that it is out of it
        errors["amount"] = _(
            "Head office allows %(min)s to %(max)s a red packet.",
            min=yuan(rule.min_amount),
            max=yuan(rule.max_amount),
        )
    elif cap := red_packets.cap_passed(red_packets.usage(me(), customer, rule, utcnow()), rule, amount):
        errors["cap"] = str(MESSAGES[cap])  # before 下一步, not after 确认发送
    return fields, errors


@sidebar_bp.post("/customers/<external_userid>/red-packet/confirm")
@customer_route
def red_packet_confirm(customer: Customer):
    """The confirm step: the form checked, shown back with one button that sends."""
    if not in_chat_with(me(), customer):
        abort(403, _("Only a guide who has this customer can send them red packets."))
    fields, errors = _packet_fields(customer)
    if errors:
        return _render_packet(customer, status=422, errors=errors)
    return _render_packet(customer, confirm={**fields, "key": new_key()})


@sidebar_bp.post("/customers/<external_userid>/red-packets")
@customer_route
def red_packet_send(customer: Customer):
    """Reserve the packet (caps and budget checked under lock) and answer with the card to send."""
    staff = me()
    if not in_chat_with(staff, customer):
        abort(403, _("Only a guide who has this customer can send them red packets."))
    fields, errors = _packet_fields(customer)
    if errors:
        return json_error(422, "invalid", " ".join(errors.values()))
    try:
        packet = red_packets.send(staff, customer, key=request.form.get("key", ""), **fields)
    except Refused as exc:
        uow.discard()
        return refusal(exc)
    claim_url = url_for("claim.packet_page", token=red_packets.claim_token(packet), _external=True)
    return jsonify(
        id=packet.id,
        message=red_packets.card(packet, claim_url, card_image("packet"), staff.name),
        sent_url=url_for("sidebar.red_packet_sent", packet_id=packet.id),
    ), 201


@sidebar_bp.post("/red-packets/<int:packet_id>/sent")
@login_required
def red_packet_sent(packet_id: int):
    packet = db.session.get(RedPacket, packet_id)
    if packet is None or packet.staff_id != me().id:
        abort(404)
    red_packets.mark_sent(packet)
    return jsonify(id=packet.id, sent=True)


# -- coupons in a group chat (群券) -------------------------------------------------------------------


def _render_group_coupons(stored: GroupChat) -> Any:
    staff = me()
    reasons = {
        "stock": _("Out of stock"),
        "guide_quota": _("Today's quota used"),
        "not_for_groups": _("One customer at a time"),
    }
    return htmx.render(
        "sidebar/group_coupons.html",
        block="coupon_list",
        staff=staff,
        customer=None,
        chat_id=stored.chat_id,
        offers=group_coupons.offers(staff),
        drops=group_coupons.drops_in(stored),
        reasons=reasons,
        describe=coupons.describe,
        new_key=new_key,
        now=utcnow(),
    )


@sidebar_bp.get("/groups/<chat_id>/coupons")
@login_required
def coupons_for_group(chat_id: str):
    """Coupons the member may put into this group, and the group's latest drops."""
    _, stored = group_or_404(chat_id)
    return _render_group_coupons(stored)


@sidebar_bp.post("/groups/<chat_id>/coupons")
@login_required
def coupon_drop(chat_id: str):
    """Put coupons into the group for this tap and answer with the card to send."""
    _, stored = group_or_404(chat_id)
    try:
        template_id = int(request.form.get("template_id", ""))
        quantity = int(request.form.get("quantity", ""))
    except ValueError:
        return refusal(Refused("bad_quantity"), 400)
    try:
        row = group_coupons.drop(me(), stored, template_id, quantity, request.form.get("key", ""))
    except Refused as exc:
        uow.discard()
        return refusal(exc)
    return jsonify(
        id=row.id, message=_drop_message(row), sent_url=url_for("sidebar.coupon_drop_sent", drop_id=row.id)
    ), 201


def _drop_message(row: GroupCouponDrop) -> dict[str, Any]:
    claim_url = url_for("claim.drop_page", token=group_coupons.claim_token(row), _external=True)
    return group_coupons.card(row, claim_url, card_image("coupon"))


@sidebar_bp.post("/coupon-drops/<int:drop_id>/sent")
@login_required
def coupon_drop_sent(drop_id: int):
    """WeCom confirmed the card went to the group."""
    row = db.session.get(GroupCouponDrop, drop_id)
    if row is None or row.staff_id != me().id:
        abort(404)
    group_coupons.mark_sent(row)
    return jsonify(id=row.id, sent=True)
