"""客户朋友圈: posting tasks head office gives guides (``add_moment_task``), each guide's post, and what
customers did with it (likes and comments, ``get_moment_comments``)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sidebar.extensions import Model, db
from sidebar.models.base import UTCDateTime, utcnow


class MomentStatus(enum.StrEnum):
    CREATING = "creating"  # add_moment_task answered a jobid; get_moment_task_result will say the moment
    LIVE = "live"  # the moment exists in WeCom: guides post it
    FAILED = "failed"  # WeCom refused it
    CANCELLED = "cancelled"  # stopped (cancel_moment_task): guides who had not posted no longer can


class MomentTask(Model):
    """A posting task. One an SOP rule made (a weekly posting plan) names its step and occurrence, once."""

    __tablename__ = "moment_tasks"
    __table_args__ = (db.UniqueConstraint("sop_step_id", "occurrence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, default="")
    material_ids: Mapped[str] = mapped_column(Text, default="[]")  # JSON: images, or a video, or a link
    guide_ids: Mapped[str] = mapped_column(Text, default="[]")  # JSON staff ids who should post
    tag_ids: Mapped[str] = mapped_column(Text, default="[]")  # JSON our tag ids: customers who see it
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default=MomentStatus.CREATING.value)
    jobid: Mapped[str | None] = mapped_column(String(64))
    moment_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    error: Mapped[str | None] = mapped_column(String(255))
    staff_id: Mapped[int | None] = mapped_column(Integer)  # who made it
    admin_account_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sop_step_id: Mapped[int | None] = mapped_column(Integer)  # the SOP rule's step that made it
    occurrence: Mapped[str | None] = mapped_column(String(10))

    posts: Mapped[list[MomentPost]] = relationship(
        back_populates="task", cascade="all, delete-orphan", passive_deletes=True
    )


class MomentPost(Model):
    """One guide's post: of a task (posted or not yet), or their own from the sidebar."""

    __tablename__ = "moment_posts"
    __table_args__ = (
        db.UniqueConstraint("task_id", "staff_id"),
        Index("ix_moment_posts_staff_id_posted_at", "staff_id", "posted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("moment_tasks.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    moment_id: Mapped[str | None] = mapped_column(String(64), index=True)  # WeCom's, for comments
    text: Mapped[str] = mapped_column(Text, default="")  # a guide's own post: what they wrote
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seen: Mapped[int] = mapped_column(Integer, default=0)  # customers who can see it (get_moment_send_result)
    likes: Mapped[int] = mapped_column(Integer, default=0)
    comments: Mapped[int] = mapped_column(Integer, default=0)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    task: Mapped[MomentTask | None] = relationship(back_populates="posts")


class MomentInteraction(Model):
    """A customer liked or commented on a guide's post (once per post, customer, kind and time)."""

    __tablename__ = "moment_interactions"
    __table_args__ = (
        db.UniqueConstraint("post_id", "customer_id", "kind", "at"),
        Index("ix_moment_interactions_customer_id_at", "customer_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("moment_posts.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))  # like | comment
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    post: Mapped[MomentPost] = relationship()
