"""Tiers A, B and C: the brand's criteria (a figure and each tier's range of it, by value or by
percentile among the guides), computed for each period at its end, with why; a manager may override a
guide's tier with a reason. A guide's tier is the worst of what the criteria give (A needs every one).

The latest period's tier becomes ``Staff.tier``, which SOP rules and coupon quotas target.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from sidebar.core.errors import DomainError
from sidebar.extensions import db
from sidebar.guides import metrics
from sidebar.guides.attribution import settings
from sidebar.models import GuideMonth, GuideTier, Role, Staff, StaffStatus, TierCriterion, TierPeriod, utcnow

TIERS = ("A", "B", "C")
MAX_CRITERIA = 5


@dataclass(frozen=True)
class Metric:
    """A figure tiers can be made of, read from a period's summed counts in the unit people type."""

    unit: str  # yuan | count | percent
    read: Callable[[GuideMonth], float | None]


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 2)


METRICS: dict[str, Metric] = {
    "sales": Metric("yuan", lambda m: m.sales / 100),
    "orders": Metric("count", lambda m: m.orders),
    "customers_added": Metric("count", lambda m: m.customers_added),
    "customers_reached": Metric("count", lambda m: m.customers_reached),
    "sop_completion": Metric("percent", lambda m: _pct(metrics.rates(m).sop_completion)),
    "coupon_redemption": Metric("percent", lambda m: _pct(metrics.rates(m).coupon_redemption)),
    "refund_rate": Metric("percent", lambda m: _pct(metrics.rates(m).refund_rate)),
    # Service, from the chat archive: minutes to the first answer (lower is better: A is the lowest
    # range), and the share of customers' questions answered within the limit.
    "response_minutes": Metric("count", lambda m: metrics.rates(m).response_minutes),
    "answered_in_time": Metric("percent", lambda m: _pct(metrics.rates(m).answered_in_time)),
}


class TierError(DomainError):
    """Criteria that cannot make tiers; the message says why, for the person who typed them."""

    code = "invalid"


Range = tuple[float, float | None]


def check(ranges: dict[str, Range], *, by_percentile: bool) -> None:
    """The three ranges must tile the line from its start (0) to its end (open, or 100 for
    percentiles) with no gap and no overlap; raises ``TierError`` naming the first problem."""
    for tier, (low, high) in ranges.items():
        if high is not None and high <= low:
            raise TierError(_("%(tier)s: the range ends where it starts or before", tier=tier))
        if low < 0:
            raise TierError(_("%(tier)s: a range starts at 0 or above", tier=tier))
    ordered = sorted(ranges.items(), key=lambda item: item[1][0])
    end: float | None = 100.0 if by_percentile else None
    if ordered[0][1][0] != 0:
        raise TierError(
            _("nothing covers 0 to %(n)s: the lowest range starts at 0", n=f"{ordered[0][1][0]:g}")
        )
    for (tier, (_low, high)), (next_tier, (next_low, _high)) in zip(ordered, ordered[1:], strict=False):
        if high is None:
            raise TierError(_("%(tier)s is open-ended and overlaps %(next)s", tier=tier, next=next_tier))
        if next_low < high:
            raise TierError(
                _(
                    "%(tier)s and %(next)s overlap from %(low)s to %(high)s",
                    tier=tier,
                    next=next_tier,
                    low=f"{next_low:g}",
                    high=f"{high:g}",
                )
            )
        if next_low > high:
            raise TierError(
                _(
                    "nothing covers %(high)s to %(low)s, between %(tier)s and %(next)s",
                    high=f"{high:g}",
                    low=f"{next_low:g}",
                    tier=tier,
                    next=next_tier,
                )
            )
    last_tier, (_low, last_high) = ordered[-1]
    if last_high != end:
        if by_percentile:
            raise TierError(_("%(tier)s, the highest range, must end at 100", tier=last_tier))
        raise TierError(_("%(tier)s, the highest range, must be open-ended (its end empty)", tier=last_tier))


def save_criteria(rows: list[dict[str, Any]], period: str) -> list[TierCriterion]:
    """Replace the criteria and the period; bad input changes nothing and says why (``TierError``)."""
    if period not in {p.value for p in TierPeriod}:
        raise TierError(_("The period is a month or a quarter."))
    if not 1 <= len(rows) <= MAX_CRITERIA:
        raise TierError(_("Give 1 to %(n)s criteria.", n=MAX_CRITERIA))
    made = []
    for n, row in enumerate(rows):
        metric = row.get("metric")
        if metric not in METRICS:
            raise TierError(_("Criterion %(n)s: unknown figure.", n=n + 1))
        ranges = {t: (row[f"{t.lower()}_from"], row[f"{t.lower()}_to"]) for t in TIERS}
        try:
            check(ranges, by_percentile=bool(row.get("by_percentile")))
        except TierError as exc:
            raise TierError(_("Criterion %(n)s: %(problem)s", n=n + 1, problem=str(exc))) from exc
        made.append(
            TierCriterion(
                metric=metric,
                by_percentile=bool(row.get("by_percentile")),
                position=n,
                **{f"{t.lower()}_{end}": ranges[t][i] for t in TIERS for i, end in enumerate(("from", "to"))},
            )
        )
    db.session.execute(delete(TierCriterion))
    db.session.add_all(made)
    settings().tier_period = period
    db.session.flush()
    return made


def criteria() -> list[TierCriterion]:
    return list(db.session.scalars(select(TierCriterion).order_by(TierCriterion.position)))


def period_of(day: date, period: str) -> tuple[date, date]:
    """The first month of the period holding ``day`` and the first month after it."""
    first = date(day.year, day.month, 1)
    if period == TierPeriod.QUARTER.value:
        first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    months = 3 if period == TierPeriod.QUARTER.value else 1
    month = first.month - 1 + months
    return first, date(first.year + month // 12, month % 12 + 1, 1)


def last_ended(now: datetime | None = None) -> tuple[date, date]:
    """The latest period that has ended by ``now`` (the brand's calendar)."""
    period = settings().tier_period
    start, _ = period_of(metrics.this_month(now), period)
    return period_of(metrics.previous_month(start), period)


def _summed(start: date, end: date) -> dict[int, GuideMonth]:
    """Each guide's counts over the period, as one GuideMonth (every active guide, zeros if none)."""
    sums = {
        row.staff_id: GuideMonth(
            staff_id=row.staff_id, month=start, **{n: int(row._mapping[n] or 0) for n in metrics.COUNTS}
        )
        for row in db.session.execute(
            select(
                GuideMonth.staff_id, *(func.sum(GuideMonth.__table__.c[n]).label(n) for n in metrics.COUNTS)
            )
            .where(GuideMonth.month >= start, GuideMonth.month < end)
            .group_by(GuideMonth.staff_id)
        )
    }
    guides = db.session.scalars(
        select(Staff.id).where(Staff.role == Role.GUIDE.value, Staff.status == StaffStatus.ACTIVE.value)
    )
    for staff_id in guides:
        sums.setdefault(staff_id, metrics.zero(staff_id, start))
    return sums


def _percentiles(values: dict[int, float | None]) -> dict[int, float | None]:
    """Each guide's percentile among those with a value: the share of the others with a lower one
    (0 for the lowest, 100 for the highest; ties share the lower)."""
    known = sorted(v for v in values.values() if v is not None)
    n = len(known)
    below: dict[float, int] = {}
    for i, v in enumerate(known):
        below.setdefault(v, i)
    return {
        k: (None if v is None else (100.0 if n == 1 else round(below[v] / (n - 1) * 100, 2)))
        for k, v in values.items()
    }


def _tier_of(c: TierCriterion, x: float) -> str:
    for t in TIERS:
        low, high = getattr(c, f"{t.lower()}_from"), getattr(c, f"{t.lower()}_to")
        if low <= x and (high is None or x < high or (c.by_percentile and high == 100 and x == 100)):
            return t
    return "C"


def compute(start: date | None = None, *, now: datetime | None = None) -> int:
    """Every guide's tier for the period beginning ``start`` (by default the last one ended), made
    again (overrides kept); then each guide's current tier. Returns how many guides were tiered."""
    rules = criteria()
    if not rules:
        return 0
    period = settings().tier_period
    start, end = period_of(start, period) if start else last_ended(now)
    sums = _summed(start, end)
    why: dict[int, list[dict[str, Any]]] = {staff_id: [] for staff_id in sums}
    for c in rules:
        read = METRICS[c.metric].read
        values = {staff_id: read(m) for staff_id, m in sums.items()}
        placed = _percentiles(values) if c.by_percentile else values
        for staff_id, x in placed.items():
            # No figure (nothing to divide by): the criterion says C, the cautious answer.
            tier = "C" if x is None else _tier_of(c, x)
            why[staff_id].append(
                {
                    "metric": c.metric,
                    "value": values[staff_id],
                    "percentile": x if c.by_percentile else None,
                    "tier": tier,
                }
            )
    kept = {
        t.staff_id: t for t in db.session.scalars(select(GuideTier).where(GuideTier.period_start == start))
    }
    for staff_id, reasons in why.items():
        tier = max((r["tier"] for r in reasons), default="B")  # "C" > "B" > "A": the worst
        row = kept.get(staff_id) or GuideTier(staff_id=staff_id, period_start=start)
        row.period, row.computed, row.why, row.computed_at = (
            period,
            tier,
            json.dumps(reasons),
            now or utcnow(),
        )
        db.session.add(row)
    db.session.flush()
    _apply_latest()
    return len(why)


def override(row: GuideTier, tier: str, reason: str, *, by: str, now: datetime | None = None) -> GuideTier:
    """A manager's tier for this guide and period, with why (required); the caller audits it."""
    reason = (reason or "").strip()
    if tier not in TIERS:
        raise TierError(_("The tier is A, B or C."))
    if not reason:
        raise TierError(_("Say why the tier is overridden."))
    row.override, row.override_reason = tier, reason[:255]
    row.overridden_by, row.overridden_at = by[:64], now or utcnow()
    db.session.flush()
    _apply_latest()
    return row


def _apply_latest() -> None:
    """Each tiered guide's latest period's tier (override first) becomes their tier."""
    latest = (
        select(GuideTier.staff_id, func.max(GuideTier.period_start).label("start"))
        .group_by(GuideTier.staff_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Staff, GuideTier)
        .join(GuideTier, GuideTier.staff_id == Staff.id)
        .join(latest, (latest.c.staff_id == GuideTier.staff_id) & (latest.c.start == GuideTier.period_start))
    )
    for staff, row in rows:
        if staff.tier != row.tier:
            staff.tier = row.tier
    db.session.flush()


def history(staff: Staff, n: int = 6) -> list[GuideTier]:
    return list(
        db.session.scalars(
            select(GuideTier)
            .where(GuideTier.staff_id == staff.id)
            .order_by(GuideTier.period_start.desc())
            .limit(n)
        )
    )


def reasons(row: GuideTier) -> list[dict[str, Any]]:
    return json.loads(row.why or "[]")
