"""Stores: made and changed by admins in the console, from a spreadsheet, or by the brand's systems over
``PUT /api/v1/stores/<code>``. The code is the brand's own (the POS's): orders and members that named it
before the store existed here are resolved to it when it is made.

Functions flush, never commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import CursorResult, func, select, update

from sidebar.core import audit
from sidebar.core.errors import DomainError
from sidebar.extensions import db
from sidebar.models import Member, Order, Store, StoreStatus, Team

# The brand's own codes: letters, digits and - _ . (as POS systems make them), at most 32.
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}")
NAME_MAX, CITY_MAX, ADDRESS_MAX = 64, 32, 255
FIELDS = ("name", "city", "address", "team", "status")
# A store sheet's columns as people title them (the first row), each field's accepted titles.
HEADERS = {
    "code": ("门店编码", "门店代码", "编码", "code", "store_code"),
    "name": ("门店名称", "名称", "name"),
    "city": ("城市", "city"),
    "address": ("地址", "门店地址", "address"),
    "team": ("区域", "团队", "所属区域", "region", "team"),
    "status": ("状态", "status"),
}
STATUS_WORDS = {
    "open": "open",
    "营业": "open",
    "营业中": "open",
    "closed": "closed",
    "关闭": "closed",
    "已关闭": "closed",
}


class InvalidStore(DomainError):
    """A store that cannot be saved; ``errors`` maps each field to what is wrong with it."""

    code = "invalid_store"

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class Resolved:
    orders: int = 0
    members: int = 0


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value).strip())


def _team(value: Any) -> tuple[int | None, str | None]:
    """A team given by id (the console) or by name (a sheet, the API): (team id, error)."""
    name = _text(value)
    if not name:
        return None, None
    if name.isdigit() and len(name) <= 9:  # an id (the console's select), never past an INTEGER
        by_id = db.session.scalar(select(Team.id).where(Team.id == int(name)))
        if by_id is not None:
            return by_id, None
    ids = list(db.session.scalars(select(Team.id).where(Team.name == name).limit(2)))
    if len(ids) == 1:
        return ids[0], None
    return None, ("two teams have this name: choose it in the console" if ids else f"no team named {name!r}")


def checked(code: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The store's fields, validated: raises ``InvalidStore`` naming every field that is wrong."""
    errors: dict[str, str] = {}
    code = _text(code)
    if not CODE.fullmatch(code):
        errors["code"] = "1 to 32 letters, digits, '-', '_' or '.', starting with a letter or digit"
    name = _text(values.get("name"))
    if not name:
        errors["name"] = "required"
    elif len(name) > NAME_MAX:
        errors["name"] = f"at most {NAME_MAX} characters"
    city, address = _text(values.get("city")), _text(values.get("address"))
    if len(city) > CITY_MAX:
        errors["city"] = f"at most {CITY_MAX} characters"
    if len(address) > ADDRESS_MAX:
        errors["address"] = f"at most {ADDRESS_MAX} characters"
    status = STATUS_WORDS.get(_text(values.get("status")).lower() or "open")
    if status is None:
        errors["status"] = "open or closed"
    team_id, team_error = _team(values.get("team"))
    if team_error:
        errors["team"] = team_error
    if errors:
        raise InvalidStore(errors)
    return {
        "code": code,
        "name": name,
        "city": city or None,
        "address": address or None,
        "team_id": team_id,
        "status": status,
    }


def save(code: Any, values: dict[str, Any], *, actor: Any) -> tuple[Store, str, Resolved]:
    """Create or change the store with this code: (the store, created | updated | unchanged, what the
    orders and members that named its code resolved to)."""
    data = checked(code, values)
    store = db.session.scalar(select(Store).where(Store.code == data["code"]))
    created = store is None
    if store is None:
        store = Store(code=data["code"], name=data["name"])
        db.session.add(store)
    changed = {k: v for k, v in data.items() if getattr(store, k) != v}
    for name, value in changed.items():
        setattr(store, name, value)
    db.session.flush()
    resolved = resolve_codes(store)
    if created or changed:
        audit.record(
            actor,
            "store_created" if created else "store_changed",
            "store",
            store.id,
            code=store.code,
            **{k: v for k, v in changed.items() if k != "code"},
        )
    return store, "created" if created else "updated" if changed else "unchanged", resolved


def resolve_codes(store: Store) -> Resolved:
    """Orders and members that named this store's code before it existed here now name the store."""
    orders = db.session.execute(
        update(Order)
        .where(Order.store_code == store.code, Order.store_id.is_(None))
        .values(store_id=store.id)
        .execution_options(synchronize_session=False)
    )
    members = db.session.execute(
        update(Member)
        .where(Member.store_code == store.code, Member.store_id.is_(None))
        .values(store_id=store.id)
        .execution_options(synchronize_session=False)
    )
    return Resolved(
        orders=_rowcount(orders),
        members=_rowcount(members),
    )


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0) if isinstance(result, CursorResult) else 0


def store_ids(codes: Iterable[str | None]) -> dict[str, int]:
    """code -> store id for the codes that name a store."""
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    return dict(db.session.execute(select(Store.code, Store.id).where(Store.code.in_(wanted))).tuples().all())


@dataclass
class SheetOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    resolved_orders: int = 0
    resolved_members: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)  # (line, why)


def columns(header: list[str]) -> dict[str, int]:
    """Which column holds each field, from the first row's titles; raises ``InvalidStore`` without code
    and name."""
    found: dict[str, int] = {}
    titles = [h.strip().lower() for h in header]
    for name, accepted in HEADERS.items():
        for n, title in enumerate(titles):
            if title in {a.lower() for a in accepted}:
                found[name] = n
                break
    missing = [n for n in ("code", "name") if n not in found]
    if missing:
        raise InvalidStore({"file": "the first row needs the columns 门店编码 and 门店名称 (code, name)"})
    return found


def import_rows(headers: list[str], rows: Iterable[tuple[int, list[str]]], *, actor: Any) -> SheetOutcome:
    """Save each row of a store sheet (below its header row): one refused row never stops the others."""
    outcome = SheetOutcome()
    index = columns(headers)
    seen: set[str] = set()
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        get = {name: (cells[n] if n < len(cells) else "") for name, n in index.items()}
        code = get.pop("code").strip()
        if code in seen:
            outcome.refused.append((line, f"store {code} is on an earlier line too"))
            continue
        seen.add(code)
        try:
            before = db.session.scalar(select(Store).where(Store.code == code))
            snapshot = (
                {k: getattr(before, k) for k in ("name", "city", "address", "team_id", "status")}
                if before
                else None
            )
            store, created, resolved = save(code, get, actor=actor)
        except InvalidStore as exc:
            outcome.refused.append((line, exc.message))
            continue
        if created:
            outcome.created += 1
        elif snapshot != {k: getattr(store, k) for k in ("name", "city", "address", "team_id", "status")}:
            outcome.updated += 1
        else:
            outcome.unchanged += 1
        outcome.resolved_orders += resolved.orders
        outcome.resolved_members += resolved.members
    return outcome


def unknown_codes(limit: int = 20) -> list[tuple[str, int]]:
    """Store codes orders name that no store has yet, with how many orders: the stores to make next."""
    return [
        (code, n)
        for code, n in db.session.execute(
            select(Order.store_code, func.count())
            .where(Order.store_id.is_(None), Order.store_code.is_not(None))
            .group_by(Order.store_code)
            .order_by(func.count().desc(), Order.store_code)
            .limit(limit)
        )
    ]


def all_stores() -> list[Store]:
    return list(db.session.scalars(select(Store).order_by(Store.status.desc(), Store.code)))


def open_stores() -> list[Store]:
    return list(
        db.session.scalars(select(Store).where(Store.status == StoreStatus.OPEN).order_by(Store.code))
    )
