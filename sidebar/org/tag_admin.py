"""Tag groups and tags configured in the console, pushed to WeCom (corp tags) unless local-only.

WeCom first, then our copy: when WeCom refuses, nothing changes here. WeCom sorts larger ``order``
first; so do we. Changes made in WeCom's own admin come back through ``change_external_tag``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from sidebar.core import audit
from sidebar.core.errors import DomainError
from sidebar.customers import tags
from sidebar.extensions import db
from sidebar.models import (
    ChannelCode,
    CouponTemplate,
    GroupInvitation,
    SopRule,
    Tag,
    TagGroup,
    TagRule,
    Welcome,
)
from sidebar.wecom import limits
from sidebar.wecom.gateway import wecom

WECOM_NAME_MAX = limits.TAG_NAME_CHARS
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
    if db.session.scalar(select(TagGroup.id).where(TagGroup.name == name).limit(1)) is not None:
        raise TagError("a tag group with this name exists: add the tag to it")
    top = (db.session.scalar(select(func.max(TagGroup.order))) or 0) + 1
    group = TagGroup(name=name, order=top, is_local=local)
    tag = Tag(name=first_tag, order=1, is_local=local, group=group)
    if not local:
        result = wecom().external_contact.add_corp_tag(
            group_id=None, group_name=name, order=top, tags=[{"name": first_tag, "order": 1}]
        )
        # WeCom answers a group name it already has with that group, the tag added to it (doc 92117
        # 管理企业标签: "如果填写的groupname已经存在，则会在此标签组下新建标签"). When we hold that
        # group (under another name: renamed in WeCom's admin), the tag joins ours, not a second copy.
        known = db.session.scalar(
            select(TagGroup).where(TagGroup.wecom_group_id == result["tag_group"]["group_id"])
        )
        if known is not None:
            group = known
            tag.group = known
        group.wecom_group_id = result["tag_group"]["group_id"]
        tag.wecom_tag_id = result["tag_group"]["tag"][0]["id"]
    db.session.add_all([group, tag])
    db.session.flush()
    joined = group.name != name
    audit.record(
        actor,
        "tag_added_to_existing_group" if joined else "tag_group_created",
        "tag_group",
        group.id,
        name=name,
        local=local,
    )
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


# -- what uses a tag -------------------------------------------------------------------------------

FILTER_KEYS = ("tags_any", "tags_all", "tags_none")  # where a customer filter names tags


@dataclass(frozen=True)
class Use:
    """Something configured that names a tag: ``what`` it is, its ``name``, and whether deleting the tag
    deletes it (an automatic tag rule that adds this tag) or only takes the tag out of it."""

    what: str  # tag_rule | rule_condition | sop_rule | group_invitation | coupon | welcome
    name: str
    deleted_with_it: bool = False


class TagInUse(TagError):
    """The tag is used; deleting it needs the admin's word, having seen ``uses``."""

    code = "tag_in_use"

    def __init__(self, uses: list[Use]):
        super().__init__("this tag is used elsewhere")
        self.uses = uses


def _filter_without(raw: str, ids: set[int]) -> tuple[str, bool]:
    """A customer filter (JSON) with these tags taken out of its tag conditions: (JSON, whether it named
    them). A condition left with no tag goes."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return raw, False
    if not isinstance(data, dict):
        return raw, False
    named = False
    for key in FILTER_KEYS:
        if key not in data:
            continue
        values = [v for v in str(data[key]).replace(" ", "").split(",") if v]
        kept = [v for v in values if not (v.isdigit() and int(v) in ids)]
        if len(kept) != len(values):
            named = True
            if kept:
                data[key] = ",".join(kept)
            else:
                del data[key]
    return json.dumps(data, ensure_ascii=False), named


def _list_without(raw: str, ids: set[int]) -> tuple[str, bool]:
    """A JSON list of tag ids without these: (JSON, whether it named them)."""
    try:
        values = json.loads(raw or "[]")
    except ValueError:
        return raw, False
    kept = [v for v in values if not (str(v).isdigit() and int(v) in ids)]
    return json.dumps(kept), len(kept) != len(values)


def _referrers(ids: set[int]) -> list[tuple[Use, Any, str, str]]:
    """(use, the row, its column, the column's value without the tags) for everything naming them.
    Every table here is configuration (tens or hundreds of rows), read whole."""
    found: list[tuple[Use, Any, str, str]] = []
    for rule in db.session.scalars(select(TagRule).order_by(TagRule.id)):
        if rule.tag_id in ids:
            found.append((Use("tag_rule", rule.name, deleted_with_it=True), rule, "", ""))
            continue
        value, named = _filter_without(rule.conditions, ids)
        if named:
            found.append((Use("rule_condition", rule.name), rule, "conditions", value))
    # (model, what it is, the column that names tags, how that column names them)
    named_in: tuple[tuple[Any, str, str, Any], ...] = (
        (SopRule, "sop_rule", "audience", _filter_without),
        (GroupInvitation, "group_invitation", "audience", _filter_without),
        (CouponTemplate, "coupon", "eligible_tag_ids", _list_without),
    )
    for model, what, column, without in named_in:
        for row in db.session.scalars(select(model).order_by(model.id)):
            value, named = without(getattr(row, column), ids)
            if named:
                found.append((Use(what, row.name), row, column, value))
    codes = dict(db.session.execute(select(ChannelCode.id, ChannelCode.name)).tuples().all())
    for welcome in db.session.scalars(select(Welcome).order_by(Welcome.id)):
        value, named = _list_without(welcome.tag_ids, ids)
        if named:
            name = codes.get(welcome.code_id, "") if welcome.code_id else ""
            found.append((Use("welcome", name), welcome, "tag_ids", value))
    return found


def _ids_of(item: Tag | TagGroup) -> list[int]:
    if isinstance(item, Tag):
        return [item.id]
    return list(db.session.scalars(select(Tag.id).where(Tag.group_id == item.id)))


def uses(item: Tag | TagGroup) -> list[Use]:
    """What names this tag (or any tag of this group): shown to the admin before it is deleted."""
    return [use for use, *_ in _referrers(set(_ids_of(item)))]


def delete(item: Tag | TagGroup, *, actor: Any, confirmed: bool = False) -> list[Use]:
    """Delete a tag or a group (WeCom first). While something uses it, ``TagInUse`` names what, unless
    the admin ``confirmed`` having seen it: then automatic rules that add the tag go with it and the tag
    is taken out of every audience, eligibility and welcome that named it (never left as a dead id)."""
    ids = set(_ids_of(item))
    referrers = _referrers(ids)
    if referrers and not confirmed:
        raise TagInUse([use for use, *_ in referrers])
    for use, row, column, value in referrers:  # before the tag: its rules would go by cascade, unrecorded
        if use.deleted_with_it:
            db.session.delete(row)
        else:
            setattr(row, column, value)
    db.session.flush()
    _delete(item, actor=actor)
    if referrers:
        audit.record(
            actor,
            "tag_uses_removed",
            "tag",
            item.id,
            name=item.name,
            uses=[f"{use.what}:{use.name}" for use, *_ in referrers],
        )
    db.session.flush()
    return [use for use, *_ in referrers]


def _delete(item: Tag | TagGroup, *, actor: Any) -> None:
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
