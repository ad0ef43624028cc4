"""Console page for 在职继承: a manager moves customers from one guide to a colleague in their scope, with
the message the customer receives; each customer's moves in the last 90 days are shown, and a third is
refused before WeCom is asked."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from sidebar.acquisition import inheritance, transfers
from sidebar.core import audit, uow
from sidebar.customers.visibility import follower_ids
from sidebar.extensions import db
from sidebar.models import Customer, Follow, Role, Staff, StaffStatus, utcnow
from sidebar.org.staff_admin import in_scope
from sidebar.web.admin import admin_bp, client_ip, common, viewer
from sidebar.web.console_auth import console_required
from sidebar.wecom.errors import WeComError

# Says nothing of the colleague's gender: one message goes to every customer moved.
DEFAULT_MESSAGE = "您好，为了更好地为您服务，之后将由我的同事继续为您服务，有任何需要都可以随时联系。"
LISTED = 200  # customers of the chosen guide shown at once (search narrows it)


def _staff(value: str | None) -> Staff | None:
    """An active member in the viewer's scope, or None."""
    if not value or not value.isdigit():
        return None
    return db.session.scalar(
        in_scope(viewer()).where(Staff.id == int(value), Staff.status == StaffStatus.ACTIVE.value)
    )


def _customers_of(source: Staff, q: str) -> list[Customer]:
    query = (
        select(Customer)
        .join(Follow, Follow.customer_id == Customer.id)
        .where(Follow.staff_id == source.id, Follow.deleted_at.is_(None))
        .order_by(Customer.name, Customer.id)
        .limit(LISTED)
    )
    if q:
        query = query.where(Customer.name.contains(q, autoescape=True))
    return list(db.session.scalars(query))


def _page(
    *,
    status: int = 200,
    error: str | None = None,
    outcomes: list[transfers.Outcome] | None = None,
    chosen: set[int] | None = None,
    message: str | None = None,
    target: Staff | None = None,
) -> Any:
    source = _staff(request.values.get("from"))
    q = (request.values.get("q") or "").strip()
    guides = list(
        db.session.scalars(
            in_scope(viewer())
            .where(Staff.status == StaffStatus.ACTIVE.value, Staff.role.in_([Role.GUIDE, Role.MANAGER]))
            .order_by(Staff.name)
        )
    )
    customers = _customers_of(source, q) if source else []
    followers = follower_ids(viewer())
    return (
        render_template(
            "admin/transfers.html",
            **common(
                source=source,
                q=q,
                guides=guides,
                customers=customers,
                moves=transfers.moves_in_window([c.external_userid for c in customers], now=utcnow()),
                allowed=transfers.MOVES_ALLOWED,
                message=DEFAULT_MESSAGE if message is None else message,
                message_max=transfers.MESSAGE_MAX,
                chosen=chosen or set(),
                target=target,
                error=error,
                outcomes=outcomes,
                recent=transfers.recent(followers),
                reason=inheritance.reason,
            ),
        ),
        status,
    )


@admin_bp.get("/transfers")
@console_required
def transfers_page():
    if request.args.get("from") and _staff(request.args.get("from")) is None:
        abort(404)
    return _page()


@admin_bp.post("/transfers")
@console_required
def transfers_move():
    """Move the chosen customers; per customer, moved or why not. Nothing changes on a refusal."""
    source = _staff(request.form.get("from"))
    if source is None:
        abort(404)
    target = _staff(request.form.get("to"))
    message = request.form.get("message", "")
    ids = [int(v) for v in request.form.getlist("customer_id") if v.isdigit()]
    chosen = set(ids)
    if target is None:
        return _page(
            status=422, error=_("Choose the colleague who takes them over."), chosen=chosen, message=message
        )
    customers = list(db.session.scalars(select(Customer).where(Customer.id.in_(ids)))) if ids else []
    try:
        outcomes = transfers.move(source, target, customers, message)
    except transfers.TransferError as exc:
        uow.discard()
        return _page(status=422, error=exc.message, chosen=chosen, message=message, target=target)
    except WeComError as exc:
        uow.discard()
        return _page(
            status=502,
            error=_("WeCom refused the move: %(why)s", why=exc.in_words()),
            chosen=chosen,
            message=message,
            target=target,
        )
    moved = sum(1 for o in outcomes if o.moved)
    audit.record(
        viewer(),
        "transfer.request",
        "staff",
        source.userid,
        ip=client_ip(),
        takeover=target.name,
        requested=moved,
        refused=len(outcomes) - moved,
    )
    return _page(outcomes=outcomes, target=target, message=message)
