"""A profile that computes itself from the orders, set-based (a few statements, never a loop per
customer): order count, net spent, first and last order; the lifecycle stage (微盟 ME+'s five, with
the brand's day thresholds); RFM scores by quintile within the brand and the eight classic segments.

``recompute(ids)`` after a batch of orders touches some customers (stats and stage; RFM keeps its last
brand-wide scores); ``recompute()`` for everyone, nightly and after an import, RFM included.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, exists, func, not_, or_, select, update
from sqlalchemy.orm import aliased

from sidebar.core.analyze import analyze
from sidebar.core.errors import DomainError
from sidebar.core.locking import changed as changed_rows
from sidebar.data import alerts, oneid
from sidebar.extensions import db
from sidebar.models import (
    COUNTED_STATUSES,
    Customer,
    DeletedBy,
    Follow,
    LifecycleSettings,
    LifecycleStage,
    Order,
    RfmSegment,
    utcnow,
)

CHUNK = 5000
# Orders that count: not cancelled, not wholly refunded; spend is net of refunds.
COUNTED = COUNTED_STATUSES
# A score of 3 or more (of 1–5) is "high" for the segment: R, F, M each above the brand's middle.
HIGH = 3
SEGMENTS = {  # (R high, F high, M high) -> segment
    (True, True, True): RfmSegment.IMPORTANT_VALUE.value,
    (True, False, True): RfmSegment.IMPORTANT_DEVELOP.value,
    (False, True, True): RfmSegment.IMPORTANT_KEEP.value,
    (False, False, True): RfmSegment.IMPORTANT_RETAIN.value,
    (True, True, False): RfmSegment.GENERAL_VALUE.value,
    (True, False, False): RfmSegment.GENERAL_DEVELOP.value,
    (False, True, False): RfmSegment.GENERAL_KEEP.value,
    (False, False, False): RfmSegment.GENERAL_RETAIN.value,
}


def settings() -> LifecycleSettings:
    """The brand's thresholds (one row, made with the defaults when first needed)."""
    found = db.session.scalar(select(LifecycleSettings).order_by(LifecycleSettings.id).limit(1))
    if found is None:
        found = LifecycleSettings(dormant_days=90, lost_days=180)
        db.session.add(found)
        db.session.flush()
    return found


class InvalidThresholds(DomainError):
    code = "invalid_thresholds"


def check_thresholds(dormant_days: int | None, lost_days: int | None) -> tuple[int, int]:
    """Days without a purchase before dormant, and before lapsed: 1 ≤ dormant < lapsed ≤ 3650."""
    if dormant_days is None or lost_days is None or not 1 <= dormant_days < lost_days <= 3650:
        raise InvalidThresholds(
            "Dormant after 1 to 3,649 days, lapsed after more days than that (at most 3,650)."
        )
    return dormant_days, lost_days


def stage_counts(dormant_days: int, lost_days: int, *, now: datetime | None = None) -> dict[str, int]:
    """How many customers each stage would hold with these thresholds (one grouped count, no writes)."""
    the = LifecycleSettings(dormant_days=dormant_days, lost_days=lost_days)
    stage = _stage(now or utcnow(), the).label("stage")
    rows = db.session.execute(select(stage, func.count()).select_from(Customer).group_by(stage)).all()
    return {s.value: 0 for s in LifecycleStage} | {row[0]: row[1] for row in rows}


def save_thresholds(
    dormant_days: int,
    lost_days: int,
    *,
    alert_spend_min: int | None = None,
    alert_quiet_days: int | None = None,
) -> LifecycleSettings:
    """Save the stage thresholds (and, if given, when a big spender counts as quiet: fen, days)."""
    the = settings()
    the.dormant_days, the.lost_days = check_thresholds(dormant_days, lost_days)
    if alert_spend_min is not None or alert_quiet_days is not None:
        if alert_spend_min is None or alert_quiet_days is None or not 1 <= alert_quiet_days <= 3650:
            raise InvalidThresholds("a big spender needs a spend and 1 to 3650 quiet days")
        the.alert_spend_min, the.alert_quiet_days = alert_spend_min, alert_quiet_days
    db.session.flush()
    return the


def _chunks(ids: list[int] | None) -> list[list[int] | None]:
    if ids is None:
        return [None]
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def _stage(now: datetime, the: LifecycleSettings) -> Any:
    """The lifecycle stage of a customer row, from its (already recomputed) order columns."""
    # Its own alias of follows: the stage is also computed inside queries that join follows (alerts).
    f = aliased(Follow)
    left_every_guide = and_(
        exists().where(f.customer_id == Customer.id, f.deleted_by == DeletedBy.CUSTOMER.value),
        not_(exists().where(f.customer_id == Customer.id, f.deleted_at.is_(None))),
    )
    return case(
        (left_every_guide, "lost"),
        (Customer.order_count == 0, "prospect"),
        (Customer.last_order_at < now - timedelta(days=the.lost_days), "lost"),
        (Customer.last_order_at < now - timedelta(days=the.dormant_days), "dormant"),
        (Customer.order_count == 1, "new"),
        else_="active",
    )


def recompute(
    customer_ids: Iterable[int] | None = None, *, now: datetime | None = None, rfm: bool = False
) -> int:
    """Recompute these customers' profiles (or everyone's, RFM included; ``rfm`` ranks the brand's RFM
    afresh after a few customers too, as a file import does); returns how many rows changed."""
    now = now or utcnow()
    ids = sorted(set(customer_ids)) if customer_ids is not None else None
    the = settings()
    counted = Order.status.in_(COUNTED)
    agg = (
        select(
            Order.customer_id.label("customer_id"),
            func.count().label("n"),
            func.sum(Order.total_amount - Order.refund_amount).label("spent"),
            func.min(Order.paid_at).label("first"),
            func.max(Order.paid_at).label("last"),
        )
        .where(Order.customer_id.is_not(None), counted)
        .group_by(Order.customer_id)
    )
    changed = 0
    for chunk in _chunks(ids):
        scoped = agg.where(Order.customer_id.in_(chunk)) if chunk is not None else agg
        sub = scoped.subquery()
        changed += changed_rows(
            update(Customer)
            .where(
                Customer.id == sub.c.customer_id,
                # Only rows that change are written: a nightly run over a steady brand is mostly reads.
                or_(
                    Customer.order_count.is_distinct_from(sub.c.n),
                    Customer.total_spent.is_distinct_from(sub.c.spent),
                    Customer.first_order_at.is_distinct_from(sub.c.first),
                    Customer.last_order_at.is_distinct_from(sub.c.last),
                ),
            )
            .values(
                order_count=sub.c.n,
                total_spent=sub.c.spent,
                first_order_at=sub.c.first,
                last_order_at=sub.c.last,
                stats_computed_at=now,
            )
        )
        # Customers whose orders all went away (cancelled, refunded, re-matched): back to none.
        no_orders = not_(exists().where(Order.customer_id == Customer.id, counted))
        stale = [no_orders, or_(Customer.order_count > 0, Customer.stats_computed_at.is_(None))]
        if chunk is not None:
            stale.append(Customer.id.in_(chunk))
        db.session.execute(
            update(Customer)
            .where(*stale)
            .values(
                order_count=0, total_spent=0, first_order_at=None, last_order_at=None, stats_computed_at=now
            )
            .execution_options(synchronize_session=False)
        )
        where = [Customer.id.in_(chunk)] if chunk is not None else []
        alerts.on_stage_change(_stage(now, the), where, now=now)
        db.session.execute(
            update(Customer)
            .where(*where, Customer.lifecycle_stage.is_distinct_from(_stage(now, the)))
            .values(lifecycle_stage=_stage(now, the))
            .execution_options(synchronize_session=False)
        )
        alerts.resolve_bought_again(where, now=now)
    if ids is None or rfm:
        _rfm()
    if ids is None:
        alerts.on_quiet_big_spenders(the, now=now)
        analyze("customers", "alerts")  # every customer may have been rewritten
    db.session.flush()
    return changed


def refresh_everything(*, now: datetime | None = None) -> dict[str, int]:
    """The nightly pass (and after the thresholds change): match whatever is still unmatched, then
    recompute every profile, RFM included."""
    oneid.match_orders()
    oneid.match_members()
    return {"customers": recompute(now=now), "unmatched_orders": oneid.unmatched_count()}


def _rfm() -> None:
    """R, F and M scored 1–5 by quintile among the customers who bought, and the segment they make."""
    buyers = Customer.order_count > 0
    scores = select(
        Customer.id.label("id"),
        func.ntile(5).over(order_by=Customer.last_order_at).label("r"),
        func.ntile(5).over(order_by=Customer.order_count).label("f"),
        func.ntile(5).over(order_by=Customer.total_spent).label("m"),
    ).where(buyers)
    sub = scores.subquery()
    db.session.execute(
        update(Customer)
        .where(
            Customer.id == sub.c.id,
            or_(
                Customer.rfm_r.is_distinct_from(sub.c.r),
                Customer.rfm_f.is_distinct_from(sub.c.f),
                Customer.rfm_m.is_distinct_from(sub.c.m),
            ),
        )
        .values(rfm_r=sub.c.r, rfm_f=sub.c.f, rfm_m=sub.c.m)
        .execution_options(synchronize_session=False)
    )
    segment = case(
        *[
            (
                and_(
                    (Customer.rfm_r >= HIGH) if r else (Customer.rfm_r < HIGH),
                    (Customer.rfm_f >= HIGH) if f else (Customer.rfm_f < HIGH),
                    (Customer.rfm_m >= HIGH) if m else (Customer.rfm_m < HIGH),
                ),
                name,
            )
            for (r, f, m), name in SEGMENTS.items()
        ]
    )
    db.session.execute(
        update(Customer)
        .where(buyers, Customer.rfm_segment.is_distinct_from(segment))
        .values(rfm_segment=segment)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Customer)
        .where(not_(buyers), or_(Customer.rfm_r.is_not(None), Customer.rfm_segment.is_not(None)))
        .values(rfm_r=None, rfm_f=None, rfm_m=None, rfm_segment=None)
        .execution_options(synchronize_session=False)
    )
