"""Commission: rates by category, store or tier, and a monthly statement per guide and store.

An order's rate is the most specific that matches it: its main category's (the category most was spent
on in it), else its store's, else the credited guide's tier's, else the default. Commission is paid
on what the order kept (paid less refunded), rounded to the fen.

Months close in order. ``draft(month)`` makes the month's statements afresh (drafts only: an approved
statement is locked) and refuses while an earlier month still has drafts. An order already on an
approved statement whose net has changed since (a late refund) is not touched there: the month being
drafted gets an adjustment line for the difference, at the rate it was paid at. An admin's correction
is an adjustment line too, on a draft. Everything is set-based (``INSERT … SELECT``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, case, delete, exists, func, insert, literal, select, update
from sqlalchemy.orm import aliased

from sidebar.core.analyze import analyze
from sidebar.core.errors import DomainError
from sidebar.extensions import db
from sidebar.models import (
    Attribution,
    CommissionLine,
    CommissionRate,
    CommissionStatement,
    Order,
    OrderItem,
    RateScope,
    Staff,
    StatementStatus,
    Store,
    utcnow,
)

MAX_BASIS_POINTS = 5000  # 50%: anything above is a typo
APPROVED = StatementStatus.APPROVED.value
DRAFT = StatementStatus.DRAFT.value


class CommissionError(DomainError):
    """Bad input or a locked statement; the message says why, in the brand's language."""

    code = "invalid"


# -- rates ------------------------------------------------------------------------------------------


def rates() -> list[CommissionRate]:
    order = case({s.value: n for n, s in enumerate(RateScope)}, value=CommissionRate.scope)
    return list(db.session.scalars(select(CommissionRate).order_by(order, CommissionRate.key)))


def save_rates(rows: list[tuple[str, str, int]]) -> None:
    """Replace every rate with ``(scope, key, basis points)``; bad input changes nothing and says why."""
    seen: set[tuple[str, str]] = set()
    for n, (scope, key, bp) in enumerate(rows, 1):
        key = key.strip() if scope != RateScope.DEFAULT.value else ""
        if scope not in {s.value for s in RateScope}:
            raise CommissionError(_("Rate %(n)s: unknown kind.", n=n))
        if scope != RateScope.DEFAULT.value and not key:
            raise CommissionError(_("Rate %(n)s: say which category, store or tier.", n=n))
        if scope == RateScope.TIER.value and key not in ("A", "B", "C"):
            raise CommissionError(_("Rate %(n)s: the tier is A, B or C.", n=n))
        if not 0 <= bp <= MAX_BASIS_POINTS:
            raise CommissionError(_("Rate %(n)s: from 0%% to %(max)s%%.", n=n, max=MAX_BASIS_POINTS // 100))
        if (scope, key) in seen:
            raise CommissionError(_("Rate %(n)s: the same rate is given twice.", n=n))
        seen.add((scope, key))
    db.session.execute(delete(CommissionRate))
    db.session.add_all(
        CommissionRate(scope=s, key=k.strip() if s != RateScope.DEFAULT.value else "", basis_points=bp)
        for s, k, bp in rows
    )
    db.session.flush()


def _main_category(month: date) -> Any:
    """Each of the month's credited orders' main category: most spent on it, ties by name (columns
    order_id, category)."""
    spent = func.sum(OrderItem.amount)
    ranked = (
        select(
            OrderItem.order_id.label("order_id"),
            OrderItem.category.label("category"),
            func.row_number()
            .over(partition_by=OrderItem.order_id, order_by=(spent.desc(), OrderItem.category))
            .label("rank"),
        )
        .where(
            OrderItem.category != "",
            OrderItem.order_id.in_(select(Attribution.order_id).where(Attribution.month == month)),
        )
        .group_by(OrderItem.order_id, OrderItem.category)
        .subquery()
    )
    return select(ranked.c.order_id, ranked.c.category).where(ranked.c.rank == 1).subquery("main_category")


def _rate_columns(order: Any, staff: Any, month: date) -> tuple[Any, Any, list[tuple[Any, Any]]]:
    """(basis points, where they came from) for each order row of the month, as SQL over the rates."""
    main = _main_category(month)
    by = {s: aliased(CommissionRate) for s in RateScope}
    joins = [
        (main, main.c.order_id == order.id),
        (
            by[RateScope.CATEGORY],
            and_(by[RateScope.CATEGORY].scope == "category", by[RateScope.CATEGORY].key == main.c.category),
        ),
        (
            by[RateScope.STORE],
            and_(by[RateScope.STORE].scope == "store", by[RateScope.STORE].key == order.store_code),
        ),
        (by[RateScope.TIER], and_(by[RateScope.TIER].scope == "tier", by[RateScope.TIER].key == staff.tier)),
        (by[RateScope.DEFAULT], by[RateScope.DEFAULT].scope == "default"),
    ]
    bp = func.coalesce(*(by[s].basis_points for s in RateScope), 0)
    source = case(
        (by[RateScope.CATEGORY].id.is_not(None), literal("category:") + main.c.category),
        (by[RateScope.STORE].id.is_not(None), literal("store:") + func.coalesce(order.store_code, "")),
        (by[RateScope.TIER].id.is_not(None), literal("tier:") + staff.tier),
        (by[RateScope.DEFAULT].id.is_not(None), literal("default")),
        else_=literal("none"),
    )
    return bp, source, joins


def _net(order: Any) -> Any:
    """What the order kept: paid less refunded; nothing when cancelled or wholly refunded."""
    return case(
        (order.status.in_(("cancelled", "refunded")), 0), else_=order.total_amount - order.refund_amount
    )


def _commission(base: Any, bp: Any) -> Any:
    """Fen of commission on a non-negative base, rounded half up (integer arithmetic, both databases)."""
    return (base * bp + 5000) // 10000


# -- statements ----------------------------------------------------------------------------------


def _store_key(column: Any) -> Any:
    """A store id as a join key: orders without a store are 0 (an equality, which hashes, where
    ``IS NOT DISTINCT FROM`` made the planner loop over every statement for every order)."""
    return func.coalesce(column, 0)


def draft(month: date, *, now: datetime | None = None) -> int:
    """The month's statements made afresh (drafts only); returns how many drafts there are now.
    Refuses while an earlier month has drafts (months close in order)."""
    now = now or utcnow()
    earlier = db.session.scalar(
        select(func.min(CommissionStatement.month)).where(
            CommissionStatement.month < month, CommissionStatement.status == DRAFT
        )
    )
    if earlier is not None:
        raise CommissionError(
            _("Approve %(month)s's statements first: months close in order.", month=earlier.strftime("%Y-%m"))
        )
    db.session.execute(
        delete(CommissionStatement).where(
            CommissionStatement.month == month, CommissionStatement.status == DRAFT
        )
    )
    # What changed since it was paid: read once (a few rows), before this month's lines exist.
    changes = db.session.execute(select(_adjustments(month))).all()
    approved = aliased(CommissionStatement)
    locked = exists().where(
        approved.month == month,
        approved.staff_id == Attribution.staff_id,
        _store_key(approved.store_id) == _store_key(Order.store_id),
        approved.status == APPROVED,
    )
    # The month's orders, for guide-and-store pairs not yet approved.
    pairs = (
        select(Attribution.staff_id, Order.store_id)
        .join(Order, Order.id == Attribution.order_id)
        .where(Attribution.month == month, Order.status != "cancelled", ~locked)
        .distinct()
        .subquery()
    )
    when = literal(now, CommissionStatement.computed_at.type)
    db.session.execute(
        insert(CommissionStatement).from_select(
            ["month", "staff_id", "store_id", "status", "computed_at"],
            select(literal(month), pairs.c.staff_id, pairs.c.store_id, literal(DRAFT), when),
        )
    )
    # Planned on fresh figures: taken for empty, the statements became the outer loop of a nested
    # loop that ran the whole month's query once per statement (six minutes at a million customers).
    analyze("commission_statements")
    statement_of = {
        (staff_id, store_id or 0): statement_id
        for statement_id, staff_id, store_id in db.session.execute(
            select(CommissionStatement.id, CommissionStatement.staff_id, CommissionStatement.store_id).where(
                CommissionStatement.month == month, CommissionStatement.status == DRAFT
            )
        )
    }
    _order_lines(month)
    for change in changes:  # a guide and store with nothing else this month still get a statement
        key = (change.staff_id, change.store_id or 0)
        if key not in statement_of:
            made = CommissionStatement(
                month=month, staff_id=change.staff_id, store_id=change.store_id, computed_at=now
            )
            db.session.add(made)
            db.session.flush()
            statement_of[key] = made.id
        db.session.add(
            CommissionLine(
                statement_id=statement_of[key],
                kind="adjustment",
                order_id=change.order_id,
                amount=change.change,
                base=change.change,
                basis_points=change.basis_points,
                rate_from=change.rate_from,
                commission=change.commission,
                note="late refund or change",
            )
        )
    db.session.flush()
    analyze("commission_lines")
    _totals(month)
    return len(statement_of)


def _order_lines(month: date) -> None:
    """One line per order of the month on its guide-and-store draft, in one INSERT … SELECT."""
    statement = aliased(CommissionStatement)
    staff = aliased(Staff)
    bp, source, joins = _rate_columns(Order, staff, month)
    lines = (
        select(
            statement.id,
            literal("order"),
            Order.id,
            Order.total_amount,
            case((Order.status == "refunded", Order.total_amount), else_=Order.refund_amount),
            _net(Order),
            bp,
            source,
            _commission(_net(Order), bp),
        )
        .select_from(Attribution)
        .join(Order, Order.id == Attribution.order_id)
        .join(staff, staff.id == Attribution.staff_id)
        .join(
            statement,
            and_(
                statement.month == month,
                statement.staff_id == Attribution.staff_id,
                _store_key(statement.store_id) == _store_key(Order.store_id),
                statement.status == DRAFT,
            ),
        )
        .where(Attribution.month == month, Order.status != "cancelled")
    )
    for target, on in joins:
        lines = lines.outerjoin(target, on)
    columns = [
        "statement_id",
        "kind",
        "order_id",
        "amount",
        "refund",
        "base",
        "basis_points",
        "rate_from",
        "commission",
    ]
    db.session.execute(insert(CommissionLine).from_select(columns, lines))


def _adjustments(month: date) -> Any:
    """Orders on approved statements of earlier months whose net has changed since: per order, the
    guide and store it was paid to, the change in net, and the change in commission at the rate paid."""
    paid = (
        select(
            CommissionLine.order_id.label("order_id"),
            func.min(CommissionStatement.staff_id).label("staff_id"),
            func.min(CommissionStatement.store_id).label("store_id"),
            func.sum(CommissionLine.base).label("base"),
            func.sum(CommissionLine.commission).label("commission"),
            func.max(case((CommissionLine.kind == "order", CommissionLine.basis_points), else_=0)).label(
                "bp"
            ),
            func.max(case((CommissionLine.kind == "order", CommissionLine.rate_from), else_="")).label(
                "rate_from"
            ),
        )
        .join(CommissionStatement, CommissionStatement.id == CommissionLine.statement_id)
        .where(
            CommissionStatement.month < month,
            CommissionStatement.status == APPROVED,
            CommissionLine.order_id.is_not(None),
        )
        .group_by(CommissionLine.order_id)
        .subquery("paid")
    )
    net = _net(Order)
    return (
        select(
            paid.c.order_id,
            paid.c.staff_id,
            paid.c.store_id,
            (net - paid.c.base).label("change"),
            paid.c.bp.label("basis_points"),
            paid.c.rate_from,
            (_commission(net, paid.c.bp) - paid.c.commission).label("commission"),
        )
        .join(Order, Order.id == paid.c.order_id)
        .where(net != paid.c.base)
        .subquery("adjustments")
    )


def _totals(month: date) -> None:
    """Each draft's totals from its lines (the one place they are summed)."""
    line = CommissionLine
    of = line.statement_id == CommissionStatement.id
    is_order = line.kind == "order"

    def total(value: Any, *where: Any) -> Any:
        return select(func.coalesce(func.sum(value), 0)).where(of, *where).scalar_subquery()

    db.session.execute(
        update(CommissionStatement)
        .where(CommissionStatement.month == month, CommissionStatement.status == DRAFT)
        .values(
            orders=select(func.count()).where(of, is_order).scalar_subquery(),
            amount=total(line.amount, is_order),
            refunds=total(line.refund, is_order),
            adjustments=total(line.commission, ~is_order),
            commission=total(line.commission),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.flush()


def approve(statements: list[CommissionStatement], *, by: str, now: datetime | None = None) -> int:
    """Lock these drafts; returns how many were approved (approved ones are left as they are)."""
    done = 0
    for st in statements:
        if st.status == DRAFT:
            st.status, st.approved_by, st.approved_at = APPROVED, by[:64], now or utcnow()
            done += 1
    db.session.flush()
    return done


def adjust(statement: CommissionStatement, fen: int, note: str) -> CommissionLine:
    """An admin's correction on a draft: ``fen`` of commission (either sign) with a note."""
    if statement.status != DRAFT:
        raise CommissionError(
            _("An approved statement cannot change: add the correction to a later month's draft.")
        )
    note = (note or "").strip()
    if not note:
        raise CommissionError(_("Say what the correction is for."))
    if fen == 0 or abs(fen) > 10_000_000:
        raise CommissionError(_("The correction is a non-zero amount up to ¥100,000."))
    line = CommissionLine(statement_id=statement.id, kind="adjustment", commission=fen, note=note[:255])
    db.session.add(line)
    db.session.flush()
    _totals(statement.month)
    return line


def statements(month: date, scope: Any = None) -> list[tuple[CommissionStatement, Staff, Store | None]]:
    """The month's statements (in the viewer's scope: ``scope`` is a select of staff ids, or None)."""
    query = (
        select(CommissionStatement, Staff, Store)
        .join(Staff, Staff.id == CommissionStatement.staff_id)
        .outerjoin(Store, Store.id == CommissionStatement.store_id)
        .where(CommissionStatement.month == month)
        .order_by(Staff.name, Store.code)
    )
    if scope is not None:
        query = query.where(CommissionStatement.staff_id.in_(scope))
    return [tuple(row) for row in db.session.execute(query)]  # type: ignore[misc]


def lines(statement: CommissionStatement) -> list[tuple[CommissionLine, Order | None]]:
    return [
        tuple(row)  # type: ignore[misc]
        for row in db.session.execute(
            select(CommissionLine, Order)
            .outerjoin(Order, Order.id == CommissionLine.order_id)
            .where(CommissionLine.statement_id == statement.id)
            .order_by(CommissionLine.kind.desc(), CommissionLine.id)
        )
    ]
