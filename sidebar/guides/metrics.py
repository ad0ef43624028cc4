"""Each guide's month in figures (``GuideMonth``), recomputed set-based, and the rates read from them.

One grouped query per source (follows, sends, SOP tasks, coupons, credited orders) by guide and the
brand's calendar month, all summed into the month rows in one INSERT … SELECT. Months from ``since``
on are made again (the nightly run: the last two, as late refunds and late matches change the one
before); older months are kept as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import case, delete, func, insert, literal, select, union_all

from sidebar.core.analyze import analyze
from sidebar.core.day_math import local_month, month_of_date
from sidebar.core.units import brand_zone
from sidebar.extensions import db
from sidebar.models import (
    COUNTED_STATUSES,
    Attribution,
    Coupon,
    DeletedBy,
    Follow,
    GuideMonth,
    Order,
    Send,
    SensitiveHit,
    ServiceDay,
    SopTask,
    Staff,
    TaskStatus,
    utcnow,
)
from sidebar.models.base import UTCDateTime

EVERY_MONTH = date(2000, 1, 1)  # as ``since``: every month there are figures for
COUNTS = (
    "customers_added",
    "customers_lost",
    "customers_reached",
    "sends",
    "sop_due",
    "sop_done",
    "coupons_issued",
    "coupons_redeemed",
    "orders",
    "sales",
    "gross",
    "refunded",
    "conversations",
    "questions",
    "answered",
    "response_seconds",
    "answered_late",
    "sensitive_hits",
)


def zero(staff_id: int | None, month: date) -> GuideMonth:
    """A month with nothing in it (not added to the session)."""
    return GuideMonth(staff_id=staff_id, month=month, **{name: 0 for name in COUNTS})


def month_start(day: date) -> datetime:
    """The UTC instant the brand's calendar month of ``day`` begins."""
    return datetime(day.year, day.month, 1, tzinfo=brand_zone()).astimezone(UTC)


def parse_month(text: str | None) -> date | None:
    """``YYYY-MM`` as typed in a query string: that month's first day, or None if it is not a month."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return None


def previous_month(day: date) -> date:
    return date(day.year - 1, 12, 1) if day.month == 1 else date(day.year, day.month - 1, 1)


def this_month(now: datetime | None = None) -> date:
    local = (now or utcnow()).astimezone(brand_zone())
    return date(local.year, local.month, 1)


def _counts(staff: Any, month: Any, **values: Any) -> Any:
    """One source's rows in the shape every source shares: staff_id, month, then every count (zero
    where this source says nothing)."""
    columns = [staff.label("staff_id"), month.label("month")]
    columns += [(values[name] if name in values else literal(0)).label(name) for name in COUNTS]
    return columns


def _sources(since: date) -> list[Any]:
    start = month_start(since)
    added_month = local_month(Follow.added_at)
    lost_month = local_month(Follow.deleted_at)
    sent_month = local_month(Send.created_at)
    due_month = local_month(SopTask.due_at)
    issued_month = local_month(Coupon.created_at)
    redeemed_month = local_month(Coupon.redeemed_at)
    service_month = month_of_date(ServiceDay.day)
    hit_month = local_month(SensitiveHit.sent_at)
    counted = Order.status.in_(COUNTED_STATUSES)
    kept = Order.status != "cancelled"
    return [
        select(*_counts(Follow.staff_id, added_month, customers_added=func.count()))
        .where(Follow.added_at >= start, Follow.came_new())  # a customer handed over is not new
        .group_by(Follow.staff_id, added_month),
        select(*_counts(Follow.staff_id, lost_month, customers_lost=func.count()))
        .where(Follow.deleted_at >= start, Follow.deleted_by == DeletedBy.CUSTOMER.value)
        .group_by(Follow.staff_id, lost_month),
        select(
            *_counts(
                Send.staff_id,
                sent_month,
                customers_reached=func.count(func.distinct(Send.customer_id)),
                sends=func.count(),
            )
        )
        .where(Send.created_at >= start, Send.result == "ok", Send.customer_id.is_not(None))
        .group_by(Send.staff_id, sent_month),
        select(
            *_counts(
                SopTask.staff_id,
                due_month,
                sop_due=func.count(),
                sop_done=func.sum(case((SopTask.status == TaskStatus.DONE.value, 1), else_=0)),
            )
        )
        .where(SopTask.due_at >= start, SopTask.status != TaskStatus.CANCELLED.value)
        .group_by(SopTask.staff_id, due_month),
        select(*_counts(Coupon.staff_id, issued_month, coupons_issued=func.count()))
        .where(Coupon.created_at >= start)
        .group_by(Coupon.staff_id, issued_month),
        select(*_counts(Coupon.staff_id, redeemed_month, coupons_redeemed=func.count()))
        .where(Coupon.redeemed_at >= start)
        .group_by(Coupon.staff_id, redeemed_month),
        select(
            *_counts(
                Attribution.staff_id,
                Attribution.month,
                orders=func.sum(case((counted, 1), else_=0)),
                sales=func.sum(case((counted, Order.total_amount - Order.refund_amount), else_=0)),
                gross=func.sum(case((kept, Order.total_amount), else_=0)),
                refunded=func.sum(case((kept, Order.refund_amount), else_=0)),
            )
        )
        .join(Order, Order.id == Attribution.order_id)
        .where(Attribution.month >= since)
        .group_by(Attribution.staff_id, Attribution.month),
        # Service, from the chat archive's days (``archive.quality``), by the member's userid.
        select(
            *_counts(
                Staff.id,
                service_month,
                conversations=func.sum(ServiceDay.conversations),
                questions=func.sum(ServiceDay.questions),
                answered=func.sum(ServiceDay.answered),
                response_seconds=func.sum(ServiceDay.response_seconds),
                answered_late=func.sum(ServiceDay.late),
            )
        )
        .join(Staff, Staff.userid == ServiceDay.staff_userid)
        .where(ServiceDay.day >= since)
        .group_by(Staff.id, service_month),
        select(*_counts(Staff.id, hit_month, sensitive_hits=func.count()))
        .join(Staff, Staff.userid == SensitiveHit.staff_userid)
        .where(SensitiveHit.sent_at >= start)
        .group_by(Staff.id, hit_month),
    ]


def recompute(since: date | None = None, *, now: datetime | None = None) -> int:
    """Every guide's months from ``since`` (a month's first day; by default last month) made again;
    returns how many guide-months there are now in that range."""
    now = now or utcnow()
    since = since or previous_month(this_month(now))
    every = union_all(*_sources(since)).subquery("every")
    summed = select(
        every.c.staff_id,
        every.c.month,
        *(func.sum(every.c[name]).label(name) for name in COUNTS),
        literal(now, UTCDateTime()).label("computed_at"),
    ).group_by(every.c.staff_id, every.c.month)
    db.session.execute(delete(GuideMonth).where(GuideMonth.month >= since))
    made = db.session.execute(
        insert(GuideMonth)
        .from_select(["staff_id", "month", *COUNTS, "computed_at"], summed)
        .execution_options(preserve_rowcount=True)
    )
    analyze("guide_months")
    return max(made.rowcount or 0, 0)  # type: ignore[attr-defined]


@dataclass
class Rates:
    """A guide-month's rates, from its counts (None where there is nothing to divide by)."""

    sends_per_customer: float | None
    sop_completion: float | None
    coupon_redemption: float | None
    refund_rate: float | None
    response_minutes: float | None  # to the first answer, in working hours, on average
    answered_in_time: float | None  # questions answered within the limit


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def rates(m: GuideMonth) -> Rates:
    return Rates(
        sends_per_customer=_ratio(m.sends, m.customers_reached),
        sop_completion=_ratio(m.sop_done, m.sop_due),
        coupon_redemption=_ratio(m.coupons_redeemed, m.coupons_issued),
        refund_rate=_ratio(m.refunded, m.gross),
        response_minutes=None if not m.answered else round(m.response_seconds / m.answered / 60, 1),
        answered_in_time=_ratio(m.questions - m.answered_late, m.questions),
    )
