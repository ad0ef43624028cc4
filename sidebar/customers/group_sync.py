"""Customer group chats kept in our database: synced from ``groupchat/list`` and ``groupchat/get``
(paged, paced, resumable like the customer sync) and kept current by ``change_external_chat`` events.

A member missing from WeCom's list has left: the row stays with ``left_at`` (and, when the event says,
how they left), so joins and leaves can be counted. A dismissed group keeps its history and is marked.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update

from sidebar.core import uow, upsert
from sidebar.core.analyze import analyze
from sidebar.core.upsert import insert
from sidebar.extensions import db
from sidebar.models import GroupChat, GroupChatMember, Staff, utcnow
from sidebar.wecom.errors import CHAT_DISMISSED, CURSOR_INVALID, GONE_CHAT, WeComError
from sidebar.wecom.gateway import gateway, wecom

PROGRESS_KEY = "sync:groups:progress"
PAGE_SIZE = 1000  # WeCom's most for groupchat/list
OWNERS_PER_CALL = 100  # owner_filter.userid_list holds at most 100 (doc 92120)


def _when(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), UTC) if value else None
    except (TypeError, ValueError):
        return None


def store_chat(chat: dict[str, Any], *, now: datetime | None = None) -> GroupChat:
    """Upsert one group as ``groupchat/get`` describes it, members included. Flushes."""
    now = now or utcnow()
    group = db.session.scalar(select(GroupChat).where(GroupChat.chat_id == chat["chat_id"]))
    if group is None:  # (made once even when two syncs, or a sync and an event, run at once)
        group = upsert.ensure(
            GroupChat, "chat_id", chat["chat_id"], name="", owner_userid="", notice="", member_count=0,
            status="active", synced_at=now,
        )  # fmt: skip
    group.name = (chat.get("name") or "")[:128]
    group.owner_userid = chat.get("owner") or ""
    group.notice = chat.get("notice") or ""
    group.created_on_wecom = _when(chat.get("create_time"))
    listed = chat.get("member_list") or []
    group.member_count = len(listed)
    group.status, group.dismissed_at, group.synced_at = "active", None, now
    db.session.flush()
    # The members in one upsert and one update (a 500-member group is three statements, not 500 rows
    # through the ORM): whoever is listed is (back) in; whoever is not has left.
    rows: dict[str, dict[str, Any]] = {}
    for m in listed:
        userid = (m.get("userid") or "")[:64]
        if userid:
            rows[userid] = {
                "group_id": group.id,
                "userid": userid,
                "type": int(m.get("type") or 2),
                "name": (m.get("group_nickname") or m.get("name") or "")[:128],
                "joined_at": _when(m.get("join_time")),
                "join_scene": m.get("join_scene"),
                "invitor": (m.get("invitor") or {}).get("userid") or None,
                "left_at": None,
                "quit_scene": None,
                "state": (m.get("state") or "")[:30] or None,
            }
    if rows:
        # One statement given many rows: SQLAlchemy batches them into multi-row VALUES, compiled once.
        statement = insert(GroupChatMember)
        kept = ("type", "name", "joined_at", "join_scene", "invitor", "left_at", "quit_scene", "state")
        statement = statement.on_conflict_do_update(
            index_elements=["group_id", "userid"], set_={k: getattr(statement.excluded, k) for k in kept}
        )
        db.session.execute(statement, list(rows.values()))
    gone = update(GroupChatMember).where(
        GroupChatMember.group_id == group.id, GroupChatMember.left_at.is_(None)
    )
    if rows:
        gone = gone.where(GroupChatMember.userid.not_in(list(rows)))
    db.session.execute(gone.values(left_at=now).execution_options(synchronize_session=False))
    db.session.flush()
    return group


def mark_dismissed(chat_id: str, *, now: datetime | None = None) -> GroupChat | None:
    """The stored group, marked dismissed (members and history stay); None when we never knew it."""
    group = db.session.scalar(select(GroupChat).where(GroupChat.chat_id == chat_id))
    if group is not None and group.status != "dismissed":
        group.status, group.dismissed_at = "dismissed", now or utcnow()
    return group


def refresh(chat_id: str, *, now: datetime | None = None) -> GroupChat | None:
    """The group as WeCom has it now, stored; None when WeCom says it is gone: 40050 (no such chat) or
    49008 (dismissed, which is also marked on the stored group) — doc 90313."""
    try:
        chat = wecom().post("externalcontact/groupchat/get", data={"chat_id": chat_id, "need_name": 1})
    except WeComError as exc:
        if exc.errcode in GONE_CHAT:
            if exc.errcode == CHAT_DISMISSED:
                mark_dismissed(chat_id, now=now)
            return None
        raise
    return store_chat(chat["group_chat"], now=now)


def sync_groups(
    *, pace: float = 0.0, restart: bool = False, on_page: Callable[[dict[str, Any]], None] | None = None
) -> dict[str, int]:
    """Every group chat of the corp: a page of ids from ``groupchat/list``, then each group's details.

    Owner by owner, 100 a call (``owner_filter``): without the filter WeCom refuses the list once the
    app's visible range is over 1,000 people (81017, doc 92120). Commits after each page and keeps the
    batch and cursor, so a stopped run picks up where it left off; a cursor WeCom no longer accepts
    (50100) restarts that batch from its first page rather than failing forever."""
    store = gateway().store
    if restart:
        store.delete(PROGRESS_KEY)
    owners = list(db.session.scalars(select(Staff.userid).order_by(Staff.userid)))
    batches = [owners[i : i + OWNERS_PER_CALL] for i in range(0, len(owners), OWNERS_PER_CALL)]
    saved = json.loads(store.get(PROGRESS_KEY) or "{}")
    batch_no, cursor = int(saved.get("batch", 0)), saved.get("cursor", "")
    totals = {"pages": 0, "groups": 0, "resumed": int(bool(cursor or batch_no)), "cursor_restarts": 0}
    client = wecom()
    while batch_no < len(batches):
        try:
            page = client.post(
                "externalcontact/groupchat/list",
                data={
                    "status_filter": 0,
                    "owner_filter": {"userid_list": batches[batch_no]},
                    "cursor": cursor,
                    "limit": PAGE_SIZE,
                },
            )
        except WeComError as exc:
            if exc.errcode != CURSOR_INVALID or not cursor:
                raise
            cursor = ""  # the cursor died: this batch again from its first page (upserts repeat safely)
            totals["cursor_restarts"] += 1
            continue
        for item in page.get("group_chat_list") or []:
            if pace:
                time.sleep(pace)
            if refresh(item["chat_id"]) is not None:
                totals["groups"] += 1
        cursor = page.get("next_cursor") or ""
        if not cursor:
            batch_no += 1
        totals["pages"] += 1
        uow.commit_point("one page of groups at a time (resumable)")
        store.set(PROGRESS_KEY, json.dumps({"batch": batch_no, "cursor": cursor}), ttl=7 * 86400)
        if on_page:
            on_page(totals)
    store.delete(PROGRESS_KEY)
    analyze("group_chats", "group_chat_members")  # a first sync writes millions of member rows
    return totals


def on_event(fields: dict[str, str], *, now: datetime | None = None) -> str:
    """``change_external_chat``: a group made or changed is fetched again; one dismissed is marked (its
    members and history stay). Members who left are marked with how (QuitScene: 0 left, 1 removed)."""
    now = now or utcnow()
    chat_id, change = fields.get("ChatId", ""), fields.get("ChangeType", "")
    if change == "dismiss":
        if mark_dismissed(chat_id, now=now) is None:
            return "ignored: a group we never knew was dismissed"
        return "group marked dismissed"
    group = refresh(chat_id, now=now)
    if group is None:
        # Dismissed or unknown by the time we asked (an update queued behind the dismissal): the event
        # is done with, not a dead letter.
        return "ignored: WeCom says the group is gone"
    if fields.get("UpdateDetail") == "del_member" and fields.get("QuitScene", "").isdigit():
        for row in db.session.scalars(
            select(GroupChatMember).where(
                GroupChatMember.group_id == group.id, GroupChatMember.left_at == now
            )
        ):
            row.quit_scene = int(fields["QuitScene"])
    return f"group {change or 'changed'}: {group.member_count} members"
