"""Guard: JSON the app stores or sends is made by a serializer, never by formatting text (a quote in a
member id or WeCom's words would break the record). Fails on an f-string or %-format that opens a JSON
object or array with a key in it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# f'{{"key": …' or f"[{{\"key\": …" or '{"key": "%s"' % …: JSON spelled out in a format string.
HAND_MADE = re.compile(r"""f(['"])[\[\s]*\{\{\s*\\?"|(['"])\{\s*\\?"[^"]+\\?"\s*:\s*\\?"?%[sd]""")


def test_no_json_is_formatted_by_hand():
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in sorted((ROOT / "sidebar").rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if HAND_MADE.search(line)
    ]
    assert found == [], "make JSON with json.dumps (or audit.record's keywords):\n" + "\n".join(found)


def test_the_guard_sees_what_it_is_for():
    assert HAND_MADE.search("""detail=f'{{"userid": "{uid}"}}'""")
    assert not HAND_MADE.search("""detail=json.dumps({"userid": uid})""")
