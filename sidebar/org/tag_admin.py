"""Tag groups and tags configured in the console, pushed to WeCom (corp tags) unless local-only.

WeCom first, then our copy: when WeCom refuses, nothing changes here. WeCom sorts larger ``order``
first; so do we. Changes made in WeCom's own admin come back through ``change_external_tag``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from sidebar.core import audit
from sidebar.core.errors import DomainError
from sidebar.customers import tags
from sidebar.extensions import db
from sidebar.models import Tag, TagGroup
from sidebar.wecom.gateway import wecom

WECOM_NAME_MAX = 15  # WeCom's limit for corp tag names
LOCAL_NAME_MAX = 64


class TagError(DomainError):
    """A name or move that cannot be made; the message says why."""

    code = "bad_tag"


def _check_name(name: str, *, local: bool) -> str:
    name = (name or "").strip()
    limit = LOCAL_NAME_MAX if local else WECOM_NAME_MAX
    if not name or len(name) > limit:
        raise TagError(f"name must be 1 to {limit} characters")
    return name


def create_group(name: str, first_tag: str, *, local: bool, actor: Any) -> TagGroup:
    """A group with its first tag (WeCom has no empty groups)."""
    name, first_tag = _check_name(name, local=local), _check_name(first_tag, local=local)
    top = (db.session.scalar(select(func.max(TagGroup.order))) or 0) + 1
    group = TagGroup(name=name, order=top, is_local=local)
    tag = Tag(name=first_tag, order=1, is_local=local, group=group)
    if not local:
        result = wecom().external_contact.add_corp_tag(
            group_id=None, group_name=name, order=top, tags=[{"name": first_tag, "order": 1}]
        )
        group.wecom_group_id = result["tag_group"]["group_id"]
        tag.wecom_tag_id = result["tag_group"]["tag"][0]["id"]
    db.session.add_all([group, tag])
    db.session.flush()
    audit.record(actor, "tag_group_created", "tag_group", group.id, name=name, local=local)
    return group


def add_tag(group: TagGroup, name: str, *, actor: Any) -> Tag:
    name = _check_name(name, local=group.is_local)
    if any(t.name == name for t in group.tags):
        raise TagError("this group already has a tag with that name")
    top = max((t.order for t in group.tags), default=0) + 1
    tag = Tag(name=name, order=top, is_local=group.is_local, group_id=group.id)
    if not group.is_local:
        result = wecom().external_contact.add_corp_tag(
            group_id=group.wecom_group_id, group_name=None, order=None, tags=[{"name": name, "order": top}]
        )
        tag.wecom_tag_id = result["tag_group"]["tag"][0]["id"]
    db.session.add(tag)
    db.session.flush()
    audit.record(actor, "tag_created", "tag", tag.id, name=name, group=group.name)
    return tag


def rename(item: Tag | TagGroup, name: str, *, actor: Any) -> None:
    name = _check_name(name, local=item.is_local)
    wecom_id = item.wecom_tag_id if isinstance(item, Tag) else item.wecom_group_id
    if wecom_id:
        wecom().external_contact.edit_corp_tag(wecom_id, name=name)
    old, item.name = item.name, name
    db.session.flush()
    audit.record(
        actor, "tag_renamed", "tag" if isinstance(item, Tag) else "tag_group", item.id, old=old, new=name
    )


def move(tag: Tag, direction: str, *, actor: Any) -> None:
    """Swap with the neighbour above ("up") or below ("down") in display order (larger order first)."""
    siblings = sorted(tag.group.tags, key=lambda t: (-t.order, t.id))
    index = siblings.index(tag)
    other_index = index - 1 if direction == "up" else index + 1
    if not 0 <= other_index < len(siblings):
        raise TagError("already at the end")
    other = siblings[other_index]
    if tag.order == other.order:  # equal orders: spread them so a swap means something
        for n, t in enumerate(reversed(siblings), start=1):
            t.order = n
    tag.order, other.order = other.order, tag.order
    for t in (tag, other):
        if t.wecom_tag_id:
            wecom().external_contact.edit_corp_tag(t.wecom_tag_id, order=t.order)
    db.session.flush()
    audit.record(actor, "tag_moved", "tag", tag.id, direction=direction)


def delete(item: Tag | TagGroup, *, actor: Any) -> None:
    if isinstance(item, Tag) and item.wecom_tag_id:
        wecom().external_contact.del_corp_tag(tag_id=[item.wecom_tag_id])
    elif isinstance(item, TagGroup) and item.wecom_group_id:
        wecom().external_contact.del_corp_tag(group_id=[item.wecom_group_id])
    audit.record(
        actor, "tag_deleted" if isinstance(item, Tag) else "tag_group_deleted", "tag", item.id, name=item.name
    )
    ids = (
        [item.id]
        if isinstance(item, Tag)
        else list(db.session.scalars(select(Tag.id).where(Tag.group_id == item.id)))
    )
    tags.forget(ids)
    db.session.delete(item)
    db.session.flush()
