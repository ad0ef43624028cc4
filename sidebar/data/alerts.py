"""Alerts for guides, made set-based while profiles are recomputed: a customer they follow went dormant
(休眠期) or lapsed (流失期), or a big spender has gone quiet. One open alert per (kind, customer, guide);
it closes when the customer buys again. Guides see theirs on the today page and in the morning message;
managers see their team's in the console."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, insert, literal, not_, select, update
from sqlalchemy.orm import aliased, joinedload

from sidebar.extensions import db
from sidebar.models import Alert, CustomerStats, Follow, LifecycleSettings, Staff

S = CustomerStats  # the alerts read the computed profile only
STAGE_ALERTS = ("dormant", "lost")
QUIET = "quiet_big_spender"


def _open(kind: Any) -> Any:
    """An open alert of this kind exists for the customer and follower of the row being inserted."""
    a = aliased(Alert)
    return exists().where(
        a.kind == kind, a.customer_id == S.customer_id, a.staff_id == Follow.staff_id, a.resolved_at.is_(None)
    )


def _raise(kind: Any, *conditions: Any, now: datetime) -> None:
    """One alert of ``kind`` for every live follower of the customers ``conditions`` pick, unless one
    is open already (a single INSERT … SELECT)."""
    rows = (
        select(kind, S.customer_id, Follow.staff_id, literal(now))
        .join(Follow, and_(Follow.customer_id == S.customer_id, Follow.deleted_at.is_(None)))
        .where(*conditions, not_(_open(kind)))
    )
    db.session.execute(insert(Alert).from_select(["kind", "customer_id", "staff_id", "created_at"], rows))


def on_stage_change(new_stage: Any, where: list[Any], *, now: datetime) -> None:
    """Before the stage column is rewritten: alert every live follower of a customer whose stage
    moves into dormant or lost. A first computation (no stage yet) alerts nobody."""
    _raise(
        new_stage,
        *where,
        S.lifecycle_stage.is_not(None),
        new_stage.in_(STAGE_ALERTS),
        S.lifecycle_stage != new_stage,
        now=now,
    )


def on_quiet_big_spenders(the: LifecycleSettings, *, now: datetime) -> None:
    """Customers who spent at least the brand's threshold and have not bought for its quiet days."""
    _raise(
        literal(QUIET),
        S.total_spent >= the.alert_spend_min,
        S.last_order_at < now - timedelta(days=the.alert_quiet_days),
        now=now,
    )


def resolve_bought_again(where: list[Any], *, now: datetime) -> None:
    """Close the alerts of customers who bought after the alert was raised."""
    bought = (
        select(S.customer_id)
        .where(*where, S.customer_id == Alert.customer_id, S.last_order_at > Alert.created_at)
        .exists()
    )
    db.session.execute(
        update(Alert)
        .where(Alert.resolved_at.is_(None), bought)
        .values(resolved_at=now)
        .execution_options(synchronize_session=False)
    )


def open_for(staff: Staff, limit: int = 200) -> list[Alert]:
    """A guide's open alerts, newest first, with the customer loaded."""
    return list(
        db.session.scalars(
            select(Alert)
            .options(joinedload(Alert.customer))  # the page shows each customer: not one query each
            .where(Alert.staff_id == staff.id, Alert.resolved_at.is_(None))
            .order_by(Alert.created_at.desc(), Alert.id.desc())
            .limit(limit)
        )
    )


def open_counts() -> dict[int, int]:
    """Open alerts per guide (for the morning message)."""
    rows = db.session.execute(
        select(Alert.staff_id, func.count()).where(Alert.resolved_at.is_(None)).group_by(Alert.staff_id)
    )
    return {staff_id: n for staff_id, n in rows}


def open_in_scope(followers: Any, limit: int = 200) -> list[Alert]:
    """Open alerts of the guides in a manager's scope (``visibility.follower_ids``; None is everyone)."""
    query = select(Alert).options(joinedload(Alert.customer)).where(Alert.resolved_at.is_(None))
    if followers is not None:
        query = query.where(Alert.staff_id.in_(followers))
    return list(db.session.scalars(query.order_by(Alert.created_at.desc(), Alert.id.desc()).limit(limit)))
