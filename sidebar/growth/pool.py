"""客户公海: buyers into contacts.

The pool is every phone the brand knows from orders and members (Tmall, JD, Douyin, POS, the member
system) that no WeCom contact is known by yet (OneID left it unmatched), with what is known of them — spend,
last order, the store (the member's home store first, else the order's), skin type. ``refresh`` builds it
set-based. Head office assigns them to guides by store, a number per guide per day (``assign``); each guide
sees a daily "add these customers" list in the sidebar: the phone to copy, a suggested verification
message, the tags Beside will put on them.

WeCom has no API to add a customer by phone: the guide adds in WeCom, and Beside recognises it. A customer
added by searching their phone comes back from 获取客户详情 with that phone in the member's
``remark_mobiles`` (doc 92114; WeCom's answer in its developer community: "通过手机号直接添加的外部联系人，
也会返回"), which ``customers.contacts`` already learns as the customer's phone (OneID). ``on_add`` then
finds the guide's open assignment for one of the customer's phones, marks it added and applies its tags
(预打标签); a pool customer who became a contact any other way leaves the pool the same way."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, literal, select, update

from sidebar.core import upsert
from sidebar.core.errors import DomainError
from sidebar.core.units import brand_zone
from sidebar.customers import tags as customer_tags
from sidebar.data.oneid import LIVE_PHONE
from sidebar.extensions import db
from sidebar.models import (
    Customer,
    CustomerIdentity,
    Member,
    Order,
    PoolAssignment,
    PoolCustomer,
    PoolRule,
    PoolStatus,
    Role,
    Staff,
    StaffStatus,
    Store,
    Tag,
)
from sidebar.models.base import UTCDateTime


def today_of(now: datetime) -> date:
    return now.astimezone(brand_zone()).date()


def refresh(now: datetime) -> int:
    """Rebuild what the pool knows from unmatched orders and members; returns the phones in it."""
    table = PoolCustomer.__table__
    net, when = Order.total_amount - Order.refund_amount, literal(now, UTCDateTime())
    buyers = (
        select(Order.buyer_phone, func.sum(net), func.count(), func.max(Order.paid_at),
               func.max(Order.store_id), when)
        .where(Order.customer_id.is_(None), Order.buyer_phone.is_not(None))
        .group_by(Order.buyer_phone)
    )  # fmt: skip
    statement = upsert.insert(table).from_select(
        ["phone", "spend", "orders", "last_order_at", "store_id", "refreshed_at"], buyers
    )
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["phone"],
            set_={c: statement.excluded[c] for c in ("spend", "orders", "last_order_at", "refreshed_at")},
        )
    )
    members = (
        select(Member.phone, func.max(Member.name), func.max(Member.store_id), func.max(Member.skin_type),
               when)
        .where(Member.customer_id.is_(None), Member.phone.is_not(None))
        .group_by(Member.phone)
    )  # fmt: skip
    statement = upsert.insert(table).from_select(
        ["phone", "name", "store_id", "skin_type", "refreshed_at"], members
    )
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["phone"],  # a member's home store wins over an order's store
            set_={c: statement.excluded[c] for c in ("name", "store_id", "skin_type", "refreshed_at")},
        )
    )
    left = select(CustomerIdentity.customer_id).where(
        CustomerIdentity.value == PoolCustomer.phone, *LIVE_PHONE
    ).limit(1).scalar_subquery()  # fmt: skip
    db.session.execute(
        update(PoolCustomer).where(PoolCustomer.customer_id.is_(None)).values(customer_id=left)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    return int(db.session.scalar(select(func.count()).where(PoolCustomer.customer_id.is_(None))) or 0)


def assign(now: datetime, *, per_guide: int, message: str = "", tag_ids: list[int] | None = None) -> int:
    """Give each active guide up to ``per_guide`` pool customers of their store for today (the biggest
    spenders first); yesterday's open ones go back to the pool first. Returns how many were assigned."""
    today = today_of(now)
    expire(today)
    tag_json = json.dumps(sorted(set(tag_ids or [])))
    open_ = select(PoolAssignment.pool_customer_id).where(PoolAssignment.status == PoolStatus.ASSIGNED.value)
    guides = db.session.scalars(
        select(Staff).where(Staff.status == StaffStatus.ACTIVE.value, Staff.role == Role.GUIDE.value,
                            Staff.store_id.is_not(None)).order_by(Staff.store_id, Staff.id)
    )  # fmt: skip
    by_store: dict[int, list[Staff]] = {}
    for guide in guides:
        by_store.setdefault(int(guide.store_id or 0), []).append(guide)
    made = 0
    for store_id, members in by_store.items():
        wanted = per_guide * len(members)
        ids = list(
            db.session.scalars(
                select(PoolCustomer.id)
                .where(PoolCustomer.customer_id.is_(None), PoolCustomer.store_id == store_id,
                       PoolCustomer.id.not_in(open_))
                .order_by(PoolCustomer.spend.desc(), PoolCustomer.id)
                .limit(wanted)
            )
        )  # fmt: skip
        rows = [
            {"pool_customer_id": pid, "staff_id": members[n % len(members)].id, "day": today,
             "status": PoolStatus.ASSIGNED.value, "message": message[:255], "tag_ids": tag_json,
             "created_at": now}
            for n, pid in enumerate(ids)
        ]  # fmt: skip
        if rows:
            db.session.execute(upsert.insert(PoolAssignment.__table__), rows)
            made += len(rows)
    return made


def expire(today: date) -> int:
    result = db.session.execute(
        update(PoolAssignment)
        .where(PoolAssignment.status == PoolStatus.ASSIGNED.value, PoolAssignment.day < today)
        .values(status=PoolStatus.EXPIRED.value)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def todays(staff: Staff, now: datetime) -> list[PoolAssignment]:
    """The guide's list for today: still to add first, then the ones added."""
    return list(
        db.session.scalars(
            select(PoolAssignment)
            .where(PoolAssignment.staff_id == staff.id, PoolAssignment.day == today_of(now),
                   PoolAssignment.status.in_([PoolStatus.ASSIGNED.value, PoolStatus.ADDED.value]))
            .order_by(PoolAssignment.status, PoolAssignment.id)
        )
    )  # fmt: skip


def on_add(userid: str, external_userid: str, *, at: datetime) -> int:
    """A customer was added: the open assignments for any of their phones are done, their tags applied,
    and the pool customers leave the pool. Returns the assignments done."""
    customer = db.session.scalar(select(Customer).where(Customer.external_userid == external_userid))
    staff = db.session.scalar(select(Staff).where(Staff.userid == userid))
    if customer is None:
        return 0
    numbers = list(
        db.session.scalars(
            select(CustomerIdentity.value).where(CustomerIdentity.customer_id == customer.id, *LIVE_PHONE)
        )
    )
    if not numbers:
        return 0
    pooled = list(db.session.scalars(select(PoolCustomer).where(PoolCustomer.phone.in_(numbers))))
    done = 0
    for entry in pooled:
        entry.customer_id = customer.id
        open_ = db.session.scalar(
            select(PoolAssignment).where(PoolAssignment.pool_customer_id == entry.id,
                                         PoolAssignment.status == PoolStatus.ASSIGNED.value)
        )  # fmt: skip
        if open_ is None:
            continue
        open_.status, open_.customer_id, open_.added_at = PoolStatus.ADDED.value, customer.id, at
        done += 1
        by = staff or db.session.get(Staff, open_.staff_id)
        for tag in db.session.scalars(select(Tag).where(Tag.id.in_(json.loads(open_.tag_ids or "[]")))):
            if by is not None:
                customer_tags.add(customer, tag, by=by)
    db.session.flush()
    return done


def tag_names(assignments: list[PoolAssignment]) -> dict[int, list[str]]:
    """assignment id → the names of the tags it puts on the customer (one query)."""
    wanted = {a.id: json.loads(a.tag_ids or "[]") for a in assignments}
    every = sorted({t for ids in wanted.values() for t in ids})
    names = dict(db.session.execute(select(Tag.id, Tag.name).where(Tag.id.in_(every))).tuples().all())
    return {a: [names[t] for t in ids if t in names] for a, ids in wanted.items()}


def rule() -> PoolRule:
    """Head office's rule (one row, made switched off the first time it is needed)."""
    found = db.session.scalar(select(PoolRule).order_by(PoolRule.id).limit(1))
    if found is None:
        found = PoolRule(active=False)
        db.session.add(found)
        db.session.flush()
    return found


class RuleInvalid(DomainError):
    code = "invalid_pool_rule"

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


MAX_PER_GUIDE = 200


def save_rule(*, active: bool, per_guide: str, message: str, tag_ids: list[int], now: datetime) -> PoolRule:
    """Change the rule, or raise ``RuleInvalid`` and change nothing."""
    errors: dict[str, str] = {}
    if not per_guide.strip().isdigit() or not 1 <= int(per_guide) <= MAX_PER_GUIDE:
        errors["per_guide"] = str(_l("Between 1 and %(n)s a guide a day.", n=MAX_PER_GUIDE))
    if len(message) > 255:
        errors["message"] = str(_l("At most 255 characters."))
    known = set(db.session.scalars(select(Tag.id).where(Tag.id.in_(tag_ids))))
    if known != set(tag_ids):
        errors["tag_ids"] = str(_l("Choose tags that exist."))
    if errors:
        raise RuleInvalid(errors)
    row = rule()
    row.active, row.per_guide, row.message = active, int(per_guide), message.strip()
    row.tag_ids, row.updated_at = json.dumps(sorted(known)), now
    db.session.flush()
    return row


def assign_by_rule(now: datetime) -> int:
    row = rule()
    return assign(now, per_guide=row.per_guide, message=row.message, tag_ids=json.loads(row.tag_ids or "[]"))


@dataclass(frozen=True)
class Overview:
    in_pool: int
    by_store: list[tuple[str, int]]
    assigned_today: int
    added_today: int
    added_all: int


def overview(now: datetime) -> Overview:
    today = today_of(now)
    in_pool = db.session.scalar(select(func.count()).where(PoolCustomer.customer_id.is_(None))) or 0
    stores = db.session.execute(
        select(func.coalesce(Store.name, ""), func.count())
        .select_from(PoolCustomer)
        .outerjoin(Store, Store.id == PoolCustomer.store_id)
        .where(PoolCustomer.customer_id.is_(None))
        .group_by(Store.name)
        .order_by(func.count().desc())
        .limit(20)
    ).tuples().all()  # fmt: skip
    counts = dict(
        db.session.execute(
            select(PoolAssignment.status, func.count())
            .where(PoolAssignment.day == today)
            .group_by(PoolAssignment.status)
        ).tuples().all()
    )  # fmt: skip
    added_all = db.session.scalar(
        select(func.count()).where(PoolAssignment.status == PoolStatus.ADDED.value)
    )  # fmt: skip
    added = int(counts.get(PoolStatus.ADDED.value, 0))
    assigned = int(counts.get(PoolStatus.ASSIGNED.value, 0)) + added
    return Overview(int(in_pool), [(n, int(c)) for n, c in stores], assigned, added, int(added_all or 0))


@dataclass(frozen=True)
class Funnel:
    name: str
    pooled: int  # buyers the pool has held
    assigned: int  # of them, put on a guide's list at least once
    added: int  # added by phone through the pool
    bought_again: int  # of those added, ordered again after the add


def funnel(*, by: str = "store", since: datetime | None = None) -> list[Funnel]:
    """imported → assigned → added → bought again, per store (``by="store"``) or per guide (``"guide"``),
    for assignments made since ``since`` (all time when None); set-based, one query a step."""
    made = [PoolAssignment.created_at >= since] if since is not None else []
    if by == "guide":
        key: Any = PoolAssignment.staff_id
        names = dict(db.session.execute(select(Staff.id, Staff.name)).tuples().all())
    else:
        key = PoolCustomer.store_id
        names = dict(db.session.execute(select(Store.id, Store.name)).tuples().all())
    assigned = dict(
        db.session.execute(
            select(key, func.count(func.distinct(PoolAssignment.pool_customer_id)))
            .join(PoolCustomer, PoolCustomer.id == PoolAssignment.pool_customer_id)
            .where(*made).group_by(key)
        ).tuples().all()
    )  # fmt: skip
    added_rows = (
        select(key, PoolAssignment.customer_id, PoolAssignment.added_at)
        .join(PoolCustomer, PoolCustomer.id == PoolAssignment.pool_customer_id)
        .where(PoolAssignment.status == PoolStatus.ADDED.value, *made)
        .subquery()
    )
    again = select(Order.id).where(Order.customer_id == added_rows.c.customer_id,
                                   Order.paid_at > added_rows.c.added_at).exists()  # fmt: skip
    added = {
        k: (int(n), int(b or 0))
        for k, n, b in db.session.execute(
            select(added_rows.c[0], func.count(), func.sum(case((again, 1), else_=0))).group_by(
                added_rows.c[0]
            )
        ).tuples()
    }
    pooled: dict[Any, int] = {}
    if by == "store":
        pooled = dict(
            db.session.execute(select(PoolCustomer.store_id, func.count()).group_by(PoolCustomer.store_id))
            .tuples().all()
        )  # fmt: skip
    keys = sorted(set(assigned) | set(added) | set(pooled), key=lambda k: (k is None, str(names.get(k, ""))))
    out = []
    for k in keys:
        n_added, n_again = added.get(k, (0, 0))
        out.append(
            Funnel(str(names.get(k) or ""), int(pooled.get(k, 0)), int(assigned.get(k, 0)), n_added, n_again)
        )
    return out
