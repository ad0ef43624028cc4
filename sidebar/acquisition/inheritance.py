"""离职继承: the customers WeCom still holds for members who left go to colleagues — by rule (a colleague in
the same store, then the least loaded in the team, then in the brand) or by hand — in batches of 100
(``resigned/transfer_customer``), followed with ``resigned/transfer_result`` until each customer is done,
refused or limited. When WeCom says done, the follow moves here too and the customer's open SOP tasks go
to the new guide, who sees their notes and orders at once (those belong to the customer, not the guide)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, select, update

from sidebar.extensions import db
from sidebar.models import (
    Customer,
    DeletedBy,
    Follow,
    Handover,
    HandoverStatus,
    Role,
    SopTask,
    Staff,
    StaffStatus,
    TaskStatus,
    utcnow,
)
from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import wecom

BATCH = 100  # WeCom moves at most 100 customers a call
# transfer_result's status: 1 done, 2 waiting, 3 refused by the customer, 4 limited, 5 no takeover needed
RESULT = {
    1: HandoverStatus.DONE,
    2: HandoverStatus.WAITING,
    3: HandoverStatus.FAILED,
    4: HandoverStatus.LIMITED,
    5: HandoverStatus.FAILED,
}
LIMIT_ERRCODES = {40097, 40098}  # the takeover member holds too many customers (WeCom's wording varies)


def unassigned() -> dict[str, list[str]]:
    """handover userid → the customers WeCom still holds for them (``get_unassigned_list``, every page)."""
    held: dict[str, list[str]] = defaultdict(list)
    cursor = ""
    while True:
        page = wecom().post("externalcontact/get_unassigned_list", data={"cursor": cursor, "page_size": 1000})
        for item in page.get("info") or []:
            held[item["handover_userid"]].append(item["external_userid"])
        cursor = page.get("next_cursor") or ""
        if page.get("is_last", True) or not cursor:
            return dict(held)


def choose_takeover(handover: Staff | None) -> Staff | None:
    """A colleague for a leaver's customers: an active guide in the same store, else in the same team,
    else anywhere, the one holding the fewest live customers first."""
    load = (
        select(func.count(Follow.id))
        .where(Follow.staff_id == Staff.id, Follow.deleted_at.is_(None))
        .scalar_subquery()
    )
    base = select(Staff).where(Staff.status == StaffStatus.ACTIVE.value, Staff.role == Role.GUIDE)
    tries = []
    if handover is not None and handover.store_id:
        tries.append(base.where(Staff.store_id == handover.store_id))
    if handover is not None and handover.team_id:
        tries.append(base.where(Staff.team_id == handover.team_id))
    tries.append(base)
    for query in tries:
        found = db.session.scalar(query.order_by(load, Staff.id).limit(1))
        if found is not None and (handover is None or found.id != handover.id):
            return found
    return None


def request(
    handover_userid: str, takeover: Staff, external_userids: list[str], *, now: datetime | None = None
) -> dict[str, int]:
    """Ask WeCom to move these customers, 100 a call; every customer gets a row with WeCom's answer."""
    if takeover.status != StaffStatus.ACTIVE.value:
        raise ValueError("the colleague taking over must be an active member")
    now = now or utcnow()
    counts = {"requested": 0, "refused": 0}
    for start in range(0, len(external_userids), BATCH):
        batch = external_userids[start : start + BATCH]
        answer = wecom().transfer_customers(handover_userid, takeover.userid, batch, resigned=True)
        codes = {c["external_userid"]: int(c.get("errcode") or 0) for c in answer.get("customer") or []}
        for ext in batch:
            code = codes.get(ext, 0)
            status = (
                HandoverStatus.WAITING
                if code == 0
                else HandoverStatus.LIMITED
                if code in LIMIT_ERRCODES
                else HandoverStatus.REFUSED
            )
            db.session.add(
                Handover(
                    handover_userid=handover_userid,
                    takeover_staff_id=takeover.id,
                    external_userid=ext,
                    status=status.value,
                    errcode=code or None,
                    requested_at=now,
                )
            )
            counts["requested" if code == 0 else "refused"] += 1
        db.session.flush()
    return counts


def follow_up(*, now: datetime | None = None) -> dict[str, int]:
    """Ask WeCom how the waiting customers are doing; move the follow and the open tasks of each done one."""
    now = now or utcnow()
    counts = {"done": 0, "waiting": 0, "failed": 0}
    pairs = db.session.execute(
        select(Handover.handover_userid, Handover.takeover_staff_id)
        .where(Handover.status == HandoverStatus.WAITING.value)
        .distinct()
    ).all()
    for handover_userid, takeover_id in pairs:
        takeover = db.session.get(Staff, takeover_id)
        if takeover is None:
            continue
        try:
            answer = wecom().transfer_result(handover_userid, takeover.userid, resigned=True)
        except WeComError:
            continue  # asked again on the next run
        states = {c["external_userid"]: int(c.get("status") or 2) for c in answer.get("customer") or []}
        rows = db.session.scalars(
            select(Handover).where(
                Handover.handover_userid == handover_userid,
                Handover.takeover_staff_id == takeover_id,
                Handover.status == HandoverStatus.WAITING.value,
            )
        )
        for row in rows:
            status = RESULT.get(states.get(row.external_userid, 2), HandoverStatus.WAITING)
            if status is HandoverStatus.WAITING:
                counts["waiting"] += 1
                continue
            row.status, row.finished_at = status.value, now
            if status is HandoverStatus.DONE:
                _move(handover_userid, takeover, row.external_userid, now)
                counts["done"] += 1
            else:
                counts["failed"] += 1
    db.session.flush()
    return counts


def _move(handover_userid: str, takeover: Staff, external_userid: str, now: datetime) -> None:
    customer = db.session.scalar(select(Customer).where(Customer.external_userid == external_userid))
    leaver = db.session.scalar(select(Staff).where(Staff.userid == handover_userid))
    if customer is None or leaver is None:
        return
    old = db.session.scalar(
        select(Follow).where(
            Follow.customer_id == customer.id, Follow.staff_id == leaver.id, Follow.deleted_at.is_(None)
        )
    )
    if old is not None:
        old.deleted_at, old.deleted_by = now, DeletedBy.TRANSFER.value
    live = db.session.scalar(
        select(Follow).where(
            Follow.customer_id == customer.id, Follow.staff_id == takeover.id, Follow.deleted_at.is_(None)
        )
    )
    if live is None:
        db.session.add(
            Follow(
                customer_id=customer.id,
                staff_id=takeover.id,
                added_at=now,
                add_way=202,
                state=old.state if old is not None else None,
            )
        )
    db.session.execute(
        update(SopTask)
        .where(
            SopTask.customer_id == customer.id,
            SopTask.staff_id == leaver.id,
            SopTask.status == TaskStatus.PENDING.value,
        )
        .values(staff_id=takeover.id)
        .execution_options(synchronize_session=False)
    )


def on_transfer_fail(takeover_userid: str, external_userid: str, *, now: datetime | None = None) -> int:
    """WeCom's ``transfer_fail`` event: the customer refused, or the colleague is full; the waiting
    handover of that customer to that colleague failed. Returns how many rows it closed."""
    takeover = db.session.scalar(select(Staff.id).where(Staff.userid == takeover_userid))
    result = db.session.execute(
        update(Handover)
        .where(
            Handover.external_userid == external_userid,
            Handover.takeover_staff_id == takeover,
            Handover.status == HandoverStatus.WAITING.value,
        )
        .values(status=HandoverStatus.FAILED.value, finished_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
