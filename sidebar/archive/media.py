"""Media of archived messages (images, voice, video, files, emotions) fetched into the file store.

WeCom gives a media file piece by piece (GetMediaData, 512 KB each, doc 91774 获取媒体文件). A file is
read into a temporary spool (memory, then disk) and put in the file store whole, so a file is either
stored or not at all. A file larger than ``ARCHIVE_MEDIA_MAX_MB`` (by the size its message states, or
while reading when it states none) is not kept: the message says so. A network problem leaves the rest
pending for the next run; a file WeCom no longer has is marked failed.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from sidebar.archive import parse
from sidebar.archive.sdk import SdkError
from sidebar.archive.source import ArchiveSource
from sidebar.core.files import files
from sidebar.extensions import db
from sidebar.models import ArchiveMessage

# What each kind is, for the browser that shows it (WeCom archives images as jpg, voice as amr, video as
# mp4; a file carries its extension; an emotion is a gif (type 1) or a png (type 2)).
MIMES = {"image": "image/jpeg", "voice": "audio/amr", "video": "video/mp4", "meeting_voice_call": "audio/amr"}
FILE_MIMES = {"pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
              "mp4": "video/mp4", "txt": "text/plain"}  # fmt: skip
RETRY_LATER = {10001, 10003, 10009}  # the network, WeCom, the IP allow-list: the file may come later
SPOOL_IN_MEMORY = 2 * 2**20


@dataclass
class Fetched:
    stored: int = 0
    too_large: int = 0
    failed: int = 0
    error: str | None = None


def key_of(row: ArchiveMessage) -> str:
    return f"archive/{row.sent_at:%Y/%m}/{row.id}"


def mime_of(row: ArchiveMessage) -> str:
    content = json.loads(row.content or "{}")
    if row.msgtype == "file":
        return FILE_MIMES.get(str(content.get("fileext") or "").lower(), "application/octet-stream")
    if row.msgtype == "emotion":
        return "image/gif" if int(content.get("type") or 1) == 1 else "image/png"
    return MIMES.get(row.msgtype, "application/octet-stream")


def fetch_pending(source: ArchiveSource, *, limit: int = 50) -> Fetched:
    """Fetch up to ``limit`` pending files, oldest first. Flushes; the caller commits."""
    most = int(float(current_app.config["ARCHIVE_MEDIA_MAX_MB"]) * 2**20)
    done = Fetched()
    rows = db.session.scalars(
        select(ArchiveMessage)
        .where(ArchiveMessage.media_state == "pending")
        .order_by(ArchiveMessage.id)
        .limit(limit)
    ).all()
    for row in rows:
        stated = parse.media_size(row.msgtype, json.loads(row.content or "{}"))
        if stated and stated > most:
            row.media_state = "too_large"
            done.too_large += 1
            continue
        try:
            with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
                for piece in source.media(row.sdkfileid or ""):
                    spool.write(piece)
                    if spool.tell() > most:
                        break
                if spool.tell() > most:
                    row.media_state = "too_large"
                    done.too_large += 1
                    continue
                spool.seek(0)
                files().put(key_of(row), spool, mime_of(row))  # type: ignore[arg-type]
        except SdkError as exc:
            if exc.code in RETRY_LATER:
                done.error = exc.words
                break
            row.media_state = "failed"
            done.failed += 1
            continue
        row.media_key, row.media_state = key_of(row), "stored"
        done.stored += 1
    db.session.flush()
    return done
