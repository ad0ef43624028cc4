"""The zh catalogue covers every message in the code and templates, and the compiled file matches it."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "sidebar" / "translations" / "zh" / "LC_MESSAGES"


def test_every_message_is_translated_and_compiled():
    with open(CATALOGUE / "messages.po", encoding="utf-8") as fh:
        po = read_po(fh)
    # Keyed by (context, id): one word may mean two things ("Open" a red packet, "Open" tasks).
    translated = {(m.context, m.id): m.string for m in po if m.id and m.string}
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    method_map = [("sidebar/**.py", "python"), ("api/**.py", "python"), ("templates/**.html", "jinja2")]
    used = {
        (msg[4], msg[2] if isinstance(msg[2], str) else msg[2][0])
        for msg in extract_from_dir(str(ROOT), method_map, keywords=keywords)
    }
    assert len(used) > 100  # the extraction really read the code
    assert sorted(used - set(translated)) == [], "run `make translations` and translate the new entries"
    with open(CATALOGUE / "messages.mo", "rb") as fh:
        mo = {(m.context, m.id): m.string for m in read_mo(fh) if m.id}
    assert mo == {k: v for k, v in translated.items() if k in mo} and set(translated) <= set(mo), (
        "run `make translations`"
    )


def test_customers_are_addressed_as_您():
    """What a customer reads (the coupon and red-packet pages, and why a claim failed) says 您, never 你;
    guides' pages keep the colleague's 你."""
    with open(CATALOGUE / "messages.po", encoding="utf-8") as fh:
        po = read_po(fh)
    customer_facing = [
        m
        for m in po
        if m.id
        and any(path.startswith(("templates/claim/", "sidebar/web/claim.py")) for path, _line in m.locations)
    ]
    assert len(customer_facing) > 10
    assert [m.string for m in customer_facing if "你" in m.string] == []
