"""Channel live codes (渠道活码): a "contact me" QR code made with WeCom's ``add_contact_way``, whose
``state`` comes back on every customer who adds a guide through it, so a customer's source reads as the
code's name ("静安嘉里店 · 柜台码") rather than a raw state."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sidebar.extensions import Model
from sidebar.models.base import Timestamps, UTCDateTime
from sidebar.models.org import Staff, Store


class CodeKind(enum.StrEnum):
    SINGLE = "single"  # one member
    MULTI = "multi"  # several members, WeCom rotates among them
    STORE = "store"  # the members of a store


def _in(column: str, values: type[enum.StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class ChannelCode(Timestamps, Model):
    __tablename__ = "channel_codes"
    __table_args__ = (CheckConstraint(_in("kind", CodeKind), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # WeCom's limits for add_contact_way: remark and state at most 30 characters.
    name: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(30), unique=True)
    kind: Mapped[str] = mapped_column(String(8), default=CodeKind.SINGLE.value)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id", ondelete="SET NULL"), index=True)
    config_id: Mapped[str | None] = mapped_column(String(64), unique=True)  # WeCom's, once made there
    qr_code: Mapped[str | None] = mapped_column(String(512))
    skip_verify: Mapped[bool] = mapped_column(Boolean, default=True)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    store: Mapped[Store | None] = relationship()
    members: Mapped[list[ChannelCodeMember]] = relationship(
        cascade="all, delete-orphan", order_by="ChannelCodeMember.position"
    )


class ChannelCodeMember(Model):
    """A member a code brings customers to (in WeCom's rotation order)."""

    __tablename__ = "channel_code_members"
    __table_args__ = (UniqueConstraint("code_id", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("channel_codes.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    staff: Mapped[Staff] = relationship()
