"""The welcome a new customer receives the moment they add a guide (``send_welcome_msg``): the text of
their channel code's welcome (or the default) with script variables filled, its materials as
attachments, and optionally a new-customer coupon issued through the coupon machinery (once per
customer: its key is the customer's); then the code's arrival tags.

WeCom accepts a ``WelcomeCode`` once and only within 20 s of the add event. So the welcome is tried at
most once per code: if the event reaches us late, or WeCom refuses, that is recorded (``WelcomeSend``)
and shown on the code's page — never retried with a stale code, even when the event itself is retried.

A customer added without verification (a channel code with skip_verify) first arrives as
``add_half_external_contact``, which carries a WelcomeCode too (doc 92130 "客户联系 → 事件"); the full
``add_external_contact`` of the same pair may follow. Both are one arrival: whichever comes first is
welcomed, the other is not (``ARRIVAL_WINDOW``).

The welcome is made from what the event carries (the member, the customer's id, the state), not from
``externalcontact/get``: WeCom may answer that with 84061 for a moment after the add, and the 20 s do not
wait (``events.callbacks`` looks the customer up after the welcome)."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from sidebar.content import materials, scripts
from sidebar.core import send_log
from sidebar.customers import tags as customer_tags
from sidebar.extensions import db
from sidebar.models import (
    ChannelCode,
    Coupon,
    Customer,
    Material,
    MaterialKind,
    SopRule,
    Staff,
    Tag,
    Trigger,
    Welcome,
    WelcomeSend,
    WelcomeStatus,
    utcnow,
)
from sidebar.money import coupons
from sidebar.money.messages import Refused
from sidebar.sop import engine as sop_engine
from sidebar.wecom import limits
from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import wecom

WINDOW_SECONDS = 20  # WeCom accepts a WelcomeCode this long after the add event
# Leave WeCom time to answer inside its window: past this we record "late" instead of calling.
DEADLINE_SECONDS = 18
MAX_ATTACHMENTS = 9
MAX_TEXT_BYTES = limits.WELCOME_TEXT_BYTES
# A half add and the full add of the same member and customer this close together are one arrival.
ARRIVAL_WINDOW = timedelta(days=1)
# What WeCom sends on its own (welcomes doc 92137, group welcomes doc 92366, mass messages doc 92135):
# images, videos, files, links and mini-programs. Pickers list these kinds; ``attachable`` says whether
# one material can go.
ATTACHABLE = {
    MaterialKind.IMAGE.value,
    MaterialKind.VIDEO.value,
    MaterialKind.FILE.value,
    MaterialKind.LINK.value,
    MaterialKind.MINIPROGRAM.value,
}


def not_attachable(title: str) -> str:
    """Why a chosen material cannot go, in words."""
    return str(
        _l(
            "“%(title)s” cannot be sent by WeCom on its own: choose images, videos, files, links, or "
            "mini-programs with a cover picture uploaded.",
            title=title,
        )
    )


def attachable(material: Material) -> bool:
    """Whether the material can be one of WeCom's attachments: a mini-program card only with its cover
    picture uploaded (``pic_media_id`` is a media id, not a URL)."""
    if material.kind == MaterialKind.MINIPROGRAM.value:
        return bool(material.file_path)
    return material.kind in ATTACHABLE


class WelcomeInvalid(ValueError):
    """A welcome that WeCom would refuse: said before anything is saved."""


def own(code: ChannelCode | None) -> Welcome | None:
    """The code's own welcome (the default's, for ``None``), without falling back."""
    where = Welcome.code_id == code.id if code is not None else Welcome.code_id.is_(None)
    return db.session.scalar(select(Welcome).where(where))


def for_code(code: ChannelCode | None) -> Welcome | None:
    """The code's welcome, else the default one; None when neither is set."""
    if code is not None:
        own = db.session.scalar(select(Welcome).where(Welcome.code_id == code.id))
        if own is not None:
            return own
    return db.session.scalar(select(Welcome).where(Welcome.code_id.is_(None)))


def save(code: ChannelCode | None, *, text: str, material_ids: list[int], coupon_template_id: int | None,
         tag_ids: list[int]) -> Welcome:  # fmt: skip
    """Set a code's welcome (or the default, for ``None``), checked against WeCom's limits first."""
    text = text.strip()
    if len(text.encode()) > MAX_TEXT_BYTES:
        raise WelcomeInvalid(str(_l("The text is too long for WeCom (at most 4,000 bytes).")))
    if len(material_ids) + (1 if coupon_template_id else 0) > MAX_ATTACHMENTS:
        raise WelcomeInvalid(str(_l("At most 9 attachments, the coupon included (WeCom's limit).")))
    found = {m.id: m for m in db.session.scalars(select(Material).where(Material.id.in_(material_ids)))}
    for mid in material_ids:
        if mid not in found or not attachable(found[mid]):
            raise WelcomeInvalid(not_attachable(found[mid].title if mid in found else ""))
    if not text and not material_ids and not coupon_template_id:
        raise WelcomeInvalid(str(_l("Write a text or choose something to send.")))
    welcome = db.session.scalar(
        select(Welcome).where(Welcome.code_id == code.id if code else Welcome.code_id.is_(None))
    ) or Welcome(code_id=code.id if code else None)
    welcome.text, welcome.material_ids = text, json.dumps(material_ids)
    welcome.coupon_template_id, welcome.tag_ids = coupon_template_id, json.dumps(tag_ids)
    db.session.add(welcome)
    db.session.flush()
    return welcome


def attachment(material: Material) -> dict[str, Any]:
    """A material as one of WeCom's welcome attachments: ``{"msgtype": kind, kind: {...}}``."""
    if material.kind == MaterialKind.LINK.value:
        return {
            "msgtype": "link",
            "link": limits.link(
                title=material.title,
                picurl=material.cover_url or "",
                desc=material.description or "",
                url=material.url,
            ),
        }
    if material.kind == MaterialKind.MINIPROGRAM.value:
        return {
            "msgtype": "miniprogram",
            "miniprogram": limits.miniprogram(
                title=material.title,
                appid=material.mp_appid,
                page=material.mp_page,
                pic_media_id=materials.media_id(material),
            ),
        }
    kind = material.kind
    return {"msgtype": kind, kind: {"media_id": materials.media_id(material)}}


def public_url(path: str) -> str:
    base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    if not base:
        raise RuntimeError("PUBLIC_URL is not set, so the coupon's link cannot be made")
    return base + path


def _coupon_attachment(staff: Staff, customer: Customer, template_id: int) -> tuple[int, dict[str, Any]]:
    # Once per customer and coupon, however often they add a guide: the key is theirs.
    coupon = coupons.issue(staff, customer, template_id, f"welcome-{customer.id}-{template_id}")
    adapter = current_app.url_map.bind("localhost")
    claim = public_url(adapter.build("claim.coupon_page", {"token": coupons.claim_token(coupon)}))
    image = public_url(adapter.build("claim.card_image", {"kind": "coupon"}))
    template = coupon.template
    return coupon.id, {
        "msgtype": "link",
        "link": limits.link(
            title=f"{template.name}（{coupons.describe(template)}）",
            picurl=image,
            desc="点击领取，到店或商城下单时使用",
            url=claim,
        ),
    }


def _welcomed_this_arrival(userid: str, ext: str, *, half: bool) -> bool:
    """A half add is one arrival with a full add of the same pair around it: the half add is skipped
    after any recent welcome of the pair, the full add only after a recent half-add welcome (a customer
    who deletes and adds again through a verified code is a new arrival, welcomed again)."""
    query = select(WelcomeSend.id).where(
        WelcomeSend.userid == userid,
        WelcomeSend.external_userid == ext,
        WelcomeSend.created_at >= utcnow() - ARRIVAL_WINDOW,
    )
    if not half:
        query = query.where(WelcomeSend.half.is_(True))
    return db.session.scalar(query.limit(1)) is not None


def on_add(fields: dict[str, str], *, received_at: datetime, half: bool = False) -> str:
    """Welcome the customer of an add event (``half``: add_half_external_contact), once per WelcomeCode
    and once per arrival; returns what happened (for the event's record). Never raises: a welcome that
    fails is recorded, and the event goes on."""
    welcome_code = fields.get("WelcomeCode") or ""
    userid, ext = fields.get("UserID", ""), fields.get("ExternalUserID", "")
    state = fields.get("State") or None
    code = db.session.scalar(select(ChannelCode).where(ChannelCode.state == state)) if state else None
    welcome = for_code(code)
    _arrival_tags(welcome, userid, ext)
    if not welcome_code or welcome is None:
        return "no welcome to send"
    if db.session.scalar(select(WelcomeSend.id).where(WelcomeSend.welcome_code == welcome_code)):
        return "welcome already tried for this code"
    if _welcomed_this_arrival(userid, ext, half=half):
        return "welcome already sent for this arrival"
    record = WelcomeSend(welcome_code=welcome_code, code_id=code.id if code else None, external_userid=ext,
                         userid=userid, status=WelcomeStatus.FAILED.value, half=half)  # fmt: skip
    db.session.add(record)
    waited = (utcnow() - received_at).total_seconds()
    if waited > DEADLINE_SECONDS:
        record.status, record.error = WelcomeStatus.LATE.value, f"{waited:.0f} s after the event"
        db.session.flush()
        return "welcome late: not sent"
    started = time.monotonic()
    try:
        payload = _message(welcome, userid, ext, record)
        wecom().external_contact.send_welcome_msg({"welcome_code": welcome_code, **payload})
        record.status = WelcomeStatus.SENT.value
        _sent(record, welcome)
    except WeComError as exc:
        record.status, record.error = WelcomeStatus.REFUSED.value, f"{exc.errcode}: {exc.in_words()}"[:255]
    except (Refused, RuntimeError, OSError, LookupError) as exc:
        record.error = str(exc)[:255]
    record.seconds = round(waited + time.monotonic() - started, 2)
    db.session.flush()
    return f"welcome {record.status}"


def _sent(record: WelcomeSend, welcome: Welcome) -> None:
    """A welcome WeCom took: one entry in the send log (the guide reached the customer), and the coupon
    card it carried is sent — the sidebar must not offer to send it again."""
    staff_id = db.session.scalar(select(Staff.id).where(Staff.userid == record.userid))
    customer_id = db.session.scalar(
        select(Customer.id).where(Customer.external_userid == record.external_userid)
    )
    if staff_id is not None:
        send_log.record(
            staff_id,
            kind="welcome",
            via="welcome",
            ref_id=welcome.id,
            customer_id=customer_id,
            summary=(welcome.text or "")[:255],
        )
    coupon = db.session.get(Coupon, record.coupon_id) if record.coupon_id else None
    if coupon is not None:
        coupons.mark_sent(coupon, log=False)


def _message(welcome: Welcome, userid: str, ext: str, record: WelcomeSend) -> dict[str, Any]:
    staff = db.session.scalar(select(Staff).where(Staff.userid == userid))
    customer = db.session.scalar(select(Customer).where(Customer.external_userid == ext))
    if staff is None or customer is None:
        raise LookupError("the guide or the customer is not known here yet")
    text, _unknown = scripts.fill(welcome.text, scripts.context_for(staff, customer))
    attachments = []
    ids = json.loads(welcome.material_ids or "[]")
    found = {m.id: m for m in db.session.scalars(select(Material).where(Material.id.in_(ids)))}
    for mid in ids:
        if mid in found and attachable(found[mid]):
            attachments.append(attachment(found[mid]))
    if welcome.coupon_template_id:
        try:
            record.coupon_id, card = _coupon_attachment(staff, customer, welcome.coupon_template_id)
            attachments.append(card)
        except Refused as exc:  # out of stock, not eligible: the welcome still goes, without it
            record.error = f"coupon: {exc.code}"
    payload: dict[str, Any] = {"attachments": attachments[:MAX_ATTACHMENTS]}
    if text:
        payload["text"] = {"content": text}
    return payload


def _arrival_tags(welcome: Welcome | None, userid: str, ext: str) -> None:
    """The welcome's arrival tags on the customer (pushed to WeCom like a guide's)."""
    ids = json.loads(welcome.tag_ids or "[]") if welcome is not None else []
    if not ids:
        return
    staff = db.session.scalar(select(Staff).where(Staff.userid == userid))
    customer = db.session.scalar(select(Customer).where(Customer.external_userid == ext))
    if staff is None or customer is None:
        return
    for tag in db.session.scalars(select(Tag).where(Tag.id.in_(ids))):
        customer_tags.add(customer, tag, by=staff)


def start_code_rules(state: str | None, *, now: datetime) -> int:
    """SOP rules that start when a customer arrives through this code (trigger "added", audience "came
    through the channel code"), run at once for the code's audience rather than at the engine's next
    quarter hour; how many tasks were made. The engine's uniqueness makes a later run add nothing."""
    if not state:
        return 0
    made = 0
    rules = db.session.scalars(
        select(SopRule).where(SopRule.active.is_(True), SopRule.trigger == Trigger.ADDED.value)
    )
    for rule in rules:
        if json.loads(rule.audience or "{}").get("state") == state:
            made += sop_engine.generate(rule, now=now)
    return made


def recent(code: ChannelCode | None, limit: int = 20, *, scope: Select | None = None) -> list[WelcomeSend]:
    """The latest welcomes of a code (or the default's), to guides in ``scope`` (None: everyone)."""
    query = select(WelcomeSend).order_by(WelcomeSend.id.desc()).limit(limit)
    if scope is not None:
        query = query.where(WelcomeSend.userid.in_(select(Staff.userid).where(Staff.id.in_(scope))))
    query = (
        query.where(WelcomeSend.code_id == code.id) if code else query.where(WelcomeSend.code_id.is_(None))
    )
    return list(db.session.scalars(query))
