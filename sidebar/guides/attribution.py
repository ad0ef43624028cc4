"""Which guide each order is credited to, by the brand's rule, recomputed set-based.

The candidates for an order (matched to a customer) are, in the order they win:

1. the guide whose coupon the order redeemed (coupon rule);
2. the guide who issued the customer a coupon at most ``touch_days`` before the payment, the latest
   such coupon first (coupon rule);
3. a guide who followed the customer when the order was paid (added before it, not removed by then):
   the one who added them first (first-follower rule) or last (latest-follower rule, and the coupon
   rule's fallback).

Every order's credit is made again in one statement (``recompute``): a late match, a follow added or
lost, a rule changed all move it, and nothing has to remember what changed. A refund needs no credit
change: the credited order's own status and refund say what it is worth (``metrics``, commission).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, insert, literal, or_, select, union_all

from sidebar.core.among import among
from sidebar.core.analyze import analyze
from sidebar.core.day_math import local_month, plus_days
from sidebar.core.errors import DomainError
from sidebar.extensions import db
from sidebar.models import (
    Attribution,
    AttributionRule,
    Coupon,
    CreditedBy,
    Follow,
    GuideSettings,
    Order,
    utcnow,
)

MAX_TOUCH_DAYS = 90
CHUNK = 5000  # customers a statement


def settings() -> GuideSettings:
    """The brand's rule (the one row, made with the defaults when first asked)."""
    row = db.session.scalar(select(GuideSettings).order_by(GuideSettings.id).limit(1))
    if row is None:
        row = GuideSettings(rule=AttributionRule.LATEST_FOLLOWER.value, touch_days=7)
        db.session.add(row)
        db.session.flush()
    return row


def save_rule(rule: str, touch_days: int) -> GuideSettings:
    """Change the rule (every credit is made again by the caller's ``recompute``); bad input changes
    nothing and says why."""
    if rule not in {r.value for r in AttributionRule}:
        raise DomainError(f"unknown attribution rule {rule!r}")
    if not 1 <= touch_days <= MAX_TOUCH_DAYS:
        raise DomainError(f"the coupon window is 1 to {MAX_TOUCH_DAYS} days")
    row = settings()
    row.rule, row.touch_days, row.updated_at = rule, touch_days, utcnow()
    db.session.flush()
    return row


def _followers(latest: bool, customers: list[int] | None) -> Any:
    """(order, guide, how, rank 2, added_at as the tie-break) for every follow live at payment."""
    how = CreditedBy.LATEST_FOLLOWER if latest else CreditedBy.FIRST_FOLLOWER
    return _of(
        customers,
        Order.customer_id,
        select(
            Order.id.label("order_id"),
            Follow.staff_id.label("staff_id"),
            literal(how.value).label("how"),
            literal(2).label("priority"),
            Follow.added_at.label("at"),
        ).join(
            Follow,
            (Follow.customer_id == Order.customer_id)
            & (Follow.added_at <= Order.paid_at)
            & or_(Follow.deleted_at.is_(None), Follow.deleted_at > Order.paid_at),
        ),
    )


def _of(customers: list[int] | None, column: Any, query: Any) -> Any:
    """The candidates of these customers' orders only (all of them when ``customers`` is None)."""
    return query if customers is None else query.where(among(column, customers))


def _coupons(touch_days: int, customers: list[int] | None) -> list[Any]:
    redeemed = select(
        Coupon.order_id.label("order_id"),
        Coupon.staff_id.label("staff_id"),
        literal(CreditedBy.COUPON_REDEEMED.value).label("how"),
        literal(0).label("priority"),
        Coupon.created_at.label("at"),
    ).where(Coupon.order_id.is_not(None))
    redeemed = _of(customers, Coupon.customer_id, redeemed)
    issued = select(
        Order.id.label("order_id"),
        Coupon.staff_id.label("staff_id"),
        literal(CreditedBy.COUPON_ISSUED.value).label("how"),
        literal(1).label("priority"),
        Coupon.created_at.label("at"),
    ).join(
        Coupon,
        (Coupon.customer_id == Order.customer_id)
        & (Coupon.created_at <= Order.paid_at)
        & (plus_days(Coupon.created_at, touch_days) >= Order.paid_at),
    )
    return [redeemed, _of(customers, Order.customer_id, issued)]


def _ranked(the: GuideSettings, customers: list[int] | None = None) -> Any:
    """Each order's winning candidate: lowest priority, then the latest (or, first-follower, earliest)
    time, then the lowest guide id so a rerun gives the same."""
    latest = the.rule != AttributionRule.FIRST_FOLLOWER.value
    parts = [_followers(latest, customers)]
    if the.rule == AttributionRule.COUPON.value:
        parts += _coupons(the.touch_days, customers)
    candidates = union_all(*parts).subquery("candidates")
    at = candidates.c.at.desc() if latest else candidates.c.at.asc()
    rank = func.row_number().over(
        partition_by=candidates.c.order_id,
        order_by=(candidates.c.priority, at, candidates.c.staff_id),
    )
    ranked = select(candidates, rank.label("rank")).subquery("ranked")
    return (
        select(ranked.c.order_id, ranked.c.staff_id, ranked.c.how).where(ranked.c.rank == 1).subquery("won")
    )


def recompute() -> int:
    """Every order's credit made again, in one INSERT … SELECT; returns how many orders are credited."""
    the = settings()
    db.session.execute(delete(Attribution))
    made = _insert(_ranked(the))
    analyze("attributions")
    return made


def credit(customer_ids: Iterable[int]) -> int:
    """The credit of these customers' orders made again now (orders just came in or were matched), so
    every figure that reads "whose sale" counts them today, not after the nightly ``recompute``."""
    ids = sorted(set(customer_ids))
    if not ids:
        return 0
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        theirs = select(Order.id).where(among(Order.customer_id, chunk))
        db.session.execute(delete(Attribution).where(Attribution.order_id.in_(theirs)))
        _insert(_ranked(settings(), chunk))
    return len(ids)


def _insert(won: Any) -> int:
    made = db.session.execute(
        insert(Attribution)
        .from_select(
            ["order_id", "staff_id", "credited_by", "month"],
            select(won.c.order_id, won.c.staff_id, won.c.how, local_month(Order.paid_at)).join(
                Order, Order.id == won.c.order_id
            ),
        )
        .execution_options(preserve_rowcount=True)
    )
    return max(made.rowcount or 0, 0)  # type: ignore[attr-defined]
