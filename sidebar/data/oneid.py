"""One customer (OneID): orders and members matched to WeCom customers, set-based.

An order is matched by the first identifier that names exactly one customer: unionid, then phone
(E.164), then member number (through a matched member), then the platform's buyer id of an order
already matched. An identifier two customers share matches nobody: it is a conflict for an admin, never
a silent merge. Every match records how it was made (``matched_by``). Unmatched orders stay and are
matched again whenever something new becomes known (``match_orders()`` with no ids).

Phones are identities (``customer_identities``), learned from every real source with where each came
from: the remark_mobiles a guide typed in WeCom, a matched member, the guide's edit in the sidebar, an
order matched by another identifier. When a phone becomes known, the orders and members waiting on it
are matched (``learn_phones``). ``Customer.phone`` is only the number the profile shows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, func, insert, literal, or_, select, update
from sqlalchemy.orm import aliased

from sidebar.core import audit, phones, uow, upsert
from sidebar.core.among import among
from sidebar.core.analyze import analyze
from sidebar.core.errors import DomainError
from sidebar.extensions import db
from sidebar.models import (
    Customer,
    CustomerIdentity,
    IdentitySettlement,
    IdentitySource,
    Member,
    Order,
    utcnow,
)

CHUNK = 5000  # order ids per statement (SQLite binds at most 32,766 parameters)


@dataclass(frozen=True)
class Rule:
    """One way of telling whose a record is: its identifier ``given`` names the candidates whose ``key``
    equals it (under ``also``); it matches when they are exactly one ``candidate``."""

    how: str
    given: Any
    key: Any
    candidate: Any
    also: tuple[Any, ...] = ()
    # The rule reads other orders (which the records being stored may still change), not only
    # customers and members: it cannot be settled before a batch is stored (``identify``).
    reads_orders: bool = False


PHONE = "phone"
# A phone's identity rows that still claim it (an admin's settlement releases the others).
LIVE_PHONE = (CustomerIdentity.kind == PHONE, CustomerIdentity.released_at.is_(None))


def _rules() -> list[Rule]:
    """By trust: unionid, phone, member number (through a matched member), a platform buyer id an order
    already matched carries."""
    other = aliased(Order)
    return [
        Rule("unionid", Order.buyer_unionid, Customer.unionid, Customer.id),
        Rule("phone", Order.buyer_phone, CustomerIdentity.value, CustomerIdentity.customer_id, LIVE_PHONE),
        Rule(
            "member_no",
            Order.buyer_member_no,
            Member.member_no,
            Member.customer_id,
            (Member.customer_id.is_not(None),),
        ),
        Rule(
            "buyer_id",
            Order.buyer_platform_id,
            other.buyer_platform_id,
            other.customer_id,
            (other.customer_id.is_not(None),),
            reads_orders=True,
        ),
    ]


def _correlated(rule: Rule) -> tuple[Any, Any]:
    """(the customer, "exactly one") for the row being updated: a few records by id (the API)."""
    picks = (rule.key == rule.given, *rule.also)
    return (
        select(func.min(rule.candidate)).where(*picks).scalar_subquery(),
        select(func.count(func.distinct(rule.candidate))).where(*picks).scalar_subquery() == 1,
    )


def _unambiguous(rule: Rule) -> Any:
    """Every identifier value that names exactly one customer, with that customer (key, customer_id):
    one grouped pass, joined to all unmatched orders at once (a file, the nightly pass)."""
    return (
        select(rule.key.label("key"), func.min(rule.candidate).label("customer_id"))
        .where(rule.key.is_not(None), *rule.also)
        .group_by(rule.key)
        .having(func.count(func.distinct(rule.candidate)) == 1)
        .subquery(f"unambiguous_{rule.how}")
    )


def identify(rows: list[dict[str, Any]]) -> None:
    """Fill ``customer_id`` and ``matched_by`` of order rows about to be stored (column name -> value)
    by the rules that read only customers and members, in the same order of trust as ``match_orders``:
    a file's orders then go in matched instead of being written a second time (half a minute for a
    million). A rule that reads orders waits for ``match_orders`` after the batch, as do rows none of
    these rules settles; the outcome is the same as matching every row afterwards."""
    for row in rows:
        row.setdefault("customer_id", None)
        row.setdefault("matched_by", None)
    for rule in _rules():
        if rule.reads_orders:
            continue
        column = rule.given.key
        wanted = sorted({r[column] for r in rows if r["customer_id"] is None and r[column]})
        if not wanted:
            continue
        unambiguous = (
            select(rule.key, func.min(rule.candidate))
            .where(among(rule.key, wanted), *rule.also)
            .group_by(rule.key)
            .having(func.count(func.distinct(rule.candidate)) == 1)
        )
        found = {value: customer_id for value, customer_id in db.session.execute(unambiguous)}
        for row in rows:
            if row["customer_id"] is None and row[column] in found:
                row["customer_id"], row["matched_by"] = found[row[column]], rule.how


def match_orders(order_ids: Iterable[int] | None = None) -> set[int]:
    """Match unmatched orders: these, returning the customers they belong to now; or (no ids) all of
    them, returning nothing (the caller recomputes everyone)."""
    if order_ids is None:
        for rule in _rules():
            known = _unambiguous(rule)
            db.session.execute(
                update(Order)
                .where(Order.customer_id.is_(None), rule.given == known.c.key)
                .values(customer_id=known.c.customer_id, matched_by=rule.how)
                .execution_options(synchronize_session=False)
            )
        _learn_from_orders(None)
        return set()
    ids = list(order_ids)
    chunks = [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
    for rule in _rules():
        the_one, exactly_one = _correlated(rule)
        for chunk in chunks:
            db.session.execute(
                update(Order)
                .where(
                    Order.customer_id.is_(None), rule.given.is_not(None), exactly_one, among(Order.id, chunk)
                )
                .values(customer_id=the_one, matched_by=rule.how)
                .execution_options(synchronize_session=False)
            )
    found: set[int] = set()
    for chunk in chunks:
        query = select(Order.customer_id).where(among(Order.id, chunk), Order.customer_id.is_not(None))
        found |= {i for i in db.session.scalars(query.distinct()) if i is not None}
        found |= _learn_from_orders(chunk)
    return found


def unmatched_orders_of(member_nos: Iterable[str]) -> list[int]:
    """Unmatched orders that name these member numbers: a member import may settle them."""
    nos = list(member_nos)
    return (
        list(
            db.session.scalars(
                select(Order.id).where(Order.customer_id.is_(None), Order.buyer_member_no.in_(nos))
            )
        )
        if nos
        else []
    )


def match_members(member_ids: Iterable[int] | None = None) -> set[int]:
    """Match unmatched members by unionid, then phone (exactly one customer each); then copy what the
    brand's CRM knows best onto the customer. Returns the customers matched."""
    ids = list(member_ids) if member_ids is not None else None
    for rule in (
        Rule("unionid", Member.unionid, Customer.unionid, Customer.id),
        Rule("phone", Member.phone, CustomerIdentity.value, CustomerIdentity.customer_id, LIVE_PHONE),
    ):
        the_one, exactly_one = _correlated(rule)
        where = [Member.customer_id.is_(None), rule.given.is_not(None), exactly_one]
        if ids is not None:
            where.append(Member.id.in_(ids))
        db.session.execute(
            update(Member)
            .where(*where)
            .values(customer_id=the_one, matched_by=rule.how)
            .execution_options(synchronize_session=False)
        )
    query = select(Member.customer_id).where(Member.customer_id.is_not(None))
    if ids is not None:
        query = query.where(Member.id.in_(ids))
    matched = {i for i in db.session.scalars(query) if i is not None}
    _apply_members(matched)
    # A member matched by unionid knows the customer's phone: learned, then what waits on it matched.
    member_phones = select(
        Member.customer_id, Member.phone, literal(IdentitySource.MEMBER), Member.member_no
    ).where(Member.customer_id.is_not(None), Member.phone.is_not(None))
    if ids is not None:
        member_phones = member_phones.where(Member.id.in_(ids))
    return matched | _learn(member_phones)


def _newest_member(column: Any) -> Any:
    """``column`` of the customer's own newest member, correlated to the customer row being updated.

    A scalar subquery per column, not a derived table: a subquery in FROM cannot see the outer row, so
    it would pick the newest member of *any* customer (every customer got the last member's level)."""
    return (
        select(column)
        .where(Member.customer_id == Customer.id)
        .order_by(Member.id.desc())
        .limit(1)
        .correlate(Customer)
        .scalar_subquery()
    )


def _apply_members(customer_ids: Iterable[int]) -> None:
    """The CRM is the source of the member level and points; birthday and skin type fill only what the
    guide has not set."""
    ids = list(customer_ids)
    for i in range(0, len(ids), CHUNK):
        db.session.execute(
            update(Customer)
            .where(Customer.id.in_(ids[i : i + CHUNK]))
            .values(
                member_level=func.coalesce(_newest_member(Member.level), Customer.member_level),
                points=func.coalesce(_newest_member(Member.points), Customer.points),
                birthday=func.coalesce(Customer.birthday, _newest_member(Member.birthday)),
                skin_type=func.coalesce(Customer.skin_type, _newest_member(Member.skin_type)),
            )
            .execution_options(synchronize_session=False)
        )


def reapply_members(batch: int = CHUNK) -> int:
    """Copy every matched member onto its own customer again (``flask members reapply``): repairs the
    customers an earlier version wrote another customer's member onto. Returns the customers rewritten.
    Commits per batch so a million customers never hold one long transaction."""
    done, after = 0, 0
    while True:
        ids = [
            i
            for i in db.session.scalars(
                select(Member.customer_id)
                .where(Member.customer_id.is_not(None), Member.customer_id > after)
                .group_by(Member.customer_id)
                .order_by(Member.customer_id)
                .limit(batch)
            )
            if i is not None
        ]
        if not ids:
            analyze("customers")  # a million rows may have been rewritten
            return done
        _apply_members(ids)
        uow.commit_point("each batch of repaired customers is kept")
        done += len(ids)
        after = ids[-1]


def conflicts() -> list[tuple[str, str, list[int]]]:
    """Identifiers more than one customer claims: (kind, value, customer ids), for an admin to settle."""
    out: list[tuple[str, str, list[int]]] = []
    live_phones = select(CustomerIdentity.value, CustomerIdentity.customer_id).where(*LIVE_PHONE)
    shared_phones = (
        select(CustomerIdentity.value)
        .where(*LIVE_PHONE)
        .group_by(CustomerIdentity.value)
        .having(func.count(func.distinct(CustomerIdentity.customer_id)) > 1)
    )
    shared_unionids = (
        select(Customer.unionid)
        .where(Customer.unionid.is_not(None))
        .group_by(Customer.unionid)
        .having(func.count() > 1)
    )
    for kind, query in (
        (PHONE, live_phones.where(CustomerIdentity.value.in_(shared_phones)).distinct()),
        ("unionid", select(Customer.unionid, Customer.id).where(Customer.unionid.in_(shared_unionids))),
    ):
        for value, customer_id in db.session.execute(query.order_by(*query.selected_columns)):
            if not out or out[-1][:2] != (kind, value):  # one query per kind, grouped here
                out.append((kind, value, []))
            out[-1][2].append(customer_id)
    return out


def unmatched_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Order).where(Order.customer_id.is_(None))) or 0


def settle_for(customer_ids: Iterable[int]) -> set[int]:
    """Something new is known about these customers (WeCom told us their unionid, a phone was typed):
    match the unmatched orders and members that name it. Returns the customers that gained orders."""
    ids = list(customer_ids)
    if not ids:
        return set()
    unionids = [u for u in db.session.scalars(select(Customer.unionid).where(Customer.id.in_(ids))) if u]
    numbers = list(
        db.session.scalars(
            select(CustomerIdentity.value).where(CustomerIdentity.customer_id.in_(ids), *LIVE_PHONE)
        )
    )
    return _match_waiting(unionids, numbers)


def _match_waiting(unionids: list[str], numbers: list[str]) -> set[int]:
    """Match the unmatched members and orders that name these unionids or phones."""
    if not unionids and not numbers:
        return set()
    found: set[int] = set()
    waiting: list[int] = []
    for i in range(0, max(len(unionids), len(numbers)), CHUNK):
        u, p = unionids[i : i + CHUNK], numbers[i : i + CHUNK]
        waiting += db.session.scalars(
            select(Order.id).where(
                Order.customer_id.is_(None), or_(among(Order.buyer_unionid, u), among(Order.buyer_phone, p))
            )
        )
        members = list(
            db.session.scalars(
                select(Member.id).where(
                    Member.customer_id.is_(None), or_(among(Member.unionid, u), among(Member.phone, p))
                )
            )
        )
        if members:
            found |= match_members(members)
            nos = db.session.scalars(select(Member.member_no).where(Member.id.in_(members)))
            waiting += unmatched_orders_of(nos)
    return found | (match_orders(waiting) if waiting else set())


# --- phones learned from every source ---------------------------------------------------------------


def learn_phones(claims: Iterable[tuple[int, str | None, str, str | None]]) -> set[int]:
    """Store phones customers are known by: ``(customer_id, phone as given, source, source_ref)``. A
    number that cannot be read is ignored (never matched on); one already known for the customer is kept
    with its first source. Then the orders and members waiting on a new phone are matched. Returns the
    customers that gained orders or members."""
    rows: dict[tuple[int, str], tuple[str, str | None]] = {}
    for customer_id, raw, source, ref in claims:
        number = phones.normalise(raw)
        if number:
            rows.setdefault((customer_id, number), (source, ref))
    if not rows:
        return set()
    known = db.session.execute(
        select(CustomerIdentity.customer_id, CustomerIdentity.value).where(
            CustomerIdentity.customer_id.in_({c for c, _ in rows}), CustomerIdentity.kind == PHONE
        )
    ).tuples()
    new = [key for key in rows if key not in set(known)]
    if not new:
        return set()
    db.session.execute(
        upsert.insert(CustomerIdentity).on_conflict_do_nothing(),
        [
            {
                "customer_id": c,
                "kind": PHONE,
                "value": n,
                "source": rows[c, n][0],
                "source_ref": (rows[c, n][1] or "")[:96] or None,
                "created_at": utcnow(),
            }
            for c, n in new
        ],
    )
    return _learned(new)


def _learn(claims: Any) -> set[int]:
    """Insert the phones a query names (customer_id, E.164, source, source_ref) that the customer does not
    have yet, set-based; show one on customers who show none; match what waits on them."""
    c = claims.subquery("claims")
    customer_id, number, source, ref = c.c
    new = (
        select(customer_id, literal(PHONE), number, func.min(source), func.min(func.substr(ref, 1, 96)))
        .where(
            ~exists().where(
                CustomerIdentity.customer_id == customer_id,
                CustomerIdentity.kind == PHONE,
                CustomerIdentity.value == number,
            )
        )
        .group_by(customer_id, number)
    )
    learned = db.session.execute(
        insert(CustomerIdentity)
        .from_select(["customer_id", "kind", "value", "source", "source_ref"], new)
        .returning(CustomerIdentity.customer_id, CustomerIdentity.value)
    ).all()
    return _learned([(c, n) for c, n in learned])


def _learned(learned: list[tuple[int, str]]) -> set[int]:
    """After new phones were stored: a customer who showed no phone shows one; what waits is matched."""
    if not learned:
        return set()
    gained = sorted({c for c, _ in learned})
    shown = (
        select(func.min(CustomerIdentity.value))
        .where(CustomerIdentity.customer_id == Customer.id, *LIVE_PHONE)
        .correlate(Customer)
        .scalar_subquery()
    )
    for i in range(0, len(gained), CHUNK):
        db.session.execute(
            update(Customer)
            .where(among(Customer.id, gained[i : i + CHUNK]), Customer.phone.is_(None))
            .values(phone=shown)
            .execution_options(synchronize_session=False)
        )
    return _match_waiting([], sorted({n for _, n in learned}))


def _learn_from_orders(order_ids: list[int] | None) -> set[int]:
    """An order matched by another identifier (unionid, member number, buyer id) tells the buyer's phone.
    Only a phone nobody else claims: an order's phone may be the recipient's (收货人手机号, a gift), the
    weakest claim there is, so it never turns a customer's own phone into a conflict."""
    other = aliased(CustomerIdentity)
    query = select(
        Order.customer_id,
        Order.buyer_phone,
        literal(IdentitySource.ORDER),
        Order.platform + ":" + Order.order_no,
    ).where(
        Order.customer_id.is_not(None),
        Order.buyer_phone.is_not(None),
        Order.matched_by.is_not(None),
        Order.matched_by != PHONE,
        ~exists().where(
            other.kind == PHONE,
            other.value == Order.buyer_phone,
            other.customer_id != Order.customer_id,
            other.released_at.is_(None),
        ),
    )
    if order_ids is not None:
        query = query.where(among(Order.id, order_ids))
    return _learn(query)


def phones_of(customer_id: int) -> list[CustomerIdentity]:
    """The phones a customer is known by, with where each came from (live and released)."""
    return list(
        db.session.scalars(
            select(CustomerIdentity)
            .where(CustomerIdentity.customer_id == customer_id, CustomerIdentity.kind == PHONE)
            .order_by(CustomerIdentity.id)
        )
    )


def match_rates() -> list[tuple[str, int, int]]:
    """(platform, orders, matched) for every platform that sent orders."""
    matched = func.count(Order.customer_id)
    rows = db.session.execute(
        select(Order.platform, func.count(), matched).group_by(Order.platform).order_by(Order.platform)
    ).all()
    return [(platform, total, done) for platform, total, done in rows]


# --- settling an identifier two customers claim ---------------------------------------------------

IDENTIFIER_COLUMNS = {
    "phone": (Customer.phone, Order.buyer_phone, Member.phone),
    "unionid": (Customer.unionid, Order.buyer_unionid, Member.unionid),
}


class CannotSettle(DomainError):
    code = "cannot_settle"


def claimants(kind: str, value: str) -> list[Customer]:
    if kind == PHONE:
        claiming = select(CustomerIdentity.customer_id).where(CustomerIdentity.value == value, *LIVE_PHONE)
        return list(
            db.session.scalars(select(Customer).where(Customer.id.in_(claiming)).order_by(Customer.id))
        )
    column = IDENTIFIER_COLUMNS[kind][0]
    return list(db.session.scalars(select(Customer).where(column == value).order_by(Customer.id)))


def _release(kind: str, value: str, customer_ids: list[int], *, back: bool = False) -> None:
    """Take the identifier off these customers (``back``: give it back, as an undo does). A phone's
    identity rows are kept, marked released, so the undo restores them with their sources."""
    if kind != PHONE:
        column = IDENTIFIER_COLUMNS[kind][0]
        db.session.execute(
            update(Customer)
            .where(Customer.id.in_(customer_ids), column.is_(None) if back else column == value)
            .values({column.key: value if back else None})
            .execution_options(synchronize_session="fetch")
        )
        return
    db.session.execute(
        update(CustomerIdentity)
        .where(
            CustomerIdentity.customer_id.in_(customer_ids),
            CustomerIdentity.kind == PHONE,
            CustomerIdentity.value == value,
        )
        .values(released_at=None if back else utcnow())
        .execution_options(synchronize_session="fetch")
    )
    other = (
        select(func.min(CustomerIdentity.value))
        .where(CustomerIdentity.customer_id == Customer.id, *LIVE_PHONE)
        .correlate(Customer)
        .scalar_subquery()
    )
    db.session.execute(
        update(Customer)
        .where(Customer.id.in_(customer_ids), Customer.phone.is_(None) if back else Customer.phone == value)
        .values(phone=value if back else other)
        .execution_options(synchronize_session="fetch")
    )


def settle(kind: str, value: str, keep_id: int, *, actor: Any) -> IdentitySettlement:
    """The identifier is ``keep_id``'s: it is taken off the other customers who claimed it, and the
    orders and members waiting on it are matched to ``keep_id``. Everything needed to undo it is kept;
    the audit log has it too. Raises ``CannotSettle`` unless it is a live conflict naming ``keep_id``."""
    if kind not in IDENTIFIER_COLUMNS:
        raise CannotSettle("only a phone or a unionid can be settled")
    _, order_col, member_col = IDENTIFIER_COLUMNS[kind]
    ids = [c.id for c in claimants(kind, value)]
    if len(ids) < 2 or keep_id not in ids:
        raise CannotSettle("that identifier is not claimed by this customer and another")
    released = [i for i in ids if i != keep_id]
    _release(kind, value, released)
    waiting_orders = list(
        db.session.scalars(select(Order.id).where(Order.customer_id.is_(None), order_col == value))
    )
    waiting_members = list(
        db.session.scalars(select(Member.id).where(Member.customer_id.is_(None), member_col == value))
    )
    db.session.flush()
    match_members(waiting_members)
    match_orders(waiting_orders)
    moved_orders = _now_with(Order, waiting_orders, keep_id)
    moved_members = _now_with(Member, waiting_members, keep_id)
    done = IdentitySettlement(
        kind=kind,
        value=value,
        kept_customer_id=keep_id,
        released_customer_ids=json.dumps(released),
        moved_order_ids=json.dumps(moved_orders),
        moved_member_ids=json.dumps(moved_members),
        actor=_label(actor),
    )
    db.session.add(done)
    db.session.flush()
    audit.record(
        actor,
        "oneid.settle",
        "identity_settlement",
        done.id,
        kind=kind,
        value=value,
        kept=keep_id,
        released=released,
        orders=len(moved_orders),
        members=len(moved_members),
    )
    return done


def _now_with(model: Any, ids: list[int], customer_id: int) -> list[int]:
    """Which of these orders (or members) now belong to the customer."""
    if not ids:
        return []
    return list(
        db.session.scalars(select(model.id).where(model.id.in_(ids), model.customer_id == customer_id))
    )


def undo(settlement: IdentitySettlement, *, actor: Any) -> set[int]:
    """Put things back as they were before ``settle``: the others claim the identifier again (the
    conflict is back on the list) and what it matched waits again. Returns the customers to recompute."""
    if settlement.undone_at is not None:
        raise CannotSettle("that settlement was undone already")
    released = json.loads(settlement.released_customer_ids)
    keep = settlement.kept_customer_id
    _release(settlement.kind, settlement.value, released, back=True)
    orders = json.loads(settlement.moved_order_ids)
    members = json.loads(settlement.moved_member_ids)
    for i in range(0, len(orders), CHUNK):
        db.session.execute(
            update(Order)
            .where(Order.id.in_(orders[i : i + CHUNK]), Order.customer_id == keep)
            .values(customer_id=None, matched_by=None)
            .execution_options(synchronize_session=False)
        )
    if members:
        db.session.execute(
            update(Member)
            .where(Member.id.in_(members), Member.customer_id == keep)
            .values(customer_id=None, matched_by=None)
            .execution_options(synchronize_session=False)
        )
    settlement.undone_at, settlement.undone_by = utcnow(), _label(actor)
    db.session.flush()
    audit.record(
        actor,
        "oneid.undo",
        "identity_settlement",
        settlement.id,
        kind=settlement.kind,
        value=settlement.value,
    )
    return {keep} if keep else set()


def recent_settlements(limit: int = 20) -> list[IdentitySettlement]:
    return list(
        db.session.scalars(select(IdentitySettlement).order_by(IdentitySettlement.id.desc()).limit(limit))
    )


def _label(actor: Any) -> str:
    return str(getattr(actor, "userid", None) or getattr(actor, "label", None) or actor)[:64]
