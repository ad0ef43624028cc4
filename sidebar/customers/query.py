"""The console's customer filter: one parsed, validated description of "which customers", turned into
SQL on top of the viewer's scope. The list, its count, bulk tagging and export all use it, so none can
reach a customer the list would not show.

At a million customers the list pages by keyset (``after``/``before`` cursors naming the edge row's
sort key), never by OFFSET, and counts only up to ``COUNT_BOUND`` ("10,000+"); the exact count is one
click away. Text search uses the grams index (``search``) so two Chinese characters are indexed too.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, func, literal, or_, select, tuple_, union
from sqlalchemy.orm import contains_eager

from sidebar.core import phones
from sidebar.core.errors import DomainError
from sidebar.customers import search, visibility
from sidebar.extensions import db
from sidebar.models import (
    COUNTED_STATUSES,
    CampaignTarget,
    Customer,
    CustomerIdentity,
    CustomerStats,
    CustomerTag,
    Follow,
    LifecycleStage,
    Order,
    OrderItem,
    RfmSegment,
    SkinType,
    Staff,
    TagSync,
    TargetStatus,
    utcnow,
)

S = CustomerStats  # the computed profile, joined to every list (a customer not computed has no row)
PER_PAGE_MAX = 100
# Counting 300,000 matches exactly costs a third of a second at a million customers; past this many
# the list says "10,000+" and counts exactly only when asked.
COUNT_BOUND = 10_000


@dataclass(frozen=True)
class Sort:
    """A list order: ``column`` (None: by id alone), then the id, both one way; NULLs last."""

    column: Any
    descending: bool
    kind: type  # what a cursor's value must be (datetime, int, str)
    # The id as the column's index holds it (customer_stats' indexes end in customer_id).
    tiebreak: Any
    nullable: bool = False  # a stats column: NULL for a customer without orders or not computed

    def order_by(self) -> list[Any]:
        """The whole order in one ORDER BY (what the pieces read, run after run)."""
        key = Customer.id.desc() if self.descending else Customer.id.asc()
        if self.column is None:
            return [key]
        column = self.column.desc() if self.descending else self.column.asc()
        return [column.nulls_last(), key]

    def pieces(
        self, after: tuple[Any, int] | None, before: tuple[Any, int] | None
    ) -> list[tuple[list[Any], list[Any]]]:
        """(conditions, ORDER BY) of each run to read in turn for a page after or before a cursor.

        Each run is one index's order, so the page's first row is found by the index however deep
        the page: the rows with a value by (column, id), then — the order's tail — those without, by
        id. Backwards (``before``) reads the same runs the other way round, and the page is reversed.
        """
        cursor = before or after
        down = self.descending != (before is not None)
        if self.column is None:
            return [([_beyond(Customer.id, cursor[1], down)] if cursor else [], [_way(Customer.id, down)])]
        valued_order = [_way(self.column, down), _way(self.tiebreak, down)]
        valued = [self.column.is_not(None)] if self.nullable else []
        if cursor and cursor[0] is not None:
            valued_run = (
                [
                    *valued,
                    _beyond(
                        tuple_(self.column, self.tiebreak),
                        tuple_(literal(cursor[0], self.column.type), literal(cursor[1], self.tiebreak.type)),
                        down,
                    ),
                ],
                valued_order,
            )
        else:
            valued_run = (valued, valued_order)
        if not self.nullable:
            return [valued_run]
        nulls = [self.column.is_(None)]
        if cursor is None:
            return [valued_run, (nulls, [_way(Customer.id, down)])]
        if cursor[0] is None:  # the cursor is among the NULLs, the order's tail
            null_run = ([*nulls, _beyond(Customer.id, cursor[1], down)], [_way(Customer.id, down)])
            return [null_run] if before is None else [null_run, valued_run]
        return [valued_run, (nulls, [_way(Customer.id, down)])] if before is None else [valued_run]


def _way(column: Any, down: bool) -> Any:
    return column.desc() if down else column.asc()


def _beyond(column: Any, value: Any, down: bool) -> Any:
    """Rows past ``value`` in the direction of reading."""
    return column < value if down else column > value


SORTS = {
    "added": Sort(None, True, int, Customer.id),
    "last_order": Sort(S.last_order_at, True, datetime, S.customer_id, nullable=True),
    "spent": Sort(S.total_spent, True, int, S.customer_id, nullable=True),
    "name": Sort(Customer.name, False, str, Customer.id),
}


class BadFilter(DomainError):
    """A filter value that makes no sense; the console answers 400 with this message."""

    code = "bad_filter"


@dataclass
class CustomerFilter:
    tags_any: list[int] = field(default_factory=list)
    tags_all: list[int] = field(default_factory=list)
    tags_none: list[int] = field(default_factory=list)
    skin_type: str | None = None
    lifecycle_stage: str | None = None
    rfm_segment: str | None = None
    member_level: str | None = None
    follower_id: int | None = None
    team_id: int | None = None
    added_from: date | None = None
    added_to: date | None = None
    ordered_from: date | None = None
    ordered_to: date | None = None
    spent_min: int | None = None  # fen
    spent_max: int | None = None
    # Relative to the day the filter runs (SOP audiences): days since added / since the last order.
    added_days_min: int | None = None
    added_days_max: int | None = None
    order_days_min: int | None = None
    order_days_max: int | None = None
    birthday_within: int | None = None  # birthday in the next N days
    state: str | None = None  # the channel code (渠道活码 state) they came through
    # What they bought (the data conditions automatic tags use; the list takes them too).
    avg_order_min: int | None = None  # fen, average order
    avg_order_max: int | None = None
    orders_min: int | None = None  # purchase frequency: counted orders
    orders_max: int | None = None
    bought_category: str | None = None
    bought_product: str | None = None  # a SKU or a product name, exactly
    store_code: str | None = None  # bought at this store
    unreached_days: int | None = None  # no mass message (企业群发) reached them in the last N days
    guide_tier: str | None = None  # served by a guide of this tier (A, B or C)
    q: str = ""
    # Rows ticked in the list: the filter narrowed to these customers (still within the viewer's scope).
    only_ids: list[int] = field(default_factory=list)
    sort: str = "added"
    per_page: int = 20
    # Paging: the sort key of the row the next page starts after, or the previous page ends before.
    after: tuple[Any, int] | None = None
    before: tuple[Any, int] | None = None

    def as_params(self) -> dict[str, Any]:
        """Back to query-string form (for links, jobs and exports)."""
        out: dict[str, Any] = {}
        for name in ("tags_any", "tags_all", "tags_none", "only_ids"):
            if getattr(self, name):
                out[name] = ",".join(str(i) for i in getattr(self, name))
        for name in (
            "skin_type",
            "lifecycle_stage",
            "rfm_segment",
            "member_level",
            "follower_id",
            "team_id",
            "q",
            "added_days_min",
            "added_days_max",
            "order_days_min",
            "order_days_max",
            "birthday_within",
            "state",
            "orders_min",
            "orders_max",
            "bought_category",
            "bought_product",
            "store_code",
        ):
            if getattr(self, name):
                out[name] = getattr(self, name)
        for name in ("added_from", "added_to", "ordered_from", "ordered_to"):
            if getattr(self, name):
                out[name] = getattr(self, name).isoformat()
        for name in ("spent_min", "spent_max", "avg_order_min", "avg_order_max"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name) // 100
        if self.sort != "added":
            out["sort"] = self.sort
        if self.per_page != 20:
            out["per_page"] = self.per_page
        return out


def _ids(raw: str, name: str) -> list[int]:
    try:
        return sorted({int(part) for part in raw.split(",") if part.strip()})
    except ValueError as exc:
        raise BadFilter(f"{name} must be ids separated by commas") from exc


def _date(raw: str, name: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise BadFilter(f"{name} must be a date like 2026-11-24") from exc


def cursor_of(f: CustomerFilter, customer: Customer) -> str:
    """The token naming ``customer``'s place in ``f``'s order (for the after/before links)."""
    sort = SORTS[f.sort]
    value = None
    if sort.column is not None:
        # The stored value, NULL included (``Customer.total_spent`` would read a missing row as 0).
        owner = customer.stats if sort.column.class_ is S else customer
        value = getattr(owner, sort.column.key) if owner is not None else None
        if isinstance(value, datetime):
            value = value.isoformat()
    raw = json.dumps([value, customer.id], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _cursor(raw: str, name: str, sort: Sort) -> tuple[Any, int] | None:
    if not raw:
        return None
    try:
        value, row_id = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        if not isinstance(row_id, int) or isinstance(row_id, bool):
            raise ValueError("id")
        if sort.column is None:
            return None, row_id
        if value is None:
            return None, row_id
        if sort.kind is datetime:
            value = datetime.fromisoformat(value)
            if value.tzinfo is None:
                raise ValueError("zone")
        elif not isinstance(value, sort.kind) or isinstance(value, bool):
            raise ValueError("type")
        return value, row_id
    except (ValueError, TypeError) as exc:  # binascii.Error and JSONDecodeError are ValueErrors
        raise BadFilter(f"{name} is not a page of this list; start from the first page") from exc


def _int(raw: str, name: str, *, low: int, high: int) -> int | None:
    if raw in ("", None):
        return None
    try:
        value = int(raw)
    except ValueError as exc:
        raise BadFilter(f"{name} must be a whole number") from exc
    if not low <= value <= high:
        raise BadFilter(f"{name} must be between {low} and {high}")
    return value


# Rows one person can tick on pages of the list (more is what the filter itself is for).
MAX_TICKED = 1000


def parse(args: Mapping[str, str]) -> CustomerFilter:
    """Read a filter from query parameters; nonsense raises ``BadFilter``."""
    get = lambda name: (args.get(name) or "").strip()  # noqa: E731

    def tag_list(name: str) -> list[int]:
        # "1,2" or a repeated parameter (a multiple select) alike.
        values = args.getlist(name) if hasattr(args, "getlist") else [args.get(name) or ""]
        return _ids(",".join(v for v in values if v), name)

    f = CustomerFilter(
        tags_any=tag_list("tags_any"),
        tags_all=tag_list("tags_all"),
        tags_none=tag_list("tags_none"),
        only_ids=tag_list("only_ids")[:MAX_TICKED],
        skin_type=get("skin_type") or None,
        lifecycle_stage=get("lifecycle_stage") or None,
        rfm_segment=get("rfm_segment") or None,
        member_level=get("member_level")[:16] or None,
        follower_id=_int(get("follower_id"), "follower_id", low=1, high=2**31),
        team_id=_int(get("team_id"), "team_id", low=1, high=2**31),
        added_from=_date(get("added_from"), "added_from"),
        added_to=_date(get("added_to"), "added_to"),
        ordered_from=_date(get("ordered_from"), "ordered_from"),
        ordered_to=_date(get("ordered_to"), "ordered_to"),
        q=get("q")[:64],
        sort=get("sort") or "added",
        per_page=_int(get("per_page"), "per_page", low=1, high=PER_PAGE_MAX) or 20,
    )
    for name in ("added_days_min", "added_days_max", "order_days_min", "order_days_max"):
        setattr(f, name, _int(get(name), name, low=0, high=36500))
    f.birthday_within = _int(get("birthday_within"), "birthday_within", low=0, high=366)
    f.state = get("state")[:64] or None
    for name in ("orders_min", "orders_max"):
        setattr(f, name, _int(get(name), name, low=0, high=100_000))
    f.bought_category = get("bought_category")[:32] or None
    f.bought_product = get("bought_product")[:255] or None
    f.store_code = get("store_code")[:32] or None
    f.unreached_days = _int(get("unreached_days"), "unreached_days", low=1, high=3650)
    f.guide_tier = get("guide_tier") or None
    if f.guide_tier and f.guide_tier not in ("A", "B", "C"):
        raise BadFilter("guide_tier is A, B or C")
    for name in ("avg_order_min", "avg_order_max"):
        value = _int(get(name), name, low=0, high=10**9)
        setattr(f, name, value * 100 if value is not None else None)
    spent_min = _int(get("spent_min"), "spent_min", low=0, high=10**9)
    spent_max = _int(get("spent_max"), "spent_max", low=0, high=10**9)
    f.spent_min = spent_min * 100 if spent_min is not None else None
    f.spent_max = spent_max * 100 if spent_max is not None else None
    if f.skin_type and f.skin_type not in {s.value for s in SkinType}:
        raise BadFilter("unknown skin_type")
    if f.lifecycle_stage and f.lifecycle_stage not in {s.value for s in LifecycleStage}:
        raise BadFilter("unknown lifecycle_stage")
    if f.rfm_segment and f.rfm_segment not in {s.value for s in RfmSegment}:
        raise BadFilter("unknown rfm_segment")
    if f.sort not in SORTS:
        raise BadFilter(f"sort must be one of {', '.join(SORTS)}")
    f.after = _cursor(get("after")[:512], "after", SORTS[f.sort])
    f.before = _cursor(get("before")[:512], "before", SORTS[f.sort])
    if f.after and f.before:
        raise BadFilter("after and before cannot both be given")
    return f


def month_day(column: Any) -> Any:
    """``MM-DD`` of a date column, in either database."""
    if db.engine.dialect.name == "postgresql":
        return func.to_char(column, "MM-DD")
    return func.strftime("%m-%d", column)


def _start(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=UTC)


def _tagged(tag_ids: list[int]) -> Any:
    live = CustomerTag.sync_status != TagSync.REMOVING.value
    return exists().where(CustomerTag.customer_id == Customer.id, CustomerTag.tag_id.in_(tag_ids), live)


def matching(viewer: Any, f: CustomerFilter) -> Select:
    """``SELECT customers`` in the viewer's scope that match ``f`` (no order, no paging)."""
    query = visibility.visible(viewer).outerjoin(S, S.customer_id == Customer.id)
    if f.only_ids:
        query = query.where(Customer.id.in_(f.only_ids))
    if f.tags_any:
        query = query.where(_tagged(f.tags_any))
    for tag_id in f.tags_all:
        query = query.where(_tagged([tag_id]))
    if f.tags_none:
        query = query.where(~_tagged(f.tags_none))
    if f.skin_type:
        query = query.where(Customer.skin_type == f.skin_type)
    if f.lifecycle_stage:
        query = query.where(S.lifecycle_stage == f.lifecycle_stage)
    if f.rfm_segment:
        query = query.where(S.rfm_segment == f.rfm_segment)
    if f.member_level:
        query = query.where(Customer.member_level == f.member_level)
    follow_conditions = []
    if f.follower_id:
        follow_conditions.append(Follow.staff_id == f.follower_id)
    if f.team_id:
        team = select(Staff.id).where(Staff.team_id.in_(visibility.team_subtree(f.team_id)))
        follow_conditions.append(Follow.staff_id.in_(list(db.session.scalars(team))))  # as ``visible``
    if f.added_from:
        follow_conditions.append(Follow.added_at >= _start(f.added_from))
    if f.added_to:
        follow_conditions.append(Follow.added_at < _start(f.added_to) + timedelta(days=1))
    now = utcnow()
    if f.added_days_min is not None:
        follow_conditions.append(Follow.added_at <= now - timedelta(days=f.added_days_min))
    if f.added_days_max is not None:
        follow_conditions.append(Follow.added_at > now - timedelta(days=f.added_days_max + 1))
    if f.state:
        follow_conditions.append(Follow.state == f.state)
    if f.guide_tier:
        follow_conditions.append(Follow.staff_id.in_(select(Staff.id).where(Staff.tier == f.guide_tier)))
    if follow_conditions:
        query = query.where(
            exists().where(
                Follow.customer_id == Customer.id, Follow.deleted_at.is_(None), and_(*follow_conditions)
            )
        )
    if f.order_days_min is not None:
        query = query.where(S.last_order_at <= now - timedelta(days=f.order_days_min))
    if f.order_days_max is not None:
        query = query.where(S.last_order_at > now - timedelta(days=f.order_days_max + 1))
    if f.birthday_within is not None:
        days = {(now + timedelta(days=n)).strftime("%m-%d") for n in range(f.birthday_within + 1)}
        query = query.where(month_day(Customer.birthday).in_(sorted(days)))
    if f.ordered_from:
        query = query.where(S.last_order_at >= _start(f.ordered_from))
    if f.ordered_to:
        query = query.where(S.last_order_at < _start(f.ordered_to) + timedelta(days=1))
    # A customer without a stats row has no orders: a lower bound above zero leaves them out (and can
    # use the index), an upper bound counts them as zero.
    if f.spent_min:
        query = query.where(S.total_spent >= f.spent_min)
    if f.spent_max is not None:
        query = query.where(func.coalesce(S.total_spent, 0) <= f.spent_max)
    if f.orders_min:
        query = query.where(S.order_count >= f.orders_min)
    if f.orders_max is not None:
        query = query.where(func.coalesce(S.order_count, 0) <= f.orders_max)
    if f.avg_order_min is not None:  # spent >= avg × count, without dividing
        query = query.where(S.order_count > 0, S.total_spent >= f.avg_order_min * S.order_count)
    if f.avg_order_max is not None:
        query = query.where(S.order_count > 0, S.total_spent <= f.avg_order_max * S.order_count)
    if f.bought_category or f.bought_product:
        item = [OrderItem.order_id == Order.id]
        if f.bought_category:
            item.append(OrderItem.category == f.bought_category)
        if f.bought_product:
            item.append(or_(OrderItem.sku == f.bought_product, OrderItem.title == f.bought_product))
        query = query.where(
            exists().where(
                Order.customer_id == Customer.id, Order.status.in_(COUNTED_STATUSES), exists().where(*item)
            )
        )
    if f.store_code:
        query = query.where(
            exists().where(
                Order.customer_id == Customer.id,
                Order.status.in_(COUNTED_STATUSES),
                Order.store_code == f.store_code,
            )
        )
    if f.unreached_days is not None:
        query = query.where(
            ~exists().where(
                CampaignTarget.customer_id == Customer.id,
                CampaignTarget.status == TargetStatus.SENT.value,
                CampaignTarget.sent_at >= now - timedelta(days=f.unreached_days),
            )
        )
    if f.q:
        # A union of indexed lookups (grams on name and remark, b-tree on phone): an OR across them
        # would make PostgreSQL scan every customer.
        hits = union(
            select(Customer.id).where(search.contains(Customer.name, f.q)),
            select(CustomerIdentity.customer_id).where(
                CustomerIdentity.kind == "phone", CustomerIdentity.value == (phones.normalise(f.q) or f.q)
            ),
            select(Follow.customer_id).where(search.contains(Follow.remark, f.q)),
        )
        query = query.where(Customer.id.in_(hits))
    return query


def count(session: Any, viewer: Any, f: CustomerFilter) -> int:
    """The exact number of matches (jobs and previews; the list uses ``count_upto``)."""
    return session.scalar(select(func.count()).select_from(matching(viewer, f).subquery()))


@dataclass(frozen=True)
class Count:
    n: int
    exact: bool  # False: at least n (the bound was reached)

    def __str__(self) -> str:
        return f"{self.n:,}" if self.exact else f"{self.n:,}+"


def count_upto(session: Any, viewer: Any, f: CustomerFilter, bound: int = COUNT_BOUND) -> Count:
    """The number of matches, counted no further than ``bound``."""
    capped = matching(viewer, f).with_only_columns(Customer.id).limit(bound + 1).subquery()
    n = session.scalar(select(func.count()).select_from(capped))
    return Count(min(n, bound), n <= bound)


@dataclass
class Page:
    rows: list[Customer]
    next: str | None  # cursor for the page after, if there is one
    previous: str | None


def page(session: Any, viewer: Any, f: CustomerFilter) -> Page:
    """One page of the list in ``f``'s order, after (or before) ``f``'s cursor: the sort key's index
    finds the page's first row, however deep, where OFFSET would read every row before it."""
    sort = SORTS[f.sort]
    backwards = f.before is not None
    rows: list[Customer] = []
    for conditions, order in sort.pieces(f.after, f.before):
        wanted = f.per_page + 1 - len(rows)
        if wanted <= 0:
            break
        query = matching(viewer, f).where(*conditions).order_by(*order).limit(wanted)
        # The stats from the list's own join, not a second one.
        rows += session.scalars(query.options(contains_eager(Customer.stats)))
    more = len(rows) > f.per_page
    rows = rows[: f.per_page]
    if backwards:
        rows.reverse()
    has_next = more if not backwards else True
    has_previous = f.after is not None if not backwards else more
    return Page(
        rows,
        next=cursor_of(f, rows[-1]) if rows and has_next else None,
        previous=cursor_of(f, rows[0]) if rows and has_previous else None,
    )


def ids(viewer: Any, f: CustomerFilter) -> Select:
    """Just the ids, for set-based work (bulk tagging) on exactly what the list shows."""
    return matching(viewer, f).with_only_columns(Customer.id)
