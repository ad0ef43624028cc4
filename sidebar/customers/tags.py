"""Adding and removing a customer's tags from the sidebar, and pushing the change to WeCom.

The change is ours at once (the guide sees it); WeCom is told by a job with ``mark_tag``. Until WeCom
confirms, the row says so (``adding`` / ``removing``); a failure is kept with its error and retried
with backoff (``failed``), so a change is never silently lost. Local-only tags never go to WeCom.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select

from sidebar.customers import rule_tags
from sidebar.extensions import db
from sidebar.models import Customer, CustomerTag, Follow, Staff, Tag, TagSync, utcnow
from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import wecom

MAX_BACKOFF = timedelta(hours=1)


def _row(customer: Customer, tag: Tag) -> CustomerTag | None:
    return db.session.get(CustomerTag, (customer.id, tag.id))


def add(customer: Customer, tag: Tag, *, by: Staff) -> bool:
    """Put ``tag`` on ``customer``; True when something changed."""
    row = _row(customer, tag)
    if row is not None and not (row.sync_status == TagSync.REMOVING.value or row.sync_op == "remove"):
        return False
    if row is None:
        row = CustomerTag(customer_id=customer.id, tag_id=tag.id, source="manual")
        db.session.add(row)
    row.staff_id = by.id
    row.sync_attempts, row.sync_error = 0, None
    if tag.is_local:
        row.sync_status, row.sync_op, row.next_sync_at = TagSync.LOCAL.value, None, None
    else:
        row.sync_status, row.sync_op, row.next_sync_at = TagSync.ADDING.value, "add", utcnow()
    db.session.flush()
    return True


def remove(customer: Customer, tag: Tag, *, by: Staff) -> bool:
    """Take ``tag`` off ``customer``; True when something changed."""
    row = _row(customer, tag)
    if row is None or row.sync_status == TagSync.REMOVING.value:
        return False
    rule_tags.exempted_by_hand(row, by)  # a rule's tag taken off by hand stays off (rule_tags)
    if tag.is_local or (row.sync_status == TagSync.ADDING.value and row.sync_attempts == 0):
        # Never reached WeCom: nothing to undo there. (An add that failed may have half-landed, so it
        # is removed through WeCom like any other.)
        db.session.delete(row)
    else:
        row.staff_id = by.id
        row.sync_status, row.sync_op, row.next_sync_at = TagSync.REMOVING.value, "remove", utcnow()
        row.sync_attempts, row.sync_error = 0, None
    db.session.flush()
    return True


def _acting_userid(row: CustomerTag, customer: Customer) -> str | None:
    """mark_tag is made in a follower's name: the member who made the change, or any live follower."""
    followers = db.session.execute(
        select(Staff.id, Staff.userid)
        .join(Follow)
        .where(Follow.customer_id == customer.id, Follow.deleted_at.is_(None))
    ).all()
    by_id: dict[int, str] = {staff_id: userid for staff_id, userid in followers}
    if row.staff_id in by_id:
        return by_id[row.staff_id]
    return followers[0][1] if followers else None


def pending_customer_ids(now: datetime | None = None, limit: int = 200) -> list[int]:
    """Customers with tag changes whose (next) push is due."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(CustomerTag.customer_id)
            .where(
                CustomerTag.sync_status.in_(
                    [TagSync.ADDING.value, TagSync.REMOVING.value, TagSync.FAILED.value]
                ),
                CustomerTag.next_sync_at <= now,
            )
            .distinct()
            .limit(limit)
        )
    )


def push(customer_id: int, *, now: datetime | None = None) -> dict[str, int]:
    """Tell WeCom about one customer's due tag changes, one mark_tag per acting member. Flushes."""
    now = now or utcnow()
    customer = db.session.get(Customer, customer_id)
    if customer is None:
        return {"synced": 0, "failed": 0}
    rows = list(
        db.session.scalars(
            select(CustomerTag)
            .join(Tag, Tag.id == CustomerTag.tag_id)
            .where(
                CustomerTag.customer_id == customer_id,
                CustomerTag.sync_status.in_(
                    [TagSync.ADDING.value, TagSync.REMOVING.value, TagSync.FAILED.value]
                ),
                CustomerTag.next_sync_at <= now,
                Tag.wecom_tag_id.is_not(None),
            )
        )
    )
    batches: dict[str | None, list[CustomerTag]] = {}
    for row in rows:
        batches.setdefault(_acting_userid(row, customer), []).append(row)
    counts = {"synced": 0, "failed": 0}
    for userid, batch in batches.items():
        add_ids = [r.tag.wecom_tag_id for r in batch if r.sync_op == "add"]
        remove_ids = [r.tag.wecom_tag_id for r in batch if r.sync_op == "remove"]
        try:
            if userid is None:
                raise WeComError(None, "no member follows this customer any more")
            wecom().external_contact.mark_tag(
                userid, customer.external_userid, add_tag=add_ids, remove_tag=remove_ids
            )
        except WeComError as exc:
            for r in batch:
                r.sync_attempts += 1
                r.sync_status = TagSync.FAILED.value
                r.sync_error = f"{exc.errcode or ''} {exc.in_words()}".strip()[:500]
                r.next_sync_at = now + min(MAX_BACKOFF, timedelta(seconds=30 * 2 ** (r.sync_attempts - 1)))
            counts["failed"] += len(batch)
            continue
        for r in batch:
            if r.sync_op == "remove":
                db.session.delete(r)
            else:
                r.sync_status, r.sync_op, r.sync_error, r.next_sync_at = (
                    TagSync.SYNCED.value,
                    None,
                    None,
                    None,
                )
                r.sync_attempts += 1
        counts["synced"] += len(batch)
    db.session.flush()
    return counts


def forget(tag_ids: list[int]) -> None:
    """Tags about to be deleted (here or in WeCom): their rows on customers go with them. Called by
    every path that deletes a tag or a group, as ``customer_tags`` has no foreign key to ``tags``."""
    if tag_ids:
        db.session.execute(
            delete(CustomerTag)
            .where(CustomerTag.tag_id.in_(tag_ids))
            .execution_options(synchronize_session=False)
        )
