"""How deeply a JSON text nests, read from its bytes before anything parses it: Python's parser recurses
once per level and fails with RecursionError (a 500) on thousands of ``[``. No body Beside accepts
nests deeper than a few levels (a batch, an order, its items, an item)."""

from __future__ import annotations

MAX_DEPTH = 32


def too_deep(body: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether ``body`` opens more than ``limit`` arrays or objects inside one another (strings, with
    their escapes, are skipped: a ``[`` inside one is text)."""
    if body.count(b"[") + body.count(b"{") <= limit:  # the usual answer, at C speed
        return False
    depth = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return False
