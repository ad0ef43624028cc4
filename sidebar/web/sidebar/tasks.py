"""The sidebar's SOP tasks: a customer's due tasks (pieces sent in order through the bridge, done only
when every piece went out), a task's coupon, skipping with a reason, and the guide's today page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import abort, jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from sidebar.acquisition import reports
from sidebar.acquisition import stats as acquisition_stats
from sidebar.campaigns import moments as campaign_moments
from sidebar.campaigns import plan as campaign_plan
from sidebar.campaigns import results as campaign_results
from sidebar.content import scripts
from sidebar.core import uow
from sidebar.core.units import brand_zone
from sidebar.customers import visibility
from sidebar.data import alerts
from sidebar.extensions import db
from sidebar.growth import pool as growth_pool
from sidebar.models import Customer, GroupSopTask, Script, SopTask, utcnow
from sidebar.money import coupons
from sidebar.money.messages import Refused
from sidebar.signals import rules as signal_rules
from sidebar.sop import tasks as sop_tasks
from sidebar.web import htmx
from sidebar.web.auth import login_required
from sidebar.web.errors import json_error
from sidebar.web.sidebar import chat_from_form, customer_route, me, referrals, sidebar_bp
from sidebar.web.sidebar.cards import coupon_message, in_chat_with, refusal


def _render_tasks(customer: Customer, status: int = 200, error: str | None = None) -> Any:
    staff = me()
    values = scripts.context_for(staff, customer)
    tasks = []
    for task in sop_tasks.due_for(staff, customer):
        pieces = sop_tasks.pieces(task, values)
        for piece in pieces:
            # Pieces the server makes when their turn comes: a file's upload, a coupon's issue.
            if piece.get("tracked"):
                piece["url"] = url_for(
                    "sidebar.material_tracked_for_customer",
                    external_userid=customer.external_userid,
                    material_id=piece["material_id"],
                )
            elif piece.get("material_id") and piece["message"] is None:
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
    return piece_sent(sop_tasks.mine(me(), task_id))


def piece_sent(task: SopTask | GroupSopTask | None) -> Any:
    """Record the piece the page says WeCom sent (``piece`` of ``total``, in order): the answer both
    kinds of task give; 404 for a task that is not this member's."""
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
    customer, _chat = chat_from_form()
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
    groups = sop_tasks.due_today(me())
    start = datetime.now(brand_zone()).replace(hour=0, minute=0, second=0, microsecond=0)
    signals = signal_rules.for_guide_today(me(), since=start.astimezone(UTC))
    script_ids = {s.rule.script_id for s, _c in signals if s.rule.script_id}
    bodies = {
        i: body
        for i, body in db.session.execute(select(Script.id, Script.body).where(Script.id.in_(script_ids)))
    }
    suggested = [
        (
            signal,
            customer,
            signal_rules.words(signal, customer.name),
            scripts.fill(bodies[signal.rule.script_id], scripts.context_for(me(), customer))[0]
            if signal.rule.script_id in bodies
            else None,
        )
        for signal, customer in signals
    ]
    pool_list = growth_pool.todays(me(), utcnow())
    return htmx.render(
        "sidebar/today.html",
        staff=me(),
        pool_list=pool_list,
        rewards_to_send=referrals.rewards_for_guide(me()),
        pool_tags=growth_pool.tag_names(pool_list),
        groups=groups,
        total=sum(len(tasks) for _, tasks in groups),
        piece_count=sop_tasks.piece_count,
        alerts=alerts.open_for(me()),
        scans=acquisition_stats.for_guide(me().id),
        report_days={k: reports.latest_start(k, utcnow()).isoformat() for k in reports.KINDS},
        signals=suggested,
        group_tasks=sop_tasks.group_due_today(me()),
        moment_tasks=campaign_moments.pending_for(me().id, now=utcnow()),
        mass_messages=[
            (campaign, n, campaign_plan.fill_for_guide(campaign.text, me()))
            for campaign, n in campaign_results.pending_for(me().id)
        ],
    )
