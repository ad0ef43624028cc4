"""Everything the sidebar's customer page shows, loaded in a fixed handful of statements.

The page opens with one statement for the member, the customer, their tags and main store
(``opening``), then three here (follows, orders with their items, notes): four per page, however
many tags, orders or notes, and the whole page in one response.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import desc, select
from sqlalchemy.orm import joinedload, selectinload

from sidebar.extensions import db
from sidebar.models import (
    ChannelCode,
    Customer,
    CustomerTag,
    Follow,
    Note,
    Order,
    Staff,
    Store,
    Tag,
    TagGroup,
    TagSync,
)

LATEST_ORDERS = 10
LATEST_NOTES = 50


@dataclass(frozen=True)
class TagRef:
    id: int
    name: str
    order: int


@dataclass
class TagView:
    tag: TagRef
    status: str  # synced | local | adding | failed-add | failed-remove
    error: str | None = None


@dataclass
class Profile:
    customer: Customer
    mine: Follow | None  # the signed-in member's own follow, if any
    others: list[Follow]  # other live followers
    tag_groups: list[tuple[TagRef, list[TagView]]]
    first_added: Follow | None = field(default=None)
    guides: list[Follow] = field(default_factory=list)  # everyone who served, as ``guides_of``
    channel: str | None = None  # the channel code the customer first came through (its name)
    orders: list[Order] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def tag_views_of(rows: list[dict[str, Any]]) -> list[tuple[TagRef, list[TagView]]]:
    """Group a customer's tags for display; a removal that synced is gone, one still pending is hidden,
    and a removal that failed stays visible with its warning. ``rows``: tag, name, order, group,
    group_name, group_order, status, op, error (as ``opening`` reads them in one go)."""
    groups: dict[int, tuple[TagRef, list[TagView]]] = {}
    for row in rows:
        if row["status"] == TagSync.REMOVING.value:
            continue
        if row["status"] == TagSync.FAILED.value:
            status = "failed-remove" if row["op"] == "remove" else "failed-add"
        else:
            status = row["status"]
        group = groups.setdefault(
            row["group"], (TagRef(row["group"], row["group_name"], row["group_order"]), [])
        )
        group[1].append(TagView(TagRef(row["tag"], row["name"], row["order"]), status, row["error"]))
    # WeCom shows larger `order` first; so do we.
    ordered = sorted(groups.values(), key=lambda item: (-item[0].order, item[0].id))
    return [(g, sorted(views, key=lambda v: (-v.tag.order, v.tag.id))) for g, views in ordered]


def tag_views(rows: list[CustomerTag]) -> list[tuple[TagRef, list[TagView]]]:
    """``tag_views_of`` for loaded rows (with their tag and its group)."""
    return tag_views_of(
        [
            {
                "tag": r.tag.id,
                "name": r.tag.name,
                "order": r.tag.order,
                "group": r.tag.group.id,
                "group_name": r.tag.group.name,
                "group_order": r.tag.group.order,
                "status": r.sync_status,
                "op": r.sync_op,
                "error": r.sync_error,
            }
            for r in rows
        ]
    )


def load(
    customer: Customer,
    staff: Staff | None,
    *,
    tag_groups: list[tuple[TagRef, list[TagView]]] | None = None,
) -> Profile:
    """Everything the customer page shows. ``staff`` is the member looking (their own follow is set
    apart; None for a local admin). Given the tags (``opening`` loads them with the customer), this
    is three statements: the follows with their members and channel, the orders with their items,
    the notes with their authors."""
    rows = db.session.execute(
        select(Follow, ChannelCode.name)
        .options(joinedload(Follow.staff))
        .outerjoin(ChannelCode, ChannelCode.state == Follow.state)
        .where(Follow.customer_id == customer.id)
        .order_by(Follow.added_at, Follow.id)
    ).all()
    follows = [f for f, _ in rows]
    live = [f for f in follows if f.deleted_at is None]
    mine = next((f for f in live if staff is not None and f.staff_id == staff.id), None)
    first = rows[0] if rows else None
    return Profile(
        customer=customer,
        mine=mine,
        others=[f for f in live if f is not mine],
        tag_groups=tags_of(customer) if tag_groups is None else tag_groups,
        first_added=first[0] if first else None,
        guides=sorted(follows, key=lambda f: (f.deleted_at is not None, -f.added_at.timestamp(), -f.id)),
        # The code's name, or the raw state when no code of ours carries it (``codes.name_for``).
        channel=(first[1] or first[0].state) if first and first[0].state else None,
        orders=latest_orders(customer),
        notes=notes_of(customer),
    )


def latest_orders(customer: Customer) -> list[Order]:
    """The latest orders with their items, in one statement."""
    return list(
        db.session.scalars(
            select(Order)
            .options(joinedload(Order.items))
            .where(Order.customer_id == customer.id)
            .order_by(desc(Order.paid_at), desc(Order.id))
            .limit(LATEST_ORDERS)
        ).unique()
    )


def orders_of(customer: Customer) -> tuple[list[Order], str | None]:
    """The latest orders with their items, and the name of the store the customer buys at most (its
    code if the brand has not named it; both computed, ``data.profile``). Loaded when the guide scrolls
    to them: the top of the profile comes first."""
    return latest_orders(customer), main_store(customer)


def main_store(customer: Customer) -> str | None:
    """The name of the store the customer buys at most, or its code if the brand has not named it."""
    code = customer.main_store_code
    store = db.session.scalar(select(Store.name).where(Store.code == code)) if code else None
    return store or code


def notes_of(customer: Customer) -> list[Note]:
    return list(
        db.session.scalars(
            select(Note)
            .options(joinedload(Note.author))
            .where(Note.customer_id == customer.id)
            .order_by(desc(Note.created_at), desc(Note.id))
            .limit(LATEST_NOTES)
        )
    )


def guides_of(customer: Customer) -> list[Follow]:
    """Every guide who served the customer, newest first: when they began, and when and how it ended
    (moved to a colleague, deleted by either side) — the history a colleague taking over reads."""
    return list(
        db.session.scalars(
            select(Follow)
            .options(joinedload(Follow.staff))
            .where(Follow.customer_id == customer.id)
            .order_by(Follow.deleted_at.is_(None).desc(), desc(Follow.added_at), desc(Follow.id))
        )
    )


def tags_of(customer: Customer) -> list[tuple[TagRef, list[TagView]]]:
    rows = db.session.scalars(
        select(CustomerTag)
        .options(joinedload(CustomerTag.tag).joinedload(Tag.group))
        .where(CustomerTag.customer_id == customer.id)
    )
    return tag_views(list(rows))


def all_tag_groups() -> list[TagGroup]:
    """Every tag group with its tags, for the tag picker."""
    return list(
        db.session.scalars(
            select(TagGroup).options(selectinload(TagGroup.tags)).order_by(TagGroup.order.desc(), TagGroup.id)
        )
    )
