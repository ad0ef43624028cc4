"""The console's own records: local admin accounts and background jobs with progress."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sidebar.extensions import Model
from sidebar.models.base import UTCDateTime, utcnow
from sidebar.models.org import Role


class AdminAccount(Model):
    """A local sign-in for the first set-up, before WeCom is configured (``flask create-admin``).

    Always an admin; the password is stored only as a salted hash.
    """

    __tablename__ = "admin_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Signing out ends every session begun before this moment, on every device.
    sessions_valid_after: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The same shape the scope rules read from a staff member.
    role = Role.ADMIN
    team_id = None
    status = "active"

    @property
    def name(self) -> str:
        return self.username

    @property
    def label(self) -> str:
        return f"local:{self.username}"


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class BackgroundJob(Model):
    """A long task started from the console (bulk tagging, export), with progress the page polls."""

    __tablename__ = "background_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # bulk_tags | export | sync_staff
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED.value, index=True)
    params: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[str | None] = mapped_column(Text)  # JSON
    error: Mapped[str | None] = mapped_column(Text)
    # Who started it: a staff member, or a local admin account.
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), index=True)
    admin_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("admin_accounts.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE.value:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE.value, JobStatus.FAILED.value)


class ImportMapping(Model):
    """A column mapping an admin made by hand for a file no preset fits, saved to use again."""

    __tablename__ = "import_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # orders | members
    platform: Mapped[str] = mapped_column(String(16), default="other")
    columns: Mapped[str] = mapped_column(Text, default="{}")  # JSON: our field -> the file's header
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
