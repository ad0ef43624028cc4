"""The one place files the app keeps go (exports, uploaded import files, materials, product pictures, QR
images): every web host and consumer reads what another wrote, so nothing depends on which host took a
request.

``files()`` is the store the settings choose (``FILE_STORE_URL``): S3-compatible object storage
(``s3://bucket/prefix``, ``core.s3_files``), or the database (``db://``, the default, SQLite included, so
``make run`` needs nothing else), where a file is a
``stored_files`` row and its bytes ``stored_file_chunks`` rows of a megabyte, written and read a chunk at a
time — a 100 MB export never sits in memory. A file is written in the caller's unit of work (a material
and its file are kept or dropped together; what must outlive a refused request, an upload the mapping
form reads next, commits at once) and read on connections of its own, as committed. Downloads stream
chunk by chunk.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Protocol, cast

from flask import Response, current_app, stream_with_context
from sqlalchemy import Table, delete, insert, select

from sidebar.core.errors import DomainError
from sidebar.extensions import db
from sidebar.models import StoredFile, StoredFileChunk, utcnow

CHUNK = 1 << 20


class FileMissing(DomainError):
    """No file under that key."""

    code = "not_found"


class FileStore(Protocol):
    def put(self, key: str, source: IO[bytes], content_type: str) -> int: ...

    def chunks(self, key: str) -> Iterator[bytes]: ...

    def size(self, key: str) -> int | None: ...

    def delete(self, key: str) -> None: ...

    def signed_url(self, key: str, *, filename: str, mimetype: str) -> str | None: ...


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


class DatabaseFiles:
    """Files as rows: a header row and a megabyte a chunk row."""

    def put(self, key: str, source: IO[bytes], content_type: str) -> int:
        """Store ``source`` (read a chunk at a time) under ``key``, replacing what was there."""
        files, chunks = _table(StoredFile), _table(StoredFileChunk)
        size = n = 0
        conn = db.session.connection()  # the caller's unit of work
        conn.execute(delete(files).where(files.c.key == key))
        conn.execute(
            insert(files).values(key=key, size=0, content_type=content_type, chunks=0, created_at=utcnow())
        )
        while block := source.read(CHUNK):
            conn.execute(insert(chunks).values(key=key, n=n, data=block))
            size, n = size + len(block), n + 1
        conn.execute(files.update().where(files.c.key == key).values(size=size, chunks=n))
        return size

    def _header(self, key: str) -> tuple[int, int] | None:
        files = _table(StoredFile)
        with db.engine.connect() as conn:
            row = conn.execute(select(files.c.size, files.c.chunks).where(files.c.key == key)).first()
        return (row[0], row[1]) if row else None

    def size(self, key: str) -> int | None:
        header = self._header(key)
        return header[0] if header else None

    def chunks(self, key: str) -> Iterator[bytes]:
        header = self._header(key)
        if header is None:
            raise FileMissing(key)
        table = _table(StoredFileChunk)
        for n in range(header[1]):
            with db.engine.connect() as conn:
                found = select(table.c.data).where(table.c.key == key, table.c.n == n)
                yield conn.execute(found).scalar_one()

    def delete(self, key: str) -> None:
        files = _table(StoredFile)
        db.session.connection().execute(delete(files).where(files.c.key == key))

    def signed_url(self, key: str, *, filename: str, mimetype: str) -> str | None:
        return None  # the database offers none: the app streams the file


@contextmanager
def local_copy(key: str, suffix: str = "") -> Iterator[Path]:
    """A temporary file on this host with the stored file's bytes, for libraries that need a path (the
    csv and xlsx readers, decryption); removed afterwards. ``FileMissing`` when there is no such file."""
    store = files()
    if store.size(key) is None:
        raise FileMissing(key)
    handle, name = tempfile.mkstemp(suffix=suffix, prefix="beside-")
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            for block in store.chunks(key):
                out.write(block)
        yield path
    finally:
        path.unlink(missing_ok=True)


def put_path(key: str, path: Path, content_type: str) -> int:
    with path.open("rb") as source:
        return files().put(key, source, content_type)


# The folders under ``instance/`` where earlier versions kept files, each moved to the key prefix of its name.
EARLIER_FOLDERS = ("materials", "products", "channel_codes", "group_codes", "imports", "exports")


def move_from_folder(instance: Path) -> dict[str, int]:
    """Put the files an earlier version kept under ``instance/<folder>/`` into the store as
    ``<folder>/<name>`` (what the code now reads), committing each; a file already in the store is left.
    The originals stay where they are, for the operator to remove once satisfied."""
    import mimetypes

    from sidebar.core import uow

    counts = {"moved": 0, "already": 0}
    store = files()
    for folder in EARLIER_FOLDERS:
        base = instance / folder
        if not base.is_dir():
            continue
        for path in sorted(p for p in base.iterdir() if p.is_file()):
            key = f"{folder}/{path.name}"
            if store.size(key) is not None:
                counts["already"] += 1
                continue
            put_path(key, path, mimetypes.guess_type(path.name)[0] or "application/octet-stream")
            uow.commit_point("each file moved is kept, so a stopped move picks up where it was")
            counts["moved"] += 1
    return counts


def files() -> FileStore:
    """The app's file store (one per app)."""
    store = current_app.extensions.get("files")
    if store is None:
        url = str(current_app.config.get("FILE_STORE_URL") or "db://")
        if url.startswith("s3://"):
            from sidebar.core.s3_files import ObjectFiles

            store = ObjectFiles(current_app.config)
        else:
            store = DatabaseFiles()
        current_app.extensions["files"] = store
    return store


def download(
    key: str, *, filename: str | None, mimetype: str, private_max_age: int | None = None
) -> Response:
    """A stored file, streamed: an attachment named ``filename``, or shown in the page when ``filename``
    is None (a material's picture or PDF), cached privately for ``private_max_age`` seconds if given.
    An attachment in a store that signs URLs is a redirect to one, valid for minutes: the bytes go from
    the store to the browser, not through a web worker. The caller has checked who may have it."""
    store = files()
    size = store.size(key)
    if size is None:
        raise FileMissing(key)
    if filename is not None and (url := store.signed_url(key, filename=filename, mimetype=mimetype)):
        moved = Response(status=303, headers={"Location": url})
        moved.headers["Cache-Control"] = "no-store"  # the URL is a secret until it expires
        return moved
    response = Response(stream_with_context(store.chunks(key)), mimetype=mimetype)
    response.headers["Content-Length"] = str(size)
    if filename is not None:
        response.headers.set("Content-Disposition", "attachment", filename=filename)
    if private_max_age is not None:
        response.headers["Cache-Control"] = f"private, max-age={private_max_age}"
    return response
