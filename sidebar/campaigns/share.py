"""A guide's own one-to-many send from the sidebar: one message to a hand-picked set of their customers
(``ww.shareToExternalContact``) or groups (``ww.shareToExternalChat``). WeCom opens its own composer and
sends what the guide confirms there, as a personal mass message (个人群发).

The server builds the call's arguments — checking that every customer is the guide's own contact and every
group theirs, the materials visible to them, and WeCom's limits — and records the sends once the client
says it went out. The shapes are @wecom/jssdk 2.4.4's ``ShareToExternalCompleteParams`` (text at most
4,000 characters, at most 9 attachments of image, link, mini-program, video or file) and ``externalUserIds``
/ ``chatIds``; ``tests/wecom/test_bridge_against_jssdk_types.py`` holds them to the vendored types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from sidebar.content import materials
from sidebar.core import send_log
from sidebar.core.errors import DomainError
from sidebar.extensions import db
from sidebar.models import Customer, Follow, GroupChat, Material, MaterialKind, MomentPost, Staff, utcnow

MAX_TEXT = 4000  # ShareToExternalCompleteParams.text.content: "最多支持 4000 字"
MAX_ATTACHMENTS = 9  # "最多传入 9 个"
MAX_CUSTOMERS = 20_000  # doc 96997 (wx.qy.shareToExternalContact): "每次群发最多可选20000个客户"
MAX_CHATS = 2_000  # shareToExternalChat: "每次群发最多可选 2000 个最近活跃的客户群"
SHAREABLE = {
    MaterialKind.IMAGE.value,
    MaterialKind.LINK.value,
    MaterialKind.MINIPROGRAM.value,
    MaterialKind.VIDEO.value,
    MaterialKind.FILE.value,
}


class ShareInvalid(DomainError):
    code = "invalid_share"


@dataclass
class Share:
    to: str  # "customers" or "groups"
    text: str
    materials: list[Material] = field(default_factory=list)
    customers: list[Customer] = field(default_factory=list)
    chats: list[GroupChat] = field(default_factory=list)


def read(staff: Staff, form: Mapping[str, Any]) -> Share:
    """What the form asks to send, to whom — every recipient the guide's own — or ``ShareInvalid``."""
    getlist: Any = getattr(form, "getlist", lambda _: [])
    to = form.get("to") or "customers"
    if to not in ("customers", "groups", "moments"):
        raise ShareInvalid(str(_l("Send to customers or to groups.")))
    text = str(form.get("text") or "").strip()
    if len(text) > MAX_TEXT:
        raise ShareInvalid(str(_l("At most %(n)s characters of text.", n=MAX_TEXT)))
    chosen: list[Material] = []
    for raw in dict.fromkeys(v for v in getlist("material_ids") if v):
        material = materials.get_visible(staff, int(raw)) if raw.isdigit() else None
        if material is None or material.kind not in SHAREABLE:
            raise ShareInvalid(str(_l("That material cannot be sent this way; choose again.")))
        chosen.append(material)
    if len(chosen) > MAX_ATTACHMENTS:
        raise ShareInvalid(str(_l("At most %(n)s attachments (WeCom's limit).", n=MAX_ATTACHMENTS)))
    if not text and not chosen:
        raise ShareInvalid(str(_l("Write a text or choose at least one material.")))
    share = Share(to=to, text=text, materials=chosen)
    if to == "moments":
        # shareToExternalMoments: "最多支持 9 张图片、1 个视频或 1 个链接", text at most 2,000 characters
        kinds = {m.kind for m in chosen}
        if len(text) > 2000:
            raise ShareInvalid(str(_l("At most %(n)s characters of text.", n=2000)))
        if (
            kinds - {MaterialKind.IMAGE.value, MaterialKind.VIDEO.value, MaterialKind.LINK.value}
            or len(kinds) > 1
        ):
            raise ShareInvalid(str(_l("A moment carries images, or one video, or one link.")))
        if kinds & {MaterialKind.VIDEO.value, MaterialKind.LINK.value} and len(chosen) > 1:
            raise ShareInvalid(str(_l("A moment carries images, or one video, or one link.")))
        return share
    if to == "customers":
        wanted = list(dict.fromkeys(v for v in getlist("external_userid") if v))
        if not wanted:
            raise ShareInvalid(str(_l("Tick at least one customer.")))
        if len(wanted) > MAX_CUSTOMERS:
            raise ShareInvalid(str(_l("At most %(n)s customers at a time.", n=MAX_CUSTOMERS)))
        share.customers = _own_customers(staff, wanted)
        if len(share.customers) != len(wanted):
            raise ShareInvalid(str(_l("Some of these customers are not your contacts.")))
    else:
        wanted = list(dict.fromkeys(v for v in getlist("chat_id") if v))
        if not wanted:
            raise ShareInvalid(str(_l("Tick at least one group.")))
        if len(wanted) > MAX_CHATS:
            raise ShareInvalid(str(_l("At most %(n)s groups at a time.", n=MAX_CHATS)))
        share.chats = list(
            db.session.scalars(
                select(GroupChat).where(
                    GroupChat.chat_id.in_(wanted),
                    GroupChat.owner_userid == staff.userid,
                    GroupChat.status == "active",
                )
            )
        )
        if len(share.chats) != len(wanted):
            raise ShareInvalid(str(_l("Some of these groups are not yours.")))
    return share


def _own_customers(staff: Staff, externals: list[str]) -> list[Customer]:
    found: list[Customer] = []
    for part in range(0, len(externals), 1000):
        found += db.session.scalars(
            select(Customer)
            .join(Follow, Follow.customer_id == Customer.id)
            .where(
                Customer.external_userid.in_(externals[part : part + 1000]),
                Follow.staff_id == staff.id,
                Follow.deleted_at.is_(None),
            )
            .distinct()
        )
    order = {ext: n for n, ext in enumerate(externals)}
    return sorted(found, key=lambda c: order[c.external_userid])  # as ticked


def attachment(material: Material) -> dict[str, Any]:
    """A material as a ``ShareToExternalAttachment`` (a link is ``LinkMessage`` here, not ``news``)."""
    if material.kind == MaterialKind.LINK.value:
        return {
            "msgtype": "link",
            "link": {
                "title": material.title,
                "desc": material.description or "",
                "url": material.url,
                "imgUrl": material.cover_url or "",
            },
        }
    if material.kind == MaterialKind.MINIPROGRAM.value:
        return materials.message(material)
    return materials.message(material, materials.media_id(material))


def call(share: Share) -> tuple[str, dict[str, Any]]:
    """The JS-SDK method and its arguments."""
    args: dict[str, Any] = {}
    if share.text:
        args["text"] = {"content": share.text}
    if share.materials:
        args["attachments"] = [attachment(m) for m in share.materials]
    if share.to == "moments":
        return "shareToExternalMoments", args
    if share.to == "customers":
        return "shareToExternalContact", {
            "externalUserIds": [c.external_userid for c in share.customers],
            **args,
        }
    return "shareToExternalChat", {"chatIds": [g.chat_id for g in share.chats], **args}


def record(staff: Staff, share: Share) -> int:
    """The sends, once WeCom's client said they went out: one per customer or group; a moment is the
    guide's own post (followed for likes and comments like a task's)."""
    if share.to == "moments":
        db.session.add(MomentPost(task_id=None, staff_id=staff.id, text=share.text, posted_at=utcnow()))
        return 1
    kind = "material" if share.materials else "text"
    ref = share.materials[0].id if len(share.materials) == 1 else None
    summary = share.text or "、".join(m.title for m in share.materials)
    for customer in share.customers:
        send_log.record(
            staff.id, kind=kind, via="share", ref_id=ref, customer_id=customer.id, summary=summary
        )
    for chat in share.chats:
        send_log.record(staff.id, kind=kind, via="share", ref_id=ref, chat_id=chat.chat_id, summary=summary)
    return len(share.customers) + len(share.chats)
