"""Keeping the archive no longer than the brand decided (``ARCHIVE_RETENTION_DAYS``, 180 by default):
the oldest messages and their files are deleted in batches, so a daily run over millions of rows never
holds one long transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from sidebar.core import uow
from sidebar.core.files import files
from sidebar.extensions import db
from sidebar.models import ArchiveMessage

BATCH = 5000


def delete_old(*, now: datetime, batch: int = BATCH, batches: int = 200) -> int:
    """Delete messages sent before the retention period, ``batch`` at a time; returns how many."""
    before = now - timedelta(days=float(current_app.config["ARCHIVE_RETENTION_DAYS"]))
    gone = 0
    for _ in range(batches):
        rows = db.session.execute(
            select(ArchiveMessage.id, ArchiveMessage.media_key)
            .where(ArchiveMessage.sent_at < before)
            .order_by(ArchiveMessage.sent_at)
            .limit(batch)
        ).all()
        if not rows:
            break
        store = files()
        for _id, key in rows:
            if key:
                store.delete(key)
        db.session.execute(delete(ArchiveMessage).where(ArchiveMessage.id.in_([r[0] for r in rows])))
        gone += len(rows)
        uow.commit_point("each batch of the archive past its retention is gone for good")
    return gone
