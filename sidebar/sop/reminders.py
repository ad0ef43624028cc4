"""The morning reminder: each guide with SOP tasks due, or customers to win back (``data.alerts``),
gets one WeCom app message a day."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from sidebar.data import alerts
from sidebar.extensions import db
from sidebar.models import SopTask, Staff, StaffStatus, TaskStatus
from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import gateway, wecom


def due_counts(now: datetime) -> list[tuple[Staff, int]]:
    rows = db.session.execute(
        select(Staff, func.count(SopTask.id))
        .join(SopTask, SopTask.staff_id == Staff.id)
        .where(
            Staff.status == StaffStatus.ACTIVE.value,
            SopTask.status == TaskStatus.PENDING.value,
            SopTask.due_at <= now,
            SopTask.expires_at > now,
        )
        .group_by(Staff.id)
        .order_by(Staff.id)
    )
    return [(staff, n) for staff, n in rows.tuples()]


def _what_to_say(staff: Staff, tasks: int, alerts: int) -> str:
    parts = []
    if tasks:
        parts.append(f"今天有 {tasks} 个 SOP 任务待完成")
    if alerts:
        parts.append(f"{alerts} 位客户需要挽回（见侧边栏“今日”）")
    return f"{staff.name}，" + "，".join(parts) + "。打开客户聊天的侧边栏即可一键处理。"


def send(now: datetime, *, agent_id: str) -> dict[str, int]:
    """Remind every guide with due tasks or open alerts, once per day (a second run the same day sends
    nothing)."""
    store = gateway().store
    day = now.strftime("%Y-%m-%d")
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    tasks = {staff.id: (staff, n) for staff, n in due_counts(now)}
    open_alerts = alerts.open_counts()
    alerted_only = set(open_alerts) - set(tasks)
    for staff in db.session.scalars(
        select(Staff).where(Staff.id.in_(alerted_only), Staff.status == StaffStatus.ACTIVE.value)
    ):
        tasks[staff.id] = (staff, 0)
    for staff, n in (tasks[k] for k in sorted(tasks)):
        key = f"sop:reminded:{day}:{staff.id}"
        if store.get(key):
            counts["skipped"] += 1
            continue
        try:
            wecom().message.send_text(
                agent_id,
                staff.userid,
                _what_to_say(staff, n, open_alerts.get(staff.id, 0)),
            )
        except WeComError:
            counts["failed"] += 1  # tried again on the next run
            continue
        store.set(key, "1", ttl=36 * 3600)
        counts["sent"] += 1
    return counts
