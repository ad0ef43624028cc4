"""Opening a customer's page in one statement: the signed-in member, the customer with their computed
profile and main store, whether the member follows them, and their tags.

Every sidebar route about a customer starts here (``web.sidebar.customer_route``). Asked separately,
these were four round trips before the page could begin; together they are one. The decision stays
``visibility``'s: this only gives it what it needs (``visibility.decide``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, false, select, true

from sidebar.core.json_rows import json_rows, loads
from sidebar.customers import visibility
from sidebar.customers.profile import TagRef, TagView, tag_views_of
from sidebar.extensions import db
from sidebar.models import Customer, CustomerStats, CustomerTag, Follow, Staff, Store, Tag, TagGroup


@dataclass
class Opened:
    staff: Staff | None  # None: no such member (the session is checked by ``web.auth``)
    customer: Customer | None  # None: no such customer here
    follows: bool  # the member has a live follow of this customer
    main_store: str | None
    tag_groups: list[tuple[TagRef, list[TagView]]]


def open_page(staff_id: int, external_userid: str) -> Opened:
    known = visibility.EXTERNAL_USERID.match(external_userid or "") is not None
    own = exists().where(
        Follow.customer_id == Customer.id, Follow.staff_id == Staff.id, Follow.deleted_at.is_(None)
    )
    store = (
        select(Store.name)
        .join(CustomerStats, CustomerStats.main_store_code == Store.code)
        .where(CustomerStats.customer_id == Customer.id)
        .scalar_subquery()
    )
    tags = (
        select(
            json_rows(
                tag=Tag.id,
                name=Tag.name,
                order=Tag.order,
                group=TagGroup.id,
                group_name=TagGroup.name,
                group_order=TagGroup.order,
                status=CustomerTag.sync_status,
                op=CustomerTag.sync_op,
                error=CustomerTag.sync_error,
            )
        )
        .select_from(CustomerTag)
        .join(Tag, Tag.id == CustomerTag.tag_id)
        .join(TagGroup, TagGroup.id == Tag.group_id)
        .where(CustomerTag.customer_id == Customer.id)
        .scalar_subquery()
    )
    row = db.session.execute(
        select(Staff, Customer, own, store, tags)
        .select_from(Staff)
        .outerjoin(Customer, and_(Customer.external_userid == external_userid, true() if known else false()))
        .where(Staff.id == staff_id)
    ).first()
    if row is None:
        return Opened(None, None, False, None, [])
    staff, customer, follows, main_store, tag_rows = row
    return Opened(staff, customer, bool(follows), main_store, tag_views_of(loads(tag_rows)))
