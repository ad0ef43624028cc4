"""What happened: messages sent from the sidebar, callbacks received, and the audit trail."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sidebar.extensions import Model
from sidebar.models.base import UTCDateTime, utcnow


class Send(Model):
    """One message Beside sent: what, to whom, by whom, and how it went (``core.send_log``)."""

    __tablename__ = "sends"
    __table_args__ = (
        Index("ix_sends_staff_id_created_at", "staff_id", "created_at"),
        # Usage reports: sends of one script or material over time.
        Index("ix_sends_kind_ref_id_created_at", "kind", "ref_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    chat_id: Mapped[str | None] = mapped_column(String(64), index=True)
    # What was sent (``core.send_log.KINDS``) and where from (sidebar | sop | welcome).
    kind: Mapped[str] = mapped_column(String(16))
    via: Mapped[str] = mapped_column(String(16), default="sidebar", server_default="sidebar")
    ref_id: Mapped[int | None] = mapped_column(Integer)
    msgtype: Mapped[str] = mapped_column(String(16), default="text")
    summary: Mapped[str] = mapped_column(String(255), default="")
    result: Mapped[str] = mapped_column(String(16), default="ok")  # ok | failed | cancelled
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EventStatus(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"  # will be retried
    DEAD = "dead"  # gave up after the last attempt; shown to admins


class WecomEvent(Model):
    """A callback as received. Nothing is dropped: failures stay here with their error."""

    __tablename__ = "wecom_events"
    __table_args__ = (Index("ix_wecom_events_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(64), unique=True)
    event: Mapped[str] = mapped_column(String(64))
    change_type: Mapped[str | None] = mapped_column(String(64))
    raw_xml: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=EventStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditLog(Model):
    """Money, transfers, permission and configuration changes: who, what, when."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_target_type_target_id", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), index=True
    )
    # Who acted when it was not a member: "system", "cli", "wecom".
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    ip: Mapped[str | None] = mapped_column(String(45))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class JobSlot(Model):
    """One run of a periodic job for one time slot (``core.slots``): whichever consumer inserts the row
    runs it; a run whose holder stopped renewing its lease is taken over by another consumer."""

    __tablename__ = "job_slots"
    __table_args__ = (
        UniqueConstraint("name", "slot"),
        Index("ix_job_slots_status_lease", "status", "lease_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    slot: Mapped[datetime] = mapped_column(UTCDateTime)
    holder: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | done | failed
    lease_until: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=1)


class StoredFile(Model):
    """A file the app keeps (``core.files``, the database store): its size and type; the bytes are in
    ``stored_file_chunks``, a megabyte a row, so no file is ever read or written whole in memory."""

    __tablename__ = "stored_files"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(128))
    chunks: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StoredFileChunk(Model):
    __tablename__ = "stored_file_chunks"

    key: Mapped[str] = mapped_column(ForeignKey("stored_files.key", ondelete="CASCADE"), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class KeyValue(Model):
    """The shared store's database backend: tokens, tickets, locks and sync cursors."""

    __tablename__ = "key_values"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
