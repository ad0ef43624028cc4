"""Mall behaviour in: what shoppers do in the brand's mall or mini-program (viewed a product, added it to
the cart, ordered, paid, refunded), sent in batches to ``POST /api/v1/events``.

Each event is validated on its own (a bad one is refused with its reasons, the rest go in), keyed by
the sender's ``(source, event_id)`` so a batch sent twice changes nothing, and tied to a customer by the
first identifier that names exactly one: external_userid, unionid, phone (E.164), member number. One
that names nobody is kept unmatched and matched again later (``match_unmatched``), as orders are.
Counts per customer per day (``BehaviourDay``) are made again for the days a batch touched, from the raw
events, so they are right whatever order events arrive in; raw events are kept for
``BEHAVIOUR_RETENTION_DAYS`` (``prune``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from flask import current_app
from pydantic import Field, ValidationError, model_validator
from sqlalchemy import case, delete, func, select, update

from sidebar.core import phones
from sidebar.core.among import among
from sidebar.core.day_math import local_day
from sidebar.core.upsert import insert
from sidebar.data import oneid
from sidebar.data.orders import aware, echo
from sidebar.data.schemas import Strict, Text, When, Yuan, reasons
from sidebar.extensions import db
from sidebar.models import (
    BEHAVIOUR_KINDS,
    BehaviourDay,
    BehaviourEvent,
    Customer,
    CustomerIdentity,
    Member,
    utcnow,
)

MAX_BATCH = 500
KIND = Literal["viewed", "carted", "ordered", "paid", "refunded"]
CHUNK = 5000


class Who(Strict):
    """Whoever the shopper is known as; any one identifier will do."""

    external_userid: Text | None = Field(None, max_length=64)
    unionid: Text | None = Field(None, max_length=64)
    phone: Text | None = Field(None, max_length=32)
    member_no: Text | None = Field(None, max_length=64)

    @model_validator(mode="after")
    def _one_at_least(self) -> Who:
        if not (self.external_userid or self.unionid or self.phone or self.member_no):
            raise ValueError("name the shopper: external_userid, unionid, phone or member_no")
        return self


class EventIn(Strict):
    event_id: Text = Field(min_length=1, max_length=64)
    source: Text = Field("mall", min_length=1, max_length=32)
    kind: KIND
    occurred_at: When
    sku: Text | None = Field(None, max_length=64)
    product_name: Text = Field("", max_length=128)
    quantity: int = Field(1, ge=1, le=100_000)
    amount: Yuan | None = None
    customer: Who

    @model_validator(mode="after")
    def _product_when_it_matters(self) -> EventIn:
        if self.kind in ("viewed", "carted") and not self.sku:
            raise ValueError(f"a {self.kind} event names the product's sku")
        return self


class EventsBatch(Strict):
    events: list[dict[str, Any]] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        json_schema_extra={"items": {"$ref": "#/components/schemas/EventIn"}},
    )


@dataclass(frozen=True)
class Outcome:
    event_id: Any
    result: str  # created | unchanged | refused
    matched: bool = False
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"event_id": self.event_id, "result": self.result}
        if self.result != "refused":
            out["matched"] = self.matched
        if self.reason:
            out["reason"] = self.reason
        return out


def _row(event: EventIn) -> dict[str, Any]:
    who = event.customer
    return {
        "source": event.source,
        "event_id": event.event_id,
        "kind": event.kind,
        "occurred_at": aware(event.occurred_at),
        "sku": event.sku,
        "product_name": event.product_name,
        "quantity": event.quantity,
        "amount": event.amount,
        "external_userid": who.external_userid,
        "unionid": who.unionid,
        "phone": phones.normalise(who.phone),
        "member_no": who.member_no,
        "customer_id": None,
        "matched_by": None,
        "created_at": utcnow(),
    }


# (how, the event's column, the key it is looked up by, the customer that key names, conditions)
def _rules() -> list[tuple[str, str, Any, Any, tuple[Any, ...]]]:
    return [
        ("external_userid", "external_userid", Customer.external_userid, Customer.id, ()),
        ("unionid", "unionid", Customer.unionid, Customer.id, ()),
        ("phone", "phone", CustomerIdentity.value, CustomerIdentity.customer_id, oneid.LIVE_PHONE),
        ("member_no", "member_no", Member.member_no, Member.customer_id, (Member.customer_id.is_not(None),)),
    ]


def _identify(rows: list[dict[str, Any]]) -> None:
    """Fill each row's customer by the first rule whose identifier names exactly one customer."""
    for how, column, key, candidate, also in _rules():
        wanted = sorted({r[column] for r in rows if r["customer_id"] is None and r[column]})
        if not wanted:
            continue
        found: dict[Any, int] = {
            value: customer_id
            for value, customer_id in db.session.execute(
                select(key, func.min(candidate))
                .where(among(key, wanted), *also)
                .group_by(key)
                .having(func.count(func.distinct(candidate)) == 1)
            )
        }
        for row in rows:
            if row["customer_id"] is None and row[column] in found:
                row["customer_id"], row["matched_by"] = found[row[column]], how


def ingest(payloads: list[Any]) -> tuple[list[Outcome], set[int]]:
    """Validate, match and store a batch; summarise the days it touched. Returns each event's outcome and
    the customers whose behaviour changed. Flushes."""
    outcomes: list[Outcome | None] = []
    rows: list[dict[str, Any]] = []
    positions: list[int] = []
    seen: set[tuple[str, str]] = set()
    for payload in payloads:
        event_id = echo(payload.get("event_id")) if isinstance(payload, dict) else None
        try:
            event = EventIn.model_validate(payload)
        except ValidationError as exc:
            outcomes.append(Outcome(event_id, "refused", reason=reasons(exc)))
            continue
        if (event.source, event.event_id) in seen:
            outcomes.append(Outcome(event_id, "unchanged"))  # the same event twice in one batch
            continue
        seen.add((event.source, event.event_id))
        positions.append(len(outcomes))
        outcomes.append(None)
        rows.append(_row(event))
    if rows:
        _identify(rows)
        stored = {
            (source, event_id)
            for source, event_id in db.session.execute(
                insert(BehaviourEvent)
                .values(rows)
                .on_conflict_do_nothing(index_elements=["source", "event_id"])
                .returning(BehaviourEvent.source, BehaviourEvent.event_id)
            )
        }
        for position, row in zip(positions, rows, strict=True):
            created = (row["source"], row["event_id"]) in stored
            outcomes[position] = Outcome(
                row["event_id"], "created" if created else "unchanged", matched=row["customer_id"] is not None
            )
        new = [r for r in rows if (r["source"], r["event_id"]) in stored and r["customer_id"] is not None]
        touched = {r["customer_id"] for r in new}
        if new:
            summarise(touched, since=min(r["occurred_at"] for r in new))
        return [o for o in outcomes if o is not None], touched
    return [o for o in outcomes if o is not None], set()


def summarise(customer_ids: Iterable[int], *, since: datetime) -> None:
    """Make the daily counts again for these customers from ``since``'s day on, from the raw events."""
    ids = sorted(set(customer_ids))
    if not ids:
        return
    start = since - timedelta(days=1)  # the brand's day may have begun before UTC's
    day = local_day(BehaviourEvent.occurred_at)

    def count(kind: str) -> Any:
        return func.sum(case((BehaviourEvent.kind == kind, 1), else_=0))

    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        totals = (
            select(
                BehaviourEvent.customer_id,
                day,
                *(count(kind) for kind in BEHAVIOUR_KINDS),
                func.coalesce(
                    func.sum(case((BehaviourEvent.kind == "paid", BehaviourEvent.amount), else_=0)), 0
                ),
            )
            .where(among(BehaviourEvent.customer_id, chunk), BehaviourEvent.occurred_at >= start)
            .group_by(BehaviourEvent.customer_id, day)
        )
        columns = ["customer_id", "day", *BEHAVIOUR_KINDS, "paid_amount"]
        statement = insert(BehaviourDay).from_select(columns, totals)
        db.session.execute(
            statement.on_conflict_do_update(
                index_elements=["customer_id", "day"],
                set_={c: getattr(statement.excluded, c) for c in [*BEHAVIOUR_KINDS, "paid_amount"]},
            )
        )


def match_unmatched(limit: int = 50_000) -> set[int]:
    """Match events kept unmatched, now that more is known (a new customer, a member, a phone), set-based:
    one UPDATE per rule over the oldest ``limit`` unmatched events. Returns the customers who gained
    events (their days are summarised again)."""
    pending = list(
        db.session.scalars(
            select(BehaviourEvent.id)
            .where(BehaviourEvent.customer_id.is_(None))
            .order_by(BehaviourEvent.id)
            .limit(limit)
        )
    )
    if not pending:
        return set()
    chunks = [pending[i : i + CHUNK] for i in range(0, len(pending), CHUNK)]
    for how, column, key, candidate, also in _rules():
        given = getattr(BehaviourEvent, column)
        for chunk in chunks:
            wanted = select(given).where(among(BehaviourEvent.id, chunk), given.is_not(None))
            known = (
                select(key.label("key"), func.min(candidate).label("customer_id"))
                .where(key.in_(wanted), *also)
                .group_by(key)
                .having(func.count(func.distinct(candidate)) == 1)
                .subquery(f"known_{how}")
            )
            db.session.execute(
                update(BehaviourEvent)
                .where(
                    among(BehaviourEvent.id, chunk),
                    BehaviourEvent.customer_id.is_(None),
                    given == known.c.key,
                )
                .values(customer_id=known.c.customer_id, matched_by=how)
                .execution_options(synchronize_session=False)
            )
    touched: dict[int, datetime] = {}
    for chunk in chunks:
        for customer_id, earliest in db.session.execute(
            select(BehaviourEvent.customer_id, func.min(BehaviourEvent.occurred_at))
            .where(among(BehaviourEvent.id, chunk), BehaviourEvent.customer_id.is_not(None))
            .group_by(BehaviourEvent.customer_id)
        ):
            touched[customer_id] = min(earliest, touched.get(customer_id, earliest))
    if touched:
        summarise(touched, since=min(touched.values()))
    return set(touched)


def recent_days(customer_id: int, *, days: int = 30) -> dict[str, int]:
    """Her mall behaviour in the last ``days`` days, from the daily counts."""
    since = (utcnow() - timedelta(days=days)).date()
    row = db.session.execute(
        select(*(func.coalesce(func.sum(getattr(BehaviourDay, k)), 0) for k in BEHAVIOUR_KINDS)).where(
            BehaviourDay.customer_id == customer_id, BehaviourDay.day >= since
        )
    ).one()
    return dict(zip(BEHAVIOUR_KINDS, (int(v) for v in row), strict=True))


def prune(now: datetime | None = None) -> int:
    """Delete raw events older than ``BEHAVIOUR_RETENTION_DAYS`` (their daily counts stay)."""
    days = int(current_app.config["BEHAVIOUR_RETENTION_DAYS"])
    cutoff = (now or utcnow()) - timedelta(days=days)
    result = db.session.execute(delete(BehaviourEvent).where(BehaviourEvent.occurred_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
