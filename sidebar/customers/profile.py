"""Everything the sidebar's customer page shows, loaded in a fixed handful of queries.

Six queries here (follows, tags, orders, their items, main store name, notes), plus the signed-in
member and the visibility-checked customer: eight per page, however many tags, orders or notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import desc, select
from sqlalchemy.orm import joinedload, selectinload

from sidebar.extensions import db
from sidebar.models import (
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


@dataclass
class TagView:
    tag: Tag
    status: str  # synced | local | adding | failed-add | failed-remove
    error: str | None = None


@dataclass
class Profile:
    customer: Customer
    mine: Follow | None  # the signed-in member's own follow, if any
    others: list[Follow]  # other live followers
    tag_groups: list[tuple[TagGroup, list[TagView]]]
    first_added: Follow | None = field(default=None)


def tag_views(rows: list[CustomerTag]) -> list[tuple[TagGroup, list[TagView]]]:
    """Group a customer's tags for display; a removal that synced is gone, one still pending is hidden,
    and a removal that failed stays visible with its warning."""
    groups: dict[int, tuple[TagGroup, list[TagView]]] = {}
    for row in rows:
        if row.sync_status == TagSync.REMOVING.value:
            continue
        if row.sync_status == TagSync.FAILED.value:
            status = "failed-remove" if row.sync_op == "remove" else "failed-add"
        else:
            status = row.sync_status
        group = row.tag.group
        groups.setdefault(group.id, (group, []))[1].append(TagView(row.tag, status, row.sync_error))
    # WeCom shows larger `order` first; so do we.
    ordered = sorted(groups.values(), key=lambda item: (-item[0].order, item[0].id))
    return [(g, sorted(views, key=lambda v: (-v.tag.order, v.tag.id))) for g, views in ordered]


def load(customer: Customer, staff: Staff | None) -> Profile:
    """``staff`` is the member looking (their own follow is set apart); None for a local admin."""
    follows = list(
        db.session.scalars(
            select(Follow)
            .options(joinedload(Follow.staff))
            .where(Follow.customer_id == customer.id)
            .order_by(Follow.added_at)
        )
    )
    live = [f for f in follows if f.deleted_at is None]
    mine = next((f for f in live if staff is not None and f.staff_id == staff.id), None)
    return Profile(
        customer=customer,
        mine=mine,
        others=[f for f in live if f is not mine],
        tag_groups=tags_of(customer),
        first_added=follows[0] if follows else None,
    )


def orders_of(customer: Customer) -> tuple[list[Order], str | None]:
    """The latest orders with their items, and the name of the store the customer buys at most (its
    code if the brand has not named it; both computed, ``data.profile``). Loaded when the guide scrolls
    to them: the top of the profile comes first."""
    orders = list(
        db.session.scalars(
            select(Order)
            .options(selectinload(Order.items))
            .where(Order.customer_id == customer.id)
            .order_by(desc(Order.paid_at))
            .limit(LATEST_ORDERS)
        )
    )
    code = customer.main_store_code
    store = db.session.scalar(select(Store.name).where(Store.code == code)) if code else None
    return orders, store or code


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


def tags_of(customer: Customer) -> list[tuple[TagGroup, list[TagView]]]:
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
