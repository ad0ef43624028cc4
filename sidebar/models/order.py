"""Orders from any platform, matched to customers when we can tell who bought.

Amounts are integers in fen. Buyer identifiers are kept so an unmatched order can be matched later
(unionid, then phone, then member number, then a platform buyer id already linked): ``data.oneid``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sidebar.extensions import Model, db
from sidebar.models.base import Timestamps, UTCDateTime

PLATFORMS = ("mall", "tmall", "jd", "douyin", "youzan", "weimob", "pos", "other")
# What an order's status may be; "done" is the API's "completed".
ORDER_STATUSES = ("paid", "shipped", "done", "cancelled", "refunded", "partly_refunded")
# Orders that count as purchases (profiles, filters): not cancelled, not wholly refunded.
COUNTED_STATUSES = ("paid", "shipped", "done", "partly_refunded")


# Looked up by these only when present: an index without the NULLs is one entry fewer for each order
# that lacks one (most imported orders lack a unionid, a member number and a store), which a
# file of a million orders feels. Every lookup is by a value (``=``, ``IN``), which implies present.
PRESENT_INDEXED = (
    "store_id",
    "buyer_unionid",
    "buyer_phone",
    "buyer_member_no",
    "buyer_platform_id",
)


def _when_present(column: str) -> Index:
    present = text(f"{column} IS NOT NULL")
    return Index(f"ix_orders_{column}", column, postgresql_where=present, sqlite_where=present)


class Order(Timestamps, Model):
    __tablename__ = "orders"
    __table_args__ = (
        db.UniqueConstraint("platform", "order_no"),
        Index("ix_orders_customer_id_paid_at", "customer_id", "paid_at"),
        *(_when_present(column) for column in PRESENT_INDEXED),
        # Orders naming a store we do not know yet: resolved when the store is made (``org.stores``).
        Index(
            "ix_orders_unresolved_store_code",
            "store_code",
            postgresql_where=text("store_id IS NULL AND store_code IS NOT NULL"),
            sqlite_where=text("store_id IS NULL AND store_code IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    order_no: Mapped[str] = mapped_column(String(64))
    # Whose order we think it is (``data.oneid``): a match, derived from the buyer identifiers and made
    # again whenever they say more, so a reference without a foreign key. The key's check locked the
    # customer row for every order stored or matched — a fifth of a million-order import — and guarded
    # nothing: customers are never deleted (coupons and red packets forbid it).
    customer_id: Mapped[int | None] = mapped_column()
    # No guide column: whose sale an order is lives in one place, ``attributions`` (guides.attribution).
    buyer_unionid: Mapped[str | None] = mapped_column(String(64))
    # E.164 when it could be read; a phone we cannot read stays in buyer_phone_raw, unused for matching.
    buyer_phone: Mapped[str | None] = mapped_column(String(32))
    buyer_phone_raw: Mapped[str | None] = mapped_column(String(64))
    buyer_openid: Mapped[str | None] = mapped_column(String(64))
    buyer_member_no: Mapped[str | None] = mapped_column(String(64))
    # The platform's own buyer id (a Tmall nick, a JD pin...), as "platform:id" is unique per platform.
    buyer_platform_id: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default="paid")  # one of ORDER_STATUSES
    total_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    refund_amount: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id", ondelete="SET NULL"))
    store_code: Mapped[str | None] = mapped_column(String(32))
    # The sender's own version of the order: an older one never overwrites a newer one.
    source_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How customer_id was found: unionid | phone | member_no | buyer_id (None while unmatched).
    matched_by: Mapped[str | None] = mapped_column(String(16))
    # A digest of the order as last sent: the same order sent again is "unchanged" without a diff.
    payload_hash: Mapped[str | None] = mapped_column(String(64))

    items: Mapped[list[OrderItem]] = relationship(back_populates="order", cascade="all, delete-orphan")


class OrderItem(Model):
    __tablename__ = "order_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    sku: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(255))
    category: Mapped[str] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    # None when the source names the product but not its price (Youzan's 全部商品名称).
    unit_price: Mapped[int | None] = mapped_column(BigInteger)
    amount: Mapped[int | None] = mapped_column(BigInteger)

    order: Mapped[Order] = relationship(back_populates="items")
