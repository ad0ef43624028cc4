"""Money and time as people type and read them: fen from typed yuan, yuan from fen, UTC shown in the
brand's time zone. Used by the domains (exports, forms) and by the templates (``web.labels``)."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from flask import current_app

# Digits with up to two decimals, as nearly every amount is written: read without a Decimal (a file of
# a million orders reads three amounts per order).
_PLAIN_YUAN = re.compile(r"([0-9]{1,15})(?:\.([0-9]{1,2}))?")


def brand_zone() -> ZoneInfo:
    """The brand's time zone (``DISPLAY_TIMEZONE``, Asia/Shanghai by default): the one place it is read."""
    return ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])


def yuan(fen: int | None) -> str:
    """Fen as yuan, e.g. 12345 -> '¥123.45'; whole yuan without decimals."""
    if fen is None:
        return "—"
    return f"¥{fen // 100:,}" if fen % 100 == 0 else f"¥{fen / 100:,.2f}"


def parse_yuan(text: object, *, allow_zero: bool = False) -> int | None:
    """Yuan as typed ("8.88", "50") to fen; None unless a non-negative amount with at most two decimals
    (and above zero unless ``allow_zero``). The one place money typed by people becomes fen."""
    plain = _PLAIN_YUAN.fullmatch(text) if isinstance(text, str) else None
    if plain is not None:
        whole, cents = plain.groups()
        fen = int(whole) * 100 + (int(cents.ljust(2, "0")) if cents else 0)
        return fen if fen or allow_zero else None
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        return None
    if value < 0 or (value == 0 and not allow_zero):
        return None
    return int(value * 100)


def local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time shown in the brand's time zone (``DISPLAY_TIMEZONE``, Asia/Shanghai)."""
    if value is None:
        return "—"
    return value.astimezone(brand_zone()).strftime(fmt)
