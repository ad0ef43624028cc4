"""The guides' months as people read them: a month's table of every guide in the viewer's scope (with
each team's totals), one guide's trend, and the months there are figures for. Rates come from the
counts (``metrics.rates``); a guide with nothing that month still has a row, of zeros."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select

from sidebar.customers.visibility import follower_ids
from sidebar.extensions import db
from sidebar.guides import metrics
from sidebar.models import GuideMonth, Staff, StaffStatus, Team

# What the table may be sorted by: a count, or a rate (None sorts last either way).
SORTS = (
    "name",
    "customers_added",
    "customers_lost",
    "customers_reached",
    "sends_per_customer",
    "sop_completion",
    "coupon_redemption",
    "orders",
    "sales",
    "refund_rate",
    "conversations",
    "response_minutes",
    "answered_in_time",
    "sensitive_hits",
)
MONTHS_SHOWN = 24


@dataclass
class Line:
    """One guide's (or one team's) month."""

    name: str
    team: str
    month: GuideMonth
    staff: Staff | None = None
    rates: metrics.Rates = field(init=False)

    def __post_init__(self) -> None:
        self.rates = metrics.rates(self.month)

    def value(self, key: str) -> Any:
        if key == "name":
            return self.name
        if hasattr(self.rates, key):
            return getattr(self.rates, key)
        return getattr(self.month, key)


def months(viewer: Staff) -> list[date]:
    """The months with figures in the viewer's scope, newest first (at most two years)."""
    query = select(GuideMonth.month).distinct().order_by(GuideMonth.month.desc()).limit(MONTHS_SHOWN)
    scope = follower_ids(viewer)
    if scope is not None:
        query = query.where(GuideMonth.staff_id.in_(scope))
    return list(db.session.scalars(query))


def table(viewer: Staff, month: date, sort: str = "sales", descending: bool = True) -> dict[str, Any]:
    """Every guide in scope that month (active ones, and anyone with figures), sorted; and each team's
    totals. ``sort`` is one of ``SORTS`` (anything else sorts by sales)."""
    scope = follower_ids(viewer)
    query = (
        select(Staff, Team.name, GuideMonth)
        .outerjoin(Team, Team.id == Staff.team_id)
        .outerjoin(GuideMonth, and_(GuideMonth.staff_id == Staff.id, GuideMonth.month == month))
        .where(or_(Staff.status == StaffStatus.ACTIVE.value, GuideMonth.staff_id.is_not(None)))
    )
    if scope is not None:
        query = query.where(Staff.id.in_(scope))
    lines = [
        Line(staff.name, team or "", row if row is not None else metrics.zero(staff.id, month), staff)
        for staff, team, row in db.session.execute(query)
    ]
    key = sort if sort in SORTS else "sales"
    present = [line for line in lines if line.value(key) is not None]
    absent = [line for line in lines if line.value(key) is None]
    present.sort(key=lambda line: line.value(key), reverse=descending)
    teams: dict[str, GuideMonth] = {}
    for line in lines:
        total = teams.setdefault(line.team, metrics.zero(None, month))
        for name in metrics.COUNTS:
            setattr(total, name, getattr(total, name) + getattr(line.month, name))
    return {
        "lines": present + absent,
        "teams": [Line(team, team, total) for team, total in sorted(teams.items())],
        "sort": key,
        "descending": descending,
    }


def trend(staff: Staff, last: date, n: int = 12) -> list[Line]:
    """The guide's ``n`` months up to ``last``, oldest first (zeros where nothing was recorded)."""
    wanted = [last]
    while len(wanted) < n:
        wanted.append(metrics.previous_month(wanted[-1]))
    wanted.reverse()
    found = {
        m.month: m
        for m in db.session.scalars(
            select(GuideMonth).where(GuideMonth.staff_id == staff.id, GuideMonth.month.in_(wanted))
        )
    }
    return [Line(staff.name, "", found.get(m, metrics.zero(staff.id, m)), staff) for m in wanted]
