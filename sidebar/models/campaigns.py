"""企业群发 campaigns: what head office sends one to many, whom it is for, how it was handed to WeCom (one
``add_msg_template`` per guide and batch of at most 10,000 customers), and what became of each customer."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sidebar.extensions import Model, db
from sidebar.models.base import UTCDateTime, utcnow


class CampaignStatus(enum.StrEnum):
    SCHEDULED = "scheduled"  # planned; handed to WeCom at send_at
    SENDING = "sending"  # being handed to WeCom, batch by batch
    SENT = "sent"  # every batch handed: guides confirm in WeCom, results come in
    CANCELLED = "cancelled"


class BatchStatus(enum.StrEnum):
    PENDING = "pending"  # not yet asked of WeCom
    ASKING = "asking"  # add_msg_template under way: after a crash, found in WeCom's list or asked again
    HANDED = "handed"  # WeCom answered a msgid: the guide has it in 群发助手
    FAILED = "failed"  # WeCom refused it (its customers are marked failed)
    CANCELLED = "cancelled"


class TargetStatus(enum.StrEnum):
    PLANNED = "planned"  # in a batch, waiting for the guide to send
    HELD_OUT = "held_out"  # the holdout: deliberately not sent, to compare against
    OVER_LIMIT = "over_limit"  # would exceed WeCom's per-customer limit: left out before sending
    FAILED = "failed"  # in WeCom's fail_list, or the batch was refused
    SENT = "sent"  # send_result status 1
    NOT_FRIEND = "not_friend"  # status 2: no longer the guide's contact
    LIMIT_REACHED = "limit_reached"  # status 3: received its limit of mass messages
    CANCELLED = "cancelled"


class Campaign(Model):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=CampaignStatus.SCHEDULED.value)
    # Whom it goes to: customers (each from their main guide) or customer groups (each by its owner).
    target: Mapped[str] = mapped_column(String(16), default="customers", server_default="customers")
    text: Mapped[str] = mapped_column(Text, default="")
    material_ids: Mapped[str] = mapped_column(Text, default="[]")  # JSON list, in order
    # Whom it is for (JSON): the console's customer filter as query parameters; for groups, a group tag
    # and an owner (``GROUP_AUDIENCE``'s ``tag`` and ``owner``).
    audience: Mapped[str] = mapped_column(Text, default="{}")
    holdout_percent: Mapped[int] = mapped_column(Integer, default=0)
    # A coupon card (a claim link) carried as the last attachment: each recipient may claim one, from the
    # template's stock and within its limits, but not from any guide's daily quota (head office sends it).
    coupon_template_id: Mapped[int | None] = mapped_column(
        ForeignKey("coupon_templates.id", ondelete="RESTRICT")
    )
    send_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Who made it (a staff member signed in through WeCom, or a local account): its audience is theirs.
    staff_id: Mapped[int | None] = mapped_column(Integer)
    admin_account_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What planning found (counted once, when the targets were written).
    planned: Mapped[int] = mapped_column(Integer, default=0)
    held_out: Mapped[int] = mapped_column(Integer, default=0)
    over_limit: Mapped[int] = mapped_column(Integer, default=0)
    nobodys: Mapped[int] = mapped_column(Integer, default=0)  # in the audience but no guide's contact

    batches: Mapped[list[CampaignBatch]] = relationship(
        back_populates="campaign",
        order_by="CampaignBatch.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class CampaignBatch(Model):
    """One ``add_msg_template`` call: one guide (the sender) and up to 10,000 of their customers."""

    __tablename__ = "campaign_batches"
    __table_args__ = (db.UniqueConstraint("campaign_id", "staff_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int] = mapped_column(Integer, index=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    size: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default=BatchStatus.PENDING.value)
    msgid: Mapped[str | None] = mapped_column(String(64), unique=True)
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed: Mapped[int] = mapped_column(
        Integer, default=0
    )  # customers in WeCom's fail_list (all, if refused)
    # Its customers' results once read back (get_groupmsg_send_result): the campaign's counts add these
    # up over its batches instead of counting a million rows on every page view.
    sent: Mapped[int] = mapped_column(Integer, default=0)
    not_friend: Mapped[int] = mapped_column(Integer, default=0)
    limit_reached: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(255))
    # get_groupmsg_task: 0 not sent, 1 confirmed, 2 sent
    send_status: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    results_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # customers' results stored
    reminders: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of epoch seconds

    campaign: Mapped[Campaign] = relationship(back_populates="batches")


class CampaignTarget(Model):
    """One customer of a campaign, with the guide who sends to them and what became of it.

    No foreign keys to customers and staff, as with SOP tasks: planning inserts a million rows in one
    statement, selected from live follows."""

    __tablename__ = "campaign_targets"
    __table_args__ = (
        db.UniqueConstraint("campaign_id", "customer_id"),
        Index("ix_campaign_targets_campaign_id_staff_id_status", "campaign_id", "staff_id", "status"),
        Index("ix_campaign_targets_customer_id_status", "customer_id", "status"),
        # The campaign page's customers by result, a page at a time after the last id shown.
        Index("ix_campaign_targets_campaign_id_status_id", "campaign_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(Integer)
    staff_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=TargetStatus.PLANNED.value)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CampaignGroupTarget(Model):
    """One customer group of a campaign sent to groups, with its owner (the sender) and what became of it."""

    __tablename__ = "campaign_group_targets"
    __table_args__ = (
        db.UniqueConstraint("campaign_id", "group_id"),
        Index("ix_campaign_group_targets_campaign_id_staff_id", "campaign_id", "staff_id"),
        Index("ix_campaign_group_targets_group_id_status", "group_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("group_chats.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=TargetStatus.PLANNED.value)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
