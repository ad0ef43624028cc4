"""Substring search on names and remarks that an index serves however short the text.

A trigram index cannot serve ``LIKE '%王芳%'``: two characters make no trigram, so PostgreSQL read
every customer (0.7–3 s at a million). On PostgreSQL the columns are indexed by their *grams* — every
single character and every pair of neighbours, lower-cased (``beside_grams``, a SQL function the
migration and ``create_all`` make) — and a search asks for rows whose grams contain the text's pairs
(or its one character), then checks the substring itself on those few. SQLite (development, the demo)
just scans.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text, and_, bindparam, func
from sqlalchemy.dialects import postgresql

from sidebar.extensions import db


def grams(text: str) -> list[str]:
    """What an indexed row's grams must contain to hold ``text``: its neighbour pairs, or the one
    character of a one-character text."""
    text = text.lower()
    if len(text) < 2:
        return [text] if text else []
    return sorted({text[i : i + 2] for i in range(len(text) - 1)})


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def substring(column: Any, text: str) -> Any:
    """``column`` contains ``text`` (any case; ``%`` and ``_`` are plain characters), checked row by row:
    for rows already chosen by something else."""
    return column.ilike(_like(text), escape="\\")


def contains(column: Any, text: str) -> Any:
    """``column`` contains ``text`` (any case; ``%`` and ``_`` are plain characters), through the grams
    index on PostgreSQL."""
    found = substring(column, text)
    if db.engine.dialect.name != "postgresql":
        return found
    wanted = bindparam(None, grams(text), type_=postgresql.ARRAY(Text))
    indexed = func.beside_grams(column).op("@>")(wanted)
    # One or two characters are in the text exactly when they are among its grams; a longer text's
    # pairs may all be there apart, so its rows are checked. (Left on, the check for a short text
    # made PostgreSQL expect a hundredth of the rows and choose plans for a few.)
    return indexed if len(text) <= 2 else and_(indexed, found)
