"""Daily and weekly reports (日报 / 周报): at the brand's set time each guide and manager gets one WeCom app
message (a text card) with their figures — new customers, lost, net, SOP tasks done and due, coupons
issued and redeemed, red packets, sales — that opens a mobile report page with the same figures and a
chart, within the reader's scope (a guide: their own; a manager: their team and the teams under it).

A daily report covers yesterday, a weekly one last week (Monday to Sunday), in the brand's calendar.
Each (report, period, person) is claimed in ``report_sends`` before the message goes out, so a job
that runs twice, or on two workers at once, sends it once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from sidebar.core import uow
from sidebar.core.day_math import local_day
from sidebar.core.locking import day_start
from sidebar.core.units import brand_zone
from sidebar.customers.visibility import follower_ids
from sidebar.data.profile import COUNTED
from sidebar.extensions import db
from sidebar.models import (
    Attribution,
    Coupon,
    Follow,
    Order,
    PacketStatus,
    RedPacket,
    ReportSend,
    ReportSettings,
    Role,
    SopTask,
    Staff,
    StaffStatus,
    TaskStatus,
)
from sidebar.wecom import limits
from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import wecom

KINDS = ("daily", "weekly")
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
RECIPIENTS = (Role.GUIDE, Role.MANAGER)


class ReportSettingsError(ValueError):
    pass


def settings() -> ReportSettings:
    row = db.session.scalar(select(ReportSettings).limit(1))
    if row is None:
        row = ReportSettings(daily_on=True, daily_at="09:00", weekly_on=True, weekly_day=0, weekly_at="09:30")
        db.session.add(row)
        db.session.flush()
    return row


def save_settings(*, daily_on: bool, daily_at: str, weekly_on: bool, weekly_day: int, weekly_at: str) -> None:
    """Change when the reports go out; a time that is not HH:MM or a day that is not 0–6 changes nothing."""
    if not HHMM.match(daily_at) or not HHMM.match(weekly_at):
        raise ReportSettingsError("time")
    if not 0 <= weekly_day <= 6:
        raise ReportSettingsError("weekday")
    row = settings()
    row.daily_on, row.daily_at = daily_on, daily_at
    row.weekly_on, row.weekly_day, row.weekly_at = weekly_on, weekly_day, weekly_at


# -- periods ------------------------------------------------------------------------------------


def period(kind: str, start: date) -> tuple[datetime, datetime]:
    """The aware [start, end) of a report that begins on the brand's calendar day ``start``."""
    if kind not in KINDS:
        raise ValueError(kind)
    begin = datetime.combine(start, time(0), tzinfo=brand_zone())
    return begin, begin + timedelta(days=1 if kind == "daily" else 7)


def latest_start(kind: str, now: datetime) -> date:
    """The first day of the latest whole period: yesterday, or last week's Monday."""
    today = day_start(now).date()
    if kind == "daily":
        return today - timedelta(days=1)
    return today - timedelta(days=today.weekday() + 7)


def due(now: datetime) -> list[tuple[str, date]]:
    """The reports whose time has come today, by the brand's settings: (kind, period's first day)."""
    row = settings()
    local = now.astimezone(brand_zone())
    clock = local.strftime("%H:%M")
    out = []
    if row.daily_on and clock >= row.daily_at:
        out.append(("daily", latest_start("daily", now)))
    if row.weekly_on and local.weekday() == row.weekly_day and clock >= row.weekly_at:
        out.append(("weekly", latest_start("weekly", now)))
    return out


# -- figures ------------------------------------------------------------------------------------


@dataclass
class Figures:
    added: int = 0
    lost: int = 0
    tasks_done: int = 0
    tasks_due: int = 0
    coupons_issued: int = 0
    coupons_redeemed: int = 0
    packets: int = 0
    packet_amount: int = 0  # fen
    orders: int = 0
    sales: int = 0  # fen, net of refunds

    @property
    def net(self) -> int:
        return self.added - self.lost

    @property
    def task_rate(self) -> int | None:
        return round(100 * self.tasks_done / self.tasks_due) if self.tasks_due else None


def _in(column: Any, scope: Select | None) -> Any:
    return column.in_(scope) if scope is not None else True


def figures(reader: Staff, start: datetime, end: datetime) -> Figures:
    """The reader's figures for [start, end): a guide's own, a manager's team's, an admin's whole brand."""
    scope = follower_ids(reader)

    def count(query: Select) -> int:
        return int(db.session.scalar(query) or 0)

    f = Figures()
    f.added = count(
        select(func.count(Follow.id)).where(
            _in(Follow.staff_id, scope), Follow.added_at >= start, Follow.added_at < end, Follow.came_new()
        )
    )
    f.lost = count(
        select(func.count(Follow.id)).where(
            _in(Follow.staff_id, scope),
            Follow.deleted_at >= start,
            Follow.deleted_at < end,
            Follow.was_lost(),
        )
    )
    f.tasks_done = count(
        select(func.count(SopTask.id)).where(
            _in(SopTask.staff_id, scope),
            SopTask.status == TaskStatus.DONE.value,
            SopTask.finished_at >= start,
            SopTask.finished_at < end,
        )
    )
    f.tasks_due = count(
        select(func.count(SopTask.id)).where(
            _in(SopTask.staff_id, scope),
            SopTask.due_at >= start,
            SopTask.due_at < end,
            SopTask.status != TaskStatus.CANCELLED.value,
        )
    )
    f.coupons_issued = count(
        select(func.count(Coupon.id)).where(
            _in(Coupon.staff_id, scope), Coupon.created_at >= start, Coupon.created_at < end
        )
    )
    f.coupons_redeemed = count(
        select(func.count(Coupon.id)).where(
            _in(Coupon.staff_id, scope), Coupon.redeemed_at >= start, Coupon.redeemed_at < end
        )
    )
    packets = db.session.execute(
        select(func.count(RedPacket.id), func.coalesce(func.sum(RedPacket.amount), 0)).where(
            _in(RedPacket.staff_id, scope),
            RedPacket.status == PacketStatus.PAID.value,
            RedPacket.paid_at >= start,
            RedPacket.paid_at < end,
        )
    ).one()
    f.packets, f.packet_amount = int(packets[0]), int(packets[1])
    # Whose sale an order is: the guides' attribution, the one source every figure reads.
    sales = db.session.execute(
        select(func.count(Order.id), func.coalesce(func.sum(Order.total_amount - Order.refund_amount), 0))
        .join(Attribution, Attribution.order_id == Order.id)
        .where(
            _in(Attribution.staff_id, scope),
            Order.status.in_(COUNTED),
            Order.paid_at >= start,
            Order.paid_at < end,
        )
    ).one()
    f.orders, f.sales = int(sales[0]), int(sales[1])
    return f


def per_day(reader: Staff, end: datetime, days: int = 7) -> list[tuple[str, int, int]]:
    """(MM-DD, added, lost) for each of the ``days`` days before ``end``, for the chart: two grouped
    counts, by the brand's calendar day (``dashboard.local_day``, as the console's chart)."""
    scope = follower_ids(reader)
    start = end - timedelta(days=days)

    def by_day(column: Any, *more: Any) -> dict[str, int]:
        query = (
            select(local_day(column).label("day"), func.count(Follow.id))
            .where(_in(Follow.staff_id, scope), column >= start, column < end, *more)
            .group_by("day")
        )
        return {str(day): int(n) for day, n in db.session.execute(query)}

    added, lost = by_day(Follow.added_at, Follow.came_new()), by_day(Follow.deleted_at, Follow.was_lost())
    out = []
    for n in range(days):
        day = (start + timedelta(days=n)).date()  # ``end`` is a local midnight: these are local days
        out.append((day.strftime("%m-%d"), added.get(day.isoformat(), 0), lost.get(day.isoformat(), 0)))
    return out


# -- sending ------------------------------------------------------------------------------------


def title(kind: str, start: date) -> str:
    if kind == "daily":
        return f"日报 · {start.month}月{start.day}日"
    end = start + timedelta(days=6)
    return f"周报 · {start.month}月{start.day}日—{end.month}月{end.day}日"


def _card(reader: Staff, kind: str, start: date, f: Figures) -> dict[str, str]:
    base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    # Built without a request (the job runs in a worker): the path from the URL map, the host from config.
    path = current_app.url_map.bind("localhost").build(
        "sidebar.report_page", {"kind": kind, "day": start.isoformat()}
    )
    sales = f"销售 ¥{f.sales / 100:,.2f}（{f.orders} 单）" if f.orders else "暂无订单"
    scope = "团队" if reader.role == Role.MANAGER else "您"
    description = (
        f'<div class="gray">{scope}的{"昨日" if kind == "daily" else "上周"}数据</div>'
        f'<div class="highlight">新增客户 {f.added} · 流失 {f.lost} · 净增 {f.net}</div>'
        f'<div class="normal">SOP 任务完成 {f.tasks_done}/{f.tasks_due} · 发券 {f.coupons_issued}，'
        f"核销 {f.coupons_redeemed} · 红包 {f.packets} 个 · {sales}</div>"
    )
    return limits.textcard(title=title(kind, start), description=description, url=base + path, btntxt="详情")


def recipients() -> list[Staff]:
    return list(
        db.session.scalars(
            select(Staff)
            .where(Staff.status == StaffStatus.ACTIVE.value, Staff.role.in_(RECIPIENTS))
            .order_by(Staff.id)
        )
    )


def _claim(kind: str, start: date, staff: Staff) -> ReportSend | None:
    """Claim this report for this person, committed before anything is sent; None if already claimed."""
    claim = ReportSend(kind=kind, period_start=start.isoformat(), staff_id=staff.id)
    try:
        with db.session.begin_nested():
            db.session.add(claim)
    except IntegrityError:
        return None
    uow.commit_point("a report is claimed before it is sent, so it goes out once")
    return claim


def send_due(now: datetime, *, agent_id: str) -> dict[str, int]:
    """Send every report that is due and not yet sent; one text card per person per period."""
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    for kind, start in due(now):
        claimed = set(
            db.session.scalars(
                select(ReportSend.staff_id).where(
                    ReportSend.kind == kind, ReportSend.period_start == start.isoformat()
                )
            )
        )
        begin, end = period(kind, start)
        for staff in recipients():
            if staff.id in claimed:
                counts["skipped"] += 1
                continue
            claim = _claim(kind, start, staff)
            if claim is None:
                counts["skipped"] += 1
                continue
            card = _card(staff, kind, start, figures(staff, begin, end))
            try:
                wecom().message.send(agent_id, staff.userid, msg={"msgtype": "textcard", "textcard": card})
                claim.status = "sent"
                counts["sent"] += 1
            except WeComError as exc:
                # Not retried: a report that arrives hours late is noise; the page still shows it.
                claim.status, claim.error = "failed", (exc.errmsg or "")[:255]
                counts["failed"] += 1
            uow.commit_point("the outcome of a report sent")
    return counts
