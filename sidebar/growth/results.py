"""What a referral campaign brought: invitations by what became of them, per guide, rewards issued, and
the new customers' first 30 days (orders through OneID) — set-based, one query each."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from openpyxl import Workbook
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from sidebar.core import export
from sidebar.core.day_math import local_day, plus_days
from sidebar.core.locking import day_start
from sidebar.extensions import db
from sidebar.models import (
    COUNTING,
    ChannelCode,
    Coupon,
    Customer,
    CustomerStats,
    Follow,
    InviteStatus,
    Order,
    ReferralCampaign,
    ReferralInvite,
    ReferralReward,
    Staff,
    utcnow,
)
from sidebar.money import red_packets


@dataclass(frozen=True)
class Figures:
    by_status: dict[str, int]
    counted: int  # pending + counted: the new contacts the campaign brought and kept so far
    rewards_issued: int
    coupons_redeemed: int
    bought_30d: int  # new contacts who ordered within 30 days of adding
    spent_30d: int  # what they spent (fen)


def figures(campaign: ReferralCampaign) -> Figures:
    by_status = dict(
        db.session.execute(
            select(ReferralInvite.status, func.count())
            .where(ReferralInvite.campaign_id == campaign.id)
            .group_by(ReferralInvite.status)
        ).tuples().all()
    )  # fmt: skip
    issued = db.session.scalar(
        select(func.count()).where(
            ReferralReward.campaign_id == campaign.id, ReferralReward.status == "issued"
        )
    )
    redeemed = db.session.scalar(
        select(func.count()).where(
            Coupon.referral_campaign_id == campaign.id, Coupon.redeemed_at.is_not(None)
        )
    )
    within = and_(Order.customer_id == ReferralInvite.invitee_id, Order.paid_at >= ReferralInvite.added_at,
                  Order.paid_at < plus_days(ReferralInvite.added_at, 30))  # fmt: skip
    bought, spent = db.session.execute(
        select(
            func.count(func.distinct(Order.customer_id)),
            func.coalesce(func.sum(Order.total_amount - Order.refund_amount), 0),
        )
        .join(ReferralInvite, within)
        .where(ReferralInvite.campaign_id == campaign.id, ReferralInvite.status.in_(COUNTING))
    ).one()
    counted = sum(int(by_status.get(s, 0)) for s in COUNTING)
    return Figures(
        by_status, counted, int(issued or 0), int(redeemed or 0), int(bought or 0), int(spent or 0)
    )


def by_guide(campaign: ReferralCampaign) -> list[tuple[str, str, int]]:
    """(userid, name, new contacts counted) per guide the friends added, the most first."""
    rows = db.session.execute(
        select(ReferralInvite.staff_userid, Staff.name, func.count())
        .outerjoin(Staff, Staff.userid == ReferralInvite.staff_userid)
        .where(ReferralInvite.campaign_id == campaign.id, ReferralInvite.status.in_(COUNTING))
        .group_by(ReferralInvite.staff_userid, Staff.name)
        .order_by(func.count().desc())
    ).tuples()
    return [(userid, name or userid, int(n)) for userid, name, n in rows]


def top_inviters(campaign: ReferralCampaign, limit: int = 20) -> list[tuple[Customer, int]]:
    counts = (
        select(ReferralInvite.inviter_id, func.count().label("n"))
        .where(ReferralInvite.campaign_id == campaign.id, ReferralInvite.status.in_(COUNTING))
        .group_by(ReferralInvite.inviter_id)
        .order_by(func.count().desc(), ReferralInvite.inviter_id)
        .limit(limit)
        .subquery()
    )
    rows = db.session.execute(
        select(Customer, counts.c.n).join(counts, counts.c.inviter_id == Customer.id)
        .order_by(counts.c.n.desc(), Customer.id)
    ).tuples()  # fmt: skip
    return [(c, int(n)) for c, n in rows]


def held(campaign: ReferralCampaign, limit: int = 200) -> list[tuple[ReferralInvite, Customer, Customer]]:
    """Invitations held for review, the oldest first, with their inviter and invitee."""
    who, whom = aliased(Customer), aliased(Customer)
    rows = db.session.execute(
        select(ReferralInvite, who, whom)
        .join(who, who.id == ReferralInvite.inviter_id)
        .join(whom, whom.id == ReferralInvite.invitee_id)
        .where(ReferralInvite.campaign_id == campaign.id, ReferralInvite.status == InviteStatus.HELD.value)
        .order_by(ReferralInvite.id)
        .limit(limit)
    ).tuples()
    return list(rows)


def per_day(
    campaign: ReferralCampaign, days: int = 30, *, now: datetime | None = None
) -> list[tuple[str, int]]:
    """(YYYY-MM-DD, friends added who count) for the last ``days`` days of the brand's calendar, every
    day present."""
    now = now or utcnow()
    start = day_start(now) - timedelta(days=days - 1)
    day = local_day(ReferralInvite.added_at)
    rows = db.session.execute(
        select(day, func.count())
        .where(ReferralInvite.campaign_id == campaign.id, ReferralInvite.status.in_(COUNTING),
               ReferralInvite.added_at >= start)
        .group_by(day)
    )  # fmt: skip
    counts = {str(d): int(n) for d, n in rows}
    keys = [(start + timedelta(days=n)).date().isoformat() for n in range(days)]
    return [(k, counts.get(k, 0)) for k in keys]


def xlsx(campaign: ReferralCampaign, *, now: datetime | None = None) -> bytes:
    """The campaign's figures for a spreadsheet: totals, per guide, per day (90 days)."""
    f = figures(campaign)
    book = Workbook(write_only=True)
    summary = book.create_sheet("汇总")
    head = ["活动", "新增好友", "已过确认期", "已扣回", "待审核", "非新客", "已发奖励", "奖励券核销",
            "30 天内购买（人）", "30 天内消费（元）"]  # fmt: skip
    export.append(summary, head)
    counted = [f.by_status.get(s, 0) for s in ("counted", "reversed", "held", "refused")]
    export.append(summary, [campaign.name, f.counted, *counted, f.rewards_issued, f.coupons_redeemed,
                            f.bought_30d, f.spent_30d / 100])  # fmt: skip
    guides = book.create_sheet("按导购")
    export.append(guides, ["导购", "新增好友"])
    for _userid, name, n in by_guide(campaign):
        export.append(guides, [name, n])
    days = book.create_sheet("每日新增")
    export.append(days, ["日期", "新增好友"])
    for day, n in per_day(campaign, 90, now=now):
        export.append(days, [day, n])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class Baseline:
    """What channel codes brought over the same days: the baseline a campaign is read against."""

    adds: int
    bought_30d: int
    packets_paid: int  # fen of the campaign's red packets held or paid (its cost beside its coupons)
    coupons: int  # the campaign's coupons issued

    @property
    def bought_rate(self) -> int | None:
        return round(100 * self.bought_30d / self.adds) if self.adds else None


def baseline(campaign: ReferralCampaign, *, now: datetime | None = None) -> Baseline:
    now = now or utcnow()
    until = min(campaign.ends_at, now)
    codes = select(ChannelCode.state)
    first = CustomerStats.first_order_at
    bought = and_(first.is_not(None), first >= Follow.added_at, first < plus_days(Follow.added_at, 30))
    adds, bought_30d = db.session.execute(
        select(func.count(), func.sum(case((bought, 1), else_=0)))
        .select_from(Follow)
        .outerjoin(CustomerStats, CustomerStats.customer_id == Follow.customer_id)
        .where(Follow.state.in_(codes), Follow.came_new(), Follow.added_at >= campaign.starts_at,
               Follow.added_at < until)
    ).one()  # fmt: skip
    coupons_issued = db.session.scalar(select(func.count()).where(Coupon.referral_campaign_id == campaign.id))
    return Baseline(int(adds or 0), int(bought_30d or 0), red_packets.campaign_spent(campaign.id),
                    int(coupons_issued or 0))  # fmt: skip
