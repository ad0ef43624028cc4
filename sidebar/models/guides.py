"""What guides sold and did: which guide each order is credited to (``Attribution``), by the rule the
brand picked (``GuideSettings``), and each guide's month in figures (``GuideMonth``). Both are derived,
recomputed set-based by ``sidebar.guides``; nothing here is typed by hand."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sidebar.extensions import Model
from sidebar.models.base import UTCDateTime, utcnow


class AttributionRule(enum.StrEnum):
    """How an order finds its guide (the brand's choice)."""

    FIRST_FOLLOWER = "first_follower"  # who added the customer first, among those following when paid
    LATEST_FOLLOWER = "latest_follower"  # who added them last, among those following when paid
    COUPON = "coupon"  # whose coupon led to it; else the latest follower


class CreditedBy(enum.StrEnum):
    """How one order was credited (shown beside it)."""

    FIRST_FOLLOWER = "first_follower"
    LATEST_FOLLOWER = "latest_follower"
    COUPON_REDEEMED = "coupon_redeemed"  # the order redeemed the guide's coupon
    COUPON_ISSUED = "coupon_issued"  # the guide issued the customer a coupon within the window before


class GuideSettings(Model):
    """The brand's attribution rule (one row, made with these defaults when first needed)."""

    __tablename__ = "guide_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(24), default=AttributionRule.LATEST_FOLLOWER.value)
    # A coupon issued this many days or fewer before the order led to it (the coupon rule).
    touch_days: Mapped[int] = mapped_column(Integer, default=7)
    # How often tiers are computed (at each period's end): a TierPeriod.
    tier_period: Mapped[str] = mapped_column(String(8), default="month", server_default="month")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Attribution(Model):
    """One order credited to one guide. Derived: all of them are made again when the rule changes and
    nightly, so a late match or a new follow moves the credit. An order no guide followed (or not yet
    matched to a customer) has none. ``month`` is the brand's calendar month of the payment."""

    __tablename__ = "attributions"
    __table_args__ = (Index("ix_attributions_staff_id_month", "staff_id", "month"),)

    # No foreign keys: derived rows, deleted and remade in bulk, for orders that are never deleted
    # and staff who are never deleted either (they resign); a key's checks would double the writes.
    order_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    staff_id: Mapped[int] = mapped_column(Integer)
    credited_by: Mapped[str] = mapped_column(String(24))  # a CreditedBy
    month: Mapped[date] = mapped_column(Date)


class GuideMonth(Model):
    """One guide's month in figures (the brand's calendar month). Counts only; rates are read from
    them (``sidebar.guides.metrics``), so nothing rounds twice."""

    __tablename__ = "guide_months"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    customers_added: Mapped[int] = mapped_column(Integer, default=0)
    customers_lost: Mapped[int] = mapped_column(Integer, default=0)  # the customer removed the guide
    customers_reached: Mapped[int] = mapped_column(Integer, default=0)  # with a message sent that month
    sends: Mapped[int] = mapped_column(Integer, default=0)  # messages sent to customers
    sop_due: Mapped[int] = mapped_column(Integer, default=0)  # tasks due that month, cancelled aside
    sop_done: Mapped[int] = mapped_column(Integer, default=0)
    coupons_issued: Mapped[int] = mapped_column(Integer, default=0)
    coupons_redeemed: Mapped[int] = mapped_column(Integer, default=0)  # redeemed that month
    orders: Mapped[int] = mapped_column(Integer, default=0)  # credited and counted (not cancelled/refunded)
    sales: Mapped[int] = mapped_column(BigInteger, default=0)  # fen, net of refunds
    gross: Mapped[int] = mapped_column(BigInteger, default=0)  # fen, every credited order not cancelled
    refunded: Mapped[int] = mapped_column(BigInteger, default=0)  # fen refunded of those
    # Service, from the chat archive (``ServiceDay``): customers' questions, those answered, the seconds
    # to the first answer (working hours, summed over the answered), those answered late or never, and
    # compliance alerts raised on the guide's messages.
    conversations: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # customer-days
    questions: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    answered: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    response_seconds: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    answered_late: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sensitive_hits: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TierPeriod(enum.StrEnum):
    MONTH = "month"
    QUARTER = "quarter"


class TierCriterion(Model):
    """One figure that makes A, B and C: each tier's range of it (``from`` included, ``to`` not; an empty
    ``to`` is open-ended), in the figure's own unit as the console shows it (yuan, a count, or percent;
    percentiles 0–100 when ``by_percentile``). The three ranges tile the line with no gap and no overlap
    (``guides.tiers.check``), in either direction: a refund rate's A is its lowest range."""

    __tablename__ = "tier_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    metric: Mapped[str] = mapped_column(String(32))  # a key of guides.tiers.METRICS
    by_percentile: Mapped[bool] = mapped_column(default=False)
    a_from: Mapped[float] = mapped_column()
    a_to: Mapped[float | None] = mapped_column()
    b_from: Mapped[float] = mapped_column()
    b_to: Mapped[float | None] = mapped_column()
    c_from: Mapped[float] = mapped_column()
    c_to: Mapped[float | None] = mapped_column()
    position: Mapped[int] = mapped_column(Integer, default=0)


class GuideTier(Model):
    """A guide's tier for one period, computed at its end from the criteria, with why; a manager may
    override it with a reason (audited). The latest period's tier is the guide's (``Staff.tier``)."""

    __tablename__ = "guide_tiers"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    period_start: Mapped[date] = mapped_column(Date, primary_key=True)
    period: Mapped[str] = mapped_column(String(8))  # a TierPeriod
    computed: Mapped[str] = mapped_column(String(1))  # A | B | C
    why: Mapped[str] = mapped_column(String(1000), default="[]")  # JSON: each criterion's value and tier
    override: Mapped[str | None] = mapped_column(String(1))
    override_reason: Mapped[str | None] = mapped_column(String(255))
    overridden_by: Mapped[str | None] = mapped_column(String(64))
    overridden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def tier(self) -> str:
        return self.override or self.computed


class RateScope(enum.StrEnum):
    """What a commission rate applies to; the most specific that matches an order wins, in this order."""

    CATEGORY = "category"  # the order's main category (the one most was spent on)
    STORE = "store"  # the order's store
    TIER = "tier"  # the credited guide's tier
    DEFAULT = "default"


class CommissionRate(Model):
    __tablename__ = "commission_rates"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))  # a RateScope
    key: Mapped[str] = mapped_column(String(32), default="")  # a category, store code or tier; "" default
    basis_points: Mapped[int] = mapped_column(Integer)  # 1/100 of a percent: 350 is 3.5%


class StatementStatus(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"


class CommissionStatement(Model):
    """One guide's commission for one month at one store (orders without a store: ``store_id`` None).
    A draft is made again whenever asked; once approved it is locked (``guides.commission``): nothing
    changes it, and what came later (a late refund) lands in a later month's statement as an
    adjustment line."""

    __tablename__ = "commission_statements"
    __table_args__ = (Index("ix_commission_statements_month_staff_id", "month", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(16), default=StatementStatus.DRAFT.value)
    orders: Mapped[int] = mapped_column(Integer, default=0)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)  # fen paid for the orders
    refunds: Mapped[int] = mapped_column(BigInteger, default=0)  # fen refunded of them
    adjustments: Mapped[int] = mapped_column(BigInteger, default=0)  # fen of commission adjusted
    commission: Mapped[int] = mapped_column(BigInteger, default=0)  # fen, adjustments included
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by: Mapped[str | None] = mapped_column(String(64))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CommissionLine(Model):
    """One order on a statement (``kind`` order) or a change to one already paid for (``kind``
    adjustment: a late refund, or a correction typed by an admin with a note)."""

    __tablename__ = "commission_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(
        ForeignKey("commission_statements.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # order | adjustment
    order_id: Mapped[int | None] = mapped_column(Integer, index=True)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)  # fen: paid (order) or its change
    refund: Mapped[int] = mapped_column(BigInteger, default=0)  # fen refunded (order lines)
    base: Mapped[int] = mapped_column(BigInteger, default=0)  # fen commission is paid on (net)
    basis_points: Mapped[int] = mapped_column(Integer, default=0)
    rate_from: Mapped[str] = mapped_column(String(48), default="")  # "category:面霜", "default", ...
    commission: Mapped[int] = mapped_column(BigInteger, default=0)  # fen
    note: Mapped[str] = mapped_column(String(255), default="")
