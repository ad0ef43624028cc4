"""Every reason money can be refused, and what a person reads for it: in one table.

Services raise ``Refused(code)``; the sidebar shows the message in the guide's language, the public
claim pages in the customer's, and the redemption API answers in English (``english``). A refusal may
carry a detail instead (WeChat Pay's own words), which is shown as it is.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from sidebar.core.errors import DomainError

MESSAGES = {
    # Taps and keys
    "bad_key": _l("Please reload the tab and try again."),
    "key_reused": _l("Please reload the tab and try again."),
    # Coupons: issuing
    "not_found": _l("This coupon is no longer offered."),
    "bad_template": _l("This coupon has no validity period set; ask your administrator."),
    "out_of_stock": _l("This coupon is out of stock."),
    "ended": _l("This coupon's validity has ended."),
    "not_eligible": _l("This customer is not eligible for this coupon."),
    "customer_limit": _l("This customer already has as many of this coupon as allowed."),
    "guide_quota": _l("You have used today's quota for this coupon."),
    # Coupons: redeeming and claiming
    "bad_order_no": _l("order_no is required (at most 64 characters)."),
    "bad_amount": _l("The amount must be a number of yuan, not negative."),
    "unknown_code": _l("No coupon has this code."),
    "already_redeemed": _l("This coupon was already used by another order."),
    "expired": _l("This coupon has expired."),
    "not_yet_valid": _l("This coupon is not valid yet."),
    "below_threshold": _l("The order does not reach the coupon's minimum spend."),
    "not_a_voucher": _l("This coupon is not a WeChat Pay voucher."),
    "voucher_pending": _l("WeChat Pay has not confirmed the voucher yet; try again in a moment."),
    "voucher_refused": _l("WeChat Pay refused the voucher."),
    # Red packets: a packet's own checks (also shown beside the form fields)
    "amount": _l("The amount is outside what head office allows."),
    "reason": _l("For this amount, give a reason or pick one of the customer's orders."),
    "order": _l("That order is not this customer's."),
    "wishing": _l("The wishing is too long (at most 128 characters)."),
    # Red packets: caps, budget and settings
    "guide_count": _l("You have sent as many red packets as allowed today."),
    "guide_amount": _l("This would pass your daily red-packet amount."),
    "customer_count": _l("This customer has had as many red packets as allowed today."),
    "budget": _l("Your team's red-packet budget for this month is used up."),
    "campaign_budget": _l("The referral campaign's red-packet budget is used up."),
    "disabled": _l("Red packets are switched off by head office."),
    "not_configured": _l("WeChat Pay is not set up yet; ask your administrator."),
    # Coupons in a group chat (群券)
    "bad_quantity": _l("Choose how many coupons to put in the group (1 to 100)."),
    "not_for_groups": _l("This coupon goes to one customer at a time; it cannot be put in a group."),
    "not_in_group": _l("Only members of the group can claim these coupons."),
    "not_a_customer": _l("These coupons are for the brand's customers: add the guide in WeChat first."),
    "drop_empty": _l("All the coupons in this group have been claimed."),
    "drop_ended": _l("This group coupon has ended."),
    # A mass message's coupon card (企业群发)
    "not_a_recipient": _l("This coupon is for the customers the message was sent to."),
    "campaign_ended": _l("This offer was withdrawn."),
    # Claiming (the customer reads these)
    "not_yours": _l("This was sent to someone else."),
    "no_openid": _l("We could not tell who you are in WeChat."),
}


class Refused(DomainError):
    """A coupon or red packet that cannot be issued, sent, claimed or redeemed; ``code`` names the rule
    (a key of ``MESSAGES``)."""

    def __init__(self, code: str, detail: str | None = None):
        if code not in MESSAGES:
            raise KeyError(f"no message for refusal code {code!r}")
        super().__init__(detail or code, code=code)
        self.detail = detail

    def __str__(self) -> str:
        return self.detail or str(MESSAGES[self.code])


def english(refusal: Refused) -> str:
    """The message in English, for API clients."""
    with force_locale("en"):
        return str(refusal)
