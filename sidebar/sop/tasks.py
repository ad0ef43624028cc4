"""A guide's SOP tasks beside a chat: what each task sends (its pieces, in order: text, script, material,
coupon), progress, skipping.

A task is done only when every piece was sent: the page reports each success as it happens, so a send
that fails halfway leaves the task pending with what already went out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from sidebar.content import materials, scripts
from sidebar.core import send_log
from sidebar.core.errors import DomainError
from sidebar.extensions import db
from sidebar.models import (
    Coupon,
    Customer,
    GroupChat,
    GroupSopTask,
    SopRule,
    SopStep,
    SopTask,
    Staff,
    TaskStatus,
    utcnow,
)
from sidebar.money import coupons
from sidebar.signals import radar


class TaskError(DomainError):
    code = "bad_task"


def due_for(staff: Staff, customer: Customer, *, now: datetime | None = None) -> list[SopTask]:
    """This guide's open tasks for this customer, most important first (one query, content joined)."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(SopTask)
            .join(SopRule, SopRule.id == SopTask.rule_id)
            .options(
                joinedload(SopTask.step).joinedload(SopStep.script),
                joinedload(SopTask.step).joinedload(SopStep.material),
                joinedload(SopTask.step).joinedload(SopStep.coupon_template),
                joinedload(SopTask.rule),
            )
            .where(
                SopTask.staff_id == staff.id,
                SopTask.customer_id == customer.id,
                SopTask.status == TaskStatus.PENDING.value,
                SopTask.due_at <= now,
                SopTask.expires_at > now,
            )
            .order_by(SopRule.priority.desc(), SopTask.due_at)
        ).unique()
    )


def due_for_group(staff: Staff, group: GroupChat, *, now: datetime | None = None) -> list[GroupSopTask]:
    """The open group tasks this member (the group's owner) has for this group, most important first."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(GroupSopTask)
            .join(SopRule, SopRule.id == GroupSopTask.rule_id)
            .options(
                joinedload(GroupSopTask.step).joinedload(SopStep.script),
                joinedload(GroupSopTask.step).joinedload(SopStep.material),
                joinedload(GroupSopTask.rule),
            )
            .where(
                GroupSopTask.staff_id == staff.id,
                GroupSopTask.group_id == group.id,
                GroupSopTask.status == TaskStatus.PENDING.value,
                GroupSopTask.due_at <= now,
                GroupSopTask.expires_at > now,
            )
            .order_by(SopRule.priority.desc(), GroupSopTask.due_at)
        ).unique()
    )


def group_due_today(staff: Staff, *, now: datetime | None = None) -> list[tuple[GroupChat, int]]:
    """The groups this owner has open group tasks in, due by now, with how many."""
    now = now or utcnow()
    return [
        (group, n)
        for group, n in db.session.execute(
            select(GroupChat, func.count(GroupSopTask.id))
            .join(GroupSopTask, GroupSopTask.group_id == GroupChat.id)
            .where(
                GroupSopTask.staff_id == staff.id,
                GroupSopTask.status == TaskStatus.PENDING.value,
                GroupSopTask.due_at <= now,
                GroupSopTask.expires_at > now,
            )
            .group_by(GroupChat.id)
            .order_by(func.count(GroupSopTask.id).desc(), GroupChat.id)
        ).tuples()
    ]


def my_group_task(staff: Staff, task_id: int) -> GroupSopTask | None:
    return db.session.scalar(
        select(GroupSopTask).where(GroupSopTask.id == task_id, GroupSopTask.staff_id == staff.id)
    )


def piece_count(step: SopStep) -> int:
    """How many messages a step sends (``pieces`` makes them): its text, script, material and coupon."""
    return sum(1 for part in (step.text, step.script_id, step.material_id, step.coupon_template_id) if part)


def due_today(
    staff: Staff, *, now: datetime | None = None, limit: int = 300
) -> list[tuple[Customer, list[SopTask]]]:
    """The guide's work list: their open tasks due by now, grouped by customer (the customer with most
    to do first), each with its rule and step loaded."""
    now = now or utcnow()
    rows = db.session.execute(
        select(SopTask, Customer)
        .join(Customer, Customer.id == SopTask.customer_id)
        .join(SopRule, SopRule.id == SopTask.rule_id)
        .options(joinedload(SopTask.rule), joinedload(SopTask.step))
        .where(
            SopTask.staff_id == staff.id,
            SopTask.status == TaskStatus.PENDING.value,
            SopTask.due_at <= now,
            SopTask.expires_at > now,
        )
        .order_by(SopTask.customer_id, SopRule.priority.desc(), SopTask.due_at)
        .limit(limit)
    ).all()
    grouped: dict[int, tuple[Customer, list[SopTask]]] = {}
    for task, customer in rows:
        grouped.setdefault(customer.id, (customer, []))[1].append(task)
    return sorted(grouped.values(), key=lambda item: (-len(item[1]), min(t.due_at for t in item[1])))


def piece_kinds(task: SopTask | GroupSopTask) -> list[tuple[str, int | None]]:
    """What each piece of the task is, in the order ``pieces`` sends them, as the send log names it:
    (kind, the script, material or coupon template it came from)."""
    step = task.step
    kinds: list[tuple[str, int | None]] = []
    if step.text:
        kinds.append(("text", None))
    if step.script is not None:
        kinds.append(("script", step.script_id))
    if step.material is not None:
        kinds.append(("material", step.material_id))
    if step.coupon_template is not None and isinstance(task, SopTask):
        kinds.append(("coupon", None))
    return kinds


def pieces(task: SopTask | GroupSopTask, values: dict[str, str]) -> list[dict[str, Any]]:
    """What the task sends, in order (``piece_kinds``): its text, its script, its material (each filled
    for the customer), its coupon."""
    step = task.step
    out: list[dict[str, Any]] = []
    if step.text:
        text, unknown = scripts.fill(step.text, values)
        out.append(
            {"label": text, "unknown": unknown, "message": {"msgtype": "text", "text": {"content": text}}}
        )
    if step.script is not None:
        text, unknown = scripts.fill(step.script.body, values)
        out.append(
            {"label": text, "unknown": unknown, "message": {"msgtype": "text", "text": {"content": text}}}
        )
    if step.material is not None:
        material = step.material
        # A file is uploaded and a tracked material gets its own link when its turn comes: the server
        # makes those messages then ("tracked" says which route).
        tracked = radar.trackable(material)
        made_later = tracked or material.kind in materials.FILE_KINDS
        payload = None if made_later else materials.message(material)
        out.append(
            {
                "label": material.title,
                "unknown": [],
                "message": payload,
                "material_id": material.id,
                "tracked": tracked,
            }
        )
    if step.coupon_template is not None and isinstance(task, SopTask):
        # Issued when its turn comes (once per task: the key is the task's), so a skipped task costs
        # no stock; the card is made by the server then.
        template = step.coupon_template
        label = f"{template.name}（{coupons.describe(template)}）"
        out.append({"label": label, "unknown": [], "message": None, "coupon_template_id": template.id})
    return out


def coupon_key(task: SopTask) -> str:
    """The idempotency key of the coupon a task sends: one coupon per task, however often it is tried."""
    return f"sop-task-{task.id}"


def mine(staff: Staff, task_id: int) -> SopTask | None:
    return db.session.scalar(select(SopTask).where(SopTask.id == task_id, SopTask.staff_id == staff.id))


def record_piece(
    task: SopTask | GroupSopTask, piece: int, total: int, *, now: datetime | None = None
) -> None:
    """WeCom confirmed piece ``piece`` (0-based); when the last one is in, the task is done. Flushes."""
    if task.status != TaskStatus.PENDING.value:
        raise TaskError("this task is no longer open")
    if piece != task.sent_pieces or not 0 <= piece < total:
        raise TaskError("pieces are sent in order")
    now = now or utcnow()
    task.sent_pieces = piece + 1
    kinds = piece_kinds(task)
    kind, ref_id = kinds[piece] if piece < len(kinds) else ("text", None)
    coupon = (
        db.session.scalar(select(Coupon).where(Coupon.idempotency_key == coupon_key(task)))
        if kind == "coupon" and isinstance(task, SopTask)
        else None
    )
    if coupon is not None:
        ref_id = coupon.id
        coupons.mark_sent(coupon, now=now, log=False)  # logged here, as the task's piece
    chat_id = (
        db.session.scalar(select(GroupChat.chat_id).where(GroupChat.id == task.group_id))
        if isinstance(task, GroupSopTask)
        else None
    )
    send_log.record(
        task.staff_id,
        kind=kind,
        via="sop",
        ref_id=ref_id,
        customer_id=task.customer_id if isinstance(task, SopTask) else None,
        chat_id=chat_id,
        msgtype="news" if kind in ("material", "coupon") else "text",
        summary=task.rule.name if task.rule else "",
        at=now,
    )
    if task.sent_pieces == total:
        task.status = TaskStatus.DONE.value
        task.finished_at = now
    db.session.flush()


def skip(task: SopTask | GroupSopTask, reason: str, *, now: datetime | None = None) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise TaskError("say why the task is skipped")
    if task.status != TaskStatus.PENDING.value:
        raise TaskError("this task is no longer open")
    task.status, task.skip_reason, task.finished_at = TaskStatus.SKIPPED.value, reason[:255], now or utcnow()
    db.session.flush()
