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
# Any other amount a person may write: plain digits, a longer fraction of zeros ("399.000"). Never an
# exponent ("1e30"), a sign, a NaN or an infinity — Decimal reads those, and then cannot quantize them.
_DECIMAL_YUAN = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,10})?")


def brand_zone() -> ZoneInfo:
    """The brand's time zone (``DISPLAY_TIMEZONE``, Asia/Shanghai by default): the one place it is read."""
    return ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])


def yuan(fen: int | None) -> str:
    """Fen as yuan, e.g. 12345 -> '¥123.45'; whole yuan without decimals."""
    if fen is None:
        return "—"
    return f"¥{fen // 100:,}" if fen % 100 == 0 else f"¥{fen / 100:,.2f}"


def parse_yuan(text: object, *, allow_zero: bool = False) -> int | None:
    """Yuan as typed ("8.88", "50") to fen; None unless a plain non-negative decimal (no exponent, at
    most 15 digits before the point) with at most two decimals that are not zero (and above zero unless
    ``allow_zero``). The one place money typed by people, files and systems becomes fen."""
    plain = _PLAIN_YUAN.fullmatch(text) if isinstance(text, str) else None
    if plain is not None:
        whole, cents = plain.groups()
        fen = int(whole) * 100 + (int(cents.ljust(2, "0")) if cents else 0)
        return fen if fen or allow_zero else None
    written = str(text).strip() if isinstance(text, str | int) and not isinstance(text, bool) else ""
    if not _DECIMAL_YUAN.fullmatch(written):
        return None
    try:
        value = Decimal(written)
        if value != value.quantize(Decimal("0.01")):
            return None
    except InvalidOperation:  # (the pattern leaves none; kept so no amount can ever be a 500)
        return None
    if value == 0 and not allow_zero:
        return None
    return int(value * 100)


def local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time shown in the brand's time zone (``DISPLAY_TIMEZONE``, Asia/Shanghai)."""
    if value is None:
        return "—"
    return value.astimezone(brand_zone()).strftime(fmt)
