"""The material radar (客户雷达): materials sent as tracked links, who opened them, for how long, and who
forwarded them; the guide is told the moment their customer starts reading.

A send makes one ``TrackedLink`` (who sent what to whom). Its public URL carries a random code and an
HMAC of it, so a link that was not made here is refused before the database is asked and a code cannot
be guessed from another. Opening it asks WeChat who is reading (OAuth, silent), records a ``LinkView``
and, the first time that customer opens that material within the hour, queues a ``RadarNotice`` (an
app message to the guide, sent by a job and retried by the sweeper). The page then reports reading time
with a beacon.

What a tracked page shows is the material only; nothing about the customer it was sent to, so a
forwarded link tells the new reader nothing about the first.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Float, and_, case, cast, distinct, exists, func, insert, literal, select, update

from sidebar.core.errors import DomainError
from sidebar.customers import tags as customer_tags
from sidebar.extensions import db
from sidebar.models import (
    TRACKABLE_KINDS,
    Customer,
    CustomerTag,
    LinkView,
    Material,
    MaterialKind,
    Product,
    RadarNotice,
    Staff,
    Tag,
    Team,
    TrackedLink,
    utcnow,
)
from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import wecom

NOTICE_EVERY = timedelta(hours=1)  # at most one "is reading" message per customer and material
MAX_READING = 4 * 3600  # a beacon claiming more is a tab left open, not reading
MAX_NOTICE_ATTEMPTS = 5
SIGNATURE_CHARS = 10


class NotTrackable(DomainError):
    code = "not_trackable"


def trackable(material: Material) -> bool:
    """Whether this material goes out as a tracked link: articles always, the other page-able kinds when
    the console says so (a PDF file only: other files cannot be shown in a page)."""
    if material.kind == MaterialKind.ARTICLE.value:
        return True
    if material.kind == MaterialKind.FILE.value and material.mime != "application/pdf":
        return False
    return material.tracked and material.kind in TRACKABLE_KINDS


def _signature(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, b"tracked-link:" + code.encode(), hashlib.sha256).hexdigest()
    return digest[:SIGNATURE_CHARS]


def public_code(link: TrackedLink) -> str:
    """What goes in the URL: ``<code>.<signature>``."""
    return f"{link.code}.{_signature(link.code)}"


def from_public_code(value: str) -> TrackedLink | None:
    """The link a URL names, or None for a code with a bad signature (no database query) or unknown."""
    code, _, signature = value.partition(".")
    if not code or len(code) > 24 or not hmac.compare_digest(signature, _signature(code)):
        return None
    return db.session.scalar(select(TrackedLink).where(TrackedLink.code == code))


def make_link(
    staff: Staff, material: Material, *, customer: Customer | None = None, chat_id: str | None = None
) -> TrackedLink:
    """A new tracked link for one send of ``material`` by ``staff`` to a customer or a group. Flushes."""
    if not trackable(material):
        raise NotTrackable("this material is not sent as a tracked link")
    return _new_link(staff, customer, chat_id, material_id=material.id)


def make_product_link(
    staff: Staff, product: Product, *, customer: Customer | None = None, chat_id: str | None = None
) -> TrackedLink:
    """A new tracked link to a product's page, for one send of its card. Flushes."""
    return _new_link(staff, customer, chat_id, product_id=product.id)


def _new_link(staff: Staff, customer: Customer | None, chat_id: str | None, **what: int) -> TrackedLink:
    link = TrackedLink(
        code=secrets.token_urlsafe(9),  # 12 characters, 72 random bits
        staff_id=staff.id,
        customer_id=customer.id if customer is not None else None,
        chat_id=chat_id,
        **what,
    )
    db.session.add(link)
    db.session.flush()
    return link


def title_of(link: TrackedLink) -> str:
    """What the link shows: the material's title or the product's name."""
    if link.material is not None:
        return link.material.title
    return link.product.name if link.product is not None else ""


@dataclass(frozen=True)
class Opened:
    view_id: int
    reader_id: int | None  # the reader, when they are one of our customers
    notice_id: int | None  # the app message to send (after commit), if this open earns one
    tag_added: bool


def record_open(
    link: TrackedLink, *, openid: str, external_userid: str | None, now: datetime | None = None
) -> Opened:
    """A WeChat user opened ``link``. The same reader opening again within a few minutes (a reload, a
    second tab) is the same view; otherwise a new one. Three statements for a first open: who the
    reader is and whether this is a reload, the view, the notice if one is due. Flushes."""
    now = now or utcnow()
    recent_id = (
        select(LinkView.id)
        .where(
            LinkView.link_id == link.id,
            LinkView.openid == openid,
            LinkView.last_seen_at >= now - timedelta(minutes=5),
        )
        .order_by(LinkView.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    reader = select(Customer.id).where(Customer.external_userid == (external_userid or "")).scalar_subquery()
    recent, reader_id = db.session.execute(select(recent_id, reader)).one()
    if recent is not None:
        db.session.execute(update(LinkView).where(LinkView.id == recent).values(last_seen_at=now))
        return Opened(recent, reader_id, None, False)
    addressee_id = link.customer_id
    forwarded = addressee_id is not None and reader_id != addressee_id
    view = LinkView(
        link_id=link.id,
        material_id=link.material_id,
        product_id=link.product_id,
        staff_id=link.staff_id,
        customer_id=addressee_id,
        openid=openid[:64],
        reader_id=reader_id,
        forwarded=forwarded,
        opened_at=now,
        last_seen_at=now,
    )
    db.session.add(view)
    db.session.flush()
    # The customer themselves opening it (in a group: any of our customers) is what the guide hears of.
    if reader_id is None or forwarded:
        return Opened(view.id, reader_id, None, False)
    return Opened(
        view.id, reader_id, _notice_if_due(view, reader_id, link, now), _tag_on_open(link, reader_id)
    )


def _notice_if_due(view: LinkView, customer_id: int, link: TrackedLink, now: datetime) -> int | None:
    """A notice for this open unless the guide heard of this customer and material within the hour:
    one INSERT … SELECT … WHERE NOT EXISTS."""
    same = (
        RadarNotice.material_id == link.material_id
        if link.material_id is not None
        else RadarNotice.product_id == link.product_id
    )
    told_lately = exists().where(
        RadarNotice.customer_id == customer_id, same, RadarNotice.created_at > now - NOTICE_EVERY
    )
    values = {
        "view_id": view.id,
        "customer_id": customer_id,
        "material_id": link.material_id,
        "product_id": link.product_id,
        "staff_id": link.staff_id,
        "status": "due",
        "attempts": 0,
        "created_at": now,
    }
    row = select(*(literal(v, type_=RadarNotice.__table__.c[k].type) for k, v in values.items())).where(
        ~told_lately
    )
    statement = insert(RadarNotice).from_select(list(values), row).returning(RadarNotice.id)
    return db.session.scalar(statement)


def _tag_on_open(link: TrackedLink, customer_id: int) -> bool:
    tag_id = link.material.open_tag_id if link.material is not None else None
    tag = db.session.get(Tag, tag_id) if tag_id else None
    subject = db.session.get(Customer, customer_id) if tag is not None else None
    if tag is None or subject is None:
        return False
    changed = customer_tags.add(subject, tag, by=link.staff)
    if changed:
        row = db.session.get(CustomerTag, (subject.id, tag.id))
        if row is not None:
            row.source = "radar"
    return changed


def record_reading(view: LinkView, seconds: int, *, now: datetime | None = None) -> None:
    """The page's beacon: the reader has been on the page ``seconds`` in all (only ever grows). The page
    says how long; the server knows when the view began, so no view reads longer than it has been open
    (a beacon claiming 99,999 s two seconds in counts two). A view has ended once the same reader opened
    the link again, or ``MAX_READING`` after it began: its beacons are ignored."""
    now = now or utcnow()
    open_for = int(max(0.0, (now - view.opened_at).total_seconds()))
    if open_for > MAX_READING:
        return
    later = db.session.scalar(
        select(LinkView.id)
        .where(LinkView.link_id == view.link_id, LinkView.openid == view.openid, LinkView.id > view.id)
        .limit(1)
    )
    if later is not None:
        return
    seconds = max(0, min(int(seconds), open_for, MAX_READING))
    db.session.execute(
        update(LinkView)
        .where(LinkView.id == view.id, LinkView.seconds < seconds)
        .values(seconds=seconds, last_seen_at=now)
    )


# -- telling the guide -----------------------------------------------------------------------------


def notice_text(customer: Customer, title: str) -> str:
    return f"{customer.name} 正在看《{title}》"


def send_notice(notice_id: int, *, agent_id: str, now: datetime | None = None) -> str:
    """Send one due notice as an app message to the guide; the outcome is kept. Returns the status."""
    notice = db.session.get(RadarNotice, notice_id, with_for_update=True)
    if notice is None or notice.status != "due":
        return "missing" if notice is None else notice.status
    customer = db.session.get(Customer, notice.customer_id)
    thing = (
        db.session.get(Material, notice.material_id)
        if notice.material_id
        else db.session.get(Product, notice.product_id)
    )
    staff = db.session.get(Staff, notice.staff_id)
    title = thing.title if isinstance(thing, Material) else (thing.name if thing is not None else None)
    if customer is None or title is None or staff is None:
        notice.status = "failed"
        return notice.status
    notice.attempts += 1
    try:
        wecom().message.send_text(agent_id, staff.userid, notice_text(customer, title))
    except WeComError as exc:
        notice.error = str(exc)[:500]
        notice.status = "failed" if notice.attempts >= MAX_NOTICE_ATTEMPTS else "due"
        return notice.status
    notice.status, notice.sent_at, notice.error = "sent", now or utcnow(), None
    return notice.status


def due_notice_ids(now: datetime | None = None, limit: int = 200) -> list[int]:
    """Notices still due a minute after they were made (their job was lost, or WeCom refused)."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(RadarNotice.id)
            .where(RadarNotice.status == "due", RadarNotice.created_at <= now - timedelta(minutes=1))
            .order_by(RadarNotice.id)
            .limit(limit)
        )
    )


# -- what the guide and the console read -----------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    title: str
    forwarded: bool
    seconds: int
    guide: str


def timeline(customer: Customer, *, limit: int = 30) -> list[TimelineEntry]:
    """What the customer did with what was sent to them, newest first: each open of a tracked link sent
    to them (by them, or by someone they forwarded it to) and any they opened of a group's link."""
    rows = db.session.execute(
        select(LinkView, func.coalesce(Material.title, Product.name), Staff.name)
        .outerjoin(Material, Material.id == LinkView.material_id)
        .outerjoin(Product, Product.id == LinkView.product_id)
        .join(Staff, Staff.id == LinkView.staff_id)
        .where((LinkView.customer_id == customer.id) | (LinkView.reader_id == customer.id))
        .order_by(LinkView.opened_at.desc(), LinkView.id.desc())
        .limit(limit)
    ).all()
    return [TimelineEntry(v.opened_at, title or "", v.forwarded, v.seconds, name) for v, title, name in rows]


@dataclass(frozen=True)
class RadarFigures:
    key: int | None
    label: str
    links: int
    opens: int
    readers: int
    average_seconds: float
    forwards: int


def _figures(
    group_by: list[Any], label: Any, where: list[Any], joins: list[Any] | None = None
) -> list[RadarFigures]:
    """Opens, unique readers, average reading time and forwards, grouped."""
    query = (
        select(
            *group_by,
            label,
            func.count(distinct(LinkView.link_id)),
            func.count(LinkView.id),
            func.count(distinct(LinkView.openid)),
            func.coalesce(func.avg(cast(LinkView.seconds, Float)), 0.0),
            func.coalesce(func.sum(case((LinkView.forwarded, 1), else_=0)), 0),
        )
        .select_from(LinkView)
        .where(*where)
    )
    for target, on in joins or []:
        query = query.outerjoin(target, on)
    rows = db.session.execute(query.group_by(*group_by, label).order_by(func.count(LinkView.id).desc())).all()
    return [RadarFigures(r[0], r[1] or "", r[2], r[3], r[4], float(r[5]), int(r[6])) for r in rows]


def by_material(*, staff_ids: Any = None, since: datetime | None = None) -> list[RadarFigures]:
    """Per tracked material: opens, readers, average reading time, forwards (optionally of some guides'
    sends, since a time)."""
    where: list[Any] = [LinkView.material_id.is_not(None)]
    if staff_ids is not None:
        where.append(LinkView.staff_id.in_(staff_ids))
    if since is not None:
        where.append(LinkView.opened_at >= since)
    return _figures(
        [LinkView.material_id], Material.title, where, [(Material, Material.id == LinkView.material_id)]
    )


def by_product(*, staff_ids: Any = None) -> list[RadarFigures]:
    """Per product sent as a tracked link: the same figures."""
    where: list[Any] = [LinkView.product_id.is_not(None)]
    if staff_ids is not None:
        where.append(LinkView.staff_id.in_(staff_ids))
    return _figures(
        [LinkView.product_id], Product.name, where, [(Product, Product.id == LinkView.product_id)]
    )


def material_breakdown(material: Material, *, staff_ids: Any = None) -> dict[str, list[RadarFigures]]:
    """One material's figures by team and by guide."""
    where: list[Any] = [LinkView.material_id == material.id]
    if staff_ids is not None:
        where.append(LinkView.staff_id.in_(staff_ids))
    staff_join = (Staff, Staff.id == LinkView.staff_id)
    return {
        "teams": _figures([Staff.team_id], Team.name, where, [staff_join, (Team, Team.id == Staff.team_id)]),
        "guides": _figures([LinkView.staff_id], Staff.name, where, [staff_join]),
    }


def sends_count(material_id: int, *, staff_ids: Any = None) -> int:
    where: list[Any] = [TrackedLink.material_id == material_id]
    if staff_ids is not None:
        where.append(TrackedLink.staff_id.in_(staff_ids))
    return db.session.scalar(select(func.count(TrackedLink.id)).where(and_(*where))) or 0
