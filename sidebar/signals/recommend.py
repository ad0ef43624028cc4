"""Recommendations (适合她的): up to five products for one customer, each with its reason in words.

A product scores for being bought together with what she bought (co-purchase counts from all orders,
made again nightly in one statement: ``recompute_pairs``), for suiting her skin type and for answering
her concerns. Products she bought in the last ``RECOMMEND_SKIP_DAYS`` days, out of stock or inactive
are left out. What she bought comes from the orders the profile already loaded (its latest ten); the
catalogue and the pairs are cached per process for five minutes, so a profile pays no statement here.
``bench/recommend.py`` measures the hit rate against the five best sellers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, insert, select

from sidebar.core.analyze import analyze
from sidebar.extensions import db
from sidebar.models import COUNTED_STATUSES, Customer, Order, OrderItem, Product, ProductPair, utcnow

LIMIT = 5
# How much each kind of evidence weighs; co-purchase is a share (0–1) of the orders with her product.
SKIN_WEIGHT = 1.0
CONCERN_WEIGHT = 0.5
PAIR_WEIGHT = 2.0
SKIN_WORDS = {"dry": "干性", "oily": "油性", "combination": "混合性", "normal": "中性", "sensitive": "敏感"}


def recompute_pairs() -> dict[str, float]:
    """Co-purchase counts over every counted order, set-based: each pair of distinct skus in one order,
    both ways. Returns how many pairs and the seconds it took."""
    started = time.monotonic()
    db.session.execute(delete(ProductPair))
    lines = (
        select(OrderItem.order_id, OrderItem.sku)
        .join(Order, Order.id == OrderItem.order_id)
        .where(Order.status.in_(COUNTED_STATUSES))
        .distinct()
        .subquery("lines")
    )
    other = lines.alias("other")
    pairs = (
        select(lines.c.sku, other.c.sku, func.count())
        .select_from(lines)
        .join(other, (other.c.order_id == lines.c.order_id) & (other.c.sku != lines.c.sku))
        .group_by(lines.c.sku, other.c.sku)
    )
    db.session.execute(insert(ProductPair).from_select(["sku", "other_sku", "orders"], pairs))
    analyze("product_pairs")
    forget_catalogue()
    count = db.session.scalar(select(func.count()).select_from(ProductPair)) or 0
    return {"pairs": count, "seconds": round(time.monotonic() - started, 2)}


@dataclass(frozen=True)
class Item:
    """A product as recommendations read it (a snapshot: the catalogue is cached between requests)."""

    id: int
    sku: str
    name: str
    category: str
    price: int
    image_url: str
    skin_types: frozenset[str]
    concerns: frozenset[str]
    use_count: int


@dataclass(frozen=True)
class Catalogue:
    items: list[Item]
    pairs: dict[str, list[tuple[str, int]]]  # sku -> (other sku, orders with both)


@dataclass(frozen=True)
class Recommendation:
    product: Item
    reasons: list[str]
    score: float


CACHE_SECONDS = 300.0
_CACHE = "recommend_catalogue"


def catalogue() -> Catalogue:
    """Active, in-stock products and the co-purchase counts, read at most every five minutes per process
    (both change nightly or when an admin imports): a profile pays no statement for them."""
    cached = current_app.extensions.get(_CACHE)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    items = [
        Item(
            p.id,
            p.sku,
            p.name,
            p.category,
            p.price,
            p.image_url,
            frozenset(x for x in p.skin_types.split(",") if x),
            frozenset(x for x in p.concerns.split(",") if x),
            p.use_count,
        )
        for p in db.session.scalars(
            select(Product).where(Product.active.is_(True), Product.in_stock.is_(True))
        )
    ]
    pairs: dict[str, list[tuple[str, int]]] = {}
    for sku, other_sku, n in db.session.execute(
        select(ProductPair.sku, ProductPair.other_sku, ProductPair.orders)
    ):
        pairs.setdefault(sku, []).append((other_sku, n))
    fresh = Catalogue(items, pairs)
    current_app.extensions[_CACHE] = (time.monotonic() + CACHE_SECONDS, fresh)
    return fresh


def forget_catalogue() -> None:
    """Read the catalogue again on the next call (after an import or a recomputation here)."""
    current_app.extensions.pop(_CACHE, None)


def history_of(orders: list[Order]) -> list[tuple[str, datetime]]:
    """(sku, last bought) from orders already loaded (the profile's latest orders, with their items)."""
    last: dict[str, datetime] = {}
    for order in orders:
        if order.status not in COUNTED_STATUSES:
            continue
        for item in order.items:
            if item.sku not in last or order.paid_at > last[item.sku]:
                last[item.sku] = order.paid_at
    return list(last.items())


def for_customer(
    customer: Customer,
    history: list[tuple[str, datetime]],
    *,
    limit: int = LIMIT,
    now: datetime | None = None,
) -> list[Recommendation]:
    """Her recommendations, best first, from what she bought (``history``: sku, last bought)."""
    now = now or utcnow()
    shop = catalogue()
    skip_after = now - timedelta(days=float(current_app.config["RECOMMEND_SKIP_DAYS"]))
    recent = {sku for sku, last in history if last >= skip_after}
    together: dict[str, float] = {}
    partners: dict[str, str] = {}
    for sku, _last in history:
        rows = shop.pairs.get(sku, [])
        total = sum(n for _o, n in rows)
        for other_sku, n in rows:
            share = n / total if total else 0.0
            if share > together.get(other_sku, 0.0):
                together[other_sku], partners[other_sku] = share, sku
    names = {item.sku: item.name for item in shop.items}
    concerns = {c for c in (customer.skin_concerns or "").split(",") if c}
    scored: list[Recommendation] = []
    for item in shop.items:
        if item.sku in recent:
            continue
        score, reasons = 0.0, []
        if together.get(item.sku, 0.0) > 0:
            score += PAIR_WEIGHT * together[item.sku]
            partner = partners[item.sku]
            reasons.append(f"常与她买过的“{names.get(partner, partner)}”一起购买")
        if customer.skin_type and customer.skin_type in item.skin_types:
            score += SKIN_WEIGHT
            reasons.append(f"适合{SKIN_WORDS.get(customer.skin_type, customer.skin_type)}肌肤")
        matched = concerns & item.concerns
        if matched:
            score += CONCERN_WEIGHT * len(matched)
            reasons.append("针对" + "、".join(sorted(matched)))
        if score > 0:
            scored.append(Recommendation(item, reasons, score))
    scored.sort(key=lambda r: (-r.score, -r.product.use_count, r.product.id))
    return scored[:limit]


def best_sellers(limit: int = LIMIT) -> list[str]:
    """The baseline: the skus in the most counted orders."""
    return list(
        db.session.scalars(
            select(OrderItem.sku)
            .join(Order, Order.id == OrderItem.order_id)
            .where(Order.status.in_(COUNTED_STATUSES))
            .group_by(OrderItem.sku)
            .order_by(func.count().desc(), OrderItem.sku)
            .limit(limit)
        )
    )
