"""Members in: the brand's member records upserted by member number, matched to customers (unionid,
then phone), their level and points carried onto the customer, and any orders that named them by
member number matched at last."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy import insert, select

from sidebar.core import phones
from sidebar.data import oneid
from sidebar.data.orders import OLDER, Outcome, aware, echo
from sidebar.data.schemas import MemberIn, reasons
from sidebar.extensions import db
from sidebar.models import Member, utcnow
from sidebar.org import stores


def _row(member: MemberIn, store_ids: dict[str, int]) -> dict[str, Any]:
    phone = phones.normalise(member.phone)
    return {
        "member_no": member.member_no,
        "phone": phone,
        "phone_raw": member.phone if member.phone and not phone else None,
        "unionid": member.unionid or None,
        "name": member.name,
        "level": member.level,
        "points": member.points,
        "birthday": member.birthday,
        "skin_type": member.skin_type,
        "skin_concerns": ",".join(member.skin_concerns) or None,
        "store_code": member.store_code,
        # A code no store has yet stays unresolved until the store is made (``org.stores``).
        "store_id": store_ids.get(member.store_code or ""),
        "source_updated_at": aware(member.updated_at),
    }


def upsert(payloads: list[Any]) -> tuple[list[Outcome], set[int]]:
    """Validate and upsert a batch of members (flushes); returns each outcome and the customers touched."""
    outcomes: list[Outcome | None] = [None] * len(payloads)
    valid: dict[str, tuple[int, MemberIn]] = {}
    for n, payload in enumerate(payloads):
        given = payload if isinstance(payload, dict) else {}
        try:
            member = MemberIn.model_validate(payload)
        except ValidationError as exc:
            outcomes[n] = Outcome({"member_no": echo(given.get("member_no"))}, "refused", reasons(exc))
            continue
        if member.member_no in valid:
            outcomes[n] = Outcome({"member_no": member.member_no}, "refused", "sent twice in this batch")
            continue
        valid[member.member_no] = (n, member)
    existing = (
        {m.member_no: m for m in db.session.scalars(select(Member).where(Member.member_no.in_(list(valid))))}
        if valid
        else {}
    )
    now = utcnow()
    store_ids = stores.store_ids(m.store_code for _, m in valid.values())
    fresh, changed_ids = [], []
    for member_no, (n, member) in valid.items():
        row = _row(member, store_ids)
        had = existing.get(member_no)
        if had is None:
            fresh.append({**row, "created_at": now, "updated_at": now})
            outcomes[n] = Outcome({"member_no": member_no}, "created")
            continue
        incoming, ours = row["source_updated_at"], had.source_updated_at
        if ours is not None and (incoming is None or incoming < ours):
            outcomes[n] = Outcome({"member_no": member_no}, "unchanged", OLDER)
            continue
        if all(getattr(had, k) == v for k, v in row.items()):
            outcomes[n] = Outcome({"member_no": member_no}, "unchanged")
            continue
        identity_changed = (had.phone, had.unionid) != (row["phone"], row["unionid"])
        values = {**row, "updated_at": now}
        if identity_changed:  # match again from what it says now
            values |= {"customer_id": None, "matched_by": None}
        for name, value in values.items():  # loaded already: the flush writes them together
            setattr(had, name, value)
        changed_ids.append(had.id)
        outcomes[n] = Outcome({"member_no": member_no}, "updated")
    if fresh:
        changed_ids += db.session.scalars(insert(Member).returning(Member.id), fresh).all()
    db.session.flush()
    touched = oneid.match_members(changed_ids) if changed_ids else set()
    touched |= oneid.match_orders(oneid.unmatched_orders_of(valid))
    return [o for o in outcomes if o is not None], touched
