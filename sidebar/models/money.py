"""Money and stock: coupon templates and coupons, red-packet rules, team budgets and red packets.

Amounts are integers in fen. Every coupon and red packet carries an idempotency key taken from the tap
that made it (unique), and every red packet its WeChat Pay ``mch_billno``, fixed when the packet is made
and never replaced: a payout that timed out is resolved by querying that number, never by a new one.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sidebar.extensions import Model
from sidebar.models.base import Timestamps, UTCDateTime, utcnow
from sidebar.models.customer import Customer
from sidebar.models.org import Staff


class CouponKind(enum.StrEnum):
    BRAND = "brand"  # the brand's own coupon: we make the code, POS and mall redeem it with our API
    WXPAY = "wxpay"  # a WeChat Pay voucher: WeChat Pay sends it to the customer's openid on claiming


class Delivery(enum.StrEnum):
    LINK = "link"  # a link card to our claim page
    MINIPROGRAM = "miniprogram"  # a mini-program card opening the brand's mall on the coupon


class CouponStatus(enum.StrEnum):
    ISSUED = "issued"
    REDEEMED = "redeemed"


class CouponTemplate(Timestamps, Model):
    """A kind of coupon head office offers, with its stock and limits."""

    __tablename__ = "coupon_templates"
    __table_args__ = (
        CheckConstraint("stock_left >= 0", name="stock_left"),
        CheckConstraint("value > 0", name="value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), default=CouponKind.BRAND.value)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Money off in fen ("cash"), or percent paid ("discount", e.g. 85 = 15% off).
    value_kind: Mapped[str] = mapped_column(String(16), default="cash")
    value: Mapped[int] = mapped_column(Integer)
    threshold: Mapped[int] = mapped_column(BigInteger, default=0)  # minimum spend, fen
    # Validity: fixed dates (valid_from..valid_until) or valid_days from issue.
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_days: Mapped[int | None] = mapped_column(Integer)
    total_stock: Mapped[int] = mapped_column(Integer)
    # Decremented by one atomic UPDATE per issue: never below zero (the check constraint says so too).
    stock_left: Mapped[int] = mapped_column(Integer)
    per_customer_limit: Mapped[int] = mapped_column(Integer, default=1)
    per_guide_daily: Mapped[int] = mapped_column(Integer, default=20)
    # A guide tier's own daily quota where it differs (JSON {"A": 40, "C": 5}); the rest use the above.
    tier_daily: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    # Who may receive it: member levels and tag ids (JSON lists); empty means anyone.
    eligible_levels: Mapped[str] = mapped_column(Text, default="[]")
    eligible_tag_ids: Mapped[str] = mapped_column(Text, default="[]")
    delivery: Mapped[str] = mapped_column(String(16), default=Delivery.LINK.value)
    miniprogram_appid: Mapped[str | None] = mapped_column(String(64))
    miniprogram_page: Mapped[str | None] = mapped_column(String(255))  # "{code}" is replaced
    # A WeChat Pay voucher's stock (批次号) at WeChat Pay.
    wxpay_stock_id: Mapped[str | None] = mapped_column(String(64))


class Coupon(Model):
    """One coupon issued to one customer by one guide."""

    __tablename__ = "coupons"
    __table_args__ = (
        Index("ix_coupons_template_id_customer_id", "template_id", "customer_id"),
        Index("ix_coupons_template_id_staff_id_created_at", "template_id", "staff_id", "created_at"),
        Index("ix_coupons_customer_id_created_at", "customer_id", "created_at"),
        Index("ix_coupons_created_at", "created_at"),
        # A day's redemptions, for the daily and weekly reports (most coupons are never redeemed).
        Index(
            "ix_coupons_redeemed_at",
            "redeemed_at",
            postgresql_where=text("redeemed_at IS NOT NULL"),
            sqlite_where=text("redeemed_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("coupon_templates.id", ondelete="RESTRICT"))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=CouponStatus.ISSUED.value)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime)
    card_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A WeChat Pay voucher's id once WeChat Pay issued it to the customer's openid.
    provider_ref: Mapped[str | None] = mapped_column(String(64))
    redeemed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    redeem_order_no: Mapped[str | None] = mapped_column(String(64))
    redeem_amount: Mapped[int | None] = mapped_column(BigInteger)
    redeemed_by: Mapped[str | None] = mapped_column(String(64))  # the API key's name
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Claimed from a coupon drop in a group chat (群券), or None: issued to this customer directly.
    drop_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_coupon_drops.id", ondelete="SET NULL"), index=True
    )
    # Claimed from a mass message's coupon card (企业群发): head office's, outside the guide's daily quota.
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )
    # A referral campaign's reward (``growth.rewards``): head office's, not the guide's quota either.
    referral_campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("referral_campaigns.id", ondelete="SET NULL"), index=True
    )

    template: Mapped[CouponTemplate] = relationship()
    customer: Mapped[Customer] = relationship()
    staff: Mapped[Staff] = relationship()


class GroupCouponDrop(Model):
    """群券: coupons a guide puts into a group chat in one card. ``quantity`` is taken from the stock and
    counts toward the guide's day at once; members of the group claim one each (``claimed``) until they
    run out or the drop ends; what is left goes back to the stock (``returned_at``)."""

    __tablename__ = "group_coupon_drops"
    __table_args__ = (
        CheckConstraint("claimed >= 0 AND claimed <= quantity", name="claims_within_quantity"),
        Index(
            "ix_group_coupon_drops_template_id_staff_id_created_at", "template_id", "staff_id", "created_at"
        ),
        Index(
            "ix_group_coupon_drops_expires_at_open",
            "expires_at",
            postgresql_where=text("returned_at IS NULL"),
            sqlite_where=text("returned_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("coupon_templates.id", ondelete="RESTRICT"))
    group_id: Mapped[int] = mapped_column(ForeignKey("group_chats.id", ondelete="RESTRICT"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    quantity: Mapped[int] = mapped_column(Integer)
    claimed: Mapped[int] = mapped_column(Integer, default=0)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    card_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    template: Mapped[CouponTemplate] = relationship()
    staff: Mapped[Staff] = relationship()


class RedPacketRule(Timestamps, Model):
    """Head office's limits for red packets (one row; teams' monthly budgets are in red_packet_budgets)."""

    __tablename__ = "red_packet_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)  # an admin turns red packets on
    min_amount: Mapped[int] = mapped_column(Integer, default=100)  # fen; WeChat Pay's floor is 1 yuan
    max_amount: Mapped[int] = mapped_column(Integer, default=5000)
    guide_daily_count: Mapped[int] = mapped_column(Integer, default=10)
    guide_daily_amount: Mapped[int] = mapped_column(Integer, default=30000)
    customer_daily_count: Mapped[int] = mapped_column(Integer, default=2)
    # A team without a row in red_packet_budgets gets this much a month.
    default_team_monthly_budget: Mapped[int] = mapped_column(BigInteger, default=500000)
    # Above this amount the guide must give a reason or link one of the customer's orders.
    reason_required_above: Mapped[int] = mapped_column(Integer, default=2000)
    wishing: Mapped[str] = mapped_column(String(128), default="感谢您的支持，祝您生活愉快！")
    act_name: Mapped[str] = mapped_column(String(32), default="专属顾问红包")


class RedPacketBudget(Model):
    """A team's monthly red-packet budget; its row is also the lock that serialises spending it."""

    __tablename__ = "red_packet_budgets"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    monthly_amount: Mapped[int | None] = mapped_column(BigInteger)  # None: the rule's default


class PacketStatus(enum.StrEnum):
    ISSUED = "issued"  # reserved and (once the bridge confirms) sent to the chat; waiting to be opened
    PAYING = "paying"  # opened; the payout was asked for and its outcome is not known yet
    PAID = "paid"
    FAILED = "failed"  # WeChat Pay refused; the budget is released
    EXPIRED = "expired"  # not opened within 24 hours; the budget is released
    # paid out, but the customer did not open it in WeChat within 24 h: WeChat Pay took it back
    # (RFUND_ING / REFUND); the budget is released
    REFUNDED = "refunded"


# Statuses that hold budget and caps.
HOLDING = (PacketStatus.ISSUED.value, PacketStatus.PAYING.value, PacketStatus.PAID.value)


class RedPacket(Model):
    __tablename__ = "red_packets"
    __table_args__ = (
        Index("ix_red_packets_staff_id_created_at", "staff_id", "created_at"),
        Index("ix_red_packets_customer_id_created_at", "customer_id", "created_at"),
        Index("ix_red_packets_team_id_created_at", "team_id", "created_at"),
        Index("ix_red_packets_status_next_check_at", "status", "next_check_at"),
        Index("ix_red_packets_created_at", "created_at"),
        CheckConstraint("amount > 0", name="amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    # WeChat Pay's idempotency key for the payout: made at creation and replaced only after SEND_FAILED
    # ("请更换单号再重试") once a query proved the old number did not pay; the old ones are kept below.
    mch_billno: Mapped[str] = mapped_column(String(28), unique=True)
    replaced_billnos: Mapped[str | None] = mapped_column(String(255))
    new_billno_due: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    amount: Mapped[int] = mapped_column(Integer)
    wishing: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str | None] = mapped_column(String(255))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default=PacketStatus.ISSUED.value)
    card_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    openid: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # seen opened (RECEIVED)
    refunded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refund_amount: Mapped[int | None] = mapped_column(Integer)  # fen WeChat Pay took back
    send_listid: Mapped[str | None] = mapped_column(String(64))  # WeChat Pay's own number
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(255))
    # A referral campaign's reward (``growth.rewards``): paid from the campaign's budget, not the guide's
    # daily caps or the team's month.
    referral_campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("referral_campaigns.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    customer: Mapped[Customer] = relationship()
    staff: Mapped[Staff] = relationship()


class ApiKey(Model):
    """A key a POS, mall or CRM system uses (to redeem coupons, send orders or members); only its
    SHA-256 is stored, and it may do only what its scopes say."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown in the console to tell keys apart
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Space-separated: coupons:redeem, orders:write, members:write.
    scopes: Mapped[str] = mapped_column(
        String(255), default="coupons:redeem", server_default="coupons:redeem"
    )
