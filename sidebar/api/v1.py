"""``/api/v1``: JSON for the sidebar's scripts and for other systems. Errors use the one envelope."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from sidebar.core import uow
from sidebar.core.units import parse_yuan
from sidebar.extensions import csrf
from sidebar.money import coupons, messages
from sidebar.money.messages import Refused
from sidebar.org import api_keys
from sidebar.web.auth import current_staff
from sidebar.web.errors import json_error
from sidebar.wecom import jssdk
from sidebar.wecom.errors import WeComError, WeComUnavailable
from sidebar.wecom.gateway import wecom

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(api_bp)  # JSON endpoints authenticate by session or API key; none reads a form.


@api_bp.get("/jssdk/signature")
def jssdk_signature():
    """``{timestamp, nonceStr, signature}`` for ``url``: app ticket (type=agent) or corp ticket (corp)."""
    if current_staff() is None:
        return json_error(401, "unauthorized", "Sign in first.")
    url = request.args.get("url", "")
    kind = request.args.get("type", "agent")
    if not url.startswith(("http://", "https://")):
        return json_error(400, "bad_url", "url must be the page URL, starting with http:// or https://.")
    if kind not in ("agent", "corp"):
        return json_error(400, "bad_type", "type must be agent or corp.")
    try:
        client = wecom()
        ticket = client.agent_ticket() if kind == "agent" else client.corp_ticket()
    except WeComUnavailable:
        # The page says so at once and offers to retry (WECOM_INTERACTIVE_TIMEOUT bounds the wait).
        return json_error(503, "wecom_unreachable", "WeCom cannot be reached right now. Try again.")
    except WeComError as exc:
        return json_error(502, "wecom_unavailable", f"WeCom did not give a ticket: {exc.errmsg}")
    return jsonify(jssdk.sign_url(ticket, url))


# -- coupon redemption (POS and mall systems) -------------------------------------------------------

REDEEM_STATUS = {
    "unknown_code": 404,
    "already_redeemed": 409,
    "expired": 409,
    "not_yet_valid": 409,
    "below_threshold": 422,
    "bad_order_no": 422,
    "bad_amount": 422,
}


@api_bp.post("/coupons/<code>/redeem")
def redeem_coupon(code: str):
    """Mark a coupon used by an order: ``{"order_no": "...", "amount": "399.00"}`` (yuan) with
    ``Authorization: Bearer <API key>``. The same order again answers 200 with ``repeated: true``."""
    header = request.headers.get("Authorization", "")
    key = api_keys.check(header[7:] if header.startswith("Bearer ") else None)
    if key is None:
        return json_error(401, "unauthorized", "Send a live API key as 'Authorization: Bearer <key>'.")
    body = request.get_json(silent=True) or {}
    amount = parse_yuan(body.get("amount", ""), allow_zero=True)
    if amount is None:
        return json_error(422, "bad_amount", 'amount is the order\'s amount in yuan, e.g. "399.00".')
    try:
        done = coupons.redeem(code, order_no=str(body.get("order_no") or ""), amount=amount, by=key.name)
    except Refused as exc:
        uow.discard()
        return json_error(REDEEM_STATUS.get(exc.code, 409), exc.code, messages.english(exc))
    coupon = done.coupon
    return jsonify(
        code=coupon.code,
        status=coupon.status,
        repeated=done.repeated,
        order_no=coupon.redeem_order_no,
        redeemed_at=coupon.redeemed_at.isoformat() if coupon.redeemed_at else None,
        template=coupon.template.name,
    )
