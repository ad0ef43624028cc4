"""Customers lost (客户流失提醒): a customer deleting a guide (``del_follow_user``) or a guide deleting a
customer (``del_external_contact``, transfers excepted), as the follows record them. Managers get one
WeCom app message an hour at most for their scope, and a console list with the customer's stage and
spend; a guide who deletes more than ``DELETION_FLAG_PER_DAY`` customers in a day is flagged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, func, select

from sidebar.core.locking import day_start
from sidebar.customers.visibility import follower_ids
from sidebar.extensions import db
from sidebar.models import Customer, DeletedBy, Follow, Role, Staff, StaffStatus
from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import gateway, wecom

COUNTED = (DeletedBy.CUSTOMER.value, DeletedBy.STAFF.value)


@dataclass
class Deletion:
    follow: Follow
    customer: Customer
    staff: Staff


def _scoped(query: Select, viewer: Staff | None) -> Select:
    ids = follower_ids(viewer) if viewer is not None else None
    return query.where(Follow.staff_id.in_(ids)) if ids is not None else query


def recent(viewer: Staff | None, *, since: datetime, limit: int = 200) -> list[Deletion]:
    """Deletions since ``since`` in the viewer's scope (everyone's for an admin or ``None``), newest first."""
    query = (
        select(Follow, Customer, Staff)
        .join(Customer, Customer.id == Follow.customer_id)
        .join(Staff, Staff.id == Follow.staff_id)
        .where(Follow.deleted_at >= since, Follow.deleted_by.in_(COUNTED))
        .order_by(Follow.deleted_at.desc(), Follow.id.desc())
        .limit(limit)
    )
    return [Deletion(f, c, s) for f, c, s in db.session.execute(_scoped(query, viewer)).tuples()]


def flagged(viewer: Staff | None, *, now: datetime) -> list[tuple[Staff, int]]:
    """Guides who deleted more customers today than the brand allows, with how many."""
    limit = int(current_app.config["DELETION_FLAG_PER_DAY"])
    query = (
        select(Staff, func.count(Follow.id))
        .join(Follow, Follow.staff_id == Staff.id)
        .where(Follow.deleted_by == DeletedBy.STAFF.value, Follow.deleted_at >= day_start(now))
        .group_by(Staff.id)
        .having(func.count(Follow.id) > limit)
        .order_by(func.count(Follow.id).desc())
    )
    return list(db.session.execute(_scoped(query, viewer)).tuples())


def _message(manager: Staff, rows: list[Deletion]) -> str:
    by_customer = sum(1 for d in rows if d.follow.deleted_by == DeletedBy.CUSTOMER.value)
    by_guide = len(rows) - by_customer
    names = "、".join(d.customer.name for d in rows[:5]) + ("等" if len(rows) > 5 else "")
    return (
        f"{manager.name}，过去一小时：{by_customer} 位客户删除了导购，"
        f"{by_guide} 位客户被导购删除（{names}）。详情见管理后台 → 客户流失。"
    )


def notify_managers(now: datetime, *, agent_id: str) -> dict[str, int]:
    """One app message per manager (and admin) for the last full hour's deletions in their scope; a
    second run in the same hour sends nothing."""
    store = gateway().store
    hour = now.replace(minute=0, second=0, microsecond=0)
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    managers = db.session.scalars(
        select(Staff)
        .where(Staff.role.in_([Role.MANAGER, Role.ADMIN]), Staff.status == StaffStatus.ACTIVE.value)
        .order_by(Staff.id)
    )
    for manager in managers:
        since = hour - timedelta(hours=1)
        rows = [d for d in recent(manager, since=since) if d.follow.deleted_at and d.follow.deleted_at < hour]
        if not rows:
            continue
        key = f"deletions:notified:{hour:%Y%m%d%H}:{manager.id}"
        if store.get(key):
            counts["skipped"] += 1
            continue
        try:
            wecom().message.send_text(agent_id, manager.userid, _message(manager, rows))
        except WeComError:
            counts["failed"] += 1  # the next run in this hour tries again
            continue
        store.set(key, "1", ttl=3 * 3600)
        counts["sent"] += 1
    return counts
