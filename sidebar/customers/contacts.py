"""Customers and follows as WeCom reports them: upserted from ``externalcontact/get`` and batch pages.

Functions flush, never commit; the caller (a job, a command, a view) commits once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from sidebar.data import oneid
from sidebar.extensions import db
from sidebar.models import Customer, CustomerTag, DeletedBy, Follow, IdentitySource, Staff, utcnow
from sidebar.org import corp_tags as tag_service
from sidebar.wecom.gateway import wecom


def _ts(epoch: int | str | None) -> datetime:
    return datetime.fromtimestamp(int(epoch), UTC) if epoch else utcnow()


def _apply_contact(customer: Customer, contact: dict[str, Any], now: datetime) -> None:
    customer.name = contact.get("name") or customer.name or ""
    customer.avatar = contact.get("avatar") or customer.avatar
    customer.type = int(contact.get("type") or customer.type or 1)
    customer.gender = int(contact.get("gender") or 0)
    customer.unionid = contact.get("unionid") or customer.unionid
    customer.corp_name = contact.get("corp_name") or customer.corp_name
    customer.wecom_synced_at = now


def upsert_contacts(
    entries: Sequence[tuple[dict[str, Any], list[dict[str, Any]]]], *, complete: bool
) -> list[Customer]:
    """Store what WeCom said of some customers: ``(external_contact, follow_users)`` pairs.

    ``complete`` means each follow_users list is the customer's whole list (``externalcontact/get``),
    so a live follow missing from it has ended; batch pages carry one follower each and end nothing.
    A handful of queries per call, whatever the number of entries.
    """
    if not entries:
        return []
    now = utcnow()
    ext_ids = [contact["external_userid"] for contact, _ in entries]
    customers = {
        c.external_userid: c
        for c in db.session.scalars(select(Customer).where(Customer.external_userid.in_(ext_ids)))
    }
    for contact, _ in entries:
        customer = customers.get(contact["external_userid"])
        if customer is None:
            customer = Customer(external_userid=contact["external_userid"])
            db.session.add(customer)
            customers[customer.external_userid] = customer
        _apply_contact(customer, contact, now)
    db.session.flush()

    userids = {f["userid"] for _, follows in entries for f in follows}
    staff_by_userid = (
        {s.userid: s for s in db.session.scalars(select(Staff).where(Staff.userid.in_(userids)))}
        if userids
        else {}
    )
    customer_ids = [c.id for c in customers.values()]
    follows = {
        (f.staff_id, f.customer_id): f
        for f in db.session.scalars(select(Follow).where(Follow.customer_id.in_(customer_ids)))
    }
    wecom_tag_ids = {
        t["tag_id"] for _, fus in entries for f in fus for t in f.get("tags", []) if t.get("tag_id")
    }
    tags_by_wecom_id = tag_service.tags_by_wecom_id(wecom_tag_ids)

    seen: set[tuple[int, int]] = set()
    tag_rows: dict[tuple[int, int], int | None] = {}
    for contact, follow_users in entries:
        customer = customers[contact["external_userid"]]
        for fu in follow_users:
            staff = staff_by_userid.get(fu["userid"])
            if staff is None:
                continue  # a member we have not synced yet; `flask sync staff` brings them in
            key = (staff.id, customer.id)
            seen.add(key)
            follow = follows.get(key)
            if follow is None:
                follow = Follow(
                    staff_id=staff.id, customer_id=customer.id, added_at=_ts(fu.get("createtime"))
                )
                db.session.add(follow)
                follows[key] = follow
            follow.remark = (fu.get("remark") or "")[:64]
            follow.description = (fu.get("description") or "")[:255]
            follow.remark_mobiles = ",".join(fu.get("remark_mobiles") or [])
            follow.add_way = int(fu.get("add_way") or 0)
            follow.state = fu.get("state") or follow.state
            follow.deleted_at = None
            follow.deleted_by = None
            for t in fu.get("tags", []):
                tag = tags_by_wecom_id.get(t.get("tag_id", ""))
                if tag is not None and int(t.get("type", 1)) == 1:
                    tag_rows.setdefault((customer.id, tag.id), staff.id)

    # The mobiles a guide typed on the customer in WeCom are phones the customer is known by (OneID).
    oneid.learn_phones(
        (customers[contact["external_userid"]].id, mobile, IdentitySource.WECOM, fu["userid"])
        for contact, follow_users in entries
        for fu in follow_users
        for mobile in fu.get("remark_mobiles") or []
        if isinstance(mobile, str)
    )
    if complete:
        for key, follow in follows.items():
            if key not in seen and follow.deleted_at is None:
                follow.deleted_at = now
    _add_customer_tags(tag_rows)
    db.session.flush()
    return list(customers.values())


def _add_customer_tags(rows: dict[tuple[int, int], int | None]) -> None:
    if not rows:
        return
    customer_ids = {c for c, _ in rows}
    existing = set(
        db.session.execute(
            select(CustomerTag.customer_id, CustomerTag.tag_id).where(
                CustomerTag.customer_id.in_(customer_ids)
            )
        ).tuples()
    )
    for (customer_id, tag_id), staff_id in rows.items():
        if (customer_id, tag_id) not in existing:
            db.session.add(
                CustomerTag(customer_id=customer_id, tag_id=tag_id, staff_id=staff_id, source="wecom")
            )


def from_event(userid: str, external_userid: str, *, added_at: datetime) -> Customer | None:
    """What an add event itself says — this member now has this customer — stored before WeCom is asked
    for the rest: ``externalcontact/get`` can answer 84061 for a moment after the add, and the welcome
    (20 s) cannot wait for it. None when the member is not synced here yet."""
    staff = db.session.scalar(select(Staff).where(Staff.userid == userid))
    if staff is None:
        return None
    customer = db.session.scalar(select(Customer).where(Customer.external_userid == external_userid))
    if customer is None:
        customer = Customer(external_userid=external_userid, name="")
        db.session.add(customer)
        db.session.flush()
    follow = db.session.scalar(
        select(Follow).where(Follow.staff_id == staff.id, Follow.customer_id == customer.id)
    )
    if follow is None:
        db.session.add(Follow(staff_id=staff.id, customer_id=customer.id, added_at=added_at))
    elif follow.deleted_at is not None:
        follow.deleted_at, follow.deleted_by, follow.added_at = None, None, added_at
    db.session.flush()
    return customer


def refresh_customer(external_userid: str) -> Customer:
    """Ask WeCom about one customer and store the answer (profile, every follower, their corp tags)."""
    result = wecom().contact(external_userid)
    follow_users = list(result.get("follow_user") or [])
    if any(t.get("tag_id") for f in follow_users for t in f.get("tags", [])):
        tag_service.ensure_known(
            {t["tag_id"] for f in follow_users for t in f.get("tags", []) if t.get("tag_id")}
        )
    return upsert_contacts([(result["external_contact"], follow_users)], complete=True)[0]


def live_follow(customer: Customer, staff: Staff) -> Follow | None:
    """The member's own live follow of the customer, if any (from the customer's loaded follows)."""
    return next((f for f in customer.follows if f.staff_id == staff.id and f.deleted_at is None), None)


def end_follow(userid: str, external_userid: str, *, by: DeletedBy, at: datetime) -> bool:
    """Mark a follow ended (who ended it, and when); the customer and their history stay."""
    staff_id = select(Staff.id).where(Staff.userid == userid).scalar_subquery()
    customer_id = select(Customer.id).where(Customer.external_userid == external_userid).scalar_subquery()
    result = db.session.execute(  # an UPDATE: a cursor result, with its row count
        update(Follow)
        .where(Follow.staff_id == staff_id, Follow.customer_id == customer_id, Follow.deleted_at.is_(None))
        .values(deleted_at=at, deleted_by=by.value)
        .execution_options(synchronize_session=False)
    )
    return bool(cast(CursorResult, result).rowcount)
