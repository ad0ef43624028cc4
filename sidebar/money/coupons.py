"""Coupons: which templates a customer may get, issuing one from a tap, the claim link, redemption.

Issuing reserves stock with one atomic UPDATE (``stock_left = stock_left - 1 WHERE stock_left > 0``),
which also locks the template's row until commit; the per-customer limit and the guide's daily quota
are counted while that lock is held, so concurrent taps cannot exceed any of them. The tap's
idempotency key is unique: a repeated tap returns the coupon the first one made.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update

from sidebar.core import audit, once, send_log, uow
from sidebar.core.locking import changed, day_start, fresh_transaction
from sidebar.core.once import insert_once
from sidebar.extensions import db
from sidebar.models import (
    Coupon,
    CouponKind,
    CouponStatus,
    CouponTemplate,
    Customer,
    CustomerTag,
    Delivery,
    GroupCouponDrop,
    Order,
    Staff,
    utcnow,
)
from sidebar.money.messages import Refused
from sidebar.wecom.gateway import gateway
from sidebar.wecom.vouchers import OK, UNKNOWN

# Codes people may read out at a till: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


@dataclass
class Offer:
    template: CouponTemplate
    held: int  # how many of this template the customer already has
    blocked: str | None  # why this customer cannot get it now, or None


def _ids(text: str) -> list[Any]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def ineligible(template: CouponTemplate, customer: Customer, tag_ids: set[int]) -> str | None:
    """Why the customer is outside the template's audience, or None."""
    levels = _ids(template.eligible_levels)
    if levels and customer.member_level not in levels:
        return "level"
    tags = {int(t) for t in _ids(template.eligible_tag_ids)}
    if tags and not tags & tag_ids:
        return "tags"
    return None


def customer_tag_ids(customer: Customer) -> set[int]:
    return set(db.session.scalars(select(CustomerTag.tag_id).where(CustomerTag.customer_id == customer.id)))


def daily_quota(template: CouponTemplate, tier: str) -> int:
    """How many of this coupon a guide of ``tier`` may issue a day: the tier's own quota, if set."""
    return int(json.loads(template.tier_daily or "{}").get(tier) or template.per_guide_daily)


def limit_reached(template: CouponTemplate, held: int, mine_today: int, tier: str) -> str | None:
    """The template's two counted limits: the customer's holding and the guide's day."""
    if held >= template.per_customer_limit:
        return "customer_limit"
    if mine_today >= daily_quota(template, tier):
        return "guide_quota"
    return None


def issued_today(staff: Staff, now: datetime, template_id: int | None = None) -> dict[int, int]:
    """template id → how many coupons the guide gave out today: one each to customers, plus the whole
    quantity of each drop in a group chat (taken at once; its claims are not counted again). Coupons
    claimed from head office's mass messages are not the guide's (``campaign_coupons``)."""
    one_by_one = select(Coupon.template_id, func.count()).where(
        Coupon.staff_id == staff.id,
        Coupon.created_at >= day_start(now),
        Coupon.drop_id.is_(None),
        Coupon.campaign_id.is_(None),  # a mass message's coupon card is head office's, not the guide's
        Coupon.referral_campaign_id.is_(None),  # nor is a referral campaign's reward
    )
    dropped = select(GroupCouponDrop.template_id, func.sum(GroupCouponDrop.quantity)).where(
        GroupCouponDrop.staff_id == staff.id, GroupCouponDrop.created_at >= day_start(now)
    )
    if template_id is not None:
        one_by_one = one_by_one.where(Coupon.template_id == template_id)
        dropped = dropped.where(GroupCouponDrop.template_id == template_id)
    counts: dict[int, int] = {}
    for query, column in ((one_by_one, Coupon.template_id), (dropped, GroupCouponDrop.template_id)):
        for tid, n in db.session.execute(query.group_by(column)):
            counts[tid] = counts.get(tid, 0) + int(n or 0)
    return counts


def usable_templates(now: datetime | None = None) -> list[CouponTemplate]:
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(CouponTemplate)
            .where(
                CouponTemplate.active.is_(True),
                or_(CouponTemplate.valid_until.is_(None), CouponTemplate.valid_until > now),
            )
            .order_by(CouponTemplate.id)
        )
    )


def offers(staff: Staff, customer: Customer, *, now: datetime | None = None) -> list[Offer]:
    """The active templates, each with why this customer can't get it (stock, limit, audience)."""
    now = now or utcnow()
    templates = usable_templates(now)
    held: dict[int, int] = dict(
        db.session.execute(  # type: ignore[arg-type]
            select(Coupon.template_id, func.count())
            .where(Coupon.customer_id == customer.id)
            .group_by(Coupon.template_id)
        ).all()
    )
    mine_today = issued_today(staff, now)
    tag_ids = customer_tag_ids(customer)
    out = []
    for t in templates:
        n = held.get(t.id, 0)
        blocked = (
            ineligible(t, customer, tag_ids)
            or ("stock" if t.stock_left <= 0 else None)
            or limit_reached(t, n, mine_today.get(t.id, 0), staff.tier)
        )
        out.append(Offer(t, n, blocked))
    return out


def customer_coupons(customer: Customer, limit: int = 20) -> list[Coupon]:
    return list(
        db.session.scalars(
            select(Coupon)
            .where(Coupon.customer_id == customer.id)
            .order_by(Coupon.created_at.desc())
            .limit(limit)
        )
    )


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def by_key(key: str) -> Coupon | None:
    return db.session.scalar(select(Coupon).where(Coupon.idempotency_key == key))


def _same_intent(coupon: Coupon, staff: Staff, customer: Customer, template_id: int) -> Coupon:
    if (coupon.staff_id, coupon.customer_id, coupon.template_id) != (staff.id, customer.id, template_id):
        raise Refused("key_reused")
    return coupon


def validity(template: CouponTemplate, now: datetime) -> tuple[datetime, datetime]:
    if template.valid_days:
        return now, now + timedelta(days=template.valid_days)
    if template.valid_from is None or template.valid_until is None:
        raise Refused("bad_template")
    return template.valid_from, template.valid_until


def reserve_one(template_id: int) -> bool:
    """Take one coupon from the template's stock, if it is active and has one left: one atomic UPDATE,
    which also locks the template's row (and SQLite's writer lock) until commit, so what is counted
    next is counted alone. Run it first in a fresh transaction (``locking.fresh_transaction``)."""
    return bool(
        changed(
            update(CouponTemplate)
            .where(
                CouponTemplate.id == template_id,
                CouponTemplate.active.is_(True),
                CouponTemplate.stock_left > 0,
            )
            .values(stock_left=CouponTemplate.stock_left - 1)
        )
    )


def reserved_template(template_id: int, reserved: bool, now: datetime) -> CouponTemplate:
    """The template a coupon was just asked of (``reserve_one`` said whether one was left), read again
    under its lock; Refused when it is gone or switched off, out of stock, or ended."""
    template = db.session.get(CouponTemplate, template_id, populate_existing=True)
    if template is None or not template.active:
        raise Refused("not_found")
    if not reserved:
        raise Refused("out_of_stock")
    if template.valid_until is not None and template.valid_until <= now:
        raise Refused("ended")
    return template


def claimed(
    template: CouponTemplate, customer: Customer, *, key: str, staff_id: int, team_id: int | None,
    now: datetime, card_sent_at: datetime, **origin: Any,
) -> Coupon:  # fmt: skip
    """The coupon a customer claims from a card that was not made for them alone (a group's drop, a mass
    message): within the template's audience and per-customer limit, kept under ``key`` (a twin claim
    returns the first). ``origin`` names where it came from (``drop_id``, ``campaign_id``). The caller
    has reserved its stock; it commits, or rolls back on Refused."""
    if ineligible(template, customer, customer_tag_ids(customer)):
        raise Refused("not_eligible")
    held = db.session.scalar(
        select(func.count()).where(Coupon.template_id == template.id, Coupon.customer_id == customer.id)
    )
    if (held or 0) >= template.per_customer_limit:
        raise Refused("customer_limit")
    valid_from, valid_until = validity(template, now)
    coupon = Coupon(
        template_id=template.id,
        code=new_code(),
        idempotency_key=key,
        customer_id=customer.id,
        staff_id=staff_id,
        team_id=team_id,
        valid_from=valid_from,
        valid_until=valid_until,
        created_at=now,
        claimed_at=now,
        card_sent_at=card_sent_at,
        **origin,
    )
    found = insert_once(coupon, lambda: by_key(key))
    if found is not None:
        return found
    audit.record("customer", "coupon.claim", "coupon", coupon.id, customer=customer.external_userid,
                 code=coupon.code, **origin)  # fmt: skip
    return coupon


def issue(
    staff: Staff, customer: Customer, template_id: int, key: str, *, now: datetime | None = None
) -> Coupon:
    """Issue one coupon for the tap ``key``; the caller commits (or rolls back on Refused).

    Starts a fresh transaction (see ``locking``). A repeated key returns the first coupon.
    """
    now = now or utcnow()
    key = (key or "").strip()
    if not 8 <= len(key) <= 64:
        raise Refused("bad_key")
    fresh_transaction()
    reserved = reserve_one(template_id)  # first: the template's row lock
    found = by_key(key)
    if found is not None:
        db.session.rollback()  # a twin tap got here first: give back the stock we took
        return _same_intent(found, staff, customer, template_id)
    template = reserved_template(template_id, reserved, now)
    if template.kind == CouponKind.WXPAY.value and not template.wxpay_stock_id:
        raise Refused("not_configured")
    if ineligible(template, customer, customer_tag_ids(customer)):
        raise Refused("not_eligible")
    held = db.session.scalar(
        select(func.count()).where(Coupon.template_id == template.id, Coupon.customer_id == customer.id)
    )
    today = issued_today(staff, now, template.id).get(template.id, 0)
    limit = limit_reached(template, held or 0, today, staff.tier)
    if limit:
        raise Refused(limit)
    valid_from, valid_until = validity(template, now)
    coupon = Coupon(
        template_id=template.id,
        code=new_code(),
        idempotency_key=key,
        customer_id=customer.id,
        staff_id=staff.id,
        team_id=staff.team_id,
        valid_from=valid_from,
        valid_until=valid_until,
        created_at=now,
    )
    found = insert_once(coupon, lambda: by_key(key))  # a twin tap raced in through another lock
    if found is not None:
        return _same_intent(found, staff, customer, template_id)
    audit.record(
        staff,
        "coupon.issue",
        "coupon",
        coupon.id,
        template=template.name,
        customer=customer.external_userid,
        code=coupon.code,
    )
    return coupon


# -- the card and the claim page ------------------------------------------------------------------


def claim_token(coupon: Coupon) -> str:
    return once.sign("coupon-claim", coupon.id)


def from_token(token: str) -> Coupon | None:
    row_id = once.unsign("coupon-claim", token)
    return None if row_id is None else db.session.get(Coupon, row_id)


def describe(template: CouponTemplate) -> str:
    """How the coupon reads on cards and pages: "满300减50", "50元无门槛", "8.5折"."""
    value, threshold = template.value, template.threshold
    if template.value_kind == "discount":
        text = f"{value / 10:g}折"
        return f"{text}（满{threshold / 100:g}可用）" if threshold else text
    if threshold:
        return f"满{threshold / 100:g}减{value / 100:g}"
    return f"{value / 100:g}元无门槛"


def card(coupon: Coupon, claim_url: str, image_url: str) -> dict[str, Any]:
    """The sendChatMessage payload that brings the coupon to the customer."""
    template = coupon.template
    title = f"{template.name}（{describe(template)}）"
    if template.delivery == Delivery.MINIPROGRAM.value and template.miniprogram_appid:
        page = (template.miniprogram_page or "pages/coupon/index.html?code={code}").replace(
            "{code}", coupon.code
        )
        return {
            "msgtype": "miniprogram",
            "miniprogram": {
                "appid": template.miniprogram_appid,
                "title": title[:64],
                "imgUrl": image_url,
                "page": page,
            },
        }
    return {
        "msgtype": "news",
        "news": {
            "link": claim_url,
            "title": title[:64],
            "desc": "点击领取，到店或商城下单时使用",
            "imgUrl": image_url,
        },
    }


def mark_sent(coupon: Coupon, *, now: datetime | None = None, log: bool = True) -> None:
    """The card reached the customer (once): recorded in the send log unless the caller logged what
    carried it (a welcome, an SOP piece)."""
    if coupon.card_sent_at is None:
        coupon.card_sent_at = now or utcnow()
        if log:
            send_log.record(
                coupon.staff_id,
                kind="coupon",
                ref_id=coupon.id,
                customer_id=coupon.customer_id,
                msgtype="miniprogram" if coupon.template.delivery == "miniprogram" else "news",
                summary=coupon.template.name,
                at=coupon.card_sent_at,
            )


def status_of(coupon: Coupon, now: datetime | None = None) -> str:
    """issued | redeemed | expired (expired is read from the dates, never stored)."""
    if coupon.status == CouponStatus.ISSUED.value and coupon.valid_until <= (now or utcnow()):
        return "expired"
    return coupon.status


# -- redemption (POS and mall systems) -------------------------------------------------------------


@dataclass
class Redemption:
    coupon: Coupon
    repeated: bool  # True when this order had already redeemed it: nothing changed


def redeem(code: str, *, order_no: str, amount: int, by: str, now: datetime | None = None) -> Redemption:
    """Mark a coupon used by an order. The same order again answers as before (idempotent)."""
    now = now or utcnow()
    order_no = (order_no or "").strip()
    if not order_no or len(order_no) > 64:
        raise Refused("bad_order_no")
    if amount < 0:
        raise Refused("bad_amount")
    coupon = db.session.scalar(select(Coupon).where(Coupon.code == (code or "").strip().upper()))
    if coupon is None:
        raise Refused("unknown_code")
    if is_voucher(coupon):
        raise Refused("unknown_code")
    if coupon.status == CouponStatus.REDEEMED.value:
        if coupon.redeem_order_no == order_no:
            return Redemption(coupon, repeated=True)
        raise Refused("already_redeemed")
    if coupon.valid_until <= now:
        raise Refused("expired")
    if coupon.valid_from > now:
        raise Refused("not_yet_valid")
    if amount < coupon.template.threshold:
        raise Refused("below_threshold")
    order_id = db.session.scalar(select(Order.id).where(Order.order_no == order_no).limit(1))
    # Atomic: of two tills redeeming at once, one wins; the other is told who did.
    done = changed(
        update(Coupon)
        .where(Coupon.id == coupon.id, Coupon.status == CouponStatus.ISSUED.value)
        .values(
            status=CouponStatus.REDEEMED.value,
            redeemed_at=now,
            redeem_order_no=order_no,
            redeem_amount=amount,
            redeemed_by=by,
            order_id=order_id,
        )
    )
    db.session.refresh(coupon)
    if not done:
        if coupon.redeem_order_no == order_no:
            return Redemption(coupon, repeated=True)
        raise Refused("already_redeemed")
    audit.record(by, "coupon.redeem", "coupon", coupon.id, code=coupon.code, order_no=order_no, amount=amount)
    return Redemption(coupon, repeated=False)


def is_voucher(coupon: Coupon) -> bool:
    return coupon.template.kind == CouponKind.WXPAY.value


def deliver_voucher(
    coupon: Coupon, *, openid: str, external_userid: str | None, now: datetime | None = None
) -> Coupon:
    """A WeChat Pay voucher reaches the customer: WeChat Pay issues it to their openid, keyed by the
    coupon's own idempotency key (a repeat, after a timeout say, gets the same voucher). Commits."""
    if not is_voucher(coupon):
        raise Refused("not_a_voucher")
    if external_userid != coupon.customer.external_userid:
        raise Refused("not_yours")
    if coupon.provider_ref:
        return coupon
    if status_of(coupon, now) != CouponStatus.ISSUED.value:
        raise Refused("expired")
    client = gateway().vouchers
    if client is None or not coupon.template.wxpay_stock_id:
        raise Refused("not_configured")
    result = client.issue(
        openid=openid, stock_id=coupon.template.wxpay_stock_id, out_request_no=coupon.idempotency_key
    )
    if result.outcome != OK:
        code = "voucher_pending" if result.outcome == UNKNOWN else "voucher_refused"
        audit.record(
            "customer", "coupon.voucher_failed", "coupon", coupon.id, code=result.code, message=result.message
        )
        uow.commit_point("the failed voucher attempt stays on record")
        raise Refused(code, f"WeChat Pay: {result.code} {result.message}".strip())
    coupon.provider_ref = result.coupon_id
    coupon.claimed_at = coupon.claimed_at or now or utcnow()
    audit.record("customer", "coupon.voucher", "coupon", coupon.id, voucher=result.coupon_id, openid=openid)
    uow.commit_point("the voucher WeChat Pay issued is the customer's")
    return coupon
