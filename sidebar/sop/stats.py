"""SOP completion for managers: by team, guide and rule, and per day — within the viewer's scope."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select

from sidebar.core.day_math import local_day
from sidebar.core.units import brand_zone
from sidebar.customers import visibility
from sidebar.extensions import db
from sidebar.models import GroupSopTask, SopRule, SopTask, Staff, TaskStatus, Team, utcnow

DAYS = 30


def _counts(task: Any) -> list[Any]:
    done = func.sum(case((task.status == TaskStatus.DONE.value, 1), else_=0))
    skipped = func.sum(case((task.status == TaskStatus.SKIPPED.value, 1), else_=0))
    overdue = func.sum(case((task.status == TaskStatus.EXPIRED.value, 1), else_=0))
    open_ = func.sum(case((task.status == TaskStatus.PENDING.value, 1), else_=0))
    return [
        func.count().label("due"),
        done.label("done"),
        skipped.label("skipped"),
        overdue.label("overdue"),
        open_.label("open"),
    ]


def _rows(query: Any) -> list[dict[str, Any]]:
    out = []
    for name, due, done, skipped, overdue, open_ in db.session.execute(query):
        out.append(
            {
                "name": name or "—",
                "due": due,
                "done": done or 0,
                "skipped": skipped or 0,
                "overdue": overdue or 0,
                "open": open_ or 0,
                "rate": round(100 * (done or 0) / due) if due else 0,
            }
        )
    return out


def report(viewer: Any, *, now: datetime | None = None, groups: bool = False) -> dict[str, Any]:
    """Customer SOP, or (``groups``) group SOP: by team, by guide (a group's owner) and by rule."""
    now = now or utcnow()
    since = now - timedelta(days=DAYS)
    followers = visibility.follower_ids(viewer)
    task: Any = GroupSopTask if groups else SopTask
    base = (
        select()
        .select_from(task)
        .where(task.due_at >= since, task.due_at <= now, task.status != TaskStatus.CANCELLED.value)
    )
    if followers is not None:
        base = base.where(task.staff_id.in_(followers))
    by_guide = _rows(
        base.add_columns(Staff.name, *_counts(task))
        .join(Staff, Staff.id == task.staff_id)
        .group_by(Staff.id, Staff.name)
        .order_by(Staff.name)
    )
    by_team = _rows(
        base.add_columns(Team.name, *_counts(task))
        .join(Staff, Staff.id == task.staff_id)
        .outerjoin(Team, Team.id == Staff.team_id)
        .group_by(Team.id, Team.name)
    )
    by_rule = _rows(
        base.add_columns(SopRule.name, *_counts(task))
        .join(SopRule, SopRule.id == task.rule_id)
        .group_by(SopRule.id, SopRule.name)
    )
    day = local_day(task.due_at).label("day")
    per_day = {
        str(d): (due, done or 0)
        for d, due, done in db.session.execute(
            base.add_columns(
                day, func.count(), func.sum(case((task.status == TaskStatus.DONE.value, 1), else_=0))
            ).group_by(day)
        )
    }
    today = datetime.now(brand_zone()).date()
    days = [(today - timedelta(days=n)).isoformat() for n in range(DAYS - 1, -1, -1)]
    return {
        "days": days,
        "due": [per_day.get(d, (0, 0))[0] for d in days],
        "done": [per_day.get(d, (0, 0))[1] for d in days],
        "by_team": by_team,
        "by_guide": by_guide,
        "by_rule": by_rule,
    }
