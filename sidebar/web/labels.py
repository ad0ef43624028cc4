"""Words for stored codes (WeCom add ways, lifecycle stages, genders...), translated at render time."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from sidebar.core.units import local, yuan

ADD_WAYS = {
    0: _l("unknown source"),
    1: _l("scanned a QR code"),
    2: _l("searched a phone number"),
    3: _l("a shared contact card"),
    4: _l("a group chat"),
    5: _l("phone contacts"),
    6: _l("WeChat contacts"),
    8: _l("a third-party app"),
    9: _l("searched an email"),
    10: _l("WeChat Channels"),
    16: _l("an acquisition link"),
    201: _l("shared by a colleague"),
    202: _l("assigned by an admin"),
}

LIFECYCLE = {
    "prospect": (_l("Prospect"), _l("added, has not bought yet")),
    "new": (_l("New customer"), _l("first order within 30 days")),
    "active": (_l("Active"), _l("bought within the last 90 days")),
    "dormant": (_l("Dormant"), _l("no purchase for 90–180 days")),
    "lost": (_l("Lapsed"), _l("no purchase for over 180 days")),
}

GENDERS = {0: _l("gender unknown"), 1: _l("male"), 2: _l("female")}

ORDER_STATUS = {
    "paid": _l("paid"),
    "shipped": _l("shipped"),
    "done": _l("completed"),
    "refunded": _l("refunded"),
}

PLATFORMS = {
    "mall": _l("Mini-program mall"),
    "tmall": _l("Tmall"),
    "jd": _l("JD"),
    "douyin": _l("Douyin"),
    "pos": _l("In store"),
}

RFM_LEVEL = {1: _l("very low"), 2: _l("low"), 3: _l("medium"), 4: _l("high"), 5: _l("very high")}


def register(app) -> None:  # type: ignore[no-untyped-def]
    app.jinja_env.globals.update(
        ADD_WAYS=ADD_WAYS,
        LIFECYCLE=LIFECYCLE,
        GENDERS=GENDERS,
        ORDER_STATUS=ORDER_STATUS,
        PLATFORMS=PLATFORMS,
        RFM_LEVEL=RFM_LEVEL,
    )
    app.jinja_env.filters["yuan"] = yuan
    app.jinja_env.filters["local"] = local
