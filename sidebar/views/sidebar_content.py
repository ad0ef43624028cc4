"""The sidebar's scripts tab (话术), beside a customer or a group chat, and the record of sends.

Customer-scoped routes load the customer through ``visibility.customer_for``; group routes check the
member is in the group. Sending itself happens in the browser (``sendChatMessage``); the page records a
send only after WeCom reports success.
"""

from __future__ import annotations

from typing import Any

from flask import abort, request, url_for
from flask_babel import gettext as _

from sidebar import htmx
from sidebar.auth import login_required
from sidebar.extensions import db
from sidebar.models import Customer, Follow, Staff
from sidebar.services import groups, scripts, visibility
from sidebar.views.sidebar import customer_route, me, sidebar_bp
from sidebar.wecom.errors import WeComError

PAGE = "sidebar/scripts.html"


def _tab() -> str:
    tab = request.args.get("tab") or request.form.get("tab") or "enterprise"
    if tab not in scripts.TABS:
        abort(400, "tab must be enterprise, team or mine")
    return tab


def _page() -> int:
    try:
        return max(1, min(1000, int(request.args.get("page", "1"))))
    except ValueError:
        abort(400, "page must be a number")


def _my_follow(customer: Customer, staff: Staff) -> Follow | None:
    return next((f for f in customer.follows if f.staff_id == staff.id and f.deleted_at is None), None)


def _render(
    *, customer: Customer | None, chat_id: str | None, status: int = 200, error: str | None = None
) -> Any:
    staff = me()
    tab, q, page = _tab(), (request.args.get("q") or "").strip()[:64], _page()
    rows, more = scripts.listing(staff, tab=tab, q=q, page=page)
    values = scripts.context_for(staff, customer, _my_follow(customer, staff) if customer else None)
    items = []
    for script, starred in rows:
        text, unknown = scripts.fill(script.body, values)
        items.append(scripts.Filled(script, text, unknown, starred))
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
    _check_group(chat_id)
    return _render(customer=None, chat_id=chat_id)


def _check_group(chat_id: str) -> None:
    try:
        groups.group_for(me(), chat_id)
    except groups.NotAMember:
        abort(404)
    except WeComError as exc:
        abort(502, exc.errmsg)


def _context_from_form() -> tuple[Customer | None, str | None]:
    """The chat a form came from: a customer (checked) or a group (checked)."""
    ext, chat_id = request.form.get("external_userid"), request.form.get("chat_id")
    if ext:
        try:
            return visibility.customer_for(me(), ext, ask_wecom=False), None
        except visibility.NotVisible:
            abort(404)
    if chat_id:
        _check_group(chat_id)
        return None, chat_id
    abort(400, "external_userid or chat_id is required")


@sidebar_bp.post("/scripts")
@login_required
def script_create():
    """A guide adds a script of their own."""
    customer, chat_id = _context_from_form()
    try:
        scripts.create_own(me(), title=request.form.get("title", ""), body=request.form.get("body", ""))
    except scripts.ScriptError:
        db.session.rollback()
        return _render(
            customer=customer,
            chat_id=chat_id,
            status=422,
            error=_("Write the script's text (at most 2,000 characters)."),
        )
    db.session.commit()
    return _render(customer=customer, chat_id=chat_id)


@sidebar_bp.post("/scripts/<int:script_id>/edit")
@login_required
def script_edit(script_id: int):
    customer, chat_id = _context_from_form()
    script = scripts.own(me(), script_id)
    if script is None:
        abort(404)
    try:
        scripts.update_own(script, title=request.form.get("title", ""), body=request.form.get("body", ""))
    except scripts.ScriptError:
        db.session.rollback()
        return _render(
            customer=customer,
            chat_id=chat_id,
            status=422,
            error=_("Write the script's text (at most 2,000 characters)."),
        )
    db.session.commit()
    return _render(customer=customer, chat_id=chat_id)


@sidebar_bp.post("/scripts/<int:script_id>/delete")
@login_required
def script_delete(script_id: int):
    customer, chat_id = _context_from_form()
    script = scripts.own(me(), script_id)
    if script is None:
        abort(404)
    db.session.delete(script)
    db.session.commit()
    return _render(customer=customer, chat_id=chat_id)


@sidebar_bp.post("/scripts/<int:script_id>/star")
@login_required
def script_star(script_id: int):
    customer, chat_id = _context_from_form()
    script = scripts.get_visible(me(), script_id)
    if script is None:
        abort(404)
    scripts.toggle_favourite(me(), script)
    db.session.commit()
    return _render(customer=customer, chat_id=chat_id)


@sidebar_bp.post("/sends")
@login_required
def record_send():
    """Called by the page after WeCom confirmed a send (or filled the input box)."""
    from flask import jsonify

    customer, chat_id = _context_from_form()
    kind = request.form.get("kind")
    try:
        ref_id = int(request.form.get("ref_id", ""))
    except ValueError:
        abort(400, "ref_id must be a number")
    if kind != "script":
        abort(400, "kind must be script")
    item = scripts.get_visible(me(), ref_id)
    if item is None:
        abort(404)
    text, _unknown = scripts.fill(
        item.body, scripts.context_for(me(), customer, _my_follow(customer, me()) if customer else None)
    )
    send = scripts.record_send(
        me(),
        kind=kind,
        item=item,
        customer=customer,
        chat_id=chat_id,
        msgtype="text",
        summary=text,
        entered=request.form.get("entered") == "1",
    )
    db.session.commit()
    return jsonify(id=send.id, result=send.result), 201
