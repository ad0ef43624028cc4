"""Service quality from the archive: how fast guides answer, who waits too long, conversations a day.

A *question* is a customer's message after the guide's last word (or the first of a conversation); the
guide's next message answers it. Response time counts only working hours (``SERVICE_HOURS`` in the
brand's time zone): a question at 22:00 answered at 09:10 took ten minutes. A question unanswered past
``UNANSWERED_ALERT_MINUTES`` (working minutes) is *late*; the job tells the guide, and at twice the
limit the guide's manager, one app message per person for all their waiting customers.

Figures are kept per member and day (``ServiceDay``, made nightly for the days before and again for
today) and summed into the guides' months (``guides.metrics``) — where tiers can use them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import and_, case, delete, func, insert, or_, select

from sidebar.archive import read
from sidebar.core.units import brand_zone
from sidebar.extensions import db
from sidebar.models import (
    ArchiveMessage,
    Customer,
    Role,
    ServiceDay,
    Staff,
    StaffStatus,
    UnansweredAlert,
    utcnow,
)
from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import wecom


def hours() -> tuple[time, time]:
    start, end = str(current_app.config["SERVICE_HOURS"]).split("-")
    h1, m1 = (int(x) for x in start.split(":"))
    h2, m2 = (int(x) for x in end.split(":"))
    return time(h1, m1), (time(23, 59, 59) if (h2, m2) == (24, 0) else time(h2, m2))


def limit() -> timedelta:
    return timedelta(minutes=float(current_app.config["UNANSWERED_ALERT_MINUTES"]))


def working_seconds(start: datetime, end: datetime, opening: tuple[time, time] | None = None) -> int:
    """Seconds between two instants that fall within working hours (each day's, in the brand's zone)."""
    if end <= start:
        return 0
    opens, closes = opening or hours()
    zone = brand_zone()
    total = 0.0
    day = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    while day <= last:
        open_at = datetime.combine(day, opens, zone)
        close_at = datetime.combine(day, closes, zone)
        lo, hi = max(start, open_at), min(end, close_at)
        if hi > lo:
            total += (hi - lo).total_seconds()
        day += timedelta(days=1)
    return int(total)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    zone = brand_zone()
    start = datetime.combine(day, time(0), zone).astimezone(UTC)
    return start, start + timedelta(days=1)


def compute_day(day: date, *, now: datetime | None = None) -> int:
    """Make ``day``'s figures again for every member with conversations; returns how many members."""
    now = now or utcnow()
    start, end = _day_bounds(day)
    opening, most = hours(), limit()
    refused = read.refused()
    rows = db.session.execute(
        select(ArchiveMessage.staff_userid, ArchiveMessage.customer_userid, ArchiveMessage.from_customer,
               ArchiveMessage.sent_at)
        .where(ArchiveMessage.room_id.is_(None), ArchiveMessage.staff_userid.is_not(None),
               ArchiveMessage.customer_userid.is_not(None), ArchiveMessage.customer_userid.not_in(refused),
               ArchiveMessage.action == "send", ArchiveMessage.sent_at >= start - timedelta(days=1),
               ArchiveMessage.sent_at < end + timedelta(days=1))
        .order_by(ArchiveMessage.staff_userid, ArchiveMessage.customer_userid, ArchiveMessage.sent_at,
                  ArchiveMessage.id)
    ).tuples()  # fmt: skip
    figures: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    talked: dict[str, set[str]] = defaultdict(set)
    waiting: datetime | None = None
    conversation: tuple[str, str] | None = None
    previous_from_customer = False

    def close(staff: str, asked: datetime | None, answered: datetime | None) -> None:
        if asked is None or not start <= asked < end:
            return
        f = figures[staff]
        f["questions"] += 1
        took = working_seconds(asked, answered or now, opening)
        if answered is not None:
            f["answered"] += 1
            f["response_seconds"] += took
        if took > most.total_seconds() and (answered is not None or now - asked > most):
            f["late"] += 1

    for staff_or_none, customer_or_none, from_customer, at in rows:
        staff, customer = str(staff_or_none), str(customer_or_none)  # both NOT NULL by the query
        if (staff, customer) != conversation:
            if conversation is not None:
                close(conversation[0], waiting, None)
            conversation, waiting, previous_from_customer = (staff, customer), None, False
        if start <= at < end:
            talked[staff].add(customer)
        if from_customer:
            if not previous_from_customer and waiting is None:
                waiting = at
        elif waiting is not None:
            close(staff, waiting, at)
            waiting = None
        previous_from_customer = from_customer
    if conversation is not None:
        close(conversation[0], waiting, None)
    db.session.execute(delete(ServiceDay).where(ServiceDay.day == day))
    members = set(figures) | set(talked)
    if members:
        db.session.execute(
            insert(ServiceDay),
            [
                {"staff_userid": m, "day": day, "conversations": len(talked.get(m, ())),
                 "questions": figures[m]["questions"], "answered": figures[m]["answered"],
                 "response_seconds": figures[m]["response_seconds"], "late": figures[m]["late"],
                 "computed_at": now}
                for m in sorted(members)
            ],
        )  # fmt: skip
    return len(members)


def recompute(*, now: datetime | None = None, days: int = 2) -> int:
    """Today and the days before (late answers change yesterday's figures)."""
    now = now or utcnow()
    today = now.astimezone(brand_zone()).date()
    return sum(compute_day(today - timedelta(days=n), now=now) for n in range(days))


# -- customers waiting ---------------------------------------------------------------------------------


def waiting_now(now: datetime) -> list[tuple[ArchiveMessage, int]]:
    """Customers whose last message (within a day) has waited past the limit in working time: (their
    first unanswered message, working seconds waited)."""
    since = now - timedelta(days=1)
    pair = (ArchiveMessage.staff_userid, ArchiveMessage.customer_userid)
    one_to_one = (
        ArchiveMessage.room_id.is_(None),
        ArchiveMessage.staff_userid.is_not(None),
        ArchiveMessage.customer_userid.is_not(None),
        ArchiveMessage.sent_at >= since,
    )
    spoke = func.max(case((ArchiveMessage.from_customer.is_(False), ArchiveMessage.sent_at)))
    asked = func.max(case((ArchiveMessage.from_customer.is_(True), ArchiveMessage.sent_at)))
    threads = (
        select(*pair, spoke.label("spoke"))
        .where(*one_to_one, ArchiveMessage.customer_userid.not_in(read.refused()))
        .group_by(*pair)
        .having(or_(spoke.is_(None), asked > spoke))
        .subquery()
    )
    # Each thread's first customer message since the member last spoke, in one query (not one a thread).
    same_pair = and_(ArchiveMessage.staff_userid == threads.c.staff_userid,
                     ArchiveMessage.customer_userid == threads.c.customer_userid)  # fmt: skip
    since_spoke = ArchiveMessage.sent_at > func.coalesce(threads.c.spoke, since)
    firsts = (
        select(*pair, func.min(ArchiveMessage.sent_at).label("at"))
        .join(threads, same_pair)
        .where(*one_to_one, ArchiveMessage.from_customer.is_(True), since_spoke)
        .group_by(*pair)
        .subquery()
    )
    rows = db.session.scalars(
        select(ArchiveMessage)
        .join(
            firsts,
            and_(
                ArchiveMessage.staff_userid == firsts.c.staff_userid,
                ArchiveMessage.customer_userid == firsts.c.customer_userid,
                ArchiveMessage.sent_at == firsts.c.at,
            ),
        )  # fmt: skip
        .where(*one_to_one, ArchiveMessage.from_customer.is_(True))
        .order_by(ArchiveMessage.id)
    )
    first_of: dict[tuple[str | None, str | None], ArchiveMessage] = {}
    for message in rows:  # two in the same millisecond: the first stored
        first_of.setdefault((message.staff_userid, message.customer_userid), message)
    opening, most = hours(), limit().total_seconds()
    out = []
    for first in first_of.values():
        waited = working_seconds(first.sent_at, now, opening)
        if waited > most:
            out.append((first, waited))
    return out


def alert(*, now: datetime, agent_id: str) -> dict[str, int]:
    """Tell guides (at the limit) and their managers (at twice the limit) who is waiting; each once."""
    counts = {"guides": 0, "managers": 0, "failed": 0}
    waiting = waiting_now(now)
    if not waiting:
        return counts
    most = limit().total_seconds()
    whom = {m.customer_userid for m, _ in waiting}
    names = dict(
        db.session.execute(
            select(Customer.external_userid, Customer.name).where(Customer.external_userid.in_(whom))
        ).tuples().all()
    )  # fmt: skip
    # Nothing is written before WeCom is called (on SQLite the shared store's own connection would wait
    # for our write lock): who to tell is worked out first, the rows after.
    ids = [m.id for m, _ in waiting]
    known = select(UnansweredAlert).where(UnansweredAlert.message_id.in_(ids))
    alerts = {a.message_id: a for a in db.session.scalars(known)}
    for message, _waited in waiting:
        if message.id not in alerts:
            alerts[message.id] = UnansweredAlert(
                message_id=message.id,
                staff_userid=message.staff_userid or "",
                customer_userid=message.customer_userid or "",
            )
    to_guides: dict[str, list[str]] = defaultdict(list)
    guide_rows: dict[str, list[UnansweredAlert]] = defaultdict(list)
    to_managers: dict[str, list[str]] = defaultdict(list)
    manager_rows: dict[str, list[UnansweredAlert]] = defaultdict(list)
    overseers = _overseers()
    for message, waited in waiting:
        row = alerts[message.id]
        who = names.get(row.customer_userid, "客户")
        if row.guide_told_at is None:
            to_guides[row.staff_userid].append(who)
            guide_rows[row.staff_userid].append(row)
        elif row.manager_told_at is None and waited > 2 * most:
            for manager in overseers.get(row.staff_userid, []):
                to_managers[manager].append(f"{who}（{row.staff_userid}）")
                manager_rows[manager].append(row)
    staff_names = dict(db.session.execute(select(Staff.userid, Staff.name)).tuples().all())
    minutes = int(most // 60)
    for readers, rows, field, late, template in (
        (to_guides, guide_rows, "guide_told_at", minutes,
         "{name}，有 {n} 位客户的消息超过 {late} 分钟未回复：{who}"),
        (to_managers, manager_rows, "manager_told_at", 2 * minutes,
         "{name}，团队有 {n} 位客户超过 {late} 分钟未得到回复：{who}"),
    ):  # fmt: skip
        for userid, customers in readers.items():
            text = template.format(name=staff_names.get(userid, ""), n=len(customers), late=late,
                                   who="、".join(customers[:5]))  # fmt: skip
            if not _send(agent_id, userid, text):
                counts["failed"] += 1
                continue
            counts["guides" if field == "guide_told_at" else "managers"] += 1
            for row in rows[userid]:
                setattr(row, field, now)
    for row in alerts.values():
        if row.guide_told_at is not None and row not in db.session:
            db.session.add(row)
    db.session.flush()
    return counts


def _send(agent_id: str, userid: str, text: str) -> bool:
    try:
        wecom().message.send_text(agent_id, userid, text)
    except WeComError:
        return False
    return True


def _overseers() -> dict[str, list[str]]:
    """member userid → the userids of the active managers who oversee them."""
    out: dict[str, list[str]] = defaultdict(list)
    managers = db.session.scalars(
        select(Staff).where(Staff.role == Role.MANAGER, Staff.status == StaffStatus.ACTIVE.value)
    )
    for manager in managers:
        for userid in read.scope_userids(manager) or []:
            if userid != manager.userid:
                out[userid].append(manager.userid)
    return out
