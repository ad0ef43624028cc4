"""Customer group chats (客户群) as the sidebar shows them: from WeCom, with our customers marked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from sidebar.core.errors import DomainError
from sidebar.customers import group_sync, visibility
from sidebar.extensions import db
from sidebar.models import Customer, Follow, GroupChatMember, Staff, utcnow
from sidebar.wecom.errors import CHAT_DISMISSED, GONE_CHAT, WeComError
from sidebar.wecom.gateway import wecom

CHAT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class NotAMember(DomainError):
    """The member is not in this group chat (or it does not exist): 404."""

    code = "not_found"


class ChatGone(DomainError):
    """WeCom says the chat is dismissed (49008) or unknown (40050): the page says which, in words."""

    code = "gone"

    def __init__(self, error: WeComError):
        super().__init__(error.in_words())
        self.dismissed = error.errcode == CHAT_DISMISSED


@dataclass
class GroupMember:
    name: str
    is_staff: bool
    customer: Customer | None  # set when the member is a customer this staff member may open
    someones_contact: bool = False  # a colleague's customer (False with no customer: nobody's yet)


@dataclass
class GroupView:
    chat_id: str
    name: str
    owner_name: str
    notice: str
    members: list[GroupMember]
    joined_this_week: int = 0
    left_this_week: int = 0
    dismissed: bool = False

    @property
    def customer_count(self) -> int:
        return sum(1 for m in self.members if m.customer is not None)

    @property
    def strangers(self) -> int:
        """People from WeChat who are nobody's contact yet: whom a guide could still add."""
        return sum(
            1 for m in self.members if not m.is_staff and m.customer is None and not m.someones_contact
        )


def group_for(staff: Staff, chat_id: str, *, keep: bool = False) -> GroupView:
    """The group, if ``staff`` is in it. Raises ``NotAMember`` or a WeCom error. ``keep``: store what
    WeCom said (members, joins, leaves) and count this week's joins and leaves from what is stored."""
    if not CHAT_ID.match(chat_id or ""):
        raise NotAMember(chat_id)
    try:
        chat = wecom().post("externalcontact/groupchat/get", data={"chat_id": chat_id, "need_name": 1})[
            "group_chat"
        ]
    except WeComError as exc:
        if exc.errcode in GONE_CHAT:
            if exc.errcode == CHAT_DISMISSED:
                group_sync.mark_dismissed(chat_id)
            raise ChatGone(exc) from exc
        raise
    members = chat.get("member_list") or []
    staff_ids = {m["userid"] for m in members if int(m.get("type", 1)) == 1}
    if staff.userid not in staff_ids and chat.get("owner") != staff.userid:
        raise NotAMember(chat_id)
    external = [m["userid"] for m in members if int(m.get("type", 1)) == 2]
    contacts_of_anyone = (
        set(
            db.session.scalars(
                select(Customer.external_userid)
                .join(Follow, Follow.customer_id == Customer.id)
                .where(Customer.external_userid.in_(external), Follow.deleted_at.is_(None))
            )
        )
        if external
        else set()
    )
    mine = (
        {
            c.external_userid: c
            for c in db.session.scalars(
                visibility.visible(staff).where(Customer.external_userid.in_(external))
            )
        }
        if external
        else {}
    )
    names: dict[str, str] = {
        userid: name
        for userid, name in db.session.execute(
            select(Staff.userid, Staff.name).where(Staff.userid.in_(staff_ids | {chat.get("owner", "")}))
        )
    }
    view_members = []
    for m in members:
        if int(m.get("type", 1)) == 1:
            view_members.append(GroupMember(names.get(m["userid"], m["userid"]), True, None))
        else:
            customer = mine.get(m["userid"])
            view_members.append(
                GroupMember(
                    customer.name if customer else (m.get("name") or m.get("group_nickname") or "—"),
                    False,
                    customer,
                    m["userid"] in contacts_of_anyone,
                )
            )
    view_members.sort(key=lambda m: (m.is_staff, m.customer is None))
    view = GroupView(
        chat_id,
        chat.get("name") or "",
        names.get(chat.get("owner", ""), chat.get("owner", "")),
        chat.get("notice") or "",
        view_members,
    )
    if keep:
        stored = group_sync.store_chat(chat)
        week_ago = utcnow() - timedelta(days=7)
        joined, left = db.session.execute(
            select(
                func.count().filter(GroupChatMember.joined_at >= week_ago),
                func.count().filter(GroupChatMember.left_at >= week_ago),
            ).where(GroupChatMember.group_id == stored.id, GroupChatMember.type == 2)
        ).one()
        view.joined_this_week, view.left_this_week = int(joined), int(left)
    return view
