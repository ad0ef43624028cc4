"""Channel live codes (渠道活码): a "contact me" QR code made with WeCom's ``add_contact_way``, whose
``state`` comes back on every customer who adds a guide through it, so a customer's source reads as the
code's name ("静安嘉里店 · 柜台码") rather than a raw state."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sidebar.extensions import Model
from sidebar.models.base import Timestamps, UTCDateTime, utcnow
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


class Welcome(Timestamps, Model):
    """What a new customer receives the moment they add a guide: per channel code, or the default
    (``code_id`` NULL) for codes without one and for customers who came another way."""

    __tablename__ = "welcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int | None] = mapped_column(
        ForeignKey("channel_codes.id", ondelete="CASCADE"), unique=True
    )
    text: Mapped[str] = mapped_column(Text, default="")  # with script variables ({客户称呼} …)
    material_ids: Mapped[str] = mapped_column(Text, default="[]")  # JSON, in order, at most 9 with the coupon
    coupon_template_id: Mapped[int | None] = mapped_column(
        ForeignKey("coupon_templates.id", ondelete="SET NULL")
    )
    tag_ids: Mapped[str] = mapped_column(Text, default="[]")  # JSON: tags added on arrival


class WelcomeStatus(enum.StrEnum):
    SENT = "sent"
    LATE = "late"  # past WeCom's 20 s: not sent, never retried with the stale code
    REFUSED = "refused"  # WeCom said no (already chatting, code used or invalid)
    FAILED = "failed"  # we could not build or send it (no answer in time, a material failed)


class WelcomeSend(Model):
    """One welcome per add event's ``WelcomeCode`` (single use): what happened to it, shown per code."""

    __tablename__ = "welcome_sends"

    id: Mapped[int] = mapped_column(primary_key=True)
    welcome_code: Mapped[str] = mapped_column(String(128), unique=True)
    code_id: Mapped[int | None] = mapped_column(
        ForeignKey("channel_codes.id", ondelete="SET NULL"), index=True
    )
    external_userid: Mapped[str] = mapped_column(String(64), index=True)
    userid: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(String(255))
    coupon_id: Mapped[int | None] = mapped_column(ForeignKey("coupons.id", ondelete="SET NULL"))
    seconds: Mapped[float | None] = mapped_column()  # from the event reaching us to WeCom's answer
    # Sent for add_half_external_contact: the full add that may follow is the same arrival.
    half: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class HandoverStatus(enum.StrEnum):
    REQUESTED = "requested"  # asked WeCom; no answer per customer yet
    WAITING = "waiting"  # WeCom accepted; the takeover is pending (up to 24 h)
    DONE = "done"  # the customer is the new guide's
    REFUSED = "refused"  # WeCom refused this customer (errcode kept)
    LIMITED = "limited"  # the new guide holds as many customers as WeCom allows
    FAILED = "failed"  # WeCom reported it failed (transfer_fail, or status 3/5)


class Handover(Model):
    """One customer moved from a member who left (离职继承) or to a colleague (在职继承), as asked of WeCom
    and as WeCom answered."""

    __tablename__ = "handovers"
    __table_args__ = (UniqueConstraint("handover_userid", "external_userid", "requested_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resigned: Mapped[bool] = mapped_column(Boolean, default=True)
    handover_userid: Mapped[str] = mapped_column(String(64), index=True)
    takeover_staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    external_userid: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), default=HandoverStatus.REQUESTED.value, index=True)
    errcode: Mapped[int | None] = mapped_column(Integer)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    takeover: Mapped[Staff] = relationship()


class ReportSettings(Model):
    """When the brand's daily and weekly reports go out (one row, made with these defaults when first
    needed). Times are the brand's wall clock (``DISPLAY_TIMEZONE``)."""

    __tablename__ = "report_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    daily_on: Mapped[bool] = mapped_column(Boolean, default=True)
    daily_at: Mapped[str] = mapped_column(String(5), default="09:00")  # HH:MM: yesterday's report
    weekly_on: Mapped[bool] = mapped_column(Boolean, default=True)
    weekly_day: Mapped[int] = mapped_column(Integer, default=0)  # 0 = Monday: last week's report
    weekly_at: Mapped[str] = mapped_column(String(5), default="09:30")


class ReportSend(Model):
    """One report to one person for one period, claimed before it is sent: the unique key is what makes
    "once per period per person" hold when the job runs twice or on two workers at once."""

    __tablename__ = "report_sends"
    __table_args__ = (UniqueConstraint("kind", "period_start", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # daily | weekly
    period_start: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD, the brand's calendar
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(8), default="sending")  # sending | sent | failed
    error: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
