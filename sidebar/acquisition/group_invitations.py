"""Tag-based group invitations (标签建群): a group code sent to every customer matching a filter (e.g.
the tag 价格党), as one-tap SOP tasks for their guides.

An invitation gets its own group code (the same groups and overflow as the code it invites to, its own
``state``), so whoever joined through it is told apart from other joins. Its QR image becomes an image
material, and a one-step SOP rule (due now, open ``window_days``) carries the invitation's words and
that image to the guides of every customer in the audience: the SOP engine makes the tasks, set-based,
and the guide sends both pieces in one tap from the sidebar."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import requests
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, distinct, func, select
from sqlalchemy.orm import joinedload

from sidebar.acquisition import group_codes
from sidebar.acquisition.codes import CodeInvalid
from sidebar.content import material_admin
from sidebar.customers import query as customer_query
from sidebar.extensions import db
from sidebar.models import (
    Customer,
    GroupChat,
    GroupChatMember,
    GroupCode,
    GroupInvitation,
    SopRule,
    SopStep,
    SopTask,
    TaskStatus,
    Trigger,
)
from sidebar.sop import engine

MAX_TEXT = 1000
MAX_WINDOW_DAYS = 30
DEFAULT_TEXT = (
    "{客户称呼}，我们为老朋友建了一个专属福利群，新品试用和会员价都会先在群里发，长按识别二维码就能进群～"
)


def all_invitations() -> list[GroupInvitation]:
    return list(
        db.session.scalars(
            select(GroupInvitation)
            .options(joinedload(GroupInvitation.code))
            .order_by(GroupInvitation.id.desc())
        )
    )


def create(
    name: str, source: GroupCode | None, audience: dict[str, str], *, text: str, window_days: int | None,
    now: datetime,
) -> GroupInvitation:  # fmt: skip
    """Make the invitation: its code in WeCom, its QR image as a material, its SOP rule, and the tasks
    due now. ``CodeInvalid`` before any call if something is wrong."""
    name, text = name.strip(), text.strip()
    errors: dict[str, str] = {}
    if source is None or source.retired_at is not None or source.invitation:
        errors["source_code_id"] = str(_l("Choose a live group code to invite to."))
    if not audience:
        errors["audience"] = str(_l("Choose who to invite: at least one condition (a tag, say)."))
    else:
        try:
            customer_query.parse(audience)
        except customer_query.BadFilter:
            errors["audience"] = str(_l("The audience has a value that cannot be read."))
    if not text:
        errors["text"] = str(_l("Write what the guide sends with the code."))
    elif len(text) > MAX_TEXT:
        errors["text"] = str(_l("At most %(n)s characters.", n=MAX_TEXT))
    if window_days is None or not 1 <= window_days <= MAX_WINDOW_DAYS:
        errors["window_days"] = str(_l("A whole number from 1 to %(n)s.", n=MAX_WINDOW_DAYS))
    if not name:
        errors["name"] = str(_l("Give the code a name."))
    elif len(name) > group_codes.MAX_NAME:
        errors["name"] = str(_l("At most %(n)s characters (WeCom's limit).", n=group_codes.MAX_NAME))
    if errors:
        raise CodeInvalid(errors)
    assert source is not None and window_days is not None
    code = group_codes.create(
        name,
        group_codes.chats_of(source),
        auto_create_room=source.auto_create_room,
        room_base_name=source.room_base_name,
        room_base_id=source.room_base_id,
        invitation=True,
    )
    try:
        image = group_codes.qr_image(code)
    except (OSError, requests.RequestException):
        image = None
    if image is None:
        group_codes.retire(code)  # a code nobody can scan is not left live in WeCom
        raise CodeInvalid({"source_code_id": str(_l("WeCom gave the code no QR image."))})
    material = material_admin.create(
        {"kind": "image", "title": f"群邀请 · {name}", "group_name": "群邀请"},
        (f"group-invitation-{code.id}.png", image),
    )
    rule = SopRule(
        name=f"群邀请 · {name}"[:64],
        active=True,
        trigger=Trigger.FIXED.value,
        fixed_at=now,
        target="customers",
        audience=json.dumps(audience, ensure_ascii=False),
        window_days=window_days,
    )
    rule.steps = [SopStep(position=0, offset_days=0, text=text, material_id=material.id)]
    db.session.add(rule)
    db.session.flush()
    invitation = GroupInvitation(
        name=name,
        code_id=code.id,
        source_code_id=source.id,
        audience=rule.audience,
        text=text,
        rule_id=rule.id,
        material_id=material.id,
        created_at=now,
    )
    db.session.add(invitation)
    engine.generate(rule, now=now)
    db.session.flush()
    return invitation


def figures(invitations: list[GroupInvitation]) -> dict[int, dict[str, int]]:
    """invitation id → customers invited, invitations sent, members who joined through it, and how many
    of those were among the invited (three queries however many invitations)."""
    if not invitations:
        return {}
    rule_of = {i.rule_id: i.id for i in invitations if i.rule_id is not None}
    state_of = {i.code.state: i.id for i in invitations}
    out = {i.id: {"invited": 0, "sent": 0, "joined": 0, "joined_invited": 0} for i in invitations}
    done = case((SopTask.status == TaskStatus.DONE.value, SopTask.customer_id))
    for rule_id, invited, sent in db.session.execute(
        select(SopTask.rule_id, func.count(distinct(SopTask.customer_id)), func.count(distinct(done)))
        .where(SopTask.rule_id.in_(list(rule_of)))
        .group_by(SopTask.rule_id)
    ):
        out[rule_of[rule_id]].update(invited=invited, sent=sent)
    for state, joined in db.session.execute(
        select(GroupChatMember.state, func.count())
        .where(GroupChatMember.state.in_(list(state_of)), GroupChatMember.type == 2)
        .group_by(GroupChatMember.state)
    ):
        out[state_of[state]]["joined"] = joined
    # Joined through an invitation and invited by it: the member's state names the invitation's code,
    # whose rule gave the customer a task.
    invited_by = (
        select(GroupInvitation.id)
        .join(GroupCode, GroupCode.id == GroupInvitation.code_id)
        .join(SopTask, SopTask.rule_id == GroupInvitation.rule_id)
        .where(GroupCode.state == GroupChatMember.state, SopTask.customer_id == Customer.id)
    )
    for state, n in db.session.execute(
        select(GroupChatMember.state, func.count(distinct(Customer.id)))
        .join(Customer, Customer.external_userid == GroupChatMember.userid)
        .where(GroupChatMember.state.in_(list(state_of)), invited_by.exists())
        .group_by(GroupChatMember.state)
    ):
        out[state_of[state]]["joined_invited"] = n
    return out


def joiners(invitation: GroupInvitation, limit: int = 50) -> list[dict[str, Any]]:
    """Who joined through the invitation, newest first: the member, the group, whether they are our
    customer."""
    rows = db.session.execute(
        select(GroupChatMember, GroupChat.name, Customer.name)
        .join(GroupChat, GroupChat.id == GroupChatMember.group_id)
        .outerjoin(Customer, Customer.external_userid == GroupChatMember.userid)
        .where(GroupChatMember.state == invitation.code.state, GroupChatMember.type == 2)
        .order_by(GroupChatMember.joined_at.desc(), GroupChatMember.id.desc())
        .limit(limit)
    )
    return [
        {"member": m, "group": group_name, "customer": customer_name} for m, group_name, customer_name in rows
    ]
