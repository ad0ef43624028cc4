"""The brand's member records (会员), as its CRM or mall sends them, matched to WeCom customers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sidebar.extensions import Model
from sidebar.models.base import Timestamps, UTCDateTime


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
