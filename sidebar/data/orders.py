"""Orders in: a batch upserted by (platform, order_no), each answered created, updated, unchanged or
refused with the reason. An order sent again replaces what we had (items too) unless it is an older
version than ours (``updated_at`` from the sender). Then the batch's orders are matched to customers
and those customers' profiles recomputed, set-based (``oneid``, ``profile``)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import Table, and_, delete, or_, select, update

from sidebar.core import phones
from sidebar.core.among import among
from sidebar.core.bulk_insert import BackgroundCopy, insert_rows, reserve_ids
from sidebar.core.units import brand_zone
from sidebar.data import oneid
from sidebar.data.schemas import ItemIn, OrderIn, reasons
from sidebar.extensions import db
from sidebar.models import Order, OrderItem, Store, utcnow

# The tables themselves: a core executemany is several times faster than the ORM's bulk insert.
ORDERS: Table = Order.__table__  # type: ignore[assignment]
ORDER_ITEMS: Table = OrderItem.__table__  # type: ignore[assignment]
OLDER = "an older version than the one we have"
# The API's status words and ours ("done" is older than the API and means completed).
STORED_STATUS = {"completed": "done"}
SENT_STATUS = {stored: sent for sent, stored in STORED_STATUS.items()}


@dataclass
class Outcome:
    """What became of one record sent: ``ref`` names it as the sender did."""

    ref: dict[str, Any]
    result: str  # created | updated | unchanged | refused
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {**self.ref, "result": self.result} | ({"reason": self.reason} if self.reason else {})


def echo(value: Any) -> str | None:
    """A name for a record as its sender gave it, if it is text at all (a refused record may not be)."""
    return value[:128] if isinstance(value, str) else None


def _ref(platform: Any, order_no: Any) -> dict[str, Any]:
    return {"platform": echo(platform), "order_no": echo(order_no)}


def aware(value: datetime | None, zone: ZoneInfo | None = None) -> datetime | None:
    """A time without a zone is the brand's local time (``zone``, which a caller storing many looks up
    once: ``current_app`` costs more than the rest of this); everything is stored in UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone or brand_zone())
    return value.astimezone(UTC)


def _digest(order: OrderIn) -> str:
    """The order as sent, in the model's field order (serialised by pydantic-core: this runs for every
    order of a file)."""
    return hashlib.sha256(order.model_dump_json().encode()).hexdigest()


def _row(order: OrderIn, store_ids: dict[str, int], zone: ZoneInfo) -> dict[str, Any]:
    buyer = order.buyer
    phone = phones.normalise(buyer.phone)
    return {
        "platform": order.platform,
        "order_no": order.order_no,
        "status": STORED_STATUS.get(order.status, order.status),
        "total_amount": order.total_amount,
        "refund_amount": order.refund_amount if order.status != "refunded" else order.total_amount,
        "paid_at": aware(order.paid_at, zone),
        "store_code": order.store_code,
        "store_id": store_ids.get(order.store_code or ""),
        "buyer_unionid": buyer.unionid or None,
        "buyer_openid": buyer.openid or None,
        "buyer_phone": phone,
        "buyer_phone_raw": buyer.phone if buyer.phone and not phone else None,
        "buyer_member_no": buyer.member_no or None,
        "buyer_platform_id": f"{order.platform}:{buyer.platform_buyer_id}"
        if buyer.platform_buyer_id
        else None,
        "source_updated_at": aware(order.updated_at, zone),
        "payload_hash": _digest(order),
    }


def _keyed(keys: Sequence[tuple[str, str]]) -> Any:
    """Orders with these (platform, order_no): one ``order_no IN (...)`` per platform, which the unique
    index answers directly (a row-value IN list of thousands is planned as thousands of ORs)."""
    by_platform: dict[str, list[str]] = {}
    for platform, order_no in keys:
        by_platform.setdefault(platform, []).append(order_no)
    return or_(*(and_(Order.platform == p, among(Order.order_no, nos)) for p, nos in by_platform.items()))


def _items(order_id: int, order: OrderIn) -> list[dict[str, Any]]:
    return [
        {
            "order_id": order_id,
            "sku": item.sku,
            "title": item.name,
            "category": item.category,
            "quantity": item.quantity,
            "unit_price": item.price,
            "amount": item.price * item.quantity if item.price is not None else None,
        }
        for item in order.items
    ]


@dataclass
class Stored:
    outcomes: list[Outcome]  # one per record sent, in order
    customers: set[int]  # whose profiles want recomputing
    order_ids: list[int]  # the orders created or updated


def upsert(payloads: list[Any]) -> tuple[list[Outcome], set[int]]:
    """Validate and upsert a batch (flushes), matched at once. Returns each order's outcome and the ids
    of the customers whose orders changed (their profiles want recomputing)."""
    stored = store(payloads)
    return stored.outcomes, stored.customers


def _priceless(order: OrderIn) -> bool:
    return bool(order.items) and all(item.price is None for item in order.items)


def _what_we_know(
    order: OrderIn, had: Any, priced: dict[int, list[ItemIn]], *, knows_status: bool
) -> OrderIn:
    """An order sent again, completed from what we hold where the sender cannot know it: a file without
    status or refund columns (Youzan's item export) keeps the status and refund another file gave, and
    products without prices (Youzan's order export, 全部商品名称) never replace the same order's priced ones.
    So the two exports of one shop, imported in either order, make one whole order."""
    update: dict[str, Any] = {}
    if not knows_status:
        update["status"] = SENT_STATUS.get(had.status, had.status)
        update["refund_amount"] = min(had.refund_amount, order.total_amount)
    if had.id in priced and _priceless(order):
        update["items"] = priced[had.id]
    return order.model_copy(update=update) if update else order


def _priced_items(order_ids: list[int]) -> dict[int, list[ItemIn]]:
    """The products with prices we hold for these orders."""
    priced: dict[int, list[ItemIn]] = {}
    if not order_ids:
        return priced
    rows = db.session.execute(
        select(OrderItem.order_id, OrderItem.sku, OrderItem.title, OrderItem.category, OrderItem.quantity,
               OrderItem.unit_price)
        .where(among(OrderItem.order_id, order_ids))
        .order_by(OrderItem.order_id, OrderItem.id)
    )  # fmt: skip
    for order_id, sku, title, category, quantity, price in rows:
        priced.setdefault(order_id, []).append(
            ItemIn.model_construct(sku=sku, name=title, category=category, quantity=quantity, price=price)
        )
    return {order_id: items for order_id, items in priced.items() if all(i.price is not None for i in items)}


def store(
    payloads: list[Any],
    *,
    match: bool = True,
    copier: BackgroundCopy | None = None,
    knows_status: bool = True,
) -> Stored:
    """``upsert`` for the API and files alike. Without ``match`` the caller matches the returned order
    ids itself (a file import matches once at the end, set-based) and ``customers`` holds only the
    customers an updated order was taken from. With a ``copier`` (PostgreSQL) new orders are handed to
    it to be stored while the caller goes on; they are stored once it is closed. ``knows_status`` false
    (a file with no status or refund column) keeps the status and refund of orders we hold."""
    outcomes: list[Outcome | None] = [None] * len(payloads)
    valid: dict[tuple[str, str], tuple[int, OrderIn]] = {}
    for n, payload in enumerate(payloads):
        key = (
            (payload.get("platform"), payload.get("order_no")) if isinstance(payload, dict) else (None, None)
        )
        try:
            order = OrderIn.model_validate(payload)
        except ValidationError as exc:
            outcomes[n] = Outcome(_ref(*key), "refused", reasons(exc))
            continue
        if (order.platform, order.order_no) in valid:
            outcomes[n] = Outcome(_ref(order.platform, order.order_no), "refused", "sent twice in this batch")
            continue
        valid[(order.platform, order.order_no)] = (n, order)
    if not valid:
        return Stored([o for o in outcomes if o is not None], set(), [])

    codes = {o.store_code for _, o in valid.values() if o.store_code}
    store_ids: dict[str, int] = {
        code: store_id
        for code, store_id in db.session.execute(select(Store.code, Store.id).where(Store.code.in_(codes)))
    }
    existing = {
        (r.platform, r.order_no): r
        for r in db.session.execute(
            select(
                Order.id,
                Order.platform,
                Order.order_no,
                Order.source_updated_at,
                Order.payload_hash,
                Order.customer_id,
                Order.status,
                Order.refund_amount,
            ).where(_keyed(list(valid)))
        )
    }
    priced = _priced_items([had.id for key, had in existing.items() if _priceless(valid[key][1])])
    touched_customers: set[int] = set()
    new_rows: list[tuple[int, OrderIn, dict[str, Any]]] = []
    changed: list[tuple[int, OrderIn, dict[str, Any], int]] = []
    zone = brand_zone()
    for key, (n, order) in valid.items():
        had = existing.get(key)
        if had is not None:
            order = _what_we_know(order, had, priced, knows_status=knows_status)
            valid[key] = (n, order)
        row = _row(order, store_ids, zone)
        if had is None:
            new_rows.append((n, order, row))
            continue
        incoming, ours = row["source_updated_at"], had.source_updated_at
        if ours is not None and (incoming is None or incoming < ours):
            outcomes[n] = Outcome(_ref(*key), "unchanged", OLDER)
        elif had.payload_hash == row["payload_hash"]:
            outcomes[n] = Outcome(_ref(*key), "unchanged")
        else:
            changed.append((n, order, row, had.id))
            if had.customer_id:
                touched_customers.add(had.customer_id)

    # Matched before they are written, where customers and members alone tell whose they are.
    oneid.identify([row for _, _, row in new_rows] + [row for _, _, row, _ in changed])
    now = utcnow()
    if new_rows:
        # Ids first where the database can hand them out (PostgreSQL's sequence), then one COPY;
        # elsewhere an executemany and the ids read back by key. Either is several times faster than
        # INSERT … RETURNING through the ORM, which matters for a file of a million orders.
        ids = reserve_ids(ORDERS, len(new_rows))
        rows = [{**row, "created_at": now, "updated_at": now} for _, _, row in new_rows]
        with_ids: list[dict[str, Any]] | None = None
        if ids is None:  # no sequence to draw from (SQLite): stored now, the ids read back
            insert_rows(ORDERS, rows)
            keys = [(order.platform, order.order_no) for _, order, _ in new_rows]
            found = db.session.execute(select(Order.id, Order.platform, Order.order_no).where(_keyed(keys)))
            id_of = {(p, no): i for i, p, no in found}
            ids = [id_of[key] for key in keys]
        else:
            with_ids = [{"id": i, **row} for i, row in zip(ids, rows, strict=True)]
        items = [
            item
            for order_id, (_, order, _row_) in zip(ids, new_rows, strict=True)
            for item in _items(order_id, order)
        ]
        if with_ids is None:
            insert_rows(ORDER_ITEMS, items)
        elif copier is not None:
            copier.put([(ORDERS, with_ids), (ORDER_ITEMS, items)])
        else:
            insert_rows(ORDERS, with_ids)
            insert_rows(ORDER_ITEMS, items)
        for n, order, _ in new_rows:
            outcomes[n] = Outcome(_ref(order.platform, order.order_no), "created")
        order_ids = list(ids)
    else:
        order_ids = []
    if changed:
        # One executemany by primary key; a new version may name another buyer: matched afresh above.
        db.session.execute(
            update(Order), [{**row, "id": order_id, "updated_at": now} for _, _, row, order_id in changed]
        )
        for n, order, _, _ in changed:
            outcomes[n] = Outcome(_ref(order.platform, order.order_no), "updated")
        changed_ids = [order_id for _, _, _, order_id in changed]
        db.session.execute(delete(OrderItem).where(among(OrderItem.order_id, changed_ids)))
        items = [item for _, order, _, order_id in changed for item in _items(order_id, order)]
        insert_rows(ORDER_ITEMS, items)
        order_ids += changed_ids
    db.session.flush()
    if match:
        touched_customers |= oneid.match_orders(order_ids)
    return Stored([o for o in outcomes if o is not None], touched_customers, order_ids)
