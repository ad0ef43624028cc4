"""Customer group chats (客户群) as WeCom reports them, kept with their history: who joined and left,
how, and when; a dismissed group keeps its members and is marked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sidebar.extensions import Model
from sidebar.models.base import UTCDateTime, utcnow
from sidebar.models.org import Staff


class GroupChat(Model):
    """One customer group chat, synced from ``groupchat/list`` and ``groupchat/get`` and kept current by
    ``change_external_chat`` events."""

    __tablename__ = "group_chats"
    __table_args__ = (Index("ix_group_chats_owner_userid", "owner_userid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128), default="")
    owner_userid: Mapped[str] = mapped_column(String(64), default="")
    notice: Mapped[str] = mapped_column(Text, default="")
    created_on_wecom: Mapped[datetime | None] = mapped_column(UTCDateTime)
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | dismissed
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[GroupChatMember]] = relationship(back_populates="group")


class GroupChatMember(Model):
    """A member of a group, now or before: staff (type 1) or someone from WeChat (type 2), with how they
    joined (WeCom's join_scene: 1 invited directly, 2 by link, 3 by QR code) and when they left."""

    __tablename__ = "group_chat_members"
    __table_args__ = (
        UniqueConstraint("group_id", "userid"),
        Index("ix_group_chat_members_userid", "userid"),
        Index("ix_group_chat_members_group_id_joined_at", "group_id", "joined_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group_chats.id", ondelete="CASCADE"))
    userid: Mapped[str] = mapped_column(String(64))  # a member's userid or an external_userid
    type: Mapped[int] = mapped_column(SmallInteger, default=2)
    name: Mapped[str] = mapped_column(String(128), default="")
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    join_scene: Mapped[int | None] = mapped_column(SmallInteger)
    invitor: Mapped[str | None] = mapped_column(String(64))
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    quit_scene: Mapped[int | None] = mapped_column(SmallInteger)  # 0 left by themselves, 1 removed
    # The ``state`` of the group code (or invitation) they joined through, as groupchat/get reports it.
    state: Mapped[str | None] = mapped_column(String(30), index=True)

    group: Mapped[GroupChat] = relationship(back_populates="members")


class GroupTag(Model):
    """A tag for group chats (local to Beside: WeCom has no tags on groups), e.g. 价格党群, 新品体验群."""

    __tablename__ = "group_tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GroupChatTag(Model):
    __tablename__ = "group_chat_tags"

    group_id: Mapped[int] = mapped_column(ForeignKey("group_chats.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("group_tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GroupNote(Model):
    """A note on a group chat by a member of it (what was promised, what the group is for)."""

    __tablename__ = "group_notes"
    __table_args__ = (Index("ix_group_notes_group_id_created_at", "group_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group_chats.id", ondelete="CASCADE"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    staff: Mapped[Staff | None] = relationship()


class GroupCode(Model):
    """A group live code (加入群聊, ``groupchat/add_join_way`` scene 2): one QR code for up to five group
    chats, filled in turn; when all are full WeCom makes the next (``room_base_name`` + a number). Its
    ``state`` is ours, made once, and comes back on every member who joined through it.

    A tag-based invitation has its own code (``invitation`` set), so its joins are told apart."""

    __tablename__ = "group_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))  # WeCom's remark: at most 30 characters
    state: Mapped[str] = mapped_column(String(30), unique=True)
    config_id: Mapped[str | None] = mapped_column(String(64))
    qr_code: Mapped[str | None] = mapped_column(String(1024))
    chat_ids: Mapped[str] = mapped_column(Text, default="[]")  # JSON, 1 to 5 chat_ids, in order
    auto_create_room: Mapped[bool] = mapped_column(Boolean, default=True)
    room_base_name: Mapped[str] = mapped_column(String(40), default="")
    room_base_id: Mapped[int] = mapped_column(Integer, default=1)
    # The group welcome (入群欢迎语): our copy, and WeCom's template made from it.
    welcome_text: Mapped[str] = mapped_column(Text, default="")
    welcome_material_id: Mapped[int | None] = mapped_column(ForeignKey("materials.id", ondelete="SET NULL"))
    welcome_template_id: Mapped[str | None] = mapped_column(String(128))
    invitation: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class GroupInvitation(Model):
    """标签建群: a group code sent to every customer matching a filter, as one-tap SOP tasks for their
    guides (a text and the code's QR image); who joined through it is read from members' ``state``."""

    __tablename__ = "group_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    # The invitation's own join way (same groups as the code it invites to).
    code_id: Mapped[int] = mapped_column(ForeignKey("group_codes.id", ondelete="CASCADE"), unique=True)
    source_code_id: Mapped[int | None] = mapped_column(ForeignKey("group_codes.id", ondelete="SET NULL"))
    audience: Mapped[str] = mapped_column(Text, default="{}")  # the console's customer filter (JSON)
    text: Mapped[str] = mapped_column(Text, default="")
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("sop_rules.id", ondelete="SET NULL"))
    material_id: Mapped[int | None] = mapped_column(ForeignKey("materials.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    code: Mapped[GroupCode] = relationship(foreign_keys=[code_id])
