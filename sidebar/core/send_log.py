"""What Beside sent, in one log: the ``sends`` table, which every figure of reach reads (触达客户, sends per
customer, usage, a group's sends from Beside). Every path that sends something records it here, once, when
WeCom confirmed it: a script, material or product from the sidebar, an SOP piece, a coupon, red-packet or
group-coupon card, a welcome. ``kind`` says what was sent, ``via`` where from."""

from __future__ import annotations

from datetime import datetime

from sidebar.extensions import db
from sidebar.models import Send, utcnow

KINDS = ("script", "material", "product", "text", "coupon", "red_packet", "welcome", "referral")
VIAS = ("sidebar", "sop", "welcome", "share")


def record(
    staff_id: int,
    *,
    kind: str,
    via: str = "sidebar",
    ref_id: int | None = None,
    customer_id: int | None = None,
    chat_id: str | None = None,
    msgtype: str = "text",
    summary: str = "",
    result: str = "ok",
    at: datetime | None = None,
) -> Send:
    """One send (flushes). ``result`` is ok, or entered when the text went to the input box only."""
    assert kind in KINDS and via in VIAS, (kind, via)
    send = Send(
        staff_id=staff_id,
        customer_id=customer_id,
        chat_id=chat_id,
        kind=kind,
        via=via,
        ref_id=ref_id,
        msgtype=msgtype,
        summary=(summary or "")[:255],
        result=result,
        created_at=at or utcnow(),
    )
    db.session.add(send)
    db.session.flush()
    return send
