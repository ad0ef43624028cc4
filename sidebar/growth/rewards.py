"""Rewards on the ladder: made once per rung and inviter, then issued exactly once.

A job finds the rungs inviters have reached (one set-based INSERT … ON CONFLICT DO NOTHING on the
reward's unique key: running it twice, or on two consumers at once, makes each reward once), then issues
each due reward in a transaction of its own that first claims it (``due`` → ``issuing``, an atomic
UPDATE): a coupon from the template's stock, or a red packet from the campaign's budget (within head
office's per-packet limits), under the reward's own idempotency key, never from a guide's daily quota
or caps; the guide then sends it in one tap (``web.sidebar.referrals``). A crash rolls the claim back
with the coupon or packet; the next run issues it. A reward that cannot be issued (out of stock, outside
the coupon's audience, the budget spent) is marked failed with the reason."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, literal, select, update

from sidebar.core import uow, upsert
from sidebar.core.locking import changed, fresh_transaction
from sidebar.extensions import db
from sidebar.models import (
    COUNTING,
    Coupon,
    Customer,
    RedPacket,
    ReferralCampaign,
    ReferralCode,
    ReferralInvite,
    ReferralReward,
    ReferralRung,
    RewardKind,
    Staff,
)
from sidebar.models.base import UTCDateTime
from sidebar.money import coupons, red_packets
from sidebar.money.messages import Refused


def make_due(now: datetime) -> int:
    """A reward row for every rung an inviter's count has reached and that has none yet."""
    counts = (
        select(ReferralInvite.campaign_id, ReferralInvite.inviter_id, func.count().label("friends"))
        .where(ReferralInvite.status.in_(COUNTING))
        .group_by(ReferralInvite.campaign_id, ReferralInvite.inviter_id)
        .subquery()
    )
    when = literal(now, UTCDateTime())
    reached = select(
        ReferralRung.campaign_id, ReferralRung.id, counts.c.inviter_id, literal("due"), when
    ).join(
        counts,
        (counts.c.campaign_id == ReferralRung.campaign_id) & (counts.c.friends >= ReferralRung.friends),
    )
    table = ReferralReward.__table__
    statement = upsert.insert(table).from_select(
        ["campaign_id", "rung_id", "inviter_id", "status", "created_at"], reached
    )
    made = db.session.execute(statement.on_conflict_do_nothing().returning(table.c.id))
    return len(made.all())


def _mark_failed(reward_id: int, error: str) -> None:
    db.session.execute(
        update(ReferralReward).where(ReferralReward.id == reward_id, ReferralReward.status == "due")
        .values(status="failed", error=error[:64])
    )  # fmt: skip


def issue_one(reward_id: int, *, now: datetime) -> str:
    """Issue one due reward (commits); what became of it: issued, failed, or taken (by another run)."""
    fresh_transaction()
    if not changed(
        update(ReferralReward).where(ReferralReward.id == reward_id, ReferralReward.status == "due")
        .values(status="issuing")
    ):  # fmt: skip
        db.session.rollback()
        return "taken"
    reward = db.session.get(ReferralReward, reward_id, populate_existing=True)
    rung = db.session.get(ReferralRung, reward.rung_id) if reward else None
    inviter = db.session.get(Customer, reward.inviter_id) if reward else None
    if reward is None or rung is None or inviter is None:
        db.session.rollback()
        return "taken"
    try:
        if rung.kind == RewardKind.COUPON.value:
            reward.coupon_id = _coupon(reward, rung, inviter, now).id
        else:
            reward.red_packet_id = _packet(reward, rung, inviter, now).id
    except Refused as exc:
        db.session.rollback()
        _mark_failed(reward_id, exc.code)
        uow.commit_point("a reward that cannot be issued says why, once")
        return "failed"
    reward.status, reward.issued_at = "issued", now
    uow.commit_point("the reward and its coupon, together")
    return "issued"


def _guide(reward: ReferralReward, inviter: Customer) -> Staff:
    """The member the inviter's friends add: the reward comes from them."""
    staff = db.session.scalar(
        select(Staff).join(ReferralCode, ReferralCode.staff_userid == Staff.userid)
        .where(ReferralCode.campaign_id == reward.campaign_id, ReferralCode.inviter_id == inviter.id)
    )  # fmt: skip
    if staff is None:
        raise Refused("not_found")
    return staff


def _packet(reward: ReferralReward, rung: ReferralRung, inviter: Customer, now: datetime) -> RedPacket:
    campaign = db.session.get(ReferralCampaign, reward.campaign_id)
    if campaign is None:
        raise Refused("not_found")
    return red_packets.reward(_guide(reward, inviter), inviter, amount=rung.amount or 0,
                              key=f"referral-reward-{reward.id}", campaign_id=campaign.id,
                              budget=campaign.budget, now=now)  # fmt: skip


def _coupon(reward: ReferralReward, rung: ReferralRung, inviter: Customer, now: datetime) -> Coupon:
    key = f"referral-reward-{reward.id}"
    # Looked for before any stock is taken: the reward's row, locked by its claim, keeps a twin out.
    if (found := coupons.by_key(key)) is not None:  # issued before a crash lost the reward's mark
        return found
    template_id = rung.coupon_template_id or 0
    template = coupons.reserved_template(template_id, coupons.reserve_one(template_id), now)
    staff = _guide(reward, inviter)
    return coupons.claimed(template, inviter, key=key, staff_id=staff.id, team_id=staff.team_id, now=now,
                           card_sent_at=now, referral_campaign_id=reward.campaign_id)  # fmt: skip


def issue_due(*, now: datetime, most: int = 500) -> dict[str, int]:
    """Issue the due rewards, each in its own transaction."""
    due = list(
        db.session.scalars(
            select(ReferralReward.id)
            .where(ReferralReward.status == "due")
            .order_by(ReferralReward.id)
            .limit(most)
        )
    )
    done: dict[str, int] = {}
    for reward_id in due:
        outcome = issue_one(reward_id, now=now)
        done[outcome] = done.get(outcome, 0) + 1
    return done
