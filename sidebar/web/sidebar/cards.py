"""What money sends into a chat, shared by the money and tasks tabs: the coupon card, whether this guide
is the one in the chat, the idempotency key a button carries, and a refusal as the page reads it."""

from __future__ import annotations

import uuid
from typing import Any

from flask import request, url_for

from sidebar.customers import contacts
from sidebar.models import Coupon, Customer, Staff
from sidebar.money import coupons
from sidebar.money.messages import Refused
from sidebar.web.errors import json_error


def new_key() -> str:
    return uuid.uuid4().hex


def in_chat_with(staff: Staff, customer: Customer) -> bool:
    """Money moves only from a guide with a live follow of the customer: the one in the chat."""
    return contacts.live_follow(customer, staff) is not None


def card_image(kind: str) -> str:
    """The absolute URL of a card's picture (WeCom fetches it): "coupon", "packet" or "material"."""
    return request.host_url.rstrip("/") + url_for("claim.card_image", kind=kind)


def refusal(exc: Refused, status: int = 409) -> Any:
    """A refused coupon or red packet as the page's script reads it: the code and what the guide reads."""
    return json_error(status, exc.code, str(exc))


def coupon_message(coupon: Coupon) -> dict[str, Any]:
    claim_url = url_for("claim.coupon_page", token=coupons.claim_token(coupon), _external=True)
    return coupons.card(coupon, claim_url, card_image("coupon"))
