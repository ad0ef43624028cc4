"""在职继承: a manager moves customers from one guide to a colleague, with the message WeCom sends the
customer (``transfer_customer`` with ``transfer_success_msg``). WeCom lets each customer be moved at most
twice in 90 days; a third move is refused here, before calling WeCom, with the reason. Accepted moves are
followed like 离职继承 (``inheritance.follow_up``): when WeCom says done, the follow and the open SOP
tasks go to the colleague."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from sidebar.acquisition.inheritance import BATCH, ask, reason
from sidebar.core.errors import DomainError
from sidebar.extensions import db
from sidebar.models import Customer, Follow, Handover, HandoverStatus, Staff, StaffStatus, utcnow

MOVES_ALLOWED = 2  # per customer in WINDOW, WeCom's rule
WINDOW = timedelta(days=90)
MESSAGE_MAX = 200  # characters of transfer_success_msg
COUNTED = (HandoverStatus.WAITING.value, HandoverStatus.DONE.value)  # refused moves do not count


class TransferError(DomainError):
    code = "bad_transfer"


@dataclass
class Outcome:
    customer: Customer
    moved: bool
    why: str = ""


def moves_in_window(external_userids: list[str], *, now: datetime) -> dict[str, int]:
    """How many times each customer was moved between serving guides in the last 90 days."""
    if not external_userids:
        return {}
    rows = db.session.execute(
        select(Handover.external_userid, func.count())
        .where(
            Handover.resigned.is_(False),
            Handover.external_userid.in_(external_userids),
            Handover.status.in_(COUNTED),
            Handover.requested_at >= now - WINDOW,
        )
        .group_by(Handover.external_userid)
    )
    return {ext: int(n) for ext, n in rows}


def move(
    source: Staff, target: Staff, customers: list[Customer], message: str, *, now: datetime | None = None
) -> list[Outcome]:
    """Ask WeCom to move these customers of ``source`` to ``target``; one outcome per customer.

    Refused as a whole (``TransferError``, nothing asked) when the colleague cannot take customers or the
    message is too long; refused per customer when the customer is not ``source``'s or was already moved
    twice in 90 days."""
    now = now or utcnow()
    message = message.strip()
    if target.status != StaffStatus.ACTIVE.value:
        raise TransferError(
            _("%(name)s has left or is disabled and cannot take customers.", name=target.name)
        )
    if target.id == source.id:
        raise TransferError(_("Choose a colleague other than the guide who serves them now."))
    if len(message) > MESSAGE_MAX:
        raise TransferError(_("The message to the customer is at most %(n)s characters.", n=MESSAGE_MAX))
    if not customers:
        raise TransferError(_("Choose at least one customer."))
    followed = set(
        db.session.scalars(
            select(Follow.customer_id).where(
                Follow.staff_id == source.id,
                Follow.customer_id.in_([c.id for c in customers]),
                Follow.deleted_at.is_(None),
            )
        )
    )
    moved_before = moves_in_window([c.external_userid for c in customers], now=now)
    outcomes: dict[str, Outcome] = {}
    asking: list[Customer] = []
    for customer in customers:
        if customer.id not in followed:
            outcomes[customer.external_userid] = Outcome(
                customer, False, _("Not a customer of %(name)s.", name=source.name)
            )
        elif moved_before.get(customer.external_userid, 0) >= MOVES_ALLOWED:
            outcomes[customer.external_userid] = Outcome(
                customer, False, _("WeCom allows two moves in 90 days; this customer has had both.")
            )
        else:
            asking.append(customer)
    for start in range(0, len(asking), BATCH):
        batch = {c.external_userid: c for c in asking[start : start + BATCH]}
        codes = ask(source.userid, target, list(batch), resigned=False, now=now, message=message)
        for ext, code in codes.items():
            outcomes[ext] = Outcome(batch[ext], code == 0, reason(code))
    db.session.flush()
    return [outcomes[c.external_userid] for c in customers]


def recent(viewer_followers: object | None, *, limit: int = 100) -> list[tuple[Handover, Customer | None]]:
    """In-service moves, newest first, to colleagues in the viewer's scope (``None``: everyone's)."""
    query = (
        select(Handover, Customer)
        .outerjoin(Customer, Customer.external_userid == Handover.external_userid)
        .where(Handover.resigned.is_(False))
        .order_by(Handover.requested_at.desc(), Handover.id.desc())
        .limit(limit)
    )
    if viewer_followers is not None:
        query = query.where(Handover.takeover_staff_id.in_(viewer_followers))  # type: ignore[arg-type]
    return list(db.session.execute(query).tuples())
