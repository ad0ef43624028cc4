"""SOP (标准作业流程): rules head office writes, their steps, and the tasks the engine makes from them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sidebar.extensions import Model, db
from sidebar.models.base import Timestamps, UTCDateTime, utcnow
from sidebar.models.content import Material, Script
from sidebar.models.money import CouponTemplate


class Trigger(enum.StrEnum):
    ADDED = "added"  # N days after the customer added the guide
    FIRST_ORDER = "first_order"  # N days after their first order
    LAST_ORDER = "last_order"  # N days after their latest order
    BIRTHDAY = "birthday"  # N days before their birthday
    FIXED = "fixed"  # at a fixed date and time
    WEEKLY = "weekly"  # every week on one weekday


class TaskStatus(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    SKIPPED = "skipped"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class SopRule(Timestamps, Model):
    __tablename__ = "sop_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    trigger: Mapped[str] = mapped_column(String(16))
    trigger_days: Mapped[int] = mapped_column(Integer, default=0)
    fixed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    weekday: Mapped[int | None] = mapped_column(Integer)  # 0 Monday ... 6 Sunday
    # Whom the rule is for: customers (one task per customer and guide) or group chats (one task per
    # group, for its owner).
    target: Mapped[str] = mapped_column(String(16), default="customers", server_default="customers")
    # Who: the console's customer filter, as query parameters (JSON); for groups, GROUP_AUDIENCE keys.
    audience: Mapped[str] = mapped_column(Text, default="{}")
    # Only guides of these tiers get tasks ("AB"); empty: every guide.
    guide_tiers: Mapped[str] = mapped_column(String(3), default="", server_default="")
    # How long a task stays open after it falls due.
    window_days: Mapped[int] = mapped_column(Integer, default=3)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The steps in force. A step changed in the editor is retired, not deleted (its tasks keep what they
    # said) and leaves this list; the database's ON DELETE CASCADE removes retired steps with the rule.
    steps: Mapped[list[SopStep]] = relationship(
        back_populates="rule",
        order_by="SopStep.position",
        cascade="all, delete-orphan",
        primaryjoin="and_(SopRule.id == SopStep.rule_id, SopStep.retired_at.is_(None))",
    )


class SopStep(Model):
    """One thing to send, ``offset_days`` after the trigger: text (with variables), a script, a material,
    a coupon.

    Editing a step makes a new version: the old one gets ``retired_at`` and the new one the first
    version's id as ``lineage_id``. Tasks point at the version that made them, and the engine counts
    every version of a lineage when it asks whether an occurrence already has its task.
    """

    __tablename__ = "sop_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("sop_rules.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    offset_days: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text, default="")
    script_id: Mapped[int | None] = mapped_column(ForeignKey("scripts.id", ondelete="SET NULL"), index=True)
    material_id: Mapped[int | None] = mapped_column(
        ForeignKey("materials.id", ondelete="SET NULL"), index=True
    )
    coupon_template_id: Mapped[int | None] = mapped_column(
        ForeignKey("coupon_templates.id", ondelete="SET NULL"), index=True
    )
    lineage_id: Mapped[int | None] = mapped_column(Integer)  # the first version's id; None: this is it
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    rule: Mapped[SopRule] = relationship(back_populates="steps")
    script: Mapped[Script | None] = relationship()
    material: Mapped[Material | None] = relationship()
    coupon_template: Mapped[CouponTemplate | None] = relationship()


class SopTask(Model):
    """What one guide should send one customer for one step, on one occurrence of the trigger.

    Unique per (step, customer, guide, occurrence): the engine can run as often as it likes.
    """

    __tablename__ = "sop_tasks"
    __table_args__ = (
        db.UniqueConstraint("step_id", "customer_id", "staff_id", "occurrence"),
        Index("ix_sop_tasks_staff_id_status_due_at", "staff_id", "status", "due_at"),
        Index("ix_sop_tasks_customer_id_status", "customer_id", "status"),
        Index("ix_sop_tasks_status_expires_at", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("sop_rules.id", ondelete="CASCADE"), index=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("sop_steps.id", ondelete="CASCADE"))
    # No foreign keys to customers and staff, on purpose: the engine inserts a million tasks in one
    # statement and PostgreSQL's per-row FK checks were ~40% of that time (bench/sop.py). The engine
    # only ever selects ids from live follows, and customers and staff are never hard-deleted
    # (customers are marked lost, staff resigned), so nothing can dangle.
    customer_id: Mapped[int] = mapped_column(Integer)
    staff_id: Mapped[int] = mapped_column(Integer)
    # Which occurrence of the trigger this is for (its date, or the year for birthdays).
    occurrence: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(16), default=TaskStatus.PENDING.value)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_pieces: Mapped[int] = mapped_column(Integer, default=0)
    skip_reason: Mapped[str | None] = mapped_column(String(255))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    rule: Mapped[SopRule] = relationship()
    step: Mapped[SopStep] = relationship()


# A group rule's audience: a group tag's name, the owner's userid, at least so many members, at least
# so many days old.
GROUP_AUDIENCE = ("tag", "owner", "min_members", "min_age_days")


class GroupSopTask(Model):
    """One step of a group rule for one group chat, sent into the group by its owner. Unique per (step,
    group, occurrence); done only when every piece was sent."""

    __tablename__ = "group_sop_tasks"
    __table_args__ = (
        db.UniqueConstraint("step_id", "group_id", "occurrence"),
        Index("ix_group_sop_tasks_staff_id_status_due_at", "staff_id", "status", "due_at"),
        Index("ix_group_sop_tasks_group_id_status", "group_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("sop_rules.id", ondelete="CASCADE"), index=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("sop_steps.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("group_chats.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    occurrence: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(16), default=TaskStatus.PENDING.value)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_pieces: Mapped[int] = mapped_column(Integer, default=0)
    skip_reason: Mapped[str | None] = mapped_column(String(255))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    rule: Mapped[SopRule] = relationship()
    step: Mapped[SopStep] = relationship()
