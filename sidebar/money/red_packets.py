"""Red packets: sending within head office's limits, the customer's claim, the payout, reconciliation.

The life of a packet::

    issued --claim--> paying --WeChat Pay--> paid --not opened in WeChat within 24 h--> refunded
       |                 |  \\--> failed (a definite refusal: budget released)      (budget released)
       |                 \\--> (unknown: timeout, SYSTEMERROR) stays paying; the reconciler queries
       \\--24 h--> expired (budget released)

Guarantees (DESIGN §5 rule 3):

- Caps and budget are counted while holding row locks on the guide, the customer and the team's budget
  row (always in that order, so two sends cannot deadlock), so concurrency cannot exceed them.
- The tap's key is unique: a double tap returns the first packet.
- ``mch_billno`` is made with the packet and is the only number sent to WeChat Pay for it — a retry, a
  query, a resend after NOT_FOUND all use it — except after SEND_FAILED, which WeChat Pay answers
  with "请更换单号再重试": then a new number is made only once a query of the old one says FAILED or
  NOT_FOUND (it did not pay), and the old one is kept. So WeChat Pay pays at most once.
- A paid packet is queried again after WeChat's 24 h: one the customer never opened comes back to the
  merchant (REFUND); it is marked refunded and its amount returns to the budget.
- Only one claim moves a packet from issued to paying (an atomic UPDATE), so twenty taps pay once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update

from sidebar.core import audit, once, send_log, uow, upsert
from sidebar.core.locking import changed, day_start, fresh_transaction, lock_row, month_start
from sidebar.core.once import insert_once
from sidebar.extensions import db
from sidebar.models import (
    HOLDING,
    Customer,
    Order,
    PacketStatus,
    RedPacket,
    RedPacketBudget,
    RedPacketRule,
    ReferralCampaign,
    Staff,
    utcnow,
)
from sidebar.money.messages import Refused
from sidebar.wecom.gateway import gateway
from sidebar.wecom.pay import FAILED, NOT_FOUND, PAID, REFUNDED, RESEND, PayResult

LIFETIME = timedelta(hours=24)
# SYSTEMERROR is retried at once this many times (same mch_billno) before the reconciler takes over.
IMMEDIATE_RETRIES = 2
# The reconciler asks again after a minute, then after half the time the outcome has been unknown,
# at most hourly.
FIRST_CHECK = timedelta(seconds=60)
MAX_CHECK = timedelta(hours=1)
# A paid packet is asked about again once WeChat's 24 h to open it have passed (received or refunded),
# then every few hours until this long after the payout.
RECEIPT_CHECK = timedelta(hours=25)
RECEIPT_RECHECK = timedelta(hours=6)
RECEIPT_GIVE_UP = timedelta(hours=72)
WISHING_MAX = 128


def rule() -> RedPacketRule:
    """Head office's rule (one row, made with defaults the first time it is needed). Made switched off:
    no money moves until an admin has read the limits and turned red packets on."""
    found = db.session.scalar(select(RedPacketRule).order_by(RedPacketRule.id).limit(1))
    if found is None:
        found = RedPacketRule(enabled=False)
        db.session.add(found)
        db.session.flush()
    return found


def team_budget(team_id: int | None, the_rule: RedPacketRule) -> int:
    if team_id is None:
        return the_rule.default_team_monthly_budget
    amount = db.session.scalar(
        select(RedPacketBudget.monthly_amount).where(RedPacketBudget.team_id == team_id)
    )
    return the_rule.default_team_monthly_budget if amount is None else amount


def _lock_budget(team_id: int | None, the_rule: RedPacketRule) -> None:
    """Lock the team's budget row (made if missing); guides without a team share the rule's row."""
    if team_id is None:
        lock_row(RedPacketRule, the_rule.id)
        return
    db.session.execute(
        upsert.insert(RedPacketBudget).values(team_id=team_id, monthly_amount=None).on_conflict_do_nothing()
    )
    lock_row(RedPacketBudget, team_id)


def _sum_count(*conditions: Any) -> tuple[int, int]:
    count, total = db.session.execute(
        select(func.count(), func.coalesce(func.sum(RedPacket.amount), 0)).where(
            RedPacket.status.in_(HOLDING), *conditions
        )
    ).one()
    return int(count), int(total)


@dataclass
class Usage:
    """What a guide has used today and what the team has used this month (for the tab and checks)."""

    guide_count: int
    guide_amount: int
    customer_count: int
    team_spent: int
    team_budget: int


def usage(staff: Staff, customer: Customer, the_rule: RedPacketRule, now: datetime) -> Usage:
    today = day_start(now)
    own = RedPacket.referral_campaign_id.is_(None)  # a referral reward is its campaign's, not the guide's
    guide_count, guide_amount = _sum_count(RedPacket.staff_id == staff.id, RedPacket.created_at >= today, own)
    customer_count, _ = _sum_count(RedPacket.customer_id == customer.id, RedPacket.created_at >= today)
    team = RedPacket.team_id == staff.team_id if staff.team_id is not None else RedPacket.team_id.is_(None)
    _, team_spent = _sum_count(team, RedPacket.created_at >= month_start(now), own)
    return Usage(guide_count, guide_amount, customer_count, team_spent, team_budget(staff.team_id, the_rule))


def cap_passed(used: Usage, the_rule: RedPacketRule, amount: int) -> str | None:
    """The first cap one more packet of ``amount`` would pass, as a problem code, or None: the guide's
    count and amount today, the customer's count today, the team's budget this month. ``send`` asks it
    under lock; the sidebar asks it before the confirm step, so a guide hears it before 下一步."""
    if used.guide_count + 1 > the_rule.guide_daily_count:
        return "guide_count"
    if used.guide_amount + amount > the_rule.guide_daily_amount:
        return "guide_amount"
    if used.customer_count + 1 > the_rule.customer_daily_count:
        return "customer_count"
    if used.team_spent + amount > used.team_budget:
        return "budget"
    return None


def make_billno(mch_id: str, now: datetime) -> str:
    """mch_id + yyyymmdd + 10 random digits (WeChat Pay's suggested shape), at most 28 characters."""
    billno = f"{mch_id}{now:%Y%m%d}{secrets.randbelow(10**10):010d}"
    return billno[-28:]


def _by_key(key: str) -> RedPacket | None:
    return db.session.scalar(select(RedPacket).where(RedPacket.idempotency_key == key))


def _same_intent(packet: RedPacket, staff: Staff, customer: Customer, amount: int) -> RedPacket:
    if (packet.staff_id, packet.customer_id, packet.amount) != (staff.id, customer.id, amount):
        raise Refused("key_reused")
    return packet


def check(
    customer: Customer,
    the_rule: RedPacketRule,
    *,
    amount: int,
    wishing: str,
    reason: str,
    order_id: int | None,
) -> dict[str, str]:
    """A packet's own checks, needing no lock: {form field: problem code}, empty when it may be sent.
    The sidebar's confirm step shows them; ``send`` checks them again before reserving."""
    problems: dict[str, str] = {}
    if not the_rule.min_amount <= amount <= the_rule.max_amount:
        problems["amount"] = "amount"
    if len(wishing) > WISHING_MAX:
        problems["wishing"] = "wishing"
    if order_id is not None:
        owner = db.session.scalar(select(Order.customer_id).where(Order.id == order_id))
        if owner != customer.id:
            problems["order_id"] = "order"
    # One error at a time where one causes the other: a reason is asked for only of an amount allowed.
    needs_reason = amount > the_rule.reason_required_above and not reason and order_id is None
    if needs_reason and "amount" not in problems:
        problems["reason"] = "reason"
    return problems


def send(
    staff: Staff,
    customer: Customer,
    *,
    amount: int,
    key: str,
    wishing: str = "",
    reason: str = "",
    order_id: int | None = None,
    now: datetime | None = None,
) -> RedPacket:
    """Reserve a red packet for the customer (the card goes to the chat next); the caller commits.

    On Refused the caller rolls back. A repeated ``key`` returns the first packet.
    """
    now = now or utcnow()
    key = (key or "").strip()
    if not 8 <= len(key) <= 64:
        raise Refused("bad_key")
    fresh_transaction()
    lock_row(Staff, staff.id)  # first statement: every send by this guide waits here, one at a time
    found = _by_key(key)
    if found is not None:
        return _same_intent(found, staff, customer, amount)
    the_rule = rule()
    if not the_rule.enabled:
        raise Refused("disabled")
    if gateway().payer is None:
        raise Refused("not_configured")
    wishing = (wishing or "").strip() or the_rule.wishing
    reason = (reason or "").strip()[:255]
    problems = check(customer, the_rule, amount=amount, wishing=wishing, reason=reason, order_id=order_id)
    if problems:
        code = next(iter(problems.values()))
        raise Refused(code)

    lock_row(Customer, customer.id)
    _lock_budget(staff.team_id, the_rule)
    if cap := cap_passed(usage(staff, customer, the_rule, now), the_rule, amount):
        raise Refused(cap)

    packet = RedPacket(
        idempotency_key=key,
        mch_billno=make_billno(current_app.config["PAY_MCH_ID"], now),
        staff_id=staff.id,
        customer_id=customer.id,
        team_id=staff.team_id,
        amount=amount,
        wishing=wishing,
        reason=reason or None,
        order_id=order_id,
        expires_at=now + LIFETIME,
        created_at=now,
    )
    found = insert_once(packet, lambda: _by_key(key))  # a twin tap raced in through another lock
    if found is not None:
        return _same_intent(found, staff, customer, amount)
    audit.record(
        staff,
        "red_packet.send",
        "red_packet",
        packet.id,
        amount=amount,
        customer=customer.external_userid,
        mch_billno=packet.mch_billno,
        reason=reason,
        order_id=order_id,
    )
    return packet


def campaign_spent(campaign_id: int) -> int:
    """What a referral campaign's red packets hold or paid (fen)."""
    return _sum_count(RedPacket.referral_campaign_id == campaign_id)[1]


def reward(staff: Staff, customer: Customer, *, amount: int, key: str, campaign_id: int, budget: int,
           now: datetime) -> RedPacket:  # fmt: skip
    """Reserve a referral campaign's reward packet for the customer, from the campaign's ``budget`` (not
    the guide's daily caps or the team's month; head office's per-packet limits and the customer's daily
    count still hold). The caller's transaction has locked the reward being paid; the campaign's row is
    locked next, so the budget is counted by one payer at a time. Refused leaves nothing; the caller
    commits. The guide sends the card (``growth.rewards``: the sidebar offers it)."""
    if (found := _by_key(key)) is not None:
        return found
    the_rule = rule()
    if not the_rule.enabled:
        raise Refused("disabled")
    if gateway().payer is None:
        raise Refused("not_configured")
    if not the_rule.min_amount <= amount <= the_rule.max_amount:
        raise Refused("amount")
    lock_row(ReferralCampaign, campaign_id)
    if campaign_spent(campaign_id) + amount > budget:
        raise Refused("campaign_budget")
    today, _ = _sum_count(RedPacket.customer_id == customer.id, RedPacket.created_at >= day_start(now))
    if today + 1 > the_rule.customer_daily_count:
        raise Refused("customer_count")
    packet = RedPacket(
        idempotency_key=key, mch_billno=make_billno(current_app.config["PAY_MCH_ID"], now), staff_id=staff.id,
        customer_id=customer.id, team_id=None, amount=amount, wishing=the_rule.wishing,
        reason="任务宝奖励", expires_at=now + LIFETIME, created_at=now, referral_campaign_id=campaign_id,
    )  # fmt: skip
    if (twin := insert_once(packet, lambda: _by_key(key))) is not None:
        return twin
    audit.record("system", "red_packet.reward", "red_packet", packet.id, amount=amount,
                 customer=customer.external_userid, mch_billno=packet.mch_billno)  # fmt: skip
    return packet


def mark_sent(packet: RedPacket, *, now: datetime | None = None) -> None:
    """The card reached the customer (once), recorded in the send log."""
    if packet.card_sent_at is None:
        packet.card_sent_at = now or utcnow()
        send_log.record(
            packet.staff_id,
            kind="red_packet",
            ref_id=packet.id,
            customer_id=packet.customer_id,
            msgtype="news",
            summary=f"¥{packet.amount / 100:.2f}",
            at=packet.card_sent_at,
        )


# -- the card and the claim page -----------------------------------------------------------------


def claim_token(packet: RedPacket) -> str:
    return once.sign("red-packet-claim", packet.id)


def from_token(token: str) -> RedPacket | None:
    row_id = once.unsign("red-packet-claim", token)
    return None if row_id is None else db.session.get(RedPacket, row_id)


def card(packet: RedPacket, claim_url: str, image_url: str, sender: str) -> dict[str, object]:
    return {
        "msgtype": "news",
        "news": {
            "link": claim_url,
            "title": f"{sender}给你发了一个红包",
            "desc": packet.wishing,
            "imgUrl": image_url,
        },
    }


def claim(packet: RedPacket, *, openid: str, external_userid: str | None, now: datetime | None = None) -> str:
    """The customer opened the packet. Returns its status afterwards; pays at most once.

    Only the customer it was sent to may open it (their external_userid from OAuth). The first claim
    moves it to ``paying`` atomically and makes the payout; every other claim reads the status.
    """
    now = now or utcnow()
    customer = db.session.get(Customer, packet.customer_id)
    if customer is None or external_userid != customer.external_userid:
        raise Refused("not_yours")
    if not openid:
        raise Refused("no_openid")
    won = changed(
        update(RedPacket)
        .where(
            RedPacket.id == packet.id,
            RedPacket.status == PacketStatus.ISSUED.value,
            RedPacket.expires_at > now,
        )
        .values(
            status=PacketStatus.PAYING.value,
            openid=openid,
            claimed_at=now,
            next_check_at=now + FIRST_CHECK,
        )
    )
    if won:
        audit.record("customer", "red_packet.claim", "red_packet", packet.id, openid=openid)
    uow.commit_point("the claim is decided before anything else happens")
    db.session.refresh(packet)
    if not won:
        if packet.status == PacketStatus.ISSUED.value and packet.expires_at <= now:
            return PacketStatus.EXPIRED.value
        return packet.status
    return pay(packet, now=now)


def _settle(packet: RedPacket, result: PayResult, now: datetime) -> str:
    """Record what WeChat Pay said, if the packet is still paying (another worker may have settled it)."""
    values: dict[str, object]
    if result.outcome == PAID:
        values = {
            "status": PacketStatus.PAID.value,
            "paid_at": now,
            "send_listid": result.send_listid,
            "next_check_at": now + RECEIPT_CHECK,  # then: opened, or refunded?
            "last_error": None,
            "new_billno_due": False,
        }
        if result.code == "RECEIVED":
            values.update(received_at=now, next_check_at=None)
        action = "red_packet.paid"
    elif result.outcome == FAILED:
        values = {
            "status": PacketStatus.FAILED.value,
            "next_check_at": None,
            "last_error": f"{result.code}: {result.message}"[:255],
        }
        action = "red_packet.failed"
    elif result.outcome == REFUNDED:  # paid long ago after all, and never opened in WeChat
        values = {
            "status": PacketStatus.REFUNDED.value,
            "paid_at": now,
            "refunded_at": now,
            "refund_amount": result.refund_amount or packet.amount,
            "next_check_at": None,
            "new_billno_due": False,
        }
        action = "red_packet.refunded"
    elif result.outcome == RESEND:
        # SEND_FAILED: only a new number can pay, and only once a query shows the old one did not.
        values = {
            "new_billno_due": True,
            "next_check_at": now,
            "last_error": f"{result.code}: {result.message}"[:255],
        }
        action = "red_packet.send_failed"
    else:
        # Ask again after half the time it has been unknown: 1 minute, then longer, at most hourly.
        unknown_for = now - (packet.claimed_at or now)
        wait = min(max(unknown_for / 2, FIRST_CHECK), MAX_CHECK)
        values = {"next_check_at": now + wait, "last_error": f"{result.code}: {result.message}"[:255]}
        action = "red_packet.pending"
    moved = changed(
        update(RedPacket)
        .where(RedPacket.id == packet.id, RedPacket.status == PacketStatus.PAYING.value)
        .values(**values)
    )
    if moved:
        audit.record(
            "system",
            action,
            "red_packet",
            packet.id,
            mch_billno=packet.mch_billno,
            amount=packet.amount,
            code=result.code,
            message=result.message,
        )
    uow.commit_point("the payout's outcome is on record")
    db.session.refresh(packet)
    return packet.status


def _new_billno(packet: RedPacket, now: datetime) -> None:
    """SEND_FAILED and a query proved the old number did not pay: a new one, the old kept."""
    payer_mch = str(current_app.config.get("PAY_MCH_ID") or "")
    old = packet.mch_billno
    kept = ",".join(b for b in ((packet.replaced_billnos or "").split(",") + [old]) if b)[-255:]
    changed(
        update(RedPacket)
        .where(RedPacket.id == packet.id, RedPacket.mch_billno == old, RedPacket.new_billno_due.is_(True))
        .values(mch_billno=make_billno(payer_mch, now), replaced_billnos=kept, new_billno_due=False)
    )
    audit.record("system", "red_packet.new_billno", "red_packet", packet.id, replaced=old)
    uow.commit_point("the new bill number is on record before WeChat Pay sees it")
    db.session.refresh(packet)


def _after_send_failed(packet: RedPacket, now: datetime) -> str:
    """Query the old number: paid after all (settle), still unknown (wait), or proved unpaid — then a
    new number and one send with it."""
    payer = gateway().payer
    if payer is None:
        return packet.status
    answer = payer.query(packet.mch_billno)
    if answer.outcome not in (NOT_FOUND, FAILED):
        return _settle(packet, answer, now)
    _new_billno(packet, now)
    return _settle(packet, _send(packet), now)


def _check_receipt(packet: RedPacket, now: datetime) -> str:
    """A paid packet after WeChat's 24 h: opened (done), refunded (budget back), or ask again later."""
    payer = gateway().payer
    if payer is None:
        return packet.status
    answer = payer.query(packet.mch_billno)
    values: dict[str, object]
    if answer.outcome == REFUNDED:
        values = {
            "status": PacketStatus.REFUNDED.value,
            "refunded_at": now,
            "refund_amount": answer.refund_amount or packet.amount,
            "next_check_at": None,
        }
        audit.record(
            "system", "red_packet.refunded", "red_packet", packet.id,
            mch_billno=packet.mch_billno, amount=values["refund_amount"], code=answer.code,
        )  # fmt: skip
    elif answer.outcome == PAID and answer.code == "RECEIVED":
        values = {"received_at": now, "next_check_at": None}
    elif packet.paid_at and now - packet.paid_at >= RECEIPT_GIVE_UP:
        values = {"next_check_at": None}
    else:
        values = {"next_check_at": now + RECEIPT_RECHECK}
    changed(
        update(RedPacket)
        .where(RedPacket.id == packet.id, RedPacket.status == PacketStatus.PAID.value)
        .values(**values)
    )
    uow.commit_point("what WeChat Pay said of the paid packet")
    db.session.refresh(packet)
    return packet.status


def _send(packet: RedPacket) -> PayResult:
    payer = gateway().payer
    if payer is None:
        return PayResult("unknown", "NOT_CONFIGURED", "WeChat Pay is not configured")
    the_rule = rule()
    changed(update(RedPacket).where(RedPacket.id == packet.id).values(attempts=RedPacket.attempts + 1))
    uow.commit_point("the attempt is counted before WeChat Pay is called")
    staff = db.session.get(Staff, packet.staff_id)
    return payer.send(
        mch_billno=packet.mch_billno,
        openid=packet.openid or "",
        amount=packet.amount,
        wishing=packet.wishing,
        act_name=the_rule.act_name,
        remark=f"{staff.name if staff else ''} 专属红包"[:256],
    )


def pay(packet: RedPacket, *, now: datetime | None = None) -> str:
    """Ask WeChat Pay to pay the packet (same mch_billno every time); SYSTEMERROR is retried at once,
    and SEND_FAILED is queried at once and, proved unpaid, sent once more with a new number."""
    now = now or utcnow()
    result = _send(packet)
    retries = 0
    while result.code == "SYSTEMERROR" and retries < IMMEDIATE_RETRIES:
        retries += 1
        result = _send(packet)
    status = _settle(packet, result, now)
    if result.outcome == RESEND and status == PacketStatus.PAYING.value:
        status = _after_send_failed(packet, now)
    return status


def reconcile(*, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """Resolve packets whose payout outcome is unknown by querying their mch_billno.

    Each packet is taken with an atomic UPDATE of ``next_check_at`` so two reconcilers never work on
    the same one. NOT_FOUND (WeChat Pay never recorded it) is resent with the same number.
    """
    now = now or utcnow()
    checked = (PacketStatus.PAYING.value, PacketStatus.PAID.value)
    ids = list(
        db.session.scalars(
            select(RedPacket.id)
            .where(RedPacket.status.in_(checked), RedPacket.next_check_at <= now)
            .order_by(RedPacket.next_check_at)
            .limit(limit)
        )
    )
    outcome: dict[str, int] = {}
    payer = gateway().payer
    for packet_id in ids:
        taken = changed(
            update(RedPacket)
            .where(
                RedPacket.id == packet_id,
                RedPacket.status.in_(checked),
                RedPacket.next_check_at <= now,
            )
            .values(next_check_at=now + FIRST_CHECK)
        )
        uow.commit_point("this worker takes the packet before asking WeChat Pay")
        if not taken or payer is None:
            continue
        packet = db.session.get(RedPacket, packet_id, populate_existing=True)
        assert packet is not None
        if packet.status == PacketStatus.PAID.value:
            status = _check_receipt(packet, now)
        elif packet.new_billno_due:
            status = _after_send_failed(packet, now)
        else:
            result = payer.query(packet.mch_billno)
            if result.outcome == NOT_FOUND:
                result = _send(packet)
            status = _settle(packet, result, now)
        outcome[status] = outcome.get(status, 0) + 1
    return outcome


def expire(*, now: datetime | None = None) -> int:
    """Unopened packets past 24 hours expire and release their budget."""
    now = now or utcnow()
    ids = list(
        db.session.scalars(
            select(RedPacket.id).where(
                RedPacket.status == PacketStatus.ISSUED.value, RedPacket.expires_at <= now
            )
        )
    )
    if not ids:
        return 0
    done = changed(
        update(RedPacket)
        .where(RedPacket.id.in_(ids), RedPacket.status == PacketStatus.ISSUED.value)
        .values(status=PacketStatus.EXPIRED.value)
    )
    audit.record("system", "red_packet.expire", "red_packet", None, count=done, ids=ids[:200])
    uow.commit_point("expired packets")
    return done
