"""Coupons in a group chat (群券): a guide puts N coupons into a group in one card; members of the group
claim one each until they run out or the drop ends (``DROP_HOURS``); what nobody claimed goes back to
the stock.

The same limits as one-by-one coupons, held the same way: the drop reserves its whole quantity from
the stock with one atomic UPDATE (which locks the template's row), and that quantity counts toward the
guide's daily quota at once. A claim takes one from the drop with one atomic UPDATE (``claimed <
quantity``), which locks the drop's row, so concurrent claims cannot pass the quantity; the claimer
must be our customer, in the group now, within the template's audience and per-customer limit; a
repeated claim returns the coupon the first one made (its key is the drop's and the customer's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.orm import joinedload

from sidebar.core import audit, once, send_log
from sidebar.core.locking import changed, fresh_transaction
from sidebar.core.once import insert_once
from sidebar.extensions import db
from sidebar.models import (
    Coupon,
    CouponKind,
    CouponTemplate,
    Customer,
    Delivery,
    GroupChat,
    GroupChatMember,
    GroupCouponDrop,
    Staff,
    utcnow,
)
from sidebar.money import coupons
from sidebar.money.messages import Refused

DROP_HOURS = 24  # how long members may claim from a drop
MAX_QUANTITY = 100


@dataclass
class DropOffer:
    template: CouponTemplate
    left_today: int  # how many the guide may still give out today
    blocked: str | None  # why it cannot go into a group now, or None


def droppable(template: CouponTemplate) -> bool:
    """Our own coupons with a claim link; a WeChat Pay voucher or a mini-program card names one customer."""
    return template.kind != CouponKind.WXPAY.value and template.delivery == Delivery.LINK.value


def offers(staff: Staff, *, now: datetime | None = None) -> list[DropOffer]:
    now = now or utcnow()
    mine = coupons.issued_today(staff, now)
    out = []
    for t in coupons.usable_templates(now):
        left = max(0, coupons.daily_quota(t, staff.tier) - mine.get(t.id, 0))
        blocked = (
            ("not_for_groups" if not droppable(t) else None)
            or ("stock" if t.stock_left <= 0 else None)
            or ("guide_quota" if left <= 0 else None)
        )
        out.append(DropOffer(t, min(left, t.stock_left, MAX_QUANTITY), blocked))
    return out


def _by_key(key: str) -> GroupCouponDrop | None:
    return db.session.scalar(select(GroupCouponDrop).where(GroupCouponDrop.idempotency_key == key))


def drop(
    staff: Staff, group: GroupChat, template_id: int, quantity: int, key: str, *, now: datetime | None = None
) -> GroupCouponDrop:
    """Put ``quantity`` coupons into the group for the tap ``key``; the caller commits (or rolls back on
    Refused). A repeated key returns the first drop."""
    now = now or utcnow()
    key = (key or "").strip()
    if not 8 <= len(key) <= 64:
        raise Refused("bad_key")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise Refused("bad_quantity")
    fresh_transaction()
    reserved = changed(
        update(CouponTemplate)
        .where(
            CouponTemplate.id == template_id,
            CouponTemplate.active.is_(True),
            CouponTemplate.stock_left >= quantity,
        )
        .values(stock_left=CouponTemplate.stock_left - quantity)
    )
    found = _by_key(key)
    if found is not None:
        db.session.rollback()  # a twin tap got here first: give back the stock we took
        if (found.staff_id, found.group_id, found.template_id) != (staff.id, group.id, template_id):
            raise Refused("key_reused")
        return found
    template = db.session.get(CouponTemplate, template_id, populate_existing=True)
    if template is None or not template.active:
        raise Refused("not_found")
    if not droppable(template):
        raise Refused("not_for_groups")
    if not reserved:
        raise Refused("out_of_stock")
    if template.valid_until is not None and template.valid_until <= now:
        raise Refused("ended")
    today = coupons.issued_today(staff, now, template.id).get(template.id, 0)
    if today + quantity > coupons.daily_quota(template, staff.tier):
        raise Refused("guide_quota")
    ends = now + timedelta(hours=DROP_HOURS)
    if template.valid_until is not None:
        ends = min(ends, template.valid_until)
    row = GroupCouponDrop(
        template_id=template.id,
        group_id=group.id,
        staff_id=staff.id,
        team_id=staff.team_id,
        quantity=quantity,
        claimed=0,
        idempotency_key=key,
        created_at=now,
        expires_at=ends,
    )
    found = insert_once(row, lambda: _by_key(key))
    if found is not None:
        return found
    audit.record(staff, "coupon.drop", "group_coupon_drop", row.id, template=template.name,
                 group=group.chat_id, quantity=quantity)  # fmt: skip
    return row


def claim_token(row: GroupCouponDrop) -> str:
    return once.sign("coupon-drop", row.id)


def from_token(token: str) -> GroupCouponDrop | None:
    row_id = once.unsign("coupon-drop", token)
    return None if row_id is None else db.session.get(GroupCouponDrop, row_id)


def card(row: GroupCouponDrop, claim_url: str, image_url: str) -> dict[str, Any]:
    """The link card that goes into the group."""
    template = row.template
    return {
        "msgtype": "news",
        "news": {
            "link": claim_url,
            "title": f"群专享：{template.name}（{coupons.describe(template)}）"[:64],
            "desc": f"共 {row.quantity} 张，群成员每人限领 1 张，先到先得",
            "imgUrl": image_url,
        },
    }


def mark_sent(row: GroupCouponDrop, *, now: datetime | None = None) -> None:
    """The card reached the group (once), recorded in the send log under the group's chat."""
    if row.card_sent_at is None:
        row.card_sent_at = now or utcnow()
        chat_id = db.session.scalar(select(GroupChat.chat_id).where(GroupChat.id == row.group_id))
        send_log.record(
            row.staff_id,
            kind="coupon",
            ref_id=row.id,
            chat_id=chat_id,
            msgtype="news",
            summary=f"{row.template.name} × {row.quantity}",
            at=row.card_sent_at,
        )


def in_group(row: GroupCouponDrop, customer: Customer) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    GroupChatMember.group_id == row.group_id,
                    GroupChatMember.userid == customer.external_userid,
                    GroupChatMember.left_at.is_(None),
                )
            )
        )
    )


def claim(row: GroupCouponDrop, customer: Customer, *, now: datetime | None = None) -> Coupon:
    """One coupon from the drop for this customer (the same one if they claimed before); the caller
    commits, or rolls back on Refused."""
    now = now or utcnow()
    key = f"drop-{row.id}-{customer.id}"
    drop_id = row.id
    fresh_transaction()
    # Take one first: the UPDATE locks the drop's row, so claims are counted one at a time.
    taken = changed(
        update(GroupCouponDrop)
        .where(
            GroupCouponDrop.id == drop_id,
            GroupCouponDrop.claimed < GroupCouponDrop.quantity,
            GroupCouponDrop.returned_at.is_(None),
            GroupCouponDrop.expires_at > now,
        )
        .values(claimed=GroupCouponDrop.claimed + 1)
    )
    found = coupons.by_key(key)
    if found is not None:
        db.session.rollback()  # claimed before: give back the one we took
        return found
    row = db.session.get(GroupCouponDrop, drop_id, populate_existing=True) or row
    template = row.template
    if not in_group(row, customer):
        raise Refused("not_in_group")
    if row.returned_at is not None or row.expires_at <= now:
        raise Refused("drop_ended")
    if not taken:
        raise Refused("drop_empty")
    return coupons.claimed(template, customer, key=key, staff_id=row.staff_id, team_id=row.team_id, now=now,
                           card_sent_at=row.card_sent_at or now, drop_id=row.id)  # fmt: skip


def return_unclaimed(*, now: datetime | None = None) -> int:
    """Give back to the stock what nobody claimed from drops that ended; each drop once. Flushes; the
    caller commits. Returns how many coupons went back."""
    now = now or utcnow()
    back = 0
    ended = select(GroupCouponDrop).where(
        GroupCouponDrop.returned_at.is_(None), GroupCouponDrop.expires_at <= now
    )
    for row in db.session.scalars(ended.with_for_update(skip_locked=True)).all():
        left = row.quantity - row.claimed
        # Marked first, in the same transaction: a second sweeper finds nothing to give back.
        if not changed(
            update(GroupCouponDrop)
            .where(GroupCouponDrop.id == row.id, GroupCouponDrop.returned_at.is_(None))
            .values(returned_at=now)
        ):
            continue
        if left > 0:
            db.session.execute(
                update(CouponTemplate)
                .where(CouponTemplate.id == row.template_id)
                .values(stock_left=CouponTemplate.stock_left + left)
            )
            back += left
    db.session.flush()
    return back


def drops_in(group: GroupChat, limit: int = 10) -> list[GroupCouponDrop]:
    """The group's latest drops, newest first."""
    return list(
        db.session.scalars(
            select(GroupCouponDrop)
            .options(joinedload(GroupCouponDrop.template), joinedload(GroupCouponDrop.staff))
            .where(GroupCouponDrop.group_id == group.id)
            .order_by(GroupCouponDrop.created_at.desc(), GroupCouponDrop.id.desc())
            .limit(limit)
        )
    )
