"""离职继承: the customers WeCom still holds for members who left go to colleagues — by rule (a colleague in
the same store, then the least loaded in the team, then in the brand) or by hand — in batches of 100
(``resigned/transfer_customer``), followed with ``resigned/transfer_result`` until each customer is done,
refused or limited. When WeCom says done, the follow moves here too and the customer's open SOP tasks go
to the new guide, who sees their notes and orders at once (those belong to the customer, not the guide)."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select, update

from sidebar.core import uow
from sidebar.core.analyze import analyze
from sidebar.extensions import db
from sidebar.models import (
    AdminAccount,
    BackgroundJob,
    Customer,
    DeletedBy,
    Follow,
    Handover,
    HandoverStatus,
    JobStatus,
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
ANALYZE_AFTER = 5_000  # customers asked for, or moved, in one run before the tables are analysed
# transfer_result's status: 1 done, 2 waiting, 3 refused by the customer, 4 limited, 5 no takeover needed
RESULT = {
    1: HandoverStatus.DONE,
    2: HandoverStatus.WAITING,
    3: HandoverStatus.FAILED,
    4: HandoverStatus.LIMITED,
    5: HandoverStatus.FAILED,
}
LIMIT_ERRCODES = {40099}  # the colleague taking over holds as many customers as WeCom allows
# WeCom's per-customer refusals of a transfer, in words a manager can act on
REASONS = {
    40096: _l("WeCom does not know this customer."),
    40097: _l("The member has not left yet; use an in-service move."),
    40098: _l("The colleague has not verified their real name in WeCom."),
    40099: _l("The colleague holds as many customers as WeCom allows."),
    40100: _l("This customer is already being moved."),
    40128: _l("WeCom allows two moves in 90 days; this customer has had both."),
    40129: _l("This customer is already being moved."),
    40130: _l("The colleague already serves this customer."),
    40131: _l("The member no longer serves this customer."),
}


def reason(errcode: int | None) -> str:
    """Why WeCom refused to move a customer, in words."""
    if not errcode:
        return ""
    known = REASONS.get(errcode)
    return str(known) if known else _("WeCom refused (code %(code)s).", code=errcode)


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


HAND_OVER = "hand_over"  # the background job's kind


def start_hand_over(
    handover_userid: str, leaver_name: str, takeover: Staff, customers: int, *, started_by: Any
) -> BackgroundJob:
    """The job row for a console hand-over, committed at once (its worker reads it from a session of its
    own): the page lists it with how it went, including a stop half-way and why."""
    job = BackgroundJob(
        kind=HAND_OVER,
        params=json.dumps(
            {
                "handover_userid": handover_userid,
                "leaver": leaver_name,
                "takeover_id": takeover.id,
                "takeover": takeover.name,
            },
            ensure_ascii=False,
        ),
        total=customers,
        staff_id=started_by.id if isinstance(started_by, Staff) else None,
        admin_account_id=started_by.id if isinstance(started_by, AdminAccount) else None,
    )
    db.session.add(job)
    uow.commit_point("the hand-over's worker reads its row from its own session")
    return job


def run_hand_over(job_id: int) -> dict[str, int]:
    """Ask WeCom to move what it still holds for the leaver, to the colleague chosen. A refusal or a stop
    half-way (rate limit, outage) ends the job as failed with the reason; the batches WeCom accepted
    stay recorded, so handing over again asks only for the rest."""
    job = db.session.get(BackgroundJob, job_id)
    if job is None or job.status != JobStatus.QUEUED.value:
        return {}
    job.status = JobStatus.RUNNING.value
    uow.commit_point("the console shows the hand-over running")
    params = json.loads(job.params)
    counts: dict[str, int] = {}
    try:
        takeover = db.session.get(Staff, params["takeover_id"])
        if takeover is None or takeover.status != StaffStatus.ACTIVE.value:
            raise ValueError(_("The colleague chosen is no longer an active member."))
        held = unassigned().get(params["handover_userid"], [])
        counts = request(params["handover_userid"], takeover, held) if held else {"requested": 0}
    except (WeComError, ValueError) as exc:
        why = (
            _("WeCom did not answer: %(why)s", why=exc.in_words())
            if isinstance(exc, WeComError)
            else str(exc)
        )
        uow.discard()  # what WeCom accepted is committed already; nothing else was written
        job = db.session.get(BackgroundJob, job_id)
        assert job is not None
        job.status, job.error, job.finished_at = JobStatus.FAILED.value, why, utcnow()
        return counts
    job.status, job.done, job.finished_at = JobStatus.DONE.value, job.total, utcnow()
    job.result = json.dumps(counts)
    return counts


def recent_hand_overs(limit: int = 10) -> list[tuple[BackgroundJob, dict[str, Any], dict[str, int]]]:
    """The latest console hand-overs: the job, what was asked (leaver, colleague) and what came of it."""
    jobs = db.session.scalars(
        select(BackgroundJob)
        .where(BackgroundJob.kind == HAND_OVER)
        .order_by(BackgroundJob.id.desc())
        .limit(limit)
    )
    return [(j, json.loads(j.params), json.loads(j.result or "{}")) for j in jobs]


def request(
    handover_userid: str, takeover: Staff, external_userids: list[str], *, now: datetime | None = None
) -> dict[str, int]:
    """Ask WeCom to move these customers, 100 a call; every customer gets a row with WeCom's answer,
    committed batch by batch: if WeCom stops answering half-way (rate limit, outage), what it accepted
    is kept and a second run asks only for the rest — no customer is ever requested twice."""
    if takeover.status != StaffStatus.ACTIVE.value:
        raise ValueError("the colleague taking over must be an active member")
    now = now or utcnow()
    counts = {"requested": 0, "refused": 0, "already": 0}
    pending: set[str] = set()
    for chunk in _chunks(external_userids):
        pending.update(
            db.session.scalars(
                select(Handover.external_userid).where(
                    Handover.external_userid.in_(chunk), Handover.status == HandoverStatus.WAITING.value
                )
            )
        )
    counts["already"] = len(pending)  # WeCom is moving them already: never asked twice
    external_userids = [ext for ext in dict.fromkeys(external_userids) if ext not in pending]
    for start in range(0, len(external_userids), BATCH):
        batch = external_userids[start : start + BATCH]
        for code in ask(handover_userid, takeover, batch, resigned=True, now=now).values():
            counts["requested" if code == 0 else "refused"] += 1
        uow.commit_point("a batch WeCom accepted is recorded before the next is asked")
    if len(external_userids) > ANALYZE_AFTER:
        analyze("handovers")  # a leaver's tens of thousands of rows: fresh statistics for follow_up
    return counts


def ask(
    handover_userid: str,
    takeover: Staff,
    batch: list[str],
    *,
    resigned: bool,
    now: datetime,
    message: str = "",
) -> dict[str, int]:
    """One ``transfer_customer`` call (离职 or 在职) of at most 100 customers; each gets a handover row with
    WeCom's answer. Returns external_userid → WeCom's errcode (0: accepted, now waiting)."""
    answer = wecom().transfer_customers(
        handover_userid, takeover.userid, batch, resigned=resigned, message=message
    )
    codes = {c["external_userid"]: int(c.get("errcode") or 0) for c in answer.get("customer") or []}
    out = {}
    for ext in batch:
        code = out[ext] = codes.get(ext, 0)
        status = (
            HandoverStatus.WAITING
            if code == 0
            else HandoverStatus.LIMITED
            if code in LIMIT_ERRCODES
            else HandoverStatus.REFUSED
        )
        db.session.add(
            Handover(
                resigned=resigned,
                handover_userid=handover_userid,
                takeover_staff_id=takeover.id,
                external_userid=ext,
                status=status.value,
                errcode=code or None,
                requested_at=now,
            )
        )
    return out


def follow_up(*, now: datetime | None = None) -> dict[str, int]:
    """Ask WeCom how the waiting customers are doing (离职 and 在职 alike); move the follow and the open
    tasks of the ones done, set-based per leaver and colleague."""
    now = now or utcnow()
    counts = {"done": 0, "waiting": 0, "failed": 0}
    groups = db.session.execute(
        select(Handover.handover_userid, Handover.takeover_staff_id, Handover.resigned)
        .where(Handover.status == HandoverStatus.WAITING.value)
        .distinct()
    ).all()
    for handover_userid, takeover_id, resigned in groups:
        takeover = db.session.get(Staff, takeover_id)
        if takeover is None:
            continue
        try:
            states = _results(handover_userid, takeover.userid, resigned=resigned)
        except WeComError:
            continue  # asked again on the next run
        waiting = db.session.scalars(
            select(Handover.external_userid).where(
                Handover.handover_userid == handover_userid,
                Handover.takeover_staff_id == takeover_id,
                Handover.resigned.is_(resigned),
                Handover.status == HandoverStatus.WAITING.value,
            )
        ).all()
        finished: dict[HandoverStatus, list[str]] = defaultdict(list)
        for ext in waiting:
            status = RESULT.get(states.get(ext, 2), HandoverStatus.WAITING)
            if status is HandoverStatus.WAITING:
                counts["waiting"] += 1
            else:
                finished[status].append(ext)
                counts["done" if status is HandoverStatus.DONE else "failed"] += 1
        for status, exts in finished.items():
            for chunk in _chunks(exts):
                db.session.execute(
                    update(Handover)
                    .where(
                        Handover.handover_userid == handover_userid,
                        Handover.takeover_staff_id == takeover_id,
                        Handover.status == HandoverStatus.WAITING.value,
                        Handover.external_userid.in_(chunk),
                    )
                    .values(status=status.value, finished_at=now)
                    .execution_options(synchronize_session=False)
                )
                if status is HandoverStatus.DONE:
                    move_follows(handover_userid, takeover, chunk, now)
    if counts["done"] + counts["failed"] > ANALYZE_AFTER:
        analyze("handovers", "follows", "sop_tasks")  # the moves rewrote many rows of each
    db.session.flush()
    return counts


def _results(handover_userid: str, takeover_userid: str, *, resigned: bool) -> dict[str, int]:
    """external_userid → WeCom's status for this leaver and colleague, every page."""
    states: dict[str, int] = {}
    cursor = ""
    while True:
        answer = wecom().transfer_result(handover_userid, takeover_userid, resigned=resigned, cursor=cursor)
        for c in answer.get("customer") or []:
            states[c["external_userid"]] = int(c.get("status") or 2)
        cursor = answer.get("next_cursor") or ""
        if not cursor:
            return states


def _chunks(items: list[str], size: int = 1000) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def move_follows(handover_userid: str, takeover: Staff, external_userids: list[str], now: datetime) -> None:
    """The customers WeCom moved: the leaver's follows end (as a transfer), the colleague's begin (or
    come back, if they served the customer before) with the same channel code, and the customers' open
    SOP tasks change hands. A fixed number of statements however many customers."""
    leaver = db.session.scalar(select(Staff.id).where(Staff.userid == handover_userid))
    ids: list[int] = list(
        db.session.scalars(select(Customer.id).where(Customer.external_userid.in_(external_userids)))
    )
    if not ids or leaver is None:
        return
    states: dict[int, str | None] = {
        cid: state
        for cid, state in db.session.execute(
            select(Follow.customer_id, Follow.state).where(
                Follow.staff_id == leaver, Follow.customer_id.in_(ids), Follow.deleted_at.is_(None)
            )
        )
    }
    db.session.execute(
        update(Follow)
        .where(Follow.staff_id == leaver, Follow.customer_id.in_(ids), Follow.deleted_at.is_(None))
        .values(deleted_at=now, deleted_by=DeletedBy.TRANSFER.value)
        .execution_options(synchronize_session=False)
    )
    known = set(
        db.session.scalars(
            select(Follow.customer_id).where(Follow.staff_id == takeover.id, Follow.customer_id.in_(ids))
        )
    )
    db.session.execute(
        update(Follow)
        .where(Follow.staff_id == takeover.id, Follow.customer_id.in_(ids), Follow.deleted_at.is_not(None))
        .values(deleted_at=None, deleted_by=None, added_at=now, add_way=202)
        .execution_options(synchronize_session=False)
    )
    fresh = [
        {
            "customer_id": cid,
            "staff_id": takeover.id,
            "added_at": now,
            "add_way": 202,
            "state": states.get(cid),
        }
        for cid in ids
        if cid not in known
    ]
    if fresh:
        db.session.execute(insert(Follow), fresh)
    db.session.execute(
        update(SopTask)
        .where(
            SopTask.customer_id.in_(ids),
            SopTask.staff_id == leaver,
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
