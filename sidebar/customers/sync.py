"""Pulling customers from WeCom page by page, resumable after an interruption.

``externalcontact/batch/get_by_user`` takes up to 100 members and pages with a cursor. Progress (which
batch of members, which cursor) is kept in the shared store after each page is committed, so a run
that is stopped picks up where it left off. Rate limits are the client's concern (it backs off on
45009); ``pace`` spaces the calls so a full sync stays far below WeCom's per-minute quota.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from sidebar.core import uow
from sidebar.customers import contacts
from sidebar.extensions import db
from sidebar.models import Staff, StaffStatus
from sidebar.org import corp_tags as tag_service
from sidebar.wecom.errors import CURSOR_INVALID, WeComError
from sidebar.wecom.gateway import gateway, wecom

PROGRESS_KEY = "sync:customers:progress"
MEMBERS_PER_CALL = 100
PAGE_SIZE = 100


def _follow_user(info: dict[str, Any]) -> dict[str, Any]:
    """batch/get_by_user's ``follow_info`` lists tag ids; ``externalcontact/get`` lists tag objects."""
    return {**info, "tags": [{"tag_id": t, "type": 1} for t in info.get("tag_id") or []]}


def sync_customers(
    *, pace: float = 0.0, restart: bool = False, on_page: Callable[[dict[str, Any]], None] | None = None
) -> dict[str, int]:
    """Upsert every customer of every active member. Commits after each page."""
    store = gateway().store
    if restart:
        store.delete(PROGRESS_KEY)
    userids = list(
        db.session.scalars(
            select(Staff.userid).where(Staff.status == StaffStatus.ACTIVE).order_by(Staff.userid)
        )
    )
    batches = [userids[i : i + MEMBERS_PER_CALL] for i in range(0, len(userids), MEMBERS_PER_CALL)]
    saved = json.loads(store.get(PROGRESS_KEY) or "{}")
    batch_no, cursor = int(saved.get("batch", 0)), saved.get("cursor", "")
    totals = {"pages": 0, "contacts": 0, "resumed_at_batch": batch_no, "cursor_restarts": 0}
    tag_service.sync_corp_tags()
    uow.commit_point("tags first: the contacts refer to them")
    client = wecom()
    while batch_no < len(batches):
        try:
            result = client.post(
                "externalcontact/batch/get_by_user",
                data={"userid_list": batches[batch_no], "cursor": cursor, "limit": PAGE_SIZE},
            )
        except WeComError as exc:
            # 50100 分页查询的游标无效 (doc 90313): a stored cursor WeCom no longer accepts. This batch
            # again from its first page (the upserts repeat safely) rather than failing forever.
            if exc.errcode != CURSOR_INVALID or not cursor:
                raise
            cursor = ""
            totals["cursor_restarts"] += 1
            continue
        entries = [
            (e["external_contact"], [_follow_user(e["follow_info"])])
            for e in result.get("external_contact_list") or []
        ]
        contacts.upsert_contacts(entries, complete=False)
        cursor = result.get("next_cursor") or ""
        if not cursor:
            batch_no += 1
        uow.commit_point("a page at a time, so an interrupted sync resumes")
        store.set(PROGRESS_KEY, json.dumps({"batch": batch_no, "cursor": cursor}))
        totals["pages"] += 1
        totals["contacts"] += len(entries)
        if on_page:
            on_page(totals)
        if pace:
            time.sleep(pace)
    store.delete(PROGRESS_KEY)
    return totals
