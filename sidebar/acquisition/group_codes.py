"""Group live codes (加入群聊): one QR code for up to five customer groups, made, changed and retired in
WeCom (``groupchat/add_join_way``, ``update_join_way``, ``del_join_way``, scene 2: a QR code) and kept
here with their QR image; when every group is full WeCom makes the next one (``room_base_name`` and a
number) if the code allows it.

Each code carries our own ``state`` (made once, never changed); WeCom reports it on every member who
joined through the code, so joins are counted per code, per group and per invitation.

The group welcome (入群欢迎语): a text and one material, kept as WeCom's welcome template
(``group_welcome_template/add|edit|del``, the owners notified to choose it for their groups); WeCom
sends it to whoever joins. WeCom's limits are checked here before any call; if WeCom refuses, nothing
changes here and the error says why."""

from __future__ import annotations

import json
import logging
import secrets
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from sidebar.acquisition.codes import CodeInvalid, kept_image
from sidebar.acquisition.welcome import ATTACHABLE, attachable, attachment, not_attachable
from sidebar.extensions import db
from sidebar.models import (
    GroupChat,
    GroupChatMember,
    GroupCode,
    GroupInvitation,
    Material,
    SopRule,
    SopTask,
    TaskStatus,
    utcnow,
)
from sidebar.wecom import limits
from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import wecom

log = logging.getLogger(__name__)

MAX_NAME = 30  # WeCom: remark at most 30 characters
MAX_CHATS = 5  # WeCom: at most 5 groups on one code
MAX_ROOM_NAME = 40  # WeCom: an auto-made group's base name at most 40 characters
MAX_ROOM_ID = 10**6
MAX_WELCOME_BYTES = limits.GROUP_WELCOME_TEXT_BYTES
NICKNAME = "{昵称}"  # written in our form; WeCom's placeholder is %NICKNAME%


def chats_of(code: GroupCode) -> list[str]:
    return list(json.loads(code.chat_ids or "[]"))


def live_groups() -> list[GroupChat]:
    """The groups a code may fill: not dismissed, by name."""
    return list(
        db.session.scalars(
            select(GroupChat).where(GroupChat.status == "active").order_by(GroupChat.name, GroupChat.id)
        )
    )


def all_codes(*, invitations: bool = False) -> list[GroupCode]:
    return list(
        db.session.scalars(
            select(GroupCode)
            .where(GroupCode.invitation.is_(invitations))
            .order_by(GroupCode.retired_at.is_not(None), GroupCode.id.desc())
        )
    )


def _checked(name: str, chat_ids: list[str], room_base_name: str, room_base_id: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = str(_l("Give the code a name."))
    elif len(name) > MAX_NAME:
        errors["name"] = str(_l("At most %(n)s characters (WeCom's limit).", n=MAX_NAME))
    if not chat_ids:
        errors["chat_ids"] = str(_l("Choose at least one group."))
    elif len(chat_ids) > MAX_CHATS:
        errors["chat_ids"] = str(_l("At most %(n)s groups on one code (WeCom's limit).", n=MAX_CHATS))
    else:
        known = set(
            db.session.scalars(
                select(GroupChat.chat_id).where(GroupChat.chat_id.in_(chat_ids), GroupChat.status == "active")
            )
        )
        if set(chat_ids) - known:
            errors["chat_ids"] = str(_l("A chosen group is dismissed or unknown; sync the groups first."))
    if len(room_base_name) > MAX_ROOM_NAME:
        errors["room_base_name"] = str(_l("At most %(n)s characters (WeCom's limit).", n=MAX_ROOM_NAME))
    if room_base_id is None or not 1 <= room_base_id <= MAX_ROOM_ID:
        errors["room_base_id"] = str(_l("A whole number from 1 to %(n)s.", n=f"{MAX_ROOM_ID:,}"))
    return errors


def _join_way(code: GroupCode) -> dict[str, Any]:
    return {
        "scene": 2,
        "remark": code.name,
        "auto_create_room": int(code.auto_create_room),
        "room_base_name": code.room_base_name,
        "room_base_id": code.room_base_id,
        "chat_id_list": chats_of(code),
        "state": code.state,
    }


def create(
    name: str,
    chat_ids: list[str],
    *,
    auto_create_room: bool = True,
    room_base_name: str = "",
    room_base_id: int | None = 1,
    invitation: bool = False,
) -> GroupCode:
    """Make the code in WeCom and keep it (flushes); ``CodeInvalid`` before any call if it breaks a rule."""
    name, room_base_name = name.strip(), room_base_name.strip()
    chat_ids = list(dict.fromkeys(c for c in chat_ids if c))
    errors = _checked(name, chat_ids, room_base_name, room_base_id)
    if errors:
        raise CodeInvalid(errors)
    code = GroupCode(
        name=name,
        state="bg" + secrets.token_hex(6),  # ours, unique, within WeCom's 30 characters
        chat_ids=json.dumps(chat_ids),
        auto_create_room=auto_create_room,
        room_base_name=room_base_name or name,
        room_base_id=room_base_id or 1,
        invitation=invitation,
    )
    client = wecom()
    made = client.post("externalcontact/groupchat/add_join_way", data=_join_way(code))
    code.config_id = made["config_id"]
    # WeCom answers the QR link through get_join_way (add_join_way returns only the config_id).
    try:
        got = client.post("externalcontact/groupchat/get_join_way", data={"config_id": code.config_id})
    except WeComError:
        _forget(code.config_id)  # not kept here, so not left behind in WeCom either
        raise
    code.qr_code = (got.get("join_way") or {}).get("qr_code") or None
    db.session.add(code)
    db.session.flush()
    return code


def _forget(config_id: str) -> None:
    """Delete a join way we could not keep (best effort: WeCom may be the trouble)."""
    try:
        wecom().post("externalcontact/groupchat/del_join_way", data={"config_id": config_id})
    except WeComError:
        log.warning("could not delete the join way %s WeCom made for a code that was not kept", config_id)


def update(
    code: GroupCode, name: str, chat_ids: list[str], *, auto_create_room: bool, room_base_name: str,
    room_base_id: int | None,
) -> GroupCode:  # fmt: skip
    """New name, groups or overflow settings for a live code: WeCom first (``update_join_way``)."""
    if code.retired_at is not None:
        raise CodeInvalid({"code": str(_l("This code is retired; make a new one."))})
    name, room_base_name = name.strip(), room_base_name.strip()
    chat_ids = list(dict.fromkeys(c for c in chat_ids if c))
    errors = _checked(name, chat_ids, room_base_name, room_base_id)
    if errors:
        raise CodeInvalid(errors)
    changed = GroupCode(
        name=name,
        state=code.state,
        chat_ids=json.dumps(chat_ids),
        auto_create_room=auto_create_room,
        room_base_name=room_base_name or name,
        room_base_id=room_base_id or 1,
    )
    if code.config_id:
        data = {"config_id": code.config_id, **_join_way(changed)}
        wecom().post("externalcontact/groupchat/update_join_way", data=data)
    code.name, code.chat_ids, code.auto_create_room = name, changed.chat_ids, auto_create_room
    code.room_base_name, code.room_base_id = changed.room_base_name, changed.room_base_id
    db.session.flush()
    return code


def retire(code: GroupCode) -> None:
    """Stop the code in WeCom (``del_join_way``); whoever joined through it stays counted."""
    if code.retired_at is not None:
        return
    if code.config_id:
        wecom().post("externalcontact/groupchat/del_join_way", data={"config_id": code.config_id})
    code.retired_at = utcnow()
    if code.invitation:
        # Its QR image no longer works: the invitation's rule stops and its open tasks are withdrawn.
        rule_id = db.session.scalar(select(GroupInvitation.rule_id).where(GroupInvitation.code_id == code.id))
        if rule_id is not None:
            db.session.execute(sa.update(SopRule).where(SopRule.id == rule_id).values(active=False))
            db.session.execute(
                sa.update(SopTask)
                .where(SopTask.rule_id == rule_id, SopTask.status == TaskStatus.PENDING.value)
                .values(status=TaskStatus.CANCELLED.value, skip_reason="the invitation's code was retired")
                .execution_options(synchronize_session=False)
            )
    db.session.flush()


def qr_image(code: GroupCode) -> bytes | None:
    """The code's QR image, kept under ``instance/group_codes/``."""
    return kept_image(code.qr_code, "group_codes", str(code.id))


# -- the group welcome (入群欢迎语) ---------------------------------------------------------------------


def welcome_materials() -> list[Material]:
    """What a group welcome may carry besides its text."""
    return list(
        db.session.scalars(
            select(Material).where(Material.kind.in_(sorted(ATTACHABLE))).order_by(Material.id)
        )
    )


def _template(text: str, material: Material | None) -> dict[str, Any]:
    body: dict[str, Any] = {"text": {"content": text.replace(NICKNAME, "%NICKNAME%")}}
    if material is not None:
        made = attachment(material)
        body[made["msgtype"]] = made[made["msgtype"]]
    return body


def set_welcome(code: GroupCode, *, text: str, material_id: int | None) -> GroupCode:
    """Set (or, with neither text nor material, remove) the code's group welcome: WeCom's template is made
    or changed first, with its owners notified to choose it for their groups."""
    text = text.strip()
    material = db.session.get(Material, material_id) if material_id else None
    if material_id and (material is None or not attachable(material)):
        raise CodeInvalid({"welcome_material_id": not_attachable(material.title if material else "")})
    if len(text.replace(NICKNAME, "%NICKNAME%").encode()) > MAX_WELCOME_BYTES:
        raise CodeInvalid(
            {"welcome_text": str(_l("At most %(n)s bytes (WeCom's limit).", n=f"{MAX_WELCOME_BYTES:,}"))}
        )
    client = wecom()
    if not text and material is None:
        if code.welcome_template_id:
            client.post(
                "externalcontact/group_welcome_template/del", data={"template_id": code.welcome_template_id}
            )
        code.welcome_text, code.welcome_material_id, code.welcome_template_id = "", None, None
        db.session.flush()
        return code
    body = _template(text, material)
    if code.welcome_template_id:
        client.post(
            "externalcontact/group_welcome_template/edit",
            data={"template_id": code.welcome_template_id, **body},
        )
    else:
        made = client.post("externalcontact/group_welcome_template/add", data={**body, "notify": 1})
        code.welcome_template_id = made["template_id"]
    code.welcome_text, code.welcome_material_id = text, material.id if material else None
    db.session.flush()
    return code


# -- who joined through a code ---------------------------------------------------------------------------


def joins(states: list[str]) -> dict[str, dict[str, int]]:
    """state → {joined, stayed, left}: members who came through each code (one query)."""
    if not states:
        return {}
    rows = db.session.execute(
        select(
            GroupChatMember.state,
            func.count(),
            func.count(case((GroupChatMember.left_at.is_(None), 1))),
        )
        .where(GroupChatMember.state.in_(states), GroupChatMember.type == 2)
        .group_by(GroupChatMember.state)
    )
    return {state: {"joined": n, "stayed": stayed, "left": n - stayed} for state, n, stayed in rows}


def groups_of(code: GroupCode) -> list[dict[str, Any]]:
    """The code's groups now, and every group its members joined (WeCom may have made some), with the
    members each took through this code."""
    counts: dict[int, int] = {
        group_id: n
        for group_id, n in db.session.execute(
            select(GroupChatMember.group_id, func.count())
            .where(GroupChatMember.state == code.state, GroupChatMember.type == 2)
            .group_by(GroupChatMember.group_id)
        )
    }
    listed = chats_of(code)
    groups = db.session.scalars(
        select(GroupChat).where((GroupChat.chat_id.in_(listed)) | (GroupChat.id.in_(list(counts))))
    )
    out = [{"group": g, "through_code": counts.get(g.id, 0), "on_code": g.chat_id in listed} for g in groups]
    return sorted(out, key=lambda row: (not row["on_code"], row["group"].name))
