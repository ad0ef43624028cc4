"""The SOP engine: makes the tasks that are due, set-based, one INSERT ... SELECT per rule step.

For each step the customers in the rule's audience whose trigger fell due (within the task window)
get one task per live follower who is still with the company. A task is unique per (step, customer,
guide, occurrence), so the engine may run as often as it likes. It also hands pending tasks of
resigned guides to the customer's other follower (or cancels them) and expires overdue tasks. The
clock is an argument: tests pin it.
"""

from __future__ import annotations

import json
import typing
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, String, and_, cast, exists, func, insert, literal, select, update
from sqlalchemy.orm import aliased

from sidebar.core.analyze import analyze
from sidebar.customers import query as customer_query
from sidebar.extensions import db
from sidebar.models import (
    AdminAccount,
    Customer,
    CustomerStats,
    Follow,
    GroupChat,
    GroupChatMember,
    GroupChatTag,
    GroupCode,
    GroupInvitation,
    GroupSopTask,
    GroupTag,
    MomentStatus,
    MomentTask,
    Role,
    SopRule,
    SopStep,
    SopTask,
    Staff,
    StaffStatus,
    TaskStatus,
    Trigger,
)
from sidebar.models.base import UTCDateTime

EVERYONE = AdminAccount()  # the audience is the whole brand; the rule's filter narrows it


def _affected(result: Any) -> int:
    """Rows an INSERT or UPDATE touched."""
    return typing.cast(CursorResult, result).rowcount or 0


def _window(rule: SopRule, step: SopStep, now: datetime) -> tuple[datetime, datetime]:
    """Events whose task (``trigger_days + offset_days`` later) fell due in the last ``window_days``."""
    delay = timedelta(days=rule.trigger_days + step.offset_days)
    return now - delay - timedelta(days=rule.window_days), now - delay


def _due(rule: SopRule, step: SopStep, now: datetime) -> tuple[Any, Any] | None:
    """(SQL condition on customers/follows, occurrence expression), or None when nothing is due now."""
    start, end = _window(rule, step, now)
    if rule.trigger == Trigger.ADDED.value:
        return and_(Follow.added_at > start, Follow.added_at <= end), cast(func.date(Follow.added_at), String)
    if rule.trigger in (Trigger.FIRST_ORDER.value, Trigger.LAST_ORDER.value):
        column = (
            CustomerStats.first_order_at
            if rule.trigger == Trigger.FIRST_ORDER.value
            else CustomerStats.last_order_at
        )
        return and_(column > start, column <= end), cast(func.date(column), String)
    if rule.trigger == Trigger.BIRTHDAY.value:
        # Birthdays falling `trigger_days` ahead of any of the window's days.
        ahead = timedelta(days=rule.trigger_days - step.offset_days)
        days = {(now - timedelta(days=n) + ahead).strftime("%m-%d") for n in range(rule.window_days + 1)}
        return customer_query.month_day(Customer.birthday).in_(sorted(days)), literal(str((now + ahead).year))
    if rule.trigger == Trigger.FIXED.value:
        if rule.fixed_at is None:
            return None
        due = rule.fixed_at + timedelta(days=step.offset_days)
        if not due <= now < due + timedelta(days=rule.window_days):
            return None
        return literal(True), literal(rule.fixed_at.date().isoformat())
    if rule.trigger == Trigger.WEEKLY.value:
        today = (now - timedelta(days=step.offset_days)).date()
        if rule.weekday is None or today.weekday() != rule.weekday:
            return None
        return literal(True), literal(today.isoformat())
    raise ValueError(f"unknown trigger {rule.trigger!r}")


def _audience(rule: SopRule) -> Any:
    f = customer_query.parse(json.loads(rule.audience or "{}"))
    return customer_query.ids(EVERYONE, f)


def _in_audience(rule: SopRule) -> Any:
    """The audience as a condition on customers; none for "everyone" (saves a million-row semi-join)."""
    if not json.loads(rule.audience or "{}"):
        return literal(True)
    return Customer.id.in_(_audience(rule))


COLUMNS = [
    "rule_id",
    "step_id",
    "customer_id",
    "staff_id",
    "occurrence",
    "status",
    "due_at",
    "expires_at",
    "sent_pieces",
    "created_at",
]


def _is_live(rule: SopRule, now: datetime) -> bool:
    return (
        rule.active
        and not (rule.starts_at and now < rule.starts_at)
        and not (rule.ends_at and now >= rule.ends_at)
    )


def _new_tasks(rule: SopRule, step: SopStep, now: datetime) -> Any | None:
    """``SELECT`` the rows of the tasks this step should get now and does not have yet."""
    due = _due(rule, step, now)
    if due is None:
        return None
    condition, occurrence = due
    task = aliased(SopTask)
    already = exists().where(
        _of_step(task.step_id, step),
        task.customer_id == Customer.id,
        task.staff_id == Follow.staff_id,
        task.occurrence == occurrence,
    )
    return (
        select(
            literal(rule.id),
            literal(step.id),
            Customer.id,
            Follow.staff_id,
            occurrence,
            literal(TaskStatus.PENDING.value),
            literal(now, UTCDateTime),
            literal(now + timedelta(days=rule.window_days), UTCDateTime),
            literal(0),
            literal(now, UTCDateTime),
        )
        .select_from(Customer)
        .join(Follow, and_(Follow.customer_id == Customer.id, Follow.deleted_at.is_(None)))
        .join(Staff, and_(Staff.id == Follow.staff_id, Staff.status == StaffStatus.ACTIVE.value))
        .outerjoin(CustomerStats, CustomerStats.customer_id == Customer.id)  # the order triggers
        .where(_in_audience(rule), condition, ~already, *_tiers(rule), *_not_yet_in_groups(rule))
    )


def _of_step(column: Any, step: SopStep) -> Any:
    """``column`` names this step or an earlier version of it (edited in the console), so an occurrence
    that already has its task is not given a second one by the new version."""
    root = step.lineage_id or step.id
    versions = list(
        db.session.scalars(select(SopStep.id).where((SopStep.id == root) | (SopStep.lineage_id == root)))
    )
    if len(versions) <= 1:
        return column == step.id  # never edited: the plain equality the unique index serves best
    return column.in_(versions)


def _not_yet_in_groups(rule: SopRule) -> list[Any]:
    """A group invitation's rule skips customers already in one of the invited groups (one small query
    per run of such a rule; other rules cost nothing)."""
    chat_ids = db.session.scalar(
        select(GroupCode.chat_ids)
        .join(GroupInvitation, GroupInvitation.code_id == GroupCode.id)
        .where(GroupInvitation.rule_id == rule.id)
    )
    if chat_ids is None:
        return []
    in_group = exists().where(
        GroupChatMember.userid == Customer.external_userid,
        GroupChatMember.left_at.is_(None),
        GroupChatMember.group_id.in_(select(GroupChat.id).where(GroupChat.chat_id.in_(json.loads(chat_ids)))),
    )
    return [~in_group]


def _tiers(rule: SopRule) -> list[Any]:
    """Only the guides of the rule's tiers, if it names any."""
    return [Staff.tier.in_(list(rule.guide_tiers))] if rule.guide_tiers else []


# A run that made this many tasks refreshes the task table's statistics: one rule over a big audience
# (an invitation to a tag of 300,000 customers) grows it by that much in one statement.
ANALYZE_AFTER = 10_000


def generate(rule: SopRule, *, now: datetime) -> int:
    """Make this rule's due tasks (flushes); how many were new."""
    if not _is_live(rule, now):
        return 0
    if rule.target == "moments":
        return _generate_moments(rule, now=now)
    if rule.target == "groups":
        made = _generate_for_groups(rule, now=now)
        table = "group_sop_tasks"
    else:
        made = 0
        for step in rule.steps:
            rows = _new_tasks(rule, step, now)
            if rows is not None:
                # preserve_rowcount: without it SQLAlchemy reports -1 for INSERT ... SELECT on PostgreSQL.
                statement = (
                    insert(SopTask).from_select(COLUMNS, rows).execution_options(preserve_rowcount=True)
                )
                made += _affected(db.session.execute(statement))
        db.session.flush()
        table = "sop_tasks"
    if made >= ANALYZE_AFTER:
        analyze(table)
    return made


# -- group rules: one task per group chat (in the audience, due), for its owner ----------------------

GROUP_COLUMNS = [
    "rule_id",
    "step_id",
    "group_id",
    "staff_id",
    "occurrence",
    "status",
    "due_at",
    "expires_at",
    "sent_pieces",
    "created_at",
]


def _group_due(rule: SopRule, step: SopStep, now: datetime) -> tuple[Any, Any] | None:
    """(condition on group_chats, occurrence) or None: a fixed date, a weekday, or (``added``) N days
    after the group was created."""
    if rule.trigger == Trigger.ADDED.value:
        start, end = _window(rule, step, now)
        created = GroupChat.created_on_wecom
        return and_(created > start, created <= end), cast(func.date(created), String)
    if rule.trigger in (Trigger.FIXED.value, Trigger.WEEKLY.value):
        return _due(rule, step, now)
    return None  # order and birthday triggers are a customer's


def _group_audience(rule: SopRule, now: datetime) -> list[Any]:
    """Conditions on group_chats from the rule's group audience (GROUP_AUDIENCE)."""
    wanted = json.loads(rule.audience or "{}")
    conditions: list[Any] = [GroupChat.status == "active"]
    if wanted.get("tag"):
        conditions.append(
            exists().where(
                GroupChatTag.group_id == GroupChat.id,
                GroupChatTag.tag_id == GroupTag.id,
                GroupTag.name == wanted["tag"],
            )
        )
    if wanted.get("owner"):
        conditions.append(GroupChat.owner_userid == wanted["owner"])
    if wanted.get("min_members"):
        conditions.append(GroupChat.member_count >= int(wanted["min_members"]))
    if wanted.get("min_age_days"):
        conditions.append(GroupChat.created_on_wecom <= now - timedelta(days=int(wanted["min_age_days"])))
    return conditions


def _new_group_tasks(rule: SopRule, step: SopStep, now: datetime) -> Any | None:
    due = _group_due(rule, step, now)
    if due is None:
        return None
    condition, occurrence = due
    done = aliased(GroupSopTask)
    return (
        select(
            literal(rule.id),
            literal(step.id),
            GroupChat.id,
            Staff.id,
            occurrence,
            literal(TaskStatus.PENDING.value),
            literal(now, UTCDateTime()),
            literal(now + timedelta(days=rule.window_days), UTCDateTime()),
            literal(0),
            literal(now, UTCDateTime()),
        )
        .join(Staff, and_(Staff.userid == GroupChat.owner_userid, Staff.status == StaffStatus.ACTIVE.value))
        .where(
            condition,
            *_group_audience(rule, now),
            ~exists().where(
                _of_step(done.step_id, step), done.group_id == GroupChat.id, done.occurrence == occurrence
            ),
        )
    )


def _generate_for_groups(rule: SopRule, *, now: datetime) -> int:
    made = 0
    for step in rule.steps:
        rows = _new_group_tasks(rule, step, now)
        if rows is not None:
            statement = (
                insert(GroupSopTask)
                .from_select(GROUP_COLUMNS, rows)
                .execution_options(preserve_rowcount=True)
            )
            made += _affected(db.session.execute(statement))
    db.session.flush()
    return made


# -- moment rules: a posting plan, one 客户朋友圈 task per step and occurrence, for the rule's guides ---


def _moment_guides(rule: SopRule) -> list[int]:
    return list(
        db.session.scalars(
            select(Staff.id).where(
                Staff.status == StaffStatus.ACTIVE.value, Staff.role == Role.GUIDE, *_tiers(rule)
            )
        )
    )


def _generate_moments(rule: SopRule, *, now: datetime) -> int:
    """Each step due now becomes a moment task for the rule's guides (once per occurrence: unique per
    step lineage and occurrence), handed to WeCom (``add_moment_task``)."""
    from sidebar.campaigns import moments

    made = 0
    for step in rule.steps:
        due = _group_due(rule, step, now)
        if due is None:
            continue
        occurrence = str(db.session.scalar(select(due[1])))
        root = step.lineage_id or step.id
        versions = select(SopStep.id).where((SopStep.id == root) | (SopStep.lineage_id == root))
        taken = db.session.scalar(
            select(MomentTask.id).where(
                MomentTask.sop_step_id.in_(versions), MomentTask.occurrence == occurrence
            )
        )
        guides = _moment_guides(rule)
        if taken is not None or not guides:
            continue
        text = step.text or (step.script.body if step.script else "")
        media = [step.material_id] if step.material and step.material.kind in ("image", "video") else []
        task = MomentTask(
            name=rule.name[:64],
            text=text[: moments.MAX_TEXT],
            material_ids=json.dumps(media),
            guide_ids=json.dumps(guides),
            tag_ids="[]",
            deadline=now + timedelta(days=rule.window_days or 1),
            status=MomentStatus.CREATING.value,
            sop_step_id=step.id,
            occurrence=occurrence,
        )
        db.session.add(task)
        db.session.flush()
        moments.create(task)
        made += 1
    return made


def preview(rule: SopRule, *, now: datetime) -> dict[str, int]:
    """Before enabling: how many customers (or groups, or guides for a posting plan) the audience holds
    and how many tasks a run now would make."""
    if rule.target == "moments":
        due = sum(1 for step in rule.steps if _group_due(rule, step, now) is not None)
        return {"customers": len(_moment_guides(rule)), "tasks": due}
    if rule.target == "groups":
        groups = db.session.scalar(select(func.count(GroupChat.id)).where(*_group_audience(rule, now))) or 0
        tasks = 0
        for step in rule.steps:
            rows = _new_group_tasks(rule, step, now)
            if rows is not None:
                tasks += db.session.scalar(select(func.count()).select_from(rows.subquery())) or 0
        return {"customers": groups, "tasks": tasks}
    customers = db.session.scalar(select(func.count()).select_from(_audience(rule).subquery())) or 0
    tasks = 0
    for step in rule.steps:
        rows = _new_tasks(rule, step, now)
        if rows is not None:
            tasks += db.session.scalar(select(func.count()).select_from(rows.subquery())) or 0
    return {"customers": customers, "tasks": tasks}


def tidy(*, now: datetime) -> dict[str, int]:
    """Expire overdue tasks; move resigned guides' pending tasks to another live follower, or cancel them."""
    expired = sum(
        _affected(
            db.session.execute(
                update(model)
                .where(model.status == TaskStatus.PENDING.value, model.expires_at < now)
                .values(status=TaskStatus.EXPIRED.value, finished_at=now)
            )
        )
        for model in (SopTask, GroupSopTask)
    )
    resigned = select(Staff.id).where(Staff.status == StaffStatus.RESIGNED.value)
    heir = (
        select(func.min(Follow.staff_id))
        .join(Staff, Staff.id == Follow.staff_id)
        .where(
            Follow.customer_id == SopTask.customer_id,
            Follow.deleted_at.is_(None),
            Staff.status == StaffStatus.ACTIVE.value,
        )
        .scalar_subquery()
    )
    clash = aliased(SopTask)
    free = ~exists().where(
        clash.step_id == SopTask.step_id,
        clash.customer_id == SopTask.customer_id,
        clash.occurrence == SopTask.occurrence,
        clash.staff_id == heir,
    )
    moved = _affected(
        db.session.execute(
            update(SopTask)
            .where(
                SopTask.status == TaskStatus.PENDING.value,
                SopTask.staff_id.in_(resigned),
                heir.is_not(None),
                free,
            )
            .values(staff_id=heir)
            .execution_options(synchronize_session=False)
        )
    )
    cancelled = _affected(
        db.session.execute(
            update(SopTask)
            .where(SopTask.status == TaskStatus.PENDING.value, SopTask.staff_id.in_(resigned))
            .values(status=TaskStatus.CANCELLED.value, finished_at=now)
            .execution_options(synchronize_session=False)
        )
    )
    db.session.flush()
    return {"expired": expired, "moved": moved, "cancelled": cancelled}


def run(*, now: datetime) -> dict[str, int]:
    """One pass over every active rule, by priority; then tidy. Flushes; the caller commits."""
    counts = tidy(now=now)
    made = 0
    for rule in db.session.scalars(
        select(SopRule).where(SopRule.active.is_(True)).order_by(SopRule.priority.desc(), SopRule.id)
    ):
        made += generate(rule, now=now)
    return {"made": made, **counts}
