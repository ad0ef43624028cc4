"""What customers do: with what guides send them (tracked links, the material radar) and in the mall
(behaviour events and their daily summaries)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sidebar.extensions import Model
from sidebar.models.base import UTCDateTime, utcnow
from sidebar.models.content import Material
from sidebar.models.customer import Customer
from sidebar.models.org import Staff
from sidebar.models.product import Product


class TrackedLink(Model):
    """One send of a material as a tracked link: who sent what to whom (a customer, or a group chat).

    The public URL is ``/t/<code>.<signature>``; the signature is checked before the database is asked,
    so a made-up link costs nothing and shows nothing.
    """

    __tablename__ = "tracked_links"
    __table_args__ = (Index("ix_tracked_links_material_id_created_at", "material_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    # What was sent: a material or a product.
    material_id: Mapped[int | None] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    chat_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    material: Mapped[Material | None] = relationship(lazy="joined")
    product: Mapped[Product | None] = relationship(lazy="joined")
    staff: Mapped[Staff] = relationship()
    customer: Mapped[Customer | None] = relationship()


class LinkView(Model):
    """One opening of a tracked link by one WeChat user (known by openid), with how long they read.

    ``material_id``, ``staff_id`` and ``customer_id`` (the customer the link was sent to) are copied
    from the link so the per-material report and the customer's timeline read one table.
    ``forwarded``: opened by someone other than the customer it was sent to.
    """

    __tablename__ = "link_views"
    __table_args__ = (
        Index("ix_link_views_material_id_opened_at", "material_id", "opened_at"),
        Index("ix_link_views_customer_id_opened_at", "customer_id", "opened_at"),
        Index("ix_link_views_link_id_openid", "link_id", "openid"),
        Index("ix_link_views_product_id_opened_at", "product_id", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("tracked_links.id", ondelete="CASCADE"))
    material_id: Mapped[int | None] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    openid: Mapped[str] = mapped_column(String(64))
    # The reader, when WeCom says they are one of our customers.
    reader_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    forwarded: Mapped[bool] = mapped_column(Boolean, default=False)
    seconds: Mapped[int] = mapped_column(Integer, default=0)  # reading time, from the page's beacon
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    link: Mapped[TrackedLink] = relationship()


class RadarNotice(Model):
    """The app message telling a guide their customer is reading: at most one per customer and material
    an hour. Kept with its outcome so a failed send is retried by the sweeper, never lost."""

    __tablename__ = "radar_notices"
    __table_args__ = (
        Index(
            "ix_radar_notices_customer_id_material_id_created_at", "customer_id", "material_id", "created_at"
        ),
        Index("ix_radar_notices_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    view_id: Mapped[int] = mapped_column(ForeignKey("link_views.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    material_id: Mapped[int | None] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="due")  # due | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class BehaviourKind(enum.StrEnum):
    VIEWED = "viewed"  # a product page
    CARTED = "carted"  # added to cart
    ORDERED = "ordered"
    PAID = "paid"
    REFUNDED = "refunded"


BEHAVIOUR_KINDS = tuple(k.value for k in BehaviourKind)
# Raw events unmatched to a customer: the later matching pass reads only these.
UNMATCHED_SQL = "customer_id IS NULL"


class BehaviourEvent(Model):
    """One thing a shopper did in the mall or mini-program, as the brand's system sent it.

    ``(source, event_id)`` is the sender's key: a batch sent twice changes nothing. The customer is
    found by the first identifier that names exactly one (external_userid, unionid, phone, member
    number); an event none names is kept unmatched and matched later, like an order. Raw events are
    kept ``BEHAVIOUR_RETENTION_DAYS``; ``BehaviourDay`` keeps the per-day counts for good.
    """

    __tablename__ = "behaviour_events"
    __table_args__ = (
        UniqueConstraint("source", "event_id"),
        Index("ix_behaviour_events_customer_id_occurred_at", "customer_id", "occurred_at"),
        Index("ix_behaviour_events_occurred_at", "occurred_at"),
        Index(
            "ix_behaviour_events_unmatched",
            "id",
            postgresql_where=text(UNMATCHED_SQL),
            sqlite_where=text(UNMATCHED_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    source: Mapped[str] = mapped_column(String(32), default="mall")
    event_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sku: Mapped[str | None] = mapped_column(String(64))
    product_name: Mapped[str] = mapped_column(String(128), default="")
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    amount: Mapped[int | None] = mapped_column(BigInteger)  # fen
    # No foreign key, on purpose: customers are never hard-deleted, and the events API inserts
    # hundreds of rows a request where each check would take a lock on the customer's row.
    customer_id: Mapped[int | None] = mapped_column(Integer)
    matched_by: Mapped[str | None] = mapped_column(String(16))
    external_userid: Mapped[str | None] = mapped_column(String(64))
    unionid: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32))  # E.164 when readable
    member_no: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BehaviourDay(Model):
    """A customer's mall behaviour on one day (the brand's local day), summarised from raw events."""

    __tablename__ = "behaviour_days"

    customer_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    viewed: Mapped[int] = mapped_column(Integer, default=0)
    carted: Mapped[int] = mapped_column(Integer, default=0)
    ordered: Mapped[int] = mapped_column(Integer, default=0)
    paid: Mapped[int] = mapped_column(Integer, default=0)
    refunded: Mapped[int] = mapped_column(Integer, default=0)
    paid_amount: Mapped[int] = mapped_column(BigInteger, default=0)


class SignalKind(enum.StrEnum):
    CART_LEFT = "cart_left"  # added to the cart, not ordered within ``minutes``
    VIEWED_OFTEN = "viewed_often"  # one product viewed ``times`` times in a day
    VIP_RETURNS = "vip_returns"  # a member of ``levels`` viewing after ``days`` without a view
    MOMENT_COMMENT = "moment_comment"  # a customer (of ``levels``, if any) commented on a guide's moment


class SignalRule(Model):
    """Which mall behaviour reaches the guide, and how: an app message (``notify``), the customer's
    timeline and the today page, with a suggested script."""

    __tablename__ = "signal_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    minutes: Mapped[int] = mapped_column(Integer, default=30)
    times: Mapped[int] = mapped_column(Integer, default=3)
    days: Mapped[int] = mapped_column(Integer, default=60)
    levels: Mapped[str] = mapped_column(String(255), default="")  # member levels, comma-separated
    script_id: Mapped[int | None] = mapped_column(ForeignKey("scripts.id", ondelete="SET NULL"))
    notify: Mapped[bool] = mapped_column(Boolean, default=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CustomerSignal(Model):
    """A rule fired for a customer: once per (rule, customer, key), the key naming what fired it (the
    cart event, the product and day...). Told to the customer's guide (the first who added them among
    those who still have them)."""

    __tablename__ = "customer_signals"
    __table_args__ = (
        UniqueConstraint("rule_id", "customer_id", "key"),
        Index("ix_customer_signals_customer_id_fired_at", "customer_id", "fired_at"),
        Index("ix_customer_signals_staff_id_fired_at", "staff_id", "fired_at"),
        Index("ix_customer_signals_notice_status", "notice_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("signal_rules.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(96))
    sku: Mapped[str | None] = mapped_column(String(64))
    product_name: Mapped[str] = mapped_column(String(128), default="")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    notice_status: Mapped[str] = mapped_column(String(16), default="none")  # none | due | sent | failed
    notice_attempts: Mapped[int] = mapped_column(Integer, default=0)

    rule: Mapped[SignalRule] = relationship(lazy="joined")
