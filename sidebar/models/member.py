"""The brand's member records (会员), as its CRM or mall sends them, matched to WeCom customers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
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
    store_code: Mapped[str | None] = mapped_column(String(32))
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
