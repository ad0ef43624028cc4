"""The brand's own people: teams, stores and staff (WeCom members)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sidebar.extensions import Model
from sidebar.models.base import Timestamps, UTCDateTime


class Role(enum.StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    GUIDE = "guide"


class StaffStatus(enum.StrEnum):
    ACTIVE = "active"
    RESIGNED = "resigned"


class Team(Timestamps, Model):
    """A data-permission scope; teams nest, and a manager sees their team's whole subtree."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    # The WeCom department this team mirrors, when it mirrors one.
    wecom_department_id: Mapped[int | None] = mapped_column(Integer, unique=True)

    parent: Mapped[Team | None] = relationship(remote_side=[id])


class StoreStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # kept: its orders, guides' history and codes still name it


class Store(Timestamps, Model):
    """A physical shop; guides belong to one. The code is the brand's (the POS's, the CRM's): orders and
    members name a store by it, and may arrive before the store is made here (``org.stores``)."""

    __tablename__ = "stores"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    city: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default=StoreStatus.OPEN, server_default="open")
    # The region: the team whose managers see this store's guides.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)

    team: Mapped[Team | None] = relationship()


class Staff(Timestamps, Model):
    """A WeCom member who uses the sidebar or the console."""

    __tablename__ = "staff"
    __table_args__ = (CheckConstraint("tier IN ('A', 'B', 'C')", name="tier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    userid: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    # WeCom department ids as a comma-separated list, exactly as synced.
    departments: Mapped[str] = mapped_column(String(255), default="")
    position: Mapped[str | None] = mapped_column(String(64))
    avatar: Mapped[str | None] = mapped_column(String(512))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id", ondelete="SET NULL"), index=True)
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=Role.GUIDE,
    )
    status: Mapped[StaffStatus] = mapped_column(
        Enum(StaffStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=StaffStatus.ACTIVE,
        index=True,
    )
    tier: Mapped[str] = mapped_column(String(1), default="B")
    resigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Signing out ends every session begun before this moment, on every device.
    sessions_valid_after: Mapped[datetime | None] = mapped_column(UTCDateTime)

    team: Mapped[Team | None] = relationship()
    store: Mapped[Store | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.status == StaffStatus.ACTIVE
