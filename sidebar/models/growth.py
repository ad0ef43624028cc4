"""Growth: referral campaigns (任务宝) — customers bringing friends to a guide through a personal code.

A campaign has a ladder of rewards; each inviter gets a personal 「联系我」 code whose ``state`` names
them, so an add event says who invited whom. Every add through a code is one invitation, counted
honestly: once per campaign and invitee, only for customers new to the brand, and only while they stay a
contact for the hold period; the suspicious ones (self-invites, rings, bursts) are held for review."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

if TYPE_CHECKING:
    from sidebar.models.money import CouponTemplate

from sidebar.extensions import Model, db
from sidebar.models.base import UTCDateTime, utcnow


class ReferralStatus(enum.StrEnum):
    ACTIVE = "active"  # codes are handed out and adds counted between starts_at and ends_at
    ENDED = "ended"  # ended early by an admin, or past ends_at: its codes go back to the pool


class RewardKind(enum.StrEnum):
    COUPON = "coupon"
    RED_PACKET = "red_packet"


class InviteStatus(enum.StrEnum):
    PENDING = "pending"  # added, still inside the hold period: counts, but a delete takes it back
    COUNTED = "counted"  # still a contact when the hold period ended: counts for good
    REVERSED = "reversed"  # deleted inside the hold period
    HELD = "held"  # suspicious (``reason``): not counted until an admin says so
    REFUSED = "refused"  # not new to the brand (``reason``): never counted


COUNTING = (InviteStatus.PENDING.value, InviteStatus.COUNTED.value)


class ReferralCampaign(Model):
    __tablename__ = "referral_campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))  # also the codes' remark: WeCom's 30 characters
    status: Mapped[str] = mapped_column(String(16), default=ReferralStatus.ACTIVE.value)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A friend counts for good only if still a contact this many days after adding.
    hold_days: Mapped[int] = mapped_column(Integer, default=7)
    # More invitations than this from one inviter within an hour are held: no person brings friends so fast.
    burst_per_hour: Mapped[int] = mapped_column(Integer, default=20)
    # What the campaign's red packets may spend in all (fen); coupons draw on their templates' stock.
    budget: Mapped[int] = mapped_column(Integer, default=0)
    poster_text: Mapped[str] = mapped_column(Text, default="")
    poster_key: Mapped[str | None] = mapped_column(String(255))  # the poster's background, in the file store
    # The members new friends are routed to (JSON list of staff ids); empty: the inviter's own guide.
    staff_ids: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    rungs: Mapped[list[ReferralRung]] = relationship(
        back_populates="campaign", order_by="ReferralRung.friends", cascade="all, delete-orphan"
    )


class ReferralRung(Model):
    """One step of the ladder: this many friends counted → this reward, once per inviter."""

    __tablename__ = "referral_rungs"
    __table_args__ = (db.UniqueConstraint("campaign_id", "friends"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("referral_campaigns.id", ondelete="CASCADE"))
    friends: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    coupon_template_id: Mapped[int | None] = mapped_column(
        ForeignKey("coupon_templates.id", ondelete="RESTRICT")
    )
    amount: Mapped[int | None] = mapped_column(Integer)  # a red packet's, in fen

    campaign: Mapped[ReferralCampaign] = relationship(back_populates="rungs")
    coupon_template: Mapped[CouponTemplate | None] = relationship()


class ReferralCode(Model):
    """A personal 「联系我」 code. WeCom allows 500,000 made through the API (doc 92228), so codes are kept
    and reused: when a campaign ends its codes are free (``campaign_id`` null) and the next inviter's is
    one of them with a new ``state`` (``update_contact_way``)."""

    __tablename__ = "referral_codes"
    __table_args__ = (
        db.UniqueConstraint("campaign_id", "inviter_id"),
        Index(
            "ix_referral_codes_free",
            "id",
            postgresql_where=text("campaign_id IS NULL"),
            sqlite_where=text("campaign_id IS NULL"),
        ),  # fmt: skip
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    config_id: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(30), unique=True)  # WeCom: at most 30 characters
    qr_code: Mapped[str | None] = mapped_column(String(512))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("referral_campaigns.id", ondelete="SET NULL"))
    inviter_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    staff_userid: Mapped[str] = mapped_column(String(64))  # whom the code's adds go to
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReferralInvite(Model):
    """One add through a personal code: who invited whom, and whether it counts."""

    __tablename__ = "referral_invites"
    __table_args__ = (
        db.UniqueConstraint("campaign_id", "invitee_id"),  # an invitee counts once per campaign
        Index("ix_referral_invites_inviter", "campaign_id", "inviter_id", "status"),
        Index(
            "ix_referral_invites_pending",
            "counts_at",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),  # fmt: skip
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("referral_campaigns.id", ondelete="CASCADE"))
    inviter_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    invitee_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    staff_userid: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(32))  # why held or refused
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    counts_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the end of the hold period
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReferralReward(Model):
    """A rung reached by an inviter: made once (the unique key), then issued."""

    __tablename__ = "referral_rewards"
    __table_args__ = (db.UniqueConstraint("rung_id", "inviter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("referral_campaigns.id", ondelete="CASCADE"))
    rung_id: Mapped[int] = mapped_column(ForeignKey("referral_rungs.id", ondelete="CASCADE"))
    inviter_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    coupon_id: Mapped[int | None] = mapped_column(ForeignKey("coupons.id", ondelete="SET NULL"))
    red_packet_id: Mapped[int | None] = mapped_column(ForeignKey("red_packets.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="due")  # due, issued, failed (``error``)
    error: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the guide's one-tap message was sent

    rung: Mapped[ReferralRung] = relationship()


class PoolStatus(enum.StrEnum):
    ASSIGNED = "assigned"  # on a guide's list for the day
    ADDED = "added"  # the guide added them in WeCom and Beside recognised the phone
    EXPIRED = "expired"  # the day passed without an add: back in the pool


class PoolCustomer(Model):
    """客户公海: a buyer known by phone from orders or members who is no guide's contact yet."""

    __tablename__ = "pool_customers"
    __table_args__ = (
        Index(
            "ix_pool_customers_open",
            "store_id",
            "spend",
            postgresql_where=text("customer_id IS NULL"),
            sqlite_where=text("customer_id IS NULL"),
        ),  # fmt: skip
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(32), unique=True)  # E.164
    name: Mapped[str] = mapped_column(String(64), default="", server_default="")
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id", ondelete="SET NULL"))
    spend: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")  # fen, net of refunds
    orders: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_order_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    skin_type: Mapped[str | None] = mapped_column(String(16))
    # Set when they became a contact (added through the pool or any other way): out of the pool.
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


OPEN = text("status = 'assigned'")


class PoolAssignment(Model):
    """One pool customer on one guide's list for one day, with the tags to put on them once added."""

    __tablename__ = "pool_assignments"
    __table_args__ = (
        # One open assignment per pool customer.
        Index(
            "uq_pool_assignments_open",
            "pool_customer_id",
            unique=True,
            postgresql_where=text("status = 'assigned'"),
            sqlite_where=text("status = 'assigned'"),
        ),  # fmt: skip
        Index("ix_pool_assignments_staff_day", "staff_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_customer_id: Mapped[int] = mapped_column(ForeignKey("pool_customers.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=PoolStatus.ASSIGNED.value)
    message: Mapped[str] = mapped_column(String(255), default="")  # the verification message suggested
    tag_ids: Mapped[str] = mapped_column(Text, default="[]")  # JSON: tags Beside puts on them once added
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    added_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pool_customer: Mapped[PoolCustomer] = relationship()


class PoolRule(Model):
    """Head office's rule for the pool (one row): how many customers each guide gets a day, the
    verification message suggested, the tags applied once added; assigned every morning when active."""

    __tablename__ = "pool_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    per_guide: Mapped[int] = mapped_column(Integer, default=10)
    message: Mapped[str] = mapped_column(String(255), default="")
    tag_ids: Mapped[str] = mapped_column(Text, default="[]")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AcquisitionLink(Model):
    """获客助手: a link (for ads, Douyin, live streams) that opens a chat with one of its members without a
    QR code (doc 97297). ``channel`` is what Beside appends as ``customer_channel``: WeCom reports it as
    the add's ``State`` (doc 101359), so the customer's source names the link."""

    __tablename__ = "acquisition_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(30))
    url: Mapped[str] = mapped_column(String(512))
    channel: Mapped[str] = mapped_column(String(64), unique=True)
    userids: Mapped[str] = mapped_column(Text, default="[]")  # JSON: the members it adds
    skip_verify: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
