"""Reading the archive in the console, in the viewer's scope only.

An admin reads everything; a manager the conversations of the members they oversee (the same team
subtree as their customers, ``customers.visibility``) and the group chats those members own. A
customer who refused to be archived (``ArchiveConsent.agreed`` false) is never shown: not their
one-to-one messages, not what they said in groups. Pages go back in time a page at a time after the
last message shown (keyset on ``(sent_at, id)``), so a conversation of a million messages costs what a
short one does.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Interval, Select, and_, func, literal, or_, select, tuple_
from sqlalchemy.orm import aliased

from sidebar.customers import search, visibility
from sidebar.extensions import db
from sidebar.models import ArchiveConsent, ArchiveMessage, Customer, GroupChat, Role, Staff

PAGE = 50


def scope_userids(viewer: Any) -> list[str] | None:
    """Members whose conversations ``viewer`` may read; None: everyone's (an admin)."""
    if viewer.role == Role.ADMIN:
        return None
    if not isinstance(viewer, Staff):
        return []
    followers = visibility.follower_ids(viewer)
    if followers is None:
        return None
    return list(db.session.scalars(select(Staff.userid).where(Staff.id.in_(followers))))


def refused() -> Select:
    """Customers who refused to be archived."""
    return select(ArchiveConsent.external_userid).where(ArchiveConsent.agreed.is_(False))


def _shown(viewer: Any, m: Any = ArchiveMessage) -> list[Any]:
    """Conditions every message shown must meet: in scope, and not a refusing customer's (``m``: the
    messages, or a subquery of them)."""
    conditions: list[Any] = [
        or_(m.customer_userid.is_(None), m.customer_userid.not_in(refused())),
        m.sender.not_in(refused()),
    ]
    members = scope_userids(viewer)
    if members is not None:
        rooms = select(GroupChat.chat_id).where(GroupChat.owner_userid.in_(members))
        conditions.append(or_(and_(m.room_id.is_(None), m.staff_userid.in_(members)), m.room_id.in_(rooms)))
    return conditions


def may_read_member(viewer: Any, userid: str) -> bool:
    members = scope_userids(viewer)
    return members is None or userid in members


def may_read_room(viewer: Any, chat_id: str) -> bool:
    members = scope_userids(viewer)
    if members is None:
        return True
    owner = db.session.scalar(select(GroupChat.owner_userid).where(GroupChat.chat_id == chat_id))
    return owner in members


def customer_in_scope(viewer: Any, external_userid: str) -> Customer | None:
    """The customer, if the viewer may see them (an admin: anyone known; a manager: through the follows of
    the members they oversee, ``customers.visibility``)."""
    query = select(Customer) if viewer.role == Role.ADMIN else visibility.visible(viewer)
    return db.session.scalar(query.where(Customer.external_userid == external_userid))


def is_refused(external_userid: str) -> bool:
    consent = db.session.get(ArchiveConsent, external_userid)
    return consent is not None and not consent.agreed


@dataclass
class Page:
    messages: list[ArchiveMessage]
    older: str | None  # the cursor for the page before, or None: this is the start


def cursor_of(message: ArchiveMessage) -> str:
    raw = json.dumps([message.sent_at.isoformat(), message.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _before(cursor: str | None, m: Any = ArchiveMessage) -> Any:
    if not cursor:
        return None
    try:
        at, row_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return tuple_(m.sent_at, m.id) < (datetime.fromisoformat(at), int(row_id))
    except (ValueError, TypeError):
        return None


def _page(viewer: Any, where: list[Any], cursor: str | None, *, m: Any = ArchiveMessage,
          newest: Any = None) -> Page:  # fmt: skip
    """A page of ``m`` (the messages or a subquery of them) before ``cursor``, newest first; ``newest``:
    what to order by instead of ``m.sent_at`` (the same order, another plan)."""
    query = select(m).where(*where, *_shown(viewer, m))
    if (before := _before(cursor, m)) is not None:
        query = query.where(before)
    newest = m.sent_at if newest is None else newest
    rows = list(db.session.scalars(query.order_by(newest.desc(), m.id.desc()).limit(PAGE + 1)))
    older = cursor_of(rows[PAGE - 1]) if len(rows) > PAGE else None
    return Page(list(reversed(rows[:PAGE])), older)  # oldest first, as a chat reads


def conversation(viewer: Any, staff_userid: str, customer_userid: str, cursor: str | None = None) -> Page:
    """One member with one customer."""
    where = [ArchiveMessage.staff_userid == staff_userid, ArchiveMessage.customer_userid == customer_userid,
             ArchiveMessage.room_id.is_(None)]  # fmt: skip
    return _page(viewer, where, cursor)


def customer_history(viewer: Any, customer_userid: str, cursor: str | None = None) -> Page:
    """One customer with every member the viewer oversees."""
    where = [ArchiveMessage.customer_userid == customer_userid, ArchiveMessage.room_id.is_(None)]
    return _page(viewer, where, cursor)


def room(viewer: Any, chat_id: str, cursor: str | None = None) -> Page:
    return _page(viewer, [ArchiveMessage.room_id == chat_id], cursor)


RECENT = 50_000  # messages read newest first before the grams index is asked (≈ 30 ms on PostgreSQL)


def found(viewer: Any, text: str, cursor: str | None = None) -> Page:
    """Messages containing ``text`` (two characters or more), newest first, in scope.

    No one plan suits every word, and PostgreSQL cannot tell which words are common (it takes a text's
    pairs for independent; in a shop's chats they are anything but). Through the grams index, a common
    word collects and sorts a good share of the archive (9–18 s at 3 M messages); read newest first, a
    rare one reads all of it. So on PostgreSQL the newest ``RECENT`` messages are read first — a common
    word fills a page there — and only when they hold less than a page is the index asked, ordered so
    that PostgreSQL cannot walk the time index instead: the word is then rare, its rows few.
    """
    if db.engine.dialect.name != "postgresql":
        return _page(viewer, [search.contains(ArchiveMessage.summary, text)], cursor)
    latest = select(ArchiveMessage).order_by(ArchiveMessage.sent_at.desc(), ArchiveMessage.id.desc())
    if (before := _before(cursor)) is not None:
        latest = latest.where(before)
    recent = aliased(ArchiveMessage, latest.limit(RECENT).subquery())
    page = _page(viewer, [search.substring(recent.summary, text)], None, m=recent)
    if page.older is not None:
        return page
    by_index = ArchiveMessage.sent_at + literal(timedelta(0), Interval)  # no index gives this order
    return _page(viewer, [search.contains(ArchiveMessage.summary, text)], cursor, newest=by_index)


@dataclass
class Thread:
    staff_userid: str
    customer_userid: str
    last_at: datetime
    count: int
    customer_name: str | None


def threads_of(viewer: Any, staff_userid: str, *, limit: int = 200) -> list[Thread]:
    """A member's one-to-one conversations, the latest first (each customer once)."""
    rows = db.session.execute(
        select(ArchiveMessage.customer_userid, func.max(ArchiveMessage.sent_at), func.count())
        .where(
            ArchiveMessage.staff_userid == staff_userid,
            ArchiveMessage.room_id.is_(None),
            ArchiveMessage.customer_userid.is_not(None),
            *_shown(viewer),
        )  # fmt: skip
        .group_by(ArchiveMessage.customer_userid)
        .order_by(func.max(ArchiveMessage.sent_at).desc())
        .limit(limit)
    ).all()
    known = select(Customer.external_userid, Customer.name).where(
        Customer.external_userid.in_([r[0] for r in rows])
    )
    names = dict(db.session.execute(known).tuples().all())
    return [Thread(staff_userid, ext, at, n, names.get(ext)) for ext, at, n in rows]


def rooms_of(viewer: Any, *, limit: int = 200) -> list[tuple[GroupChat, datetime, int]]:
    """Group chats with archived messages the viewer may read, the latest first."""
    rows = db.session.execute(
        select(ArchiveMessage.room_id, func.max(ArchiveMessage.sent_at), func.count())
        .where(ArchiveMessage.room_id.is_not(None), *_shown(viewer))
        .group_by(ArchiveMessage.room_id)
        .order_by(func.max(ArchiveMessage.sent_at).desc())
        .limit(limit)
    ).all()
    chats = {
        c.chat_id: c
        for c in db.session.scalars(select(GroupChat).where(GroupChat.chat_id.in_([r[0] for r in rows])))
    }
    return [(chats.get(r[0]) or GroupChat(chat_id=r[0], name=r[0]), r[1], r[2]) for r in rows]


def visible_message(viewer: Any, message_id: int) -> ArchiveMessage | None:
    """One message, if the viewer may read it."""
    return db.session.scalar(select(ArchiveMessage).where(ArchiveMessage.id == message_id, *_shown(viewer)))
