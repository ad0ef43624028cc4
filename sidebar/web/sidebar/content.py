"""The sidebar's scripts tab (话术), beside a customer or a group chat, and the record of sends.

Customer-scoped routes load the customer through ``visibility.customer_for``; group routes check the
member is in the group. Sending itself happens in the browser (``sendChatMessage``); the page records a
send only after WeCom reports success.
"""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, request, url_for
from flask_babel import gettext as _

from sidebar.archive import replies
from sidebar.campaigns import moments as campaign_moments
from sidebar.content import materials, scripts
from sidebar.core import files as file_store
from sidebar.core import uow
from sidebar.extensions import db
from sidebar.models import Customer, MaterialKind, Product
from sidebar.signals import behaviour, radar
from sidebar.signals import rules as signal_rules
from sidebar.web import htmx
from sidebar.web.auth import login_required
from sidebar.web.errors import json_error
from sidebar.web.sidebar import (
    chat_from_form,
    customer_route,
    group_member_or_404,
    me,
    page_number,
    sidebar_bp,
)
from sidebar.web.sidebar.cards import card_image, in_chat_with
from sidebar.wecom.errors import WeComError

PAGE = "sidebar/scripts.html"


def _tab() -> str:
    tab = request.args.get("tab") or request.form.get("tab") or "enterprise"
    if tab not in scripts.TABS:
        abort(400, "tab must be enterprise, team or mine")
    return tab


def _render(
    *, customer: Customer | None, chat_id: str | None, status: int = 200, error: str | None = None
) -> Any:
    staff = me()
    tab, q, page = _tab(), (request.args.get("q") or "").strip()[:64], page_number()
    rows, more = scripts.listing(staff, tab=tab, q=q, page=page)
    values = scripts.context_for(staff, customer)
    items = []
    for script, starred in rows:
        text, unknown = scripts.fill(script.body, values)
        items.append(scripts.Filled(script, text, unknown, starred))
    suggested, question = [], None
    if customer is not None and tab == "enterprise" and not q and page == 1:
        # Reply help: scripts for the customer's latest unanswered question (from the chat archive).
        asked = replies.latest_question(staff, customer.external_userid)
        if asked is not None:
            question = asked.summary
            for suggestion in replies.suggest(staff, asked.summary):
                text, unknown = scripts.fill(suggestion.script.body, values)
                suggested.append(scripts.Filled(suggestion.script, text, unknown, False))
    if customer is not None:
        here = url_for("sidebar.scripts_for_customer", external_userid=customer.external_userid)
    else:
        here = url_for("sidebar.scripts_for_group", chat_id=chat_id)
    return htmx.render(
        PAGE,
        block="script_list" if request.args.get("fragment") != "page" else None,
        status=status,
        staff=staff,
        customer=customer,
        chat_id=chat_id,
        items=items,
        suggested=suggested,
        question=question,
        more=more,
        tab=tab,
        q=q,
        page=page,
        here=here,
        error=error,
        variables=scripts.VARIABLES,
    )


@sidebar_bp.get("/customers/<external_userid>/scripts")
@customer_route
def scripts_for_customer(customer: Customer):
    """Scripts with this customer's details filled in."""
    return _render(customer=customer, chat_id=None)


@sidebar_bp.get("/groups/<chat_id>/scripts")
@login_required
def scripts_for_group(chat_id: str):
    """Scripts in a group chat: customer variables read as a greeting to everyone."""
    group_member_or_404(chat_id)
    return _render(customer=None, chat_id=chat_id)


def _save_script(change: Any) -> Any:
    """Make a change to the guide's own scripts and show the list again; bad input answers 422."""
    customer, chat_id = chat_from_form()
    try:
        change()
    except scripts.ScriptError:
        uow.discard()
        error = _("Write the script's text (at most 2,000 characters).")
        return _render(customer=customer, chat_id=chat_id, status=422, error=error)
    return _render(customer=customer, chat_id=chat_id)


@sidebar_bp.post("/scripts")
@login_required
def script_create():
    """A guide adds a script of their own."""
    return _save_script(
        lambda: scripts.create_own(
            me(), title=request.form.get("title", ""), body=request.form.get("body", "")
        )
    )


@sidebar_bp.post("/scripts/<int:script_id>/edit")
@login_required
def script_edit(script_id: int):
    script = scripts.own(me(), script_id) or abort(404)
    return _save_script(
        lambda: scripts.update_own(
            script, title=request.form.get("title", ""), body=request.form.get("body", "")
        )
    )


@sidebar_bp.post("/scripts/<int:script_id>/delete")
@login_required
def script_delete(script_id: int):
    script = scripts.own(me(), script_id) or abort(404)
    return _save_script(lambda: db.session.delete(script))


@sidebar_bp.post("/scripts/<int:script_id>/star")
@login_required
def script_star(script_id: int):
    customer, chat_id = chat_from_form()
    script = scripts.get_visible(me(), script_id)
    if script is None:
        abort(404)
    scripts.toggle_favourite(me(), script)
    return _render(customer=customer, chat_id=chat_id)


@sidebar_bp.post("/sends")
@login_required
def record_send():
    """Called by the page after WeCom confirmed a send (or filled the input box)."""
    customer, chat_id = chat_from_form()
    kind = request.form.get("kind")
    try:
        ref_id = int(request.form.get("ref_id", ""))
    except ValueError:
        abort(400, "ref_id must be a number")
    if kind == "script":
        item: Any = scripts.get_visible(me(), ref_id)
        if item is None:
            abort(404)
        values = scripts.context_for(me(), customer)
        summary, msgtype = scripts.fill(item.body, values)[0], "text"
    elif kind == "material":
        item = materials.get_visible(me(), ref_id)
        if item is None:
            abort(404)
        summary = item.title
        msgtype = "news" if radar.trackable(item) else materials.message(item)["msgtype"]
    elif kind == "product":
        item = db.session.get(Product, ref_id)
        if item is None or not item.active:
            abort(404)
        summary, msgtype = item.name, "miniprogram" if item.mp_page else "news"
    else:
        abort(400, "kind must be script, material or product")
    send = scripts.record_send(
        me(),
        kind=kind,
        item=item,
        customer=customer,
        chat_id=chat_id,
        msgtype=msgtype,
        summary=summary,
        entered=request.form.get("entered") == "1",
    )
    return jsonify(id=send.id, result=send.result), 201


# -- materials -------------------------------------------------------------------------------------


def _payload(material: Any) -> dict[str, Any] | None:
    """The message a button carries, or None when the server makes it at send time (a file's upload,
    a tracked link)."""
    if material.kind in materials.FILE_KINDS or radar.trackable(material):
        return None
    return materials.message(material)


def _render_materials(*, customer: Customer | None, chat_id: str | None) -> Any:
    kind = request.args.get("kind") or None
    if kind and kind not in {k.value for k in MaterialKind}:
        abort(400, "unknown kind")
    q, page = (request.args.get("q") or "").strip()[:64], page_number()
    rows, more = materials.listing(me(), kind=kind, q=q, page=page)
    if customer is not None:
        here = url_for("sidebar.materials_for_customer", external_userid=customer.external_userid)
    else:
        here = url_for("sidebar.materials_for_group", chat_id=chat_id)
    return htmx.render(
        "sidebar/materials.html",
        block="material_list",
        staff=me(),
        customer=customer,
        chat_id=chat_id,
        items=[(m, _payload(m), radar.trackable(m)) for m in rows],
        more=more,
        kind=kind,
        kinds=[k.value for k in MaterialKind],
        q=q,
        page=page,
        here=here,
    )


@sidebar_bp.get("/customers/<external_userid>/materials")
@customer_route
def materials_for_customer(customer: Customer):
    """Materials to send to this customer."""
    return _render_materials(customer=customer, chat_id=None)


@sidebar_bp.get("/groups/<chat_id>/materials")
@login_required
def materials_for_group(chat_id: str):
    group_member_or_404(chat_id)
    return _render_materials(customer=None, chat_id=chat_id)


@sidebar_bp.post("/materials/<int:material_id>/message")
@login_required
def material_message(material_id: int):
    """The sendChatMessage payload for a file material: uploads it to WeCom first if need be."""
    material = materials.get_visible(me(), material_id)
    if material is None:
        abort(404)
    try:
        media = materials.media_id(material) if material.kind in materials.FILE_KINDS else None
    except WeComError as exc:
        return json_error(502, "wecom_refused", exc.in_words())
    return jsonify(materials.message(material, media))


def _tracked_message(material_id: int, *, customer: Customer | None, chat_id: str | None) -> Any:
    """A new tracked link for this send (the material radar) and the news card that carries it."""
    material = materials.get_visible(me(), material_id)
    if material is None or not radar.trackable(material):
        abort(404)
    link = radar.make_link(me(), material, customer=customer, chat_id=chat_id)
    url = url_for("tracked.page", code=radar.public_code(link), _external=True)
    if material.kind == MaterialKind.IMAGE.value:
        image = url_for("tracked.file", code=radar.public_code(link), _external=True)
    else:
        image = material.cover_url or card_image("material")
    description = material.description or material.file_name or _("Tap to read")
    return jsonify(
        msgtype="news", news={"link": url, "title": material.title, "desc": description, "imgUrl": image}
    )


@sidebar_bp.post("/customers/<external_userid>/materials/<int:material_id>/tracked")
@customer_route
def material_tracked_for_customer(customer: Customer, material_id: int):
    """A tracked link for sending this material to this customer; only from the guide in the chat."""
    if not in_chat_with(me(), customer):
        abort(403, _("Only a guide who has this customer can send them materials."))
    return _tracked_message(material_id, customer=customer, chat_id=None)


@sidebar_bp.post("/groups/<chat_id>/materials/<int:material_id>/tracked")
@login_required
def material_tracked_for_group(chat_id: str, material_id: int):
    group_member_or_404(chat_id)
    return _tracked_message(material_id, customer=None, chat_id=chat_id)


@sidebar_bp.get("/customers/<external_userid>/timeline")
@customer_route
def timeline_for_customer(customer: Customer):
    """What the customer did with what guides sent: opens, reading time, forwards."""
    return htmx.render(
        "sidebar/timeline.html",
        block="timeline",
        staff=me(),
        customer=customer,
        chat_id=None,
        entries=radar.timeline(customer),
        moments=campaign_moments.for_customer(customer),
        mall=behaviour.recent_days(customer.id),
        signals=[(s, signal_rules.words(s, customer.name)) for s in signal_rules.for_customer(customer)],
    )


@sidebar_bp.get("/materials/<int:material_id>/file")
@login_required
def material_file(material_id: int):
    """The stored file, to staff who may use the material (never public)."""
    material = materials.get_visible(me(), material_id)
    if material is None or not material.file_path:
        abort(404)
    try:
        return file_store.download(
            materials.file_key(material.file_path),
            filename=None,
            mimetype=material.mime or "",
            private_max_age=3600,
        )
    except file_store.FileMissing:
        abort(404)
