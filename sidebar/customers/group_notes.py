"""What guides keep on a group chat: local tags (WeCom has none for groups) and notes. Only members of
the group reach these (the routes check with WeCom); a tag name is trimmed and at most 32 characters."""

from __future__ import annotations

from sqlalchemy import delete, select

from sidebar.core.errors import DomainError
from sidebar.extensions import db
from sidebar.models import GroupChat, GroupChatTag, GroupNote, GroupTag, Staff

NOTE_MAX = 1000
TAG_MAX = 32


class BadGroupInput(DomainError):
    code = "invalid"


def stored(chat_id: str) -> GroupChat | None:
    return db.session.scalar(select(GroupChat).where(GroupChat.chat_id == chat_id))


def tags_of(group: GroupChat) -> list[GroupTag]:
    return list(
        db.session.scalars(
            select(GroupTag)
            .join(GroupChatTag, GroupChatTag.tag_id == GroupTag.id)
            .where(GroupChatTag.group_id == group.id)
            .order_by(GroupTag.name)
        )
    )


def all_tags() -> list[GroupTag]:
    return list(db.session.scalars(select(GroupTag).order_by(GroupTag.name)))


def add_tag(group: GroupChat, name: str) -> GroupTag:
    """Tag the group (the tag is made on first use). Flushes."""
    name = (name or "").strip()
    if not name or len(name) > TAG_MAX:
        raise BadGroupInput(f"a tag is 1 to {TAG_MAX} characters")
    tag = db.session.scalar(select(GroupTag).where(GroupTag.name == name))
    if tag is None:
        tag = GroupTag(name=name)
        db.session.add(tag)
        db.session.flush()
    if db.session.get(GroupChatTag, (group.id, tag.id)) is None:
        db.session.add(GroupChatTag(group_id=group.id, tag_id=tag.id))
    db.session.flush()
    return tag


def remove_tag(group: GroupChat, tag_id: int) -> None:
    db.session.execute(
        delete(GroupChatTag).where(GroupChatTag.group_id == group.id, GroupChatTag.tag_id == tag_id)
    )


def notes_of(group: GroupChat, limit: int = 50) -> list[GroupNote]:
    return list(
        db.session.scalars(
            select(GroupNote)
            .where(GroupNote.group_id == group.id)
            .order_by(GroupNote.created_at.desc(), GroupNote.id.desc())
            .limit(limit)
        )
    )


def add_note(group: GroupChat, staff: Staff, body: str) -> GroupNote:
    body = (body or "").strip()
    if not body or len(body) > NOTE_MAX:
        raise BadGroupInput(f"a note is 1 to {NOTE_MAX:,} characters")
    note = GroupNote(group_id=group.id, staff_id=staff.id, body=body)
    db.session.add(note)
    db.session.flush()
    return note
