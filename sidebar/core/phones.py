"""Phone numbers as matching keys: E.164, or nothing. A number we cannot read is kept as given by the
caller but never used to match, so a typo never joins two people."""

from __future__ import annotations

import functools

import phonenumbers

DEFAULT_REGION = "CN"  # a bare 11-digit mobile is mainland China's


@functools.lru_cache(maxsize=65536)  # a file names the same buyers again and again
def normalise(raw: str | None) -> str | None:
    """``+8613800138000`` for "138 0013 8000", "+86 138-0013-8000" or "8613800138000"; None if unreadable."""
    text = (raw or "").strip()
    if not text or len(text) > 32 or "*" in text:  # empty, absurd, or masked as platforms export them
        return None
    try:
        parsed = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def display(e164: str | None) -> str:
    """How a stored phone reads to a guide: "138 0013 8000" for a mainland mobile, else international."""
    if not e164:
        return ""
    try:
        parsed = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    if parsed.country_code == 86:
        national = str(parsed.national_number)
        return f"{national[:3]} {national[3:7]} {national[7:]}" if len(national) == 11 else national
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
