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
from sidebar.content import materials, scripts
from sidebar.core import uow
from sidebar.customers import groups, visibility
from sidebar.errors import json_error
from sidebar.extensions import db
from sidebar.models import Customer, MaterialKind
from sidebar.money.messages import Refused
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


def _render(
    *, customer: Customer | None, chat_id: str | None, status: int = 200, error: str | None = None
) -> Any:
    staff = me()
    tab, q, page = _tab(), (request.args.get("q") or "").strip()[:64], _page()
    rows, more = scripts.listing(staff, tab=tab, q=q, page=page)
    values = scripts.context_for(staff, customer)
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


def _save_script(change: Any) -> Any:
    """Make a change to the guide's own scripts and show the list again; bad input answers 422."""
    customer, chat_id = _context_from_form()
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
    customer, chat_id = _context_from_form()
    script = scripts.get_visible(me(), script_id)
    if script is None:
        abort(404)
    scripts.toggle_favourite(me(), script)
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
        summary, msgtype = item.title, materials.message(item)["msgtype"]
    else:
        abort(400, "kind must be script or material")
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


def _render_materials(*, customer: Customer | None, chat_id: str | None) -> Any:
    kind = request.args.get("kind") or None
    if kind and kind not in {k.value for k in MaterialKind}:
        abort(400, "unknown kind")
    q, page = (request.args.get("q") or "").strip()[:64], _page()
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
        items=[(m, None if m.kind in materials.FILE_KINDS else materials.message(m)) for m in rows],
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
    _check_group(chat_id)
    return _render_materials(customer=None, chat_id=chat_id)


@sidebar_bp.post("/materials/<int:material_id>/message")
@login_required
def material_message(material_id: int):
    """The sendChatMessage payload for a file material: uploads it to WeCom first if need be."""
    from flask import jsonify

    material = materials.get_visible(me(), material_id)
    if material is None:
        abort(404)
    try:
        media = materials.media_id(material) if material.kind in materials.FILE_KINDS else None
    except WeComError as exc:
        return json_error(502, "wecom_refused", exc.errmsg)
    return jsonify(materials.message(material, media))


@sidebar_bp.get("/materials/<int:material_id>/file")
@login_required
def material_file(material_id: int):
    """The stored file, to staff who may use the material (never public)."""
    from flask import send_from_directory

    material = materials.get_visible(me(), material_id)
    if material is None or not material.file_path:
        abort(404)
    res = send_from_directory(materials.folder(), material.file_path, mimetype=material.mime, max_age=3600)
    res.headers["Cache-Control"] = "private, max-age=3600"
    return res


# -- SOP tasks -------------------------------------------------------------------------------------


def _render_tasks(customer: Customer, status: int = 200, error: str | None = None) -> Any:
    from sidebar.sop import tasks as sop_tasks

    staff = me()
    values = scripts.context_for(staff, customer)
    tasks = []
    for task in sop_tasks.due_for(staff, customer):
        pieces = sop_tasks.pieces(task, values)
        for piece in pieces:
            # Pieces the server makes when their turn comes: a file's upload, a coupon's issue.
            if piece.get("material_id") and piece["message"] is None:
                piece["url"] = url_for("sidebar.material_message", material_id=piece["material_id"])
            elif piece.get("coupon_template_id"):
                piece["url"] = url_for("sidebar.task_coupon", task_id=task.id)
        tasks.append((task, pieces))
    return htmx.render(
        "sidebar/tasks.html",
        block="task_list",
        status=status,
        staff=staff,
        customer=customer,
        chat_id=None,
        tasks=tasks,
        error=error,
    )


@sidebar_bp.get("/customers/<external_userid>/tasks")
@customer_route
def tasks_for_customer(customer: Customer):
    """The SOP tasks due for this customer, each previewed piece by piece."""
    return _render_tasks(customer)


@sidebar_bp.post("/tasks/<int:task_id>/sent")
@login_required
def task_piece_sent(task_id: int):
    """WeCom confirmed one piece of a task; the last piece makes the task done."""
    from flask import jsonify

    from sidebar.sop import tasks as sop_tasks

    task = sop_tasks.mine(me(), task_id)
    if task is None:
        abort(404)
    try:
        piece, total = int(request.form.get("piece", "")), int(request.form.get("total", ""))
        sop_tasks.record_piece(task, piece, total)
    except (ValueError, sop_tasks.TaskError) as exc:
        uow.discard()
        return json_error(409, "bad_piece", str(exc))
    return jsonify(status=task.status, sent=task.sent_pieces)


@sidebar_bp.post("/tasks/<int:task_id>/coupon")
@login_required
def task_coupon(task_id: int):
    """Issue the task's coupon (once per task) and answer with its card, to send as the next piece."""
    from flask import jsonify
    from sqlalchemy import select

    from sidebar.money import coupons
    from sidebar.sop import tasks as sop_tasks
    from sidebar.views.sidebar_money import coupon_message, in_chat_with, refusal

    task = sop_tasks.mine(me(), task_id)
    if task is None or task.step.coupon_template_id is None:
        abort(404)
    ext = db.session.scalar(select(Customer.external_userid).where(Customer.id == task.customer_id))
    try:
        customer = visibility.customer_for(me(), ext or "", ask_wecom=False)
    except visibility.NotVisible:
        abort(404)
    if not in_chat_with(me(), customer):
        abort(404)
    try:
        coupon = coupons.issue(me(), customer, task.step.coupon_template_id, sop_tasks.coupon_key(task))
    except Refused as exc:
        uow.discard()
        return refusal(exc)
    return jsonify(coupon_message(coupon))


@sidebar_bp.post("/tasks/<int:task_id>/skip")
@login_required
def task_skip(task_id: int):
    from sidebar.sop import tasks as sop_tasks

    customer, _chat = _context_from_form()
    task = sop_tasks.mine(me(), task_id)
    if task is None or customer is None or task.customer_id != customer.id:
        abort(404)
    try:
        sop_tasks.skip(task, request.form.get("reason", ""))
    except sop_tasks.TaskError:
        uow.discard()
        return _render_tasks(customer, status=422, error=_("Say why you are skipping the task."))
    return _render_tasks(customer)


@sidebar_bp.get("/tasks")
@login_required
def tasks_today():
    """Today: the guide's due tasks across customers, with counts; each opens that customer's chat."""
    from sqlalchemy import func, select

    from sidebar.models import SopTask, TaskStatus, utcnow

    now = utcnow()
    rows = db.session.execute(
        select(Customer, func.count(SopTask.id))
        .join(SopTask, SopTask.customer_id == Customer.id)
        .where(
            SopTask.staff_id == me().id,
            SopTask.status == TaskStatus.PENDING.value,
            SopTask.due_at <= now,
            SopTask.expires_at > now,
        )
        .group_by(Customer.id)
        .order_by(func.count(SopTask.id).desc(), Customer.id)
        .limit(200)
    ).all()
    return htmx.render("sidebar/today.html", staff=me(), rows=rows, total=sum(n for _, n in rows))
