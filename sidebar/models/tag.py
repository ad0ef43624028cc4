"""Tag groups and tags (mirrors of WeCom corp tags, or local-only) and who carries which."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sidebar.extensions import Model
from sidebar.models.base import Timestamps, UTCDateTime, utcnow


class TagGroup(Timestamps, Model):
    __tablename__ = "tag_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    wecom_group_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    order: Mapped[int] = mapped_column(Integer, default=0)
    # Local-only groups are never pushed to WeCom (its limits, or the brand's choice).
    is_local: Mapped[bool] = mapped_column(Boolean, default=False)

    # Its tags go with it (the database's cascade; the ORM must not try to orphan loaded ones).
    tags: Mapped[list[Tag]] = relationship(
        back_populates="group",
        order_by="(Tag.order.desc(), Tag.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class Tag(Timestamps, Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("tag_groups.id", ondelete="CASCADE"), index=True)
    wecom_tag_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    order: Mapped[int] = mapped_column(Integer, default=0)
    is_local: Mapped[bool] = mapped_column(Boolean, default=False)

    group: Mapped[TagGroup] = relationship(back_populates="tags")


class TagSync(enum.StrEnum):
    """Where a customer's tag stands with WeCom. Pending and failed changes are retried by a job."""

    SYNCED = "synced"  # WeCom agrees
    LOCAL = "local"  # a local-only tag: nothing to sync
    ADDING = "adding"  # added here, mark_tag not yet confirmed
    REMOVING = "removing"  # removed here (hidden), mark_tag not yet confirmed
    FAILED = "failed"  # the last attempt failed; will be retried


# Statuses waiting for WeCom (what the push queue reads); kept in step with ``tags.pending_customer_ids``.
PENDING_SQL = "sync_status IN ('adding', 'removing', 'failed')"


class CustomerTag(Model):
    """A tag on a customer: who put it there, whether by hand, by rule or from WeCom, and whether
    WeCom has been told."""

    __tablename__ = "customer_tags"
    __table_args__ = (
        # The push queue: only the rows waiting for WeCom (most rows are synced or local and never
        # enter it, so a rule tagging a million customers writes fewer index entries).
        Index(
            "ix_customer_tags_sync_status_next_sync_at",
            "sync_status",
            "next_sync_at",
            postgresql_where=text(PENDING_SQL),
            sqlite_where=text(PENDING_SQL),
        ),
        Index(
            "ix_customer_tags_staff_id",
            "staff_id",
            postgresql_where=text("staff_id IS NOT NULL"),
            sqlite_where=text("staff_id IS NOT NULL"),
        ),
        Index(
            "ix_customer_tags_rule_id",
            "rule_id",
            postgresql_where=text("rule_id IS NOT NULL"),
            sqlite_where=text("rule_id IS NOT NULL"),
        ),
        # Tag filters over a million customers: an index-only scan of the tags that count.
        Index(
            "ix_customer_tags_tag_id_customer_id_live",
            "tag_id",
            "customer_id",
            postgresql_where=text("sync_status <> 'removing'"),
            sqlite_where=text("sync_status <> 'removing'"),
        ),
    )

    # No foreign keys on customer, tag and rule, on purpose: a rule's first run inserts a million rows in
    # one statement, and PostgreSQL's per-row checks (and the key-share lock each takes on the customer's
    # row) were over half its time (bench/rule_tags.py: 76 s with them, 32 s without). Customers are
    # never hard-deleted; a deleted tag's rows go with it in ``tags.forget`` and a deleted rule's lose
    # their rule_id in ``rule_tags.delete_rule``, the only places either is deleted.
    customer_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tag_id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(16), default="manual")  # manual | rule | wecom | import
    # The rule that put it there (source "rule"); a hand-added tag has none, so no rule removes it.
    rule_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sync_status: Mapped[str] = mapped_column(
        String(16), default=TagSync.SYNCED.value, server_default="synced"
    )
    # What the pending or failed change is: "add" or "remove".
    sync_op: Mapped[str | None] = mapped_column(String(8))
    sync_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sync_error: Mapped[str | None] = mapped_column(Text)
    next_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    tag: Mapped[Tag] = relationship(primaryjoin="foreign(CustomerTag.tag_id) == Tag.id")


class TagRule(Timestamps, Model):
    """An automatic tag: customers matching a filter carry ``tag``. Evaluated set-based after each
    recomputation (``data.rule_tags``); what a rule put on a customer is marked with its id, so
    disabling or deleting the rule takes exactly that off again."""

    __tablename__ = "tag_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), index=True)
    # The console's customer filter plus the data conditions, as JSON (``data.rule_tags.RuleFilter``).
    conditions: Mapped[str] = mapped_column(Text, default="{}")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_count: Mapped[int | None] = mapped_column(Integer)

    tag: Mapped[Tag] = relationship()


class TagRuleExclusion(Model):
    """A guide took a rule's tag off a customer by hand: the rule leaves that customer alone from then
    on (until an admin clears the rule's exceptions), rather than putting the tag back every night."""

    __tablename__ = "tag_rule_exclusions"

    rule_id: Mapped[int] = mapped_column(ForeignKey("tag_rules.id", ondelete="CASCADE"), primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
