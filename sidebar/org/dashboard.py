"""The console dashboard's figures, all within the viewer's scope and all computed in SQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import desc, func, select

from sidebar.core.day_math import local_day
from sidebar.core.units import brand_zone
from sidebar.customers import visibility
from sidebar.extensions import db
from sidebar.models import CustomerStats, CustomerTag, Follow, Tag, TagSync, utcnow

DAYS = 30


def figures(viewer: Any) -> dict[str, Any]:
    scope = visibility.visible(viewer).subquery()
    followers = visibility.follower_ids(viewer)
    since = utcnow() - timedelta(days=DAYS)

    def per_day(column: Any, counted: Any) -> dict[str, int]:
        query = select(local_day(column).label("day"), func.count(func.distinct(Follow.customer_id))).where(
            column >= since, counted
        )
        if followers is not None:
            query = query.where(Follow.staff_id.in_(followers))
        return {str(day): n for day, n in db.session.execute(query.group_by("day"))}

    # A customer handed over between guides is neither added nor lost (``Follow.came_new``).
    added, lost = per_day(Follow.added_at, Follow.came_new()), per_day(Follow.deleted_at, Follow.was_lost())
    today = datetime.now(brand_zone()).date()  # the brand's calendar days
    days = [(today - timedelta(days=n)).isoformat() for n in range(DAYS - 1, -1, -1)]
    lifecycle: dict[str | None, int] = {
        stage: n
        for stage, n in db.session.execute(
            select(CustomerStats.lifecycle_stage, func.count())
            .select_from(scope)
            .outerjoin(CustomerStats, CustomerStats.customer_id == scope.c.id)
            .group_by(CustomerStats.lifecycle_stage)
        )
    }
    top_tags = db.session.execute(
        select(Tag.name, func.count())
        .join(CustomerTag, CustomerTag.tag_id == Tag.id)
        .where(
            CustomerTag.customer_id.in_(select(scope.c.id)), CustomerTag.sync_status != TagSync.REMOVING.value
        )
        .group_by(Tag.id, Tag.name)
        .order_by(desc(func.count()), Tag.name)
        .limit(10)
    ).all()
    return {
        "total": db.session.scalar(select(func.count()).select_from(scope)),
        "days": days,
        "added": [added.get(d, 0) for d in days],
        "lost": [lost.get(d, 0) for d in days],
        "lifecycle": {str(k or "unknown"): v for k, v in lifecycle.items()},
        "top_tags": [{"name": name, "count": n} for name, n in top_tags],
    }
