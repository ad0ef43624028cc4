"""The brand's calendar day of a stored time: what every per-day chart and count groups by."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import column, func, literal, select, union_all

from sidebar.core.day_math import local_day
from sidebar.extensions import db
from sidebar.models.base import UTCDateTime

EVENING_UTC = datetime(2026, 1, 4, 17, 0, tzinfo=UTC)  # 01:00 on 5 January in Beijing
NIGHT_UTC = datetime(
    2026, 1, 5, 3, 0, tzinfo=UTC
)  # 11:00 on 5 January in Beijing, 22:00 on the 4th in New York


def per_day(app) -> dict[str, int]:
    times = union_all(
        *(select(literal(at, UTCDateTime()).label("at")) for at in (EVENING_UTC, NIGHT_UTC))
    ).subquery("times")
    day = local_day(times.c.at)
    return {str(d): n for d, n in db.session.execute(select(day, func.count()).group_by(day))}


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Asia/Shanghai", {"2026-01-05": 2}),
        ("America/New_York", {"2026-01-04": 2}),
        ("UTC", {"2026-01-04": 1, "2026-01-05": 1}),
    ],
)
def test_times_are_counted_on_the_brands_calendar_day(app, ctx, zone, expected):
    app.config["DISPLAY_TIMEZONE"] = zone
    assert per_day(app) == expected


def test_a_name_that_is_not_a_zone_is_refused_on_postgresql(app, ctx):
    app.config["DISPLAY_TIMEZONE"] = "UTC'; DROP TABLE customers; --"
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite takes an offset, not the name")
    with pytest.raises(ValueError, match="not a time zone name"):
        local_day(column("at"))
