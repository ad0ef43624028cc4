"""What each channel code brought, set-based over the follows that carry its ``state``: adds, losses,
(a customer handed over between guides is neither: ``Follow.came_new``, ``Follow.was_lost``),
net, how many were still there 7 days after being added (of those added at least 7 days ago), and how
many bought within 30 days of being added; per code, per guide and per day."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from openpyxl import Workbook
from sqlalchemy import Select, and_, case, func, select

from sidebar.core import export
from sidebar.core.day_math import local_day, plus_days
from sidebar.core.locking import day_start
from sidebar.extensions import db
from sidebar.models import ChannelCode, ChannelCodeMember, CustomerStats, Follow, Staff, utcnow


@dataclass
class Figures:
    adds: int = 0
    lost: int = 0
    settled: int = 0  # added at least 7 days ago: the base of the 7-day rate
    kept_7d: int = 0
    bought_30d: int = 0

    @property
    def net(self) -> int:
        return self.adds - self.lost

    @property
    def kept_rate(self) -> int | None:
        return round(100 * self.kept_7d / self.settled) if self.settled else None


def _columns(now: datetime) -> list[Any]:
    week_ago = now - timedelta(days=7)
    settled = Follow.added_at <= week_ago
    kept = and_(settled, (Follow.deleted_at.is_(None)) | (Follow.deleted_at > plus_days(Follow.added_at, 7)))
    first = CustomerStats.first_order_at
    bought = and_(first.is_not(None), first >= Follow.added_at, first < plus_days(Follow.added_at, 30))
    return [
        func.count().label("adds"),
        func.sum(case((Follow.was_lost(), 1), else_=0)).label("lost"),
        func.sum(case((settled, 1), else_=0)).label("settled"),
        func.sum(case((kept, 1), else_=0)).label("kept_7d"),
        func.sum(case((bought, 1), else_=0)).label("bought_30d"),
    ]


def _figures(row: Any) -> Figures:
    return Figures(
        int(row.adds),
        int(row.lost or 0),
        int(row.settled or 0),
        int(row.kept_7d or 0),
        int(row.bought_30d or 0),
    )


def _scoped(query: Select, scope: Select | None) -> Select:
    """Only the follows of staff in ``scope`` (``follower_ids``: a manager's teams); None is everyone."""
    return query.where(Follow.staff_id.in_(scope)) if scope is not None else query


def by_code(
    states: list[str], *, scope: Select | None = None, now: datetime | None = None
) -> dict[str, Figures]:
    if not states:
        return {}
    query = (
        select(Follow.state, *_columns(now or utcnow()))
        .outerjoin(CustomerStats, CustomerStats.customer_id == Follow.customer_id)
        .where(Follow.state.in_(states), Follow.came_new())
        .group_by(Follow.state)
    )
    query = _scoped(query, scope)
    return {row.state: _figures(row) for row in db.session.execute(query)}


def by_guide(
    state: str, *, scope: Select | None = None, now: datetime | None = None
) -> list[tuple[str, Figures]]:
    query = (
        select(Staff.name, *_columns(now or utcnow()))
        .outerjoin(CustomerStats, CustomerStats.customer_id == Follow.customer_id)
        .join(Staff, Staff.id == Follow.staff_id)
        .where(Follow.state == state, Follow.came_new())
        .group_by(Staff.id, Staff.name)
        .order_by(func.count().desc(), Staff.name)
    )
    query = _scoped(query, scope)
    return [(row.name, _figures(row)) for row in db.session.execute(query)]


def adds_per_day(
    state: str, days: int = 30, *, scope: Select | None = None, now: datetime | None = None
) -> list[tuple[str, int]]:
    """(YYYY-MM-DD, adds) for the last ``days`` days of the brand's calendar (``DISPLAY_TIMEZONE``),
    every day present."""
    now = now or utcnow()
    start = day_start(now) - timedelta(days=days - 1)  # local midnight, as an aware datetime
    day = local_day(Follow.added_at)
    rows = db.session.execute(
        _scoped(
            select(day, func.count()).where(
                Follow.state == state, Follow.added_at >= start, Follow.came_new()
            ),
            scope,
        ).group_by(day)
    )
    counts: dict[str, int] = {str(d): int(n) for d, n in rows}
    out = []
    for n in range(days):
        key = (start + timedelta(days=n)).date().isoformat()
        out.append((key, int(counts.get(key, 0))))
    return out


def code_xlsx(
    code_name: str, state: str, *, scope: Select | None = None, now: datetime | None = None
) -> bytes:
    """A code's figures for a spreadsheet: the totals, per guide, and adds per day (90 days), within
    ``scope``."""
    now = now or utcnow()
    book = Workbook(write_only=True)
    head = ["新增", "流失", "净增", "7 天留存（人）", "满 7 天（人）", "30 天内首购"]

    def row(f: Figures) -> list[int]:
        return [f.adds, f.lost, f.net, f.kept_7d, f.settled, f.bought_30d]

    summary = book.create_sheet("汇总")
    export.append(summary, ["活码", *head])
    export.append(summary, [code_name, *row(by_code([state], scope=scope, now=now).get(state, Figures()))])
    guides = book.create_sheet("按导购")
    export.append(guides, ["导购", *head])
    for name, f in by_guide(state, scope=scope, now=now):
        export.append(guides, [name, *row(f)])
    days = book.create_sheet("每日新增")
    export.append(days, ["日期", "新增"])
    for day, n in adds_per_day(state, 90, scope=scope, now=now):
        export.append(days, [day, n])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def for_guide(staff_id: int, *, days: int = 7, now: datetime | None = None) -> list[tuple[str, int]]:
    """A guide's own scans: (code name, customers added through it in the last ``days`` days) for each
    code they are on or that brought them customers, most first."""
    since = (now or utcnow()) - timedelta(days=days)
    added = (
        select(Follow.state, func.count().label("n"))
        .where(
            Follow.staff_id == staff_id,
            Follow.added_at >= since,
            Follow.state.is_not(None),
            Follow.came_new(),
        )
        .group_by(Follow.state)
        .subquery()
    )
    mine = select(ChannelCodeMember.code_id).where(ChannelCodeMember.staff_id == staff_id)
    rows = db.session.execute(
        select(ChannelCode.name, func.coalesce(added.c.n, 0))
        .outerjoin(added, added.c.state == ChannelCode.state)
        .where(ChannelCode.retired_at.is_(None), (ChannelCode.id.in_(mine)) | (added.c.n > 0))
        .order_by(func.coalesce(added.c.n, 0).desc(), ChannelCode.id)
    )
    return [(name, int(n)) for name, n in rows]
