"""群发 from the sidebar: the guide picks content (a script's text, materials) and some of their customers
or groups, and WeCom's own composer sends it (``campaigns.share``)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select

from sidebar.campaigns import share
from sidebar.content import materials, scripts
from sidebar.extensions import db
from sidebar.models import Customer, Follow, GroupChat, Material
from sidebar.web import htmx
from sidebar.web.auth import login_required
from sidebar.web.sidebar import me, sidebar_bp

LISTED = 500  # customers shown to tick at once (a search narrows it)
MOMENT_KINDS = {"image", "video", "link"}  # shareToExternalMoments: images, a video or a link


def _customers(q: str) -> list[Customer]:
    query = (
        select(Customer)
        .join(Follow, Follow.customer_id == Customer.id)
        .where(Follow.staff_id == me().id, Follow.deleted_at.is_(None))
        .order_by(Customer.name, Customer.id)
        .limit(LISTED)
    )
    if q:
        query = query.where(Customer.name.contains(q, autoescape=True))
    return list(db.session.scalars(query))


@sidebar_bp.get("/share")
@login_required
def share_page():
    """The form: text (or a script's), materials, and the guide's customers or groups to tick."""
    to = request.args.get("to") if request.args.get("to") in ("groups", "moments") else "customers"
    q = (request.args.get("q") or "").strip()[:32]
    text = ""
    script_id = request.args.get("script_id", "")
    if script_id.isdigit() and (script := scripts.get_visible(me(), int(script_id))) is not None:
        text, _missing = scripts.fill(script.body, scripts.context_for(me(), None))
    chats = list(
        db.session.scalars(
            select(GroupChat)
            .where(GroupChat.owner_userid == me().userid, GroupChat.status == "active")
            .order_by(GroupChat.name)
        )
    )
    return htmx.render(
        "sidebar/share.html",
        to=to,
        q=q,
        text=text,
        customers=_customers(q) if to == "customers" else [],
        chats=chats if to == "groups" else [],
        scripts=list(db.session.scalars(scripts.visible(me()).limit(200))),
        materials=list(
            db.session.scalars(
                materials.visible(me())
                .where(Material.kind.in_(sorted(MOMENT_KINDS if to == "moments" else share.SHAREABLE)))
                .limit(200)
            )
        ),
        max_attachments=share.MAX_ATTACHMENTS,
        listed=LISTED,
    )


def _read() -> Any:
    try:
        return share.read(me(), request.form)
    except share.ShareInvalid as exc:
        return exc


@sidebar_bp.post("/share/prepare")
@login_required
def share_prepare():
    """The JS-SDK call for what the form asks (``method`` and ``args``), or why not (422)."""
    found = _read()
    if isinstance(found, share.ShareInvalid):
        return jsonify(error={"code": found.code, "message": str(found)}), 422
    method, args = share.call(found)
    return jsonify(method=method, args=args, recipients=len(found.customers) + len(found.chats))


@sidebar_bp.post("/share/done")
@login_required
def share_done():
    """WeCom's client said it went out: record a send per customer or group."""
    found = _read()
    if isinstance(found, share.ShareInvalid):
        return jsonify(error={"code": found.code, "message": str(found)}), 422
    n = share.record(me(), found)
    return jsonify(recorded=n, message=_("Sent to %(n)s.", n=n))
