"""Channel live codes (渠道活码): made, changed and retired in WeCom (``add_contact_way``,
``update_contact_way``, ``del_contact_way``) and kept here with their QR image, and read by ``state``
(what a customer's source is called; a state no code of ours carries is shown as it is).

WeCom first, then our copy: if WeCom refuses, nothing changes here and the error says why. A code's
``state`` is ours, made once and never changed, so every customer it brought stays counted."""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterable

import requests
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from sidebar.core.errors import DomainError
from sidebar.core.files import files
from sidebar.extensions import db
from sidebar.growth import links
from sidebar.models import ChannelCode, ChannelCodeMember, CodeKind, Staff, StaffStatus, utcnow
from sidebar.wecom.gateway import wecom

MAX_NAME = 30  # WeCom: remark at most 30 characters
MAX_MEMBERS = 100  # WeCom: at most 100 members on one code


class CodeInvalid(DomainError):
    """The code cannot be saved as asked; ``errors`` maps each field to what is wrong."""

    code = "invalid_code"

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def names(states: Iterable[str | None]) -> dict[str, str]:
    """state → the name of the code (or 获客助手 link, ``growth.links``) that carries it, for the states
    that have one (a query each)."""
    wanted = sorted({s for s in states if s})
    if not wanted:
        return {}
    rows = db.session.execute(
        select(ChannelCode.state, ChannelCode.name).where(ChannelCode.state.in_(wanted))
    )
    return {**links.names(wanted), **{state: name for state, name in rows}}


def name_for(state: str | None) -> str | None:
    """The code's name, or the raw state when no code of ours carries it; None without a state."""
    if not state:
        return None
    return names([state]).get(state, state)


def all_codes() -> list[ChannelCode]:
    return list(
        db.session.scalars(select(ChannelCode).order_by(ChannelCode.retired_at.is_not(None), ChannelCode.id))
    )


def members_for(kind: str, staff_ids: list[int], store_id: int | None) -> list[Staff]:
    """The active members a code brings customers to: those chosen, or a store's."""
    if kind == CodeKind.STORE.value:
        if store_id is None:
            return []
        query = select(Staff).where(Staff.store_id == store_id)
    else:
        if not staff_ids:
            return []
        query = select(Staff).where(Staff.id.in_(staff_ids))
    found = list(db.session.scalars(query.where(Staff.status == StaffStatus.ACTIVE).order_by(Staff.id)))
    order = {sid: n for n, sid in enumerate(staff_ids)}
    return sorted(found, key=lambda s: order.get(s.id, len(order) + s.id))


def _checked(name: str, kind: str, members: list[Staff], store_id: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = str(_l("Give the code a name."))
    elif len(name) > MAX_NAME:
        errors["name"] = str(_l("At most %(n)s characters (WeCom's limit).", n=MAX_NAME))
    if kind not in {k.value for k in CodeKind}:
        errors["kind"] = str(_l("Choose who the code brings customers to."))
    elif kind == CodeKind.STORE.value and store_id is None:
        errors["store_id"] = str(_l("Choose the store."))
    elif not members:
        errors["members"] = str(_l("Choose at least one active member."))
    elif kind == CodeKind.SINGLE.value and len(members) != 1:
        errors["members"] = str(_l("A code for one member takes exactly one member."))
    elif len(members) > MAX_MEMBERS:
        errors["members"] = str(_l("At most %(n)s members on one code (WeCom's limit).", n=MAX_MEMBERS))
    return errors


def create(
    name: str, kind: str, *, staff_ids: list[int], store_id: int | None = None, skip_verify: bool = True
) -> ChannelCode:
    """Make the code in WeCom and keep it (flushes); ``CodeInvalid`` before any call if it breaks a rule."""
    name = name.strip()
    members = members_for(kind, staff_ids, store_id)
    errors = _checked(name, kind, members, store_id)
    if errors:
        raise CodeInvalid(errors)
    state = "bs" + secrets.token_hex(6)  # ours, unique, within WeCom's 30 characters
    made = wecom().external_contact.add_contact_way(
        type=1 if len(members) == 1 and kind == CodeKind.SINGLE.value else 2,
        scene=2,
        remark=name,
        skip_verify=skip_verify,
        state=state,
        user=[m.userid for m in members],
    )
    code = ChannelCode(
        name=name,
        state=state,
        kind=kind,
        store_id=store_id if kind == CodeKind.STORE.value else None,
        skip_verify=skip_verify,
        config_id=made["config_id"],
        qr_code=made.get("qr_code"),
    )
    code.members = [ChannelCodeMember(staff_id=m.id, position=n) for n, m in enumerate(members)]
    db.session.add(code)
    db.session.flush()
    return code


def update(code: ChannelCode, name: str, *, staff_ids: list[int], skip_verify: bool) -> ChannelCode:
    """New name, members or verification for a live code: WeCom first (``update_contact_way``)."""
    if code.retired_at is not None:
        raise CodeInvalid({"code": str(_l("This code is retired; make a new one."))})
    name = name.strip()
    members = members_for(code.kind, staff_ids, code.store_id)
    errors = _checked(name, code.kind, members, code.store_id)
    if errors:
        raise CodeInvalid(errors)
    if code.config_id:
        wecom().external_contact.update_contact_way(
            config_id=code.config_id,
            remark=name,
            skip_verify=skip_verify,
            state=code.state,
            user=[m.userid for m in members],
        )
    code.name, code.skip_verify = name, skip_verify
    code.members.clear()
    db.session.flush()  # the old rows go before the new ones (one row per code and member)
    code.members = [ChannelCodeMember(staff_id=m.id, position=n) for n, m in enumerate(members)]
    db.session.flush()
    return code


def retire(code: ChannelCode) -> None:
    """Stop the code in WeCom (``del_contact_way``); the customers it brought keep their source."""
    if code.retired_at is not None:
        return
    if code.config_id:
        wecom().external_contact.del_contact_way(code.config_id)
    code.retired_at = utcnow()
    db.session.flush()


def kept_image(url: str | None, folder_name: str, name: str) -> bytes | None:
    """A QR image WeCom gave a link to, fetched once and kept in the file store under
    ``<folder_name>/<name>.png`` (channel codes and group codes alike), so every host serves the same
    one; None without a link."""
    if not url:
        return None
    key, store = f"{folder_name}/{name}.png", files()
    if store.size(key) is not None:
        return b"".join(store.chunks(key))
    res = requests.get(url, timeout=current_app.config["WECOM_HTTP_TIMEOUT"])
    res.raise_for_status()
    try:
        with db.session.begin_nested():  # two admins downloading it at once: the first one keeps it
            store.put(key, io.BytesIO(res.content), "image/png")
    except IntegrityError:
        pass
    return res.content


def qr_image(code: ChannelCode) -> bytes | None:
    """The code's QR image, kept in the file store (``channel_codes/<id>.png``)."""
    return kept_image(code.qr_code, "channel_codes", str(code.id))
