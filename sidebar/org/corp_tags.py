"""Corp tags mirrored from WeCom (``get_corp_tag_list``), plus local-only tags WeCom never sees."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select

from sidebar.core import upsert
from sidebar.customers import tags as customer_tags
from sidebar.extensions import db
from sidebar.models import Tag, TagGroup, utcnow
from sidebar.wecom.gateway import wecom


def tags_by_wecom_id(wecom_ids: Iterable[str]) -> dict[str, Tag]:
    ids = list(set(wecom_ids))
    if not ids:
        return {}
    return {
        t.wecom_tag_id: t
        for t in db.session.scalars(select(Tag).where(Tag.wecom_tag_id.in_(ids)))
        if t.wecom_tag_id
    }


def ensure_known(wecom_ids: set[str]) -> None:
    """Resync the tag list when WeCom mentions a tag we have not mirrored yet."""
    if set(tags_by_wecom_id(wecom_ids)) != wecom_ids:
        sync_corp_tags()


def apply_tag_list(groups: list[dict[str, Any]]) -> dict[str, int]:
    """Mirror WeCom's full tag list: create, rename, reorder; remove mirrors WeCom no longer has.

    Local-only groups and tags are left alone.
    """
    counts = {"groups": 0, "tags": 0, "removed": 0}
    existing_groups = {
        g.wecom_group_id: g
        for g in db.session.scalars(select(TagGroup).where(TagGroup.wecom_group_id.is_not(None)))
    }
    existing_tags = {
        t.wecom_tag_id: t for t in db.session.scalars(select(Tag).where(Tag.wecom_tag_id.is_not(None)))
    }
    live_groups: set[str] = set()
    live_tags: set[str] = set()
    for g in groups:
        if g.get("deleted"):
            continue
        group = existing_groups.get(g["group_id"])
        if group is None:  # (made once even when two syncs run at once)
            now = utcnow()
            group = upsert.ensure(
                TagGroup, "wecom_group_id", g["group_id"], name=g["group_name"], is_local=False,
                order=0, created_at=now, updated_at=now,
            )  # fmt: skip
        group.name = g["group_name"]
        group.order = int(g.get("order") or 0)
        live_groups.add(g["group_id"])
        counts["groups"] += 1
        db.session.flush()
        for t in g.get("tag", []):
            if t.get("deleted"):
                continue
            tag = existing_tags.get(t["id"])
            if tag is None:
                now = utcnow()
                tag = upsert.ensure(
                    Tag, "wecom_tag_id", t["id"], name=t["name"], group_id=group.id, is_local=False,
                    order=0, created_at=now, updated_at=now,
                )  # fmt: skip
            tag.group_id = group.id
            tag.name = t["name"]
            tag.order = int(t.get("order") or 0)
            live_tags.add(t["id"])
            counts["tags"] += 1
    for wecom_id, tag in existing_tags.items():
        if wecom_id not in live_tags:
            customer_tags.forget([tag.id])
            db.session.execute(
                delete(Tag).where(Tag.id == tag.id)
            )  # gone already if a sync beside us took it
            counts["removed"] += 1
    for wecom_id, group in existing_groups.items():
        if wecom_id not in live_groups:
            customer_tags.forget(list(db.session.scalars(select(Tag.id).where(Tag.group_id == group.id))))
            db.session.execute(delete(TagGroup).where(TagGroup.id == group.id))
    db.session.flush()
    return counts


def sync_corp_tags() -> dict[str, int]:
    """Pull WeCom's corp tag list and mirror it."""
    result = wecom().external_contact.get_corp_tag_list()
    return apply_tag_list(result.get("tag_group") or [])
