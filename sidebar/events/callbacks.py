"""WeCom callbacks: stored once under a dedupe key, then processed (and retried) by a job.

``record`` runs in the request and only stores; ``process`` runs in the job and does the work.
Nothing is dropped: an event that keeps failing ends ``dead`` with its last error, for admins to see.

Rows are kept (nothing deletes them today). Any clean-up added later must keep a row at least
``CALLBACK_MAX_SKEW`` seconds: until then a replay of the same callback is still accepted by the
receiver's clock check, and only the row's dedupe key stops it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import xmltodict
from flask import current_app
from sqlalchemy import bindparam, select, text

from sidebar.acquisition import inheritance, welcome
from sidebar.core import audit, uow
from sidebar.core.errors import DomainError
from sidebar.customers import contacts, group_sync
from sidebar.data import oneid, profile
from sidebar.extensions import db
from sidebar.growth import invites, pool
from sidebar.metrics import callback_lag
from sidebar.models import Customer, DeletedBy, EventStatus, WecomEvent, utcnow
from sidebar.models.base import UTCDateTime
from sidebar.org import corp_tags as tags
from sidebar.wecom.errors import NOT_A_CONTACT, WeComError
from sidebar.wecom.gateway import wecom

MAX_ATTEMPTS = 6


class MalformedEvent(DomainError):
    """The decrypted body is not an event XML we can read."""

    code = "malformed_event"


def parse(xml: str) -> dict[str, str]:
    """The event's fields, flat, as strings."""
    try:
        doc = xmltodict.parse(xml)
    except Exception as exc:  # expat raises its own error types
        raise MalformedEvent(str(exc)) from exc
    fields = doc.get("xml") if isinstance(doc, dict) else None
    if not isinstance(fields, dict) or not fields.get("MsgType"):
        raise MalformedEvent("no <xml> with a MsgType")
    return {k: (v if isinstance(v, str) else "" if v is None else str(v)) for k, v in fields.items()}


def dedupe_key(fields: dict[str, str]) -> str:
    """The same event redelivered gives the same key, however WeCom formats or encrypts it.

    Every field counts (FromUserName is always ``sys``, so it tells nothing apart on its own).
    """
    canonical = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def sweep_grace() -> timedelta:
    """A new event is left to the job enqueued with it; the sweeper steps in only after this grace
    (``CALLBACK_SWEEP_GRACE`` seconds): long enough that a busy queue is not doubled, short enough that
    an event whose job was lost (a consumer killed, Redis restarted) is applied within minutes."""
    return timedelta(seconds=float(current_app.config["CALLBACK_SWEEP_GRACE"]))


# Written out once: SQLAlchemy's dialect INSERT … ON CONFLICT constructs stay out of its statement cache
# and compile on every call (about 1.4 ms, a third of a callback's time in the receiver); a text()
# statement is compiled once. Timestamps are bound as UTCDateTime, as the model's columns bind them.
_RECORD = text(
    "INSERT INTO wecom_events"
    " (dedupe_key, event, change_type, raw_xml, status, attempts, next_attempt_at, received_at)"
    " VALUES (:dedupe_key, :event, :change_type, :raw_xml, :status, 0, :next_attempt_at, :received_at)"
    " ON CONFLICT (dedupe_key) DO NOTHING RETURNING id"
).bindparams(bindparam("next_attempt_at", type_=UTCDateTime), bindparam("received_at", type_=UTCDateTime))
_EXISTING = text("SELECT id FROM wecom_events WHERE dedupe_key = :dedupe_key")


def record(xml: str) -> tuple[int, bool]:
    """Store a decrypted callback and commit it: ``(event id, True)``, or ``(its id, False)`` when it
    was delivered before.

    The row must exist before WeCom hears 200, and it is the receiver's only write, so it is stored
    on a connection of its own and committed here (a commit point outside the request's unit of
    work, see ``core.uow``): no ORM session is begun for it, which was a third of a callback's time
    when they come by the thousand. One ``INSERT … ON CONFLICT DO NOTHING``: a duplicate costs one
    more SELECT, no savepoint.
    """
    fields = parse(xml)
    key = dedupe_key(fields)
    now = utcnow()
    with db.engine.begin() as connection:
        stored = connection.execute(
            _RECORD,
            {
                "dedupe_key": key,
                "event": (fields.get("Event") or fields.get("MsgType", ""))[:64],
                "change_type": (fields.get("ChangeType") or "")[:64] or None,
                "raw_xml": xml,
                "status": EventStatus.PENDING.value,
                "next_attempt_at": now + sweep_grace(),
                "received_at": now,
            },
        ).scalar()
        if stored is not None:
            return stored, True
        existing = connection.execute(_EXISTING, {"dedupe_key": key}).scalar()
    if existing is None:  # pragma: no cover - the unique row vanished between insert and select
        raise LookupError(key)
    return existing, False


def backoff(attempts: int, *, soon: bool = False) -> timedelta:
    """30 s, 1 min, 2 min, 4 min ... capped at an hour; ``soon`` (WeCom not caught up yet): 2 s, 4 s, 8 s."""
    if soon:
        return timedelta(seconds=2 ** max(1, attempts))
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


# Attempts that fail because WeCom has not caught up with its own event (84061 right after an add) are
# retried within seconds, this many times, before the usual backoff.
RETRY_SOON = 3


def retry_soon(error: BaseException, attempts: int) -> bool:
    return isinstance(error, WeComError) and error.errcode == NOT_A_CONTACT and attempts < RETRY_SOON


def _at(fields: dict[str, str]) -> datetime:
    created = fields.get("CreateTime")
    return datetime.fromtimestamp(int(created), UTC) if created and created.isdigit() else utcnow()


def _on_contact_changed(f: dict[str, str]) -> str:
    customer = contacts.refresh_customer(f["ExternalUserID"])
    # WeCom may have told us their unionid: orders and members waiting for it are theirs now.
    touched = oneid.settle_for([customer.id])
    profile.recompute(touched | {customer.id})
    return "customer refreshed"


def _on_contact_added(f: dict[str, str]) -> str:
    """A customer added a guide (or, ``add_half_external_contact``, added one without verification).

    WeCom's 20 s for the welcome do not wait: the customer is looked up in a hurry (no waiting out rate
    limits), and if WeCom cannot say yet — it answers 84061 for a moment after an add — the welcome is
    made from what the event carries. The welcome is committed whatever follows; then a failed lookup is
    tried again (an 84061 within seconds, ``RETRY_SOON``), never re-sending the welcome, and the
    customer's orders are matched and profile computed."""
    ext = f["ExternalUserID"]
    was_contact = invites.known_before(ext)  # before this add is stored: is the invitee new to the brand?
    lookup_failed: WeComError | None = None
    try:
        with wecom().in_a_hurry():
            contacts.refresh_customer(ext)
    except WeComError as exc:
        lookup_failed = exc
        contacts.from_event(f.get("UserID", ""), ext, added_at=_at(f))
    half = f.get("ChangeType") == "add_half_external_contact"
    greeted = welcome.on_add(f, received_at=datetime.fromisoformat(f["_received_at"]), half=half)
    uow.commit_point("the welcome is on record before a lookup that may have to wait")
    customer = contacts.refresh_customer(ext) if lookup_failed else _customer(ext)
    welcome.start_code_rules(f.get("State"), now=utcnow())
    touched = oneid.settle_for([customer.id])
    profile.recompute(touched | {customer.id})
    invited = invites.on_add(f.get("State"), f.get("UserID", ""), ext, at=_at(f), was_contact=was_contact)
    pool.on_add(f.get("UserID", ""), ext, at=_at(f))  # a pool customer the guide added by phone
    return f"customer refreshed; {greeted}" + (f"; {invited}" if invited else "")


def _customer(external_userid: str) -> Customer:
    customer = db.session.scalar(select(Customer).where(Customer.external_userid == external_userid))
    assert customer is not None  # refresh_customer stored it
    return customer


def _on_follow_deleted_by_staff(f: dict[str, str]) -> str:
    by = DeletedBy.TRANSFER if f.get("Source") == "DELETE_BY_TRANSFER" else DeletedBy.STAFF
    ended = contacts.end_follow(f["UserID"], f["ExternalUserID"], by=by, at=_at(f))
    invites.on_delete(f["UserID"], f["ExternalUserID"], at=_at(f))
    return "follow ended" if ended else "no live follow"


def _on_follow_deleted_by_customer(f: dict[str, str]) -> str:
    ended = contacts.end_follow(f["UserID"], f["ExternalUserID"], by=DeletedBy.CUSTOMER, at=_at(f))
    invites.on_delete(f["UserID"], f["ExternalUserID"], at=_at(f))
    # A customer who deleted every guide is lapsed (流失期).
    profile.recompute(
        db.session.scalars(select(Customer.id).where(Customer.external_userid == f["ExternalUserID"]))
    )
    return "follow ended" if ended else "no live follow"


def _on_transfer_fail(f: dict[str, str]) -> str:
    audit.record(  # the one place audit rows are made: its detail is serialised, never formatted
        "wecom",
        "transfer_failed",
        "customer",
        f.get("ExternalUserID"),
        userid=f.get("UserID", ""),
        reason=f.get("FailReason", ""),
    )
    inheritance.on_transfer_fail(f.get("UserID", ""), f.get("ExternalUserID", ""))
    return "transfer failure recorded"


def _on_tag_changed(f: dict[str, str]) -> str:
    counts = tags.sync_corp_tags()
    return f"tags resynced: {counts}"


def _on_acquisition_quota(f: dict[str, str]) -> str:
    """获客助手's quota is nearly or wholly used (doc 97299): kept for the links page, which says so."""
    audit.record("wecom", f"acquisition.{f.get('ChangeType', '')}", "acquisition_quota", None)
    return "acquisition quota noted"


def _on_group_changed(f: dict[str, str]) -> str:
    return group_sync.on_event(f)


HANDLERS: dict[tuple[str, str], Callable[[dict[str, str]], str]] = {
    ("change_external_chat", "create"): _on_group_changed,
    ("change_external_chat", "update"): _on_group_changed,
    ("change_external_chat", "dismiss"): _on_group_changed,
    ("change_external_contact", "add_external_contact"): _on_contact_added,
    ("change_external_contact", "add_half_external_contact"): _on_contact_added,
    ("change_external_contact", "edit_external_contact"): _on_contact_changed,
    ("change_external_contact", "del_external_contact"): _on_follow_deleted_by_staff,
    ("change_external_contact", "del_follow_user"): _on_follow_deleted_by_customer,
    ("change_external_contact", "transfer_fail"): _on_transfer_fail,
    ("customer_acquisition", "balance_low"): _on_acquisition_quota,
    ("customer_acquisition", "balance_exhausted"): _on_acquisition_quota,
    ("change_external_tag", "create"): _on_tag_changed,
    ("change_external_tag", "update"): _on_tag_changed,
    ("change_external_tag", "delete"): _on_tag_changed,
    ("change_external_tag", "shuffle"): _on_tag_changed,
}


def handle(event: WecomEvent, *, now: datetime) -> None:
    """Do what the event asks and mark it done (flushes). Raises whatever the work raised."""
    fields = parse(event.raw_xml)
    fields["_received_at"] = event.received_at.isoformat()  # WeCom's clocks start when it reached us
    handler = HANDLERS.get((fields.get("Event", ""), fields.get("ChangeType", "")))
    outcome = handler(fields) if handler else "ignored: no handler for this event"
    event.attempts += 1
    event.status = EventStatus.DONE.value
    event.processed_at = now
    event.next_attempt_at = None
    event.last_error = outcome if outcome.startswith("ignored") else None
    db.session.flush()
    callback_lag.observe(max(0.0, (now - event.received_at).total_seconds()))


def mark_failed(event: WecomEvent, error: str, *, now: datetime, soon: bool = False) -> float | None:
    """Record a failed attempt; seconds until the next one, or None when this was the last."""
    event.attempts += 1
    event.last_error = error[:4000]
    if event.attempts >= MAX_ATTEMPTS:
        event.status = EventStatus.DEAD.value
        event.next_attempt_at = None
        db.session.flush()
        return None
    event.status = EventStatus.FAILED.value
    delay = backoff(event.attempts, soon=soon)
    event.next_attempt_at = now + delay
    db.session.flush()
    return delay.total_seconds()


def is_finished(event: WecomEvent) -> bool:
    return event.status in (EventStatus.DONE.value, EventStatus.DEAD.value)


def due(now: datetime | None = None, limit: int = 500) -> list[int]:
    """Events waiting for an attempt whose time has come (the sweeper re-enqueues these)."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(WecomEvent.id)
            .where(
                WecomEvent.status.in_([EventStatus.PENDING.value, EventStatus.FAILED.value]),
                WecomEvent.next_attempt_at <= now,
            )
            .order_by(WecomEvent.id)
            .limit(limit)
        )
    )
