"""Rows folded into one JSON text by an aggregate, in either database: a page's small lists (a
customer's tags) ride along in the statement that loads the page instead of costing one of their own.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import String, cast, func, literal

from sidebar.extensions import db


def json_rows(**columns: Any) -> Any:
    """An aggregate: a JSON array (as text) with an object of ``columns`` for each row; ``[]`` for none."""
    pairs = [part for name, column in columns.items() for part in (literal(name), column)]
    if db.engine.dialect.name == "postgresql":
        return func.coalesce(cast(func.json_agg(func.json_build_object(*pairs)), String), "[]")
    return func.json_group_array(func.json_object(*pairs))


def loads(text: str | None) -> list[dict[str, Any]]:
    return json.loads(text) if text else []
