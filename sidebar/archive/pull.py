"""Following the archive: every record after the stored seq, decrypted, stored once, the seq moved on.

Exactly once: a page's rows and the new seq are committed together, and a row whose msgid is already
stored is skipped (``ON CONFLICT DO NOTHING``), so a run cut short re-reads at most the page it was on
and stores nothing twice. A problem — a wrong Secret, a private key missing for a version, an SDK
error — stops the pull at the last record stored, with the problem in words on the cursor (the console's
archive page shows it); the next run, once it is fixed, goes on from there.
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import Column, MetaData, Table, text, update

from sidebar.archive import chat_tags, compliance, parse, replies
from sidebar.archive import media as media_files
from sidebar.archive import source as sources
from sidebar.archive.keys import KeyProblem
from sidebar.archive.sdk import SdkError
from sidebar.core import uow, upsert
from sidebar.core.analyze import analyze
from sidebar.core.bulk_insert import copy_rows
from sidebar.extensions import db
from sidebar.models import ArchiveConsent, ArchiveCursor, ArchiveMessage

log = logging.getLogger(__name__)
PAGE = 1000  # GetChatData's most
PAGES_PER_RUN = 50  # then the job ends; the next run goes on
# A run that stored this many (a backlog being caught up) analyses what it wrote: autovacuum's ANALYZE
# comes later, and plans on a table ten times the size its statistics say go wrong.
ANALYZE_AFTER = 20_000


@dataclass
class Pulled:
    stored: int = 0
    pages: int = 0
    error: str | None = None
    media: media_files.Fetched | None = None


def cursor() -> ArchiveCursor:
    row = db.session.get(ArchiveCursor, 1)
    if row is None:
        upsert.ensure(ArchiveCursor, "id", 1, seq=0, stored=0)
        row = db.session.get(ArchiveCursor, 1)
    assert row is not None
    return row


def pull(*, now: datetime, source: sources.ArchiveSource | None = None, pages: int = PAGES_PER_RUN) -> Pulled:
    """Pull up to ``pages`` pages; commits after each."""
    done = Pulled()
    own = source is None
    at = cursor()
    try:
        source = source or sources.open_source(current_app.config)
    except (SdkError, KeyProblem) as exc:
        _stop(at, exc, now)
        return Pulled(error=at.error)
    ahead = _Ahead(source, at.seq, pages)
    try:
        while (opened := ahead.next()) is not None:
            records, messages, problem = opened
            at.pulled_at = now
            if not records:
                break
            stored, last_good = _store(records, messages)
            at.seq = max(at.seq, last_good)
            at.stored += stored
            done.stored += stored
            done.pages += 1
            if problem is not None:
                _stop(at, problem, now)
                break
            at.error = at.error_code = at.error_at = None
            uow.commit_point("a page of the archive and the seq after it, together: never lost, never twice")
        if done.stored >= ANALYZE_AFTER:
            analyze("archive_messages", "sensitive_hits")
        if at.error is None:
            done.media = media_files.fetch_pending(source)
            uow.commit_point("the files fetched are kept with their messages")
    except (SdkError, KeyProblem) as exc:
        _stop(at, exc, now)
    finally:
        ahead.close()
        if own and source is not None:
            source.close()
    done.error = at.error
    return done


def _stop(at: ArchiveCursor, problem: Exception, now: datetime) -> None:
    at.error_code = problem.code if isinstance(problem, SdkError) else None
    at.error = problem.words if isinstance(problem, SdkError) else str(problem)
    at.error_at = now
    log.warning("archive pull stopped at seq %s: %s", at.seq, at.error)
    uow.commit_point("what stopped the pull is kept, with the seq it stopped at")


Opened = tuple[list[dict[str, Any]], list[dict[str, Any]], Exception | None]


class _Ahead:
    """The pages after the one being stored, in two stages on threads of their own: the page after next
    asked of WeCom while the next is decrypted, the next decrypted while this one is stored — WeCom's
    answer, the RSA threads and PostgreSQL's work overlap. A page is opened only if the one before it was
    whole and opened without a problem, so its seq is the one after; at most ``pages`` are asked for."""

    def __init__(self, source: sources.ArchiveSource, seq: int, pages: int):
        self.source, self.left = source, pages
        self.asking = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive-page")
        self.opening = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive-open")
        first = self._ask(seq)
        self.current: Future | None = self.opening.submit(self._open, first) if first else None

    def _ask(self, seq: int) -> Future | None:
        if self.left <= 0:
            return None
        self.left -= 1
        return self.asking.submit(lambda: sorted(self.source.page(seq, PAGE), key=lambda r: int(r["seq"])))

    def _open(self, asked: Future) -> tuple[Opened, Future | None]:
        records = asked.result()
        after = self._ask(int(records[-1]["seq"])) if len(records) == PAGE else None
        if not records:
            return ([], [], None), None
        messages, problem = self.source.decrypt_many(records)
        return (records, messages, problem), after

    def next(self) -> Opened | None:
        """The next page in seq order, its messages decrypted up to the first that cannot be, and why
        not; None after the last."""
        if self.current is None:
            return None
        opened, after = self.current.result()
        good = after is not None and opened[2] is None
        self.current = self.opening.submit(self._open, after) if good else None
        return opened

    def close(self) -> None:
        self.opening.shutdown(wait=True, cancel_futures=True)
        self.asking.shutdown(wait=True, cancel_futures=True)


def _store(records: list[dict[str, Any]], messages: list[dict[str, Any]]) -> tuple[int, int]:
    """Store a page's decrypted messages in seq order; (rows stored, last seq stored)."""
    rows: list[dict[str, Any]] = []
    last_good = 0
    for record, message in zip(records, messages, strict=False):
        rows.append(parse.row(int(record["seq"]), message))
        last_good = int(record["seq"])
    stored = 0
    if rows:
        new = _insert_new(rows)  # id → msgid of what was new
        stored = len(new)
        _apply(rows)
        # The compliance rules, in the same pass: a hit is stored with its message.
        ids = {msgid: row_id for row_id, msgid in new.items()}
        fresh = [{**r, "id": ids[r["msgid"]]} for r in rows if r["msgid"] in ids]
        compliance.evaluate(fresh)
        chat_tags.apply(fresh)  # tags from what customers say, also in the same pass
        replies.learn(fresh)  # guides' script replies, for the sidebar's reply help
    return stored, last_good


INCOMING = "archive_incoming"


def _insert_new(rows: list[dict[str, Any]]) -> dict[int, str]:
    """Insert the page's rows, skipping any already stored (by msgid or seq); id → msgid of the new.

    On PostgreSQL the page is COPYed into a temporary table and moved across in one ``INSERT … SELECT …
    ON CONFLICT DO NOTHING RETURNING`` (a thousand-row VALUES statement cost more to build and parse than
    to run). Elsewhere, SQLAlchemy's batched INSERT … RETURNING."""
    table = ArchiveMessage.__table__
    if db.engine.dialect.name != "postgresql":
        statement = upsert.insert(table).on_conflict_do_nothing().returning(table.c.id, table.c.msgid)
        return dict(db.session.execute(statement, rows).tuples().all())
    columns = list(rows[0])
    db.session.execute(
        text(f"CREATE TEMP TABLE IF NOT EXISTS {INCOMING} (LIKE archive_messages) ON COMMIT DELETE ROWS")
    )
    db.session.execute(text(f"ALTER TABLE {INCOMING} DROP COLUMN IF EXISTS id"))
    incoming = Table(INCOMING, MetaData(), *(Column(c.name, c.type) for c in table.columns if c.name != "id"))
    raw: Any = db.session.connection().connection.dbapi_connection
    copy_rows(raw, incoming, rows)
    names = ", ".join(columns)
    moved = db.session.execute(
        text(
            f"INSERT INTO archive_messages ({names}) SELECT {names} FROM {INCOMING} ORDER BY seq "  # noqa: S608
            "ON CONFLICT DO NOTHING RETURNING id, msgid"  # (the names are parse.row's own keys)
        )
    ).tuples().all()  # fmt: skip
    db.session.execute(text(f"DELETE FROM {INCOMING}"))  # noqa: S608 (a constant)
    return dict(moved)


def _apply(rows: list[dict[str, Any]]) -> None:
    """What some messages change: a recall marks the message it recalls; agree/disagree the customer."""
    for r in rows:
        if r["msgtype"] == "revoke":
            pre = json.loads(r["content"]).get("pre_msgid")
            if pre:
                db.session.execute(
                    update(ArchiveMessage).where(ArchiveMessage.msgid == pre).values(recalled=True)
                )
        elif r["msgtype"] in ("agree", "disagree"):
            who = json.loads(r["content"]).get("userid") or r["sender"]
            if parse.is_customer(str(who)):
                consent(str(who), agreed=r["msgtype"] == "agree", at=r["sent_at"])


def consent(external_userid: str, *, agreed: bool, at: datetime) -> None:
    """Record a customer's latest answer (an older answer never overwrites a newer one)."""
    statement = upsert.insert(ArchiveConsent.__table__).values(
        external_userid=external_userid, agreed=agreed, changed_at=at
    )
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["external_userid"],
            set_={"agreed": statement.excluded.agreed, "changed_at": statement.excluded.changed_at},
            where=ArchiveConsent.changed_at <= statement.excluded.changed_at,
        )
    )
