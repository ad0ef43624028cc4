"""What guides send: quick-reply scripts (话术) and materials (素材), with scopes and usage."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from sidebar.extensions import Model
from sidebar.models.base import Timestamps, UTCDateTime, utcnow


class Scope(enum.StrEnum):
    ENTERPRISE = "enterprise"  # everyone
    TEAM = "team"  # members of one team's subtree
    PERSONAL = "personal"  # one guide's own


class Script(Timestamps, Model):
    """A quick reply. ``{客户称呼}``-style variables are filled per customer when shown."""

    __tablename__ = "scripts"
    __table_args__ = (
        Index("ix_scripts_scope_team_id", "scope", "team_id"),
        Index("ix_scripts_owner_staff_id", "owner_staff_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16), default=Scope.ENTERPRISE.value)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    owner_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    # A category within the scope (开场白, 售后, 活动...): free text, shown as a group.
    group_name: Mapped[str] = mapped_column(String(32), default="")
    title: Mapped[str] = mapped_column(String(64), default="")
    body: Mapped[str] = mapped_column(Text)
    order: Mapped[int] = mapped_column(Integer, default=0)
    use_count: Mapped[int] = mapped_column(Integer, default=0)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ScriptFavourite(Model):
    __tablename__ = "script_favourites"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    script_id: Mapped[int] = mapped_column(
        ForeignKey("scripts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MaterialKind(enum.StrEnum):
    TEXT = "text"
    IMAGE = "image"
    VIDEO = "video"
    FILE = "file"
    LINK = "link"  # a news card: title, description, cover, URL
    MINIPROGRAM = "miniprogram"
    ARTICLE = "article"  # an article we host (title, cover, paragraphs); always sent as a tracked link


# Kinds that can go out as a tracked link (the material radar): a page of ours shows the content.
TRACKABLE_KINDS = {
    MaterialKind.LINK.value,
    MaterialKind.ARTICLE.value,
    MaterialKind.FILE.value,
    MaterialKind.IMAGE.value,
}


class Material(Timestamps, Model):
    """Something to send that is more than a line of text. Files live under the instance folder."""

    __tablename__ = "materials"
    __table_args__ = (Index("ix_materials_kind_team_id", "kind", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(64))
    group_name: Mapped[str] = mapped_column(String(32), default="")
    # None: everyone; else the members of this team's subtree.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(String(255), default="")
    url: Mapped[str] = mapped_column(String(1024), default="")
    cover_url: Mapped[str] = mapped_column(String(1024), default="")
    mp_appid: Mapped[str] = mapped_column(String(64), default="")
    mp_page: Mapped[str] = mapped_column(String(255), default="")
    file_path: Mapped[str | None] = mapped_column(String(255))  # its name in the file store (materials/…)
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    mime: Mapped[str | None] = mapped_column(String(64))
    # WeCom's media_id for the file, valid three days; refreshed shortly before it runs out.
    media_id: Mapped[str | None] = mapped_column(String(128))
    media_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    use_count: Mapped[int] = mapped_column(Integer, default=0)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The material radar: send as a tracked link (articles always are), and a tag put on a customer who
    # opens it.
    tracked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    open_tag_id: Mapped[int | None] = mapped_column(ForeignKey("tags.id", ondelete="SET NULL"))
