"""The brand's member records (会员), as its CRM or mall sends them, matched to WeCom customers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sidebar.extensions import Model
from sidebar.models.base import Timestamps, UTCDateTime, utcnow


class Member(Timestamps, Model):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_no: Mapped[str] = mapped_column(String(64), unique=True)
    # E.164 when it could be read; otherwise only phone_raw, which is never used for matching.
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    phone_raw: Mapped[str | None] = mapped_column(String(64))
    unionid: Mapped[str | None] = mapped_column(String(64), index=True)
    name: Mapped[str | None] = mapped_column(String(64))
    level: Mapped[str | None] = mapped_column(String(16))
    points: Mapped[int | None] = mapped_column(Integer)
    birthday: Mapped[date | None] = mapped_column(Date)
    skin_type: Mapped[str | None] = mapped_column(String(16))
    skin_concerns: Mapped[str | None] = mapped_column(String(255))
    store_code: Mapped[str | None] = mapped_column(String(32), index=True)
    # The store the code names, once that store exists (``org.stores`` resolves codes that came first).
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id", ondelete="SET NULL"), index=True)
    source_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    matched_by: Mapped[str | None] = mapped_column(String(16))  # unionid | phone (None while unmatched)


class IdentitySettlement(Model):
    """An admin settled an identifier two customers claimed (a phone, a unionid): it stays with one
    customer, is taken off the others, and the orders that named it go to that customer. Everything
    needed to undo it is kept here; the audit log records both the settlement and any undo."""

    __tablename__ = "identity_settlements"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # phone | unionid
    value: Mapped[str] = mapped_column(String(64))
    kept_customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    released_customer_ids: Mapped[str] = mapped_column(Text, default="[]")  # JSON
    moved_order_ids: Mapped[str] = mapped_column(Text, default="[]")  # JSON: orders matched by it
    moved_member_ids: Mapped[str] = mapped_column(Text, default="[]")  # JSON
    actor: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by: Mapped[str | None] = mapped_column(String(64))


class IdentitySource:
    """Where OneID learned an identifier of a customer (``CustomerIdentity.source``)."""

    WECOM = "wecom"  # a follower's remark_mobiles in WeCom (the guide typed it in the WeCom client)
    MEMBER = "member"  # a member record matched to the customer (API or import)
    GUIDE = "guide"  # the guide edited the profile in the sidebar
    ORDER = "order"  # an order matched by another identifier (unionid, member number) carried it
    DEMO = "demo"  # the demo seed
    ALL = (WECOM, MEMBER, GUIDE, ORDER, DEMO)


class CustomerIdentity(Model):
    """An identifier a customer is known by, with where it was learned: the phones OneID matches orders
    and members by. A customer may have several phones; a phone two customers claim matches nobody
    until an admin settles it (``oneid.settle``), which *releases* it from the others (kept, not
    deleted, so an undo can put it back)."""

    __tablename__ = "customer_identities"
    __table_args__ = (
        UniqueConstraint("customer_id", "kind", "value"),
        # Who a phone names, from the index alone: an order file asks it for every buyer.
        Index("ix_customer_identities_kind_value", "kind", "value", "customer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # phone
    value: Mapped[str] = mapped_column(String(64))  # E.164 for a phone
    source: Mapped[str] = mapped_column(String(16))  # IdentitySource
    # What it came from: the member number, "platform:order_no", the userid who typed it.
    source_ref: Mapped[str | None] = mapped_column(String(96))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # settled to another customer
