"""A profile that computes itself from the orders, set-based (a few statements, never a loop per
customer): order count, net spent, first and last order, favourite category and main store; the
lifecycle stage (微盟 ME+'s five, with the brand's day thresholds); RFM scores by quintile within the
brand and the eight classic segments. All of it is kept in ``customer_stats`` (``CustomerStats``), one
row per computed customer.

``recompute(ids)`` after a batch of orders touches some customers (stats and stage; RFM keeps its last
brand-wide scores); ``recompute()`` for everyone, nightly and after an import, RFM included.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    CursorResult,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    desc,
    exists,
    func,
    insert,
    literal,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.orm import aliased

from sidebar.core import upsert
from sidebar.core.analyze import analyze
from sidebar.core.errors import DomainError
from sidebar.core.locking import changed as changed_rows
from sidebar.data import alerts, oneid
from sidebar.extensions import db
from sidebar.guides import attribution
from sidebar.models import (
    COUNTED_STATUSES,
    Customer,
    CustomerStats,
    DeletedBy,
    Follow,
    LifecycleSettings,
    LifecycleStage,
    Order,
    OrderItem,
    RfmSegment,
    utcnow,
)
from sidebar.models.base import UTCDateTime

CHUNK = 5000
S = CustomerStats  # the computed columns' table, one row per computed customer
# Each computed column and the column of the full pass's scratch table (``_scratch_table``) it comes from.
PROFILE_COLUMNS = {
    "order_count": "n",
    "total_spent": "spent",
    "first_order_at": "first",
    "last_order_at": "last",
    "lifecycle_stage": "stage",
    "rfm_r": "r",
    "rfm_f": "f",
    "rfm_m": "m",
    "rfm_segment": "segment",
    "favourite_category": "category",
    "main_store_code": "store",
}
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
    n = func.coalesce(S.order_count, 0)
    stage = _stage(now or utcnow(), the, n=n, last=S.last_order_at, customer=Customer.id).label("stage")
    rows = db.session.execute(
        select(stage, func.count())
        .select_from(Customer)
        .outerjoin(S, S.customer_id == Customer.id)
        .group_by(stage)
    ).all()
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


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def _stage(
    now: datetime, the: LifecycleSettings, *, n: Any = None, last: Any = None, customer: Any = None
) -> Any:
    """The lifecycle stage from a customer's order count and last order: their stats row's own
    (already recomputed) columns, or the columns of a derived table computing them (the full pass)."""
    n = S.order_count if n is None else n
    last = S.last_order_at if last is None else last
    customer = S.customer_id if customer is None else customer
    # Its own alias of follows: the stage is also computed inside queries that join follows (alerts).
    f = aliased(Follow)
    left_every_guide = and_(
        exists().where(f.customer_id == customer, f.deleted_by == DeletedBy.CUSTOMER.value),
        not_(exists().where(f.customer_id == customer, f.deleted_at.is_(None))),
    )
    return case(
        (left_every_guide, "lost"),
        (n == 0, "prospect"),
        (last < now - timedelta(days=the.lost_days), "lost"),
        (last < now - timedelta(days=the.dormant_days), "dormant"),
        (n == 1, "new"),
        else_="active",
    )


def _segment(r: Any, f: Any, m: Any) -> Any:
    """The RFM segment from the three scores (``SEGMENTS``)."""
    return case(
        *[
            (
                and_(
                    (r >= HIGH) if rh else (r < HIGH),
                    (f >= HIGH) if fh else (f < HIGH),
                    (m >= HIGH) if mh else (m < HIGH),
                ),
                name,
            )
            for (rh, fh, mh), name in SEGMENTS.items()
        ]
    )


def recompute(
    customer_ids: Iterable[int] | None = None, *, now: datetime | None = None, rfm: bool = False
) -> int:
    """Recompute these customers' profiles (or everyone's, RFM included; ``rfm`` ranks the brand's RFM
    afresh after a few customers too, as a file import does); returns how many rows changed.

    Given customers also have their orders credited to a guide again (``guides.attribution.credit``):
    whatever changed their orders changed whose sales they are, and every figure reads that one source.
    Everyone's credit is the nightly ``attribution.recompute``."""
    now = now or utcnow()
    the = settings()
    if customer_ids is not None:
        customer_ids = sorted(set(customer_ids))
        attribution.credit(customer_ids)
    if customer_ids is None or rfm:
        return _full_pass(the, now)
    ids = customer_ids
    counted = Order.status.in_(COUNTED)
    agg = _order_stats()
    changed = 0
    for chunk in _chunks(ids):
        _make_rows(chunk)
        sub = agg.where(Order.customer_id.in_(chunk)).subquery()
        changed += changed_rows(
            update(S)
            # Only rows that change are written: a nightly run over a steady brand is mostly reads.
            .where(S.customer_id == sub.c.customer_id, _stats_differ(sub))
            .values(**_stats_values(sub), stats_computed_at=now)
        )
        # Customers whose orders all went away (cancelled, refunded, re-matched): back to none.
        no_orders = not_(exists().where(Order.customer_id == S.customer_id, counted))
        stale = [S.customer_id.in_(chunk), no_orders, or_(S.order_count > 0, S.stats_computed_at.is_(None))]
        db.session.execute(
            update(S)
            .where(*stale)
            .values(
                order_count=0, total_spent=0, first_order_at=None, last_order_at=None, stats_computed_at=now
            )
            .execution_options(synchronize_session=False)
        )
        _favourites(chunk)
        where = [S.customer_id.in_(chunk)]
        alerts.on_stage_change(_stage(now, the), where, now=now)
        db.session.execute(
            update(S)
            .where(*where, S.lifecycle_stage.is_distinct_from(_stage(now, the)))
            .values(lifecycle_stage=_stage(now, the))
            .execution_options(synchronize_session=False)
        )
        alerts.resolve_bought_again(where, now=now)
    db.session.flush()
    db.session.expire_all()  # customers loaded before read their stats afresh
    return changed


def _favourites(chunk: list[int]) -> None:
    """The favourite category and main store of these customers, where they changed: one UPDATE from
    the ranking, and one clearing it for customers who no longer have any."""
    for column, ranked in ((S.favourite_category, _categories()), (S.main_store_code, _stores())):
        firsts = _firsts(ranked.where(Order.customer_id.in_(chunk))).subquery()
        db.session.execute(
            update(S)
            .where(S.customer_id == firsts.c.customer_id, column.is_distinct_from(firsts.c.value))
            .values({column: firsts.c.value})
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(S)
            .where(
                S.customer_id.in_(chunk),
                column.is_not(None),
                S.customer_id.not_in(select(firsts.c.customer_id)),
            )
            .values({column: None})
            .execution_options(synchronize_session=False)
        )


def _make_rows(chunk: list[int]) -> None:
    """A stats row (no orders, not computed yet) for each of these customers that has none; another
    recompute making the same row at the same time is no error. (ON CONFLICT rather than NOT EXISTS:
    an anti-join against the table being filled may scan it anew for every row.)"""
    these = select(Customer.id, literal(0), literal(0)).where(Customer.id.in_(chunk))
    made = upsert.insert(S).from_select(["customer_id", "order_count", "total_spent"], these)
    db.session.execute(made.on_conflict_do_nothing())


def _order_stats() -> Any:
    """Per customer: counted orders, net spend, first and last order (columns n, spent, first, last)."""
    return (
        select(
            Order.customer_id.label("customer_id"),
            func.count().label("n"),
            func.sum(Order.total_amount - Order.refund_amount).label("spent"),
            func.min(Order.paid_at).label("first"),
            func.max(Order.paid_at).label("last"),
        )
        .where(Order.customer_id.is_not(None), Order.status.in_(COUNTED))
        .group_by(Order.customer_id)
    )


def _stats_differ(src: Any) -> Any:
    """The customer's stored stats are not those of ``src`` (a table with n, spent, first, last)."""
    return or_(
        S.order_count.is_distinct_from(src.c.n),
        S.total_spent.is_distinct_from(src.c.spent),
        S.first_order_at.is_distinct_from(src.c.first),
        S.last_order_at.is_distinct_from(src.c.last),
    )


def _stats_values(src: Any) -> dict[str, Any]:
    return {
        "order_count": src.c.n,
        "total_spent": src.c.spent,
        "first_order_at": src.c.first,
        "last_order_at": src.c.last,
    }


def _stats_and_stage(the: LifecycleSettings, now: datetime) -> Any:
    """Every customer's order stats (a left join of one aggregate over the counted orders) and the
    stage they make: columns id, n, spent, first, last, stage."""
    agg = _order_stats().subquery("agg")
    category, store = _firsts(_categories()).subquery("category"), _firsts(_stores()).subquery("store")
    n = func.coalesce(agg.c.n, 0)
    return (
        select(
            Customer.id.label("id"),
            n.label("n"),
            func.coalesce(agg.c.spent, 0).label("spent"),
            agg.c.first.label("first"),
            agg.c.last.label("last"),
            _stage(now, the, n=n, last=agg.c.last, customer=Customer.id).label("stage"),
            category.c.value.label("category"),
            store.c.value.label("store"),
        )
        .select_from(Customer)
        .outerjoin(agg, agg.c.customer_id == Customer.id)
        .outerjoin(category, category.c.customer_id == Customer.id)
        .outerjoin(store, store.c.customer_id == Customer.id)
        .subquery("base")
    )


def _categories() -> Any:
    """Per customer and item category of the counted orders, ranked by what was spent on it (ties by
    name): columns customer_id, value, rank."""
    spent = func.sum(OrderItem.amount)
    return (
        select(
            Order.customer_id.label("customer_id"),
            OrderItem.category.label("value"),
            func.row_number()
            .over(partition_by=Order.customer_id, order_by=(desc(spent), OrderItem.category))
            .label("rank"),
        )
        .join(Order, Order.id == OrderItem.order_id)
        .where(Order.customer_id.is_not(None), Order.status.in_(COUNTED), OrderItem.category != "")
        .group_by(Order.customer_id, OrderItem.category)
    )


def _stores() -> Any:
    """Per customer and store of the counted orders, ranked by how many orders (then spend, then
    code): columns customer_id, value, rank."""
    spent = func.sum(Order.total_amount - Order.refund_amount)
    return (
        select(
            Order.customer_id.label("customer_id"),
            Order.store_code.label("value"),
            func.row_number()
            .over(
                partition_by=Order.customer_id, order_by=(desc(func.count()), desc(spent), Order.store_code)
            )
            .label("rank"),
        )
        .where(Order.customer_id.is_not(None), Order.status.in_(COUNTED), Order.store_code.is_not(None))
        .group_by(Order.customer_id, Order.store_code)
    )


def _firsts(ranked: Any) -> Any:
    """The first-ranked value per customer of ``_categories()`` or ``_stores()``, optionally only for
    some customers (``where`` on the ranked query before it is wrapped)."""
    sub = ranked.subquery()
    return select(sub.c.customer_id, sub.c.value).where(sub.c.rank == 1)


def _derived(the: LifecycleSettings, now: datetime) -> Any:
    """Every customer's profile as it should be, in one derived table: stats and stage, R/F/M by
    quintile among the buyers, and the segment."""
    base = _stats_and_stage(the, now)
    buyer = base.c.n > 0

    def score(column: Any) -> Any:
        # Quintiles among buyers only (the partition), ties broken by id so a rerun gives the same.
        return case((buyer, func.ntile(5).over(partition_by=buyer, order_by=(column, base.c.id))))

    scored = select(
        base, score(base.c.last).label("r"), score(base.c.n).label("f"), score(base.c.spent).label("m")
    ).subquery("scored")
    return select(scored, _segment(scored.c.r, scored.c.f, scored.c.m).label("segment")).subquery("profile")


def _scratch_table() -> Table:
    """A temporary table (this connection's only, gone at its end) for everyone's profile as it should
    be: computed once, then read by the alerts and the UPDATE, instead of aggregating the orders twice."""
    return Table(
        "profile_next",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("n", Integer),
        Column("spent", BigInteger),
        Column("first", UTCDateTime),
        Column("last", UTCDateTime),
        Column("stage", String(16)),
        Column("r", Integer),
        Column("f", Integer),
        Column("m", Integer),
        Column("segment", String(32)),
        Column("category", String(32)),
        Column("store", String(32)),
        Column("known", Boolean),  # the customer has a stats row already
        prefixes=["TEMPORARY"],
    )


def _full_pass(the: LifecycleSettings, now: datetime) -> int:
    """Everyone's profile from a temporary table computed once: one UPDATE of the stats rows that
    change (a first computation writes each row once, not once per column group) and one INSERT of
    those missing; alerts for stage changes are raised from the same table just before. Returns how
    many rows changed."""
    connection = db.session.connection()
    if db.engine.dialect.name == "postgresql":
        # The quintiles sort a million rows three times: in memory, not in temporary files. And no
        # JIT: compiling this statement's expressions took 2 s of its 13 and won nothing back.
        connection.exec_driver_sql("SET LOCAL work_mem = '64MB'")
        connection.exec_driver_sql("SET LOCAL jit = off")
    d = _scratch_table()
    d.drop(connection, checkfirst=True)
    d.create(connection)
    profile = _derived(the, now)
    columns = ["id", *PROFILE_COLUMNS.values()]
    # Whether each customer has a stats row is read now, before any is made: an anti-join against
    # customer_stats while inserting into it scanned the growing table once per row (hours at 1M).
    known = exists().where(S.customer_id == profile.c.id)
    db.session.execute(
        insert(d).from_select([*columns, "known"], select(*(profile.c[c] for c in columns), known))
    )
    if db.engine.dialect.name == "postgresql":
        connection.exec_driver_sql("ANALYZE profile_next")
    alerts.on_stage_change(d.c.stage, [d.c.id == S.customer_id], now=now)
    stats_changed = or_(_stats_differ(d), S.stats_computed_at.is_(None))
    computed = {name: d.c[column] for name, column in PROFILE_COLUMNS.items()}
    changed = changed_rows(
        update(S)
        .where(
            S.customer_id == d.c.id,
            or_(stats_changed, *(S.__table__.c[name].is_distinct_from(v) for name, v in computed.items())),
        )
        # "last changed" in the sidebar: when the order stats moved, not the stage.
        .values({**computed, "stats_computed_at": case((stats_changed, now), else_=S.stats_computed_at)})
    )
    new = select(d.c.id, literal(now, UTCDateTime()), *computed.values()).where(not_(d.c.known))
    made = db.session.execute(
        insert(S)
        .from_select(["customer_id", "stats_computed_at", *computed], new)
        # Without it SQLAlchemy reports -1 for INSERT … SELECT on PostgreSQL.
        .execution_options(preserve_rowcount=True)
    )
    changed += cast(CursorResult, made).rowcount or 0
    d.drop(connection)
    alerts.resolve_bought_again([], now=now)
    alerts.on_quiet_big_spenders(the, now=now)
    analyze("customer_stats", "alerts")  # every row may have been rewritten
    db.session.flush()
    db.session.expire_all()
    return changed


def refresh_everything(*, now: datetime | None = None) -> dict[str, int]:
    """The nightly pass (and after the thresholds change): match whatever is still unmatched, then
    recompute every profile, RFM included."""
    oneid.match_orders()
    oneid.match_members()
    return {"customers": recompute(now=now), "unmatched_orders": oneid.unmatched_count()}
