"""Customer group figures for the console: per group and per owner, over the last N days — members now,
joins, leaves, messages sent from Beside into the group, and orders from its members — plus joins and
leaves per day for the chart. All counted in SQL, within the viewer's scope (a manager: groups owned by
their teams' members)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from sidebar.core.day_math import local_day
from sidebar.core.units import brand_zone
from sidebar.customers import visibility
from sidebar.extensions import db
from sidebar.models import COUNTED_STATUSES, Customer, GroupChat, GroupChatMember, Order, Send, Staff, utcnow

PERIODS = (7, 30, 90)
LIMIT = 500


@dataclass(frozen=True)
class GroupFigures:
    name: str
    owner: str
    status: str
    members: int
    joins: int
    leaves: int
    sends: int
    orders: int
    spent: int  # fen


def _scope(viewer: Any) -> list[Any]:
    followers = visibility.follower_ids(viewer)
    if followers is None:
        return []
    return [GroupChat.owner_userid.in_(select(Staff.userid).where(Staff.id.in_(followers)))]


def report(viewer: Any, *, days: int = 30, now: datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    since = now - timedelta(days=days)
    m = GroupChatMember
    members = (
        select(m.group_id, func.count().label("n")).where(m.left_at.is_(None)).group_by(m.group_id).subquery()
    )
    joins = (
        select(m.group_id, func.count().label("n"))
        .where(m.type == 2, m.joined_at >= since)
        .group_by(m.group_id)
        .subquery()
    )
    leaves = (
        select(m.group_id, func.count().label("n"))
        .where(m.type == 2, m.left_at >= since)
        .group_by(m.group_id)
        .subquery()
    )
    sends = (
        select(Send.chat_id, func.count().label("n"))
        .where(Send.chat_id.is_not(None), Send.created_at >= since)
        .group_by(Send.chat_id)
        .subquery()
    )
    bought = (
        select(m.group_id, func.count(Order.id).label("n"), func.sum(Order.total_amount).label("fen"))
        .join(Customer, Customer.external_userid == m.userid)
        .join(Order, Order.customer_id == Customer.id)
        .where(m.type == 2, Order.paid_at >= since, Order.status.in_(COUNTED_STATUSES))
        .group_by(m.group_id)
        .subquery()
    )
    owner = func.coalesce(Staff.name, GroupChat.owner_userid)
    rows = db.session.execute(
        select(
            GroupChat.name,
            owner,
            GroupChat.status,
            func.coalesce(members.c.n, 0),
            func.coalesce(joins.c.n, 0),
            func.coalesce(leaves.c.n, 0),
            func.coalesce(sends.c.n, 0),
            func.coalesce(bought.c.n, 0),
            func.coalesce(bought.c.fen, 0),
        )
        .outerjoin(Staff, Staff.userid == GroupChat.owner_userid)
        .outerjoin(members, members.c.group_id == GroupChat.id)
        .outerjoin(joins, joins.c.group_id == GroupChat.id)
        .outerjoin(leaves, leaves.c.group_id == GroupChat.id)
        .outerjoin(sends, sends.c.chat_id == GroupChat.chat_id)
        .outerjoin(bought, bought.c.group_id == GroupChat.id)
        .where(*_scope(viewer))
        .order_by(func.coalesce(members.c.n, 0).desc(), GroupChat.id)
        .limit(LIMIT)
    ).all()
    groups = [GroupFigures(*(r[0] or "", r[1] or "", r[2]), *(int(v) for v in r[3:])) for r in rows]
    by_owner: dict[str, list[int]] = {}
    for g in groups:
        totals = by_owner.setdefault(g.owner, [0] * 7)
        for i, value in enumerate((1, g.members, g.joins, g.leaves, g.sends, g.orders, g.spent)):
            totals[i] += value
    day_of_join, day_of_leave = local_day(m.joined_at).label("day"), local_day(m.left_at).label("day")
    scoped = select(GroupChat.id).where(*_scope(viewer))
    per_day: dict[str, list[int]] = {}
    for label, day, column in ((0, day_of_join, m.joined_at), (1, day_of_leave, m.left_at)):
        for d, n in db.session.execute(
            select(day, func.count())
            .where(m.type == 2, column >= since, m.group_id.in_(scoped))
            .group_by(day)
        ):
            per_day.setdefault(str(d), [0, 0])[label] = n
    today = datetime.now(brand_zone()).date()
    dates = [(today - timedelta(days=n)).isoformat() for n in range(days - 1, -1, -1)]
    return {
        "days": days,
        "groups": groups,
        "owners": sorted(by_owner.items(), key=lambda kv: -kv[1][1]),
        "chart": {
            "days": dates,
            "joins": [per_day.get(d, [0, 0])[0] for d in dates],
            "leaves": [per_day.get(d, [0, 0])[1] for d in dates],
        },
    }
