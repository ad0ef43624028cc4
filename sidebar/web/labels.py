"""Words for stored codes (WeCom add ways, lifecycle stages, genders...), translated at render time."""

from __future__ import annotations

import json
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from sidebar.core import phones
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

# 微盟 ME+'s five stages (the day thresholds are the brand's: data.profile.settings).
LIFECYCLE = {
    "prospect": (_l("Prospect"), _l("added, has not bought yet")),
    "new": (_l("Growing"), _l("has bought once")),
    "active": (_l("Mature"), _l("a repeat buyer")),
    "dormant": (_l("Dormant"), _l("has not bought for a while")),
    "lost": (_l("Lapsed"), _l("has not bought for a long time, or left")),
}

# What a send was (``core.send_log.KINDS``), where from, and how it ended.
SEND_KINDS = {
    "script": _l("Script"),
    "material": _l("Material"),
    "product": _l("Product"),
    "text": _l("Text"),
    "coupon": _l("Coupon"),
    "red_packet": _l("Red packet"),
    "welcome": _l("Welcome"),
}
SEND_VIAS = {
    "sidebar": _l("from the sidebar"),
    "sop": _l("an SOP task"),
    "welcome": _l("on adding"),
    "share": _l("in a mass send from the sidebar"),
}
SEND_RESULTS = {
    "ok": _l("sent"),
    "entered": _l("put in the input box"),
    "failed": _l("failed"),
    "cancelled": _l("cancelled"),
}

# The eight classic RFM segments (data.profile.SEGMENTS).
RFM_SEGMENTS = {
    "important_value": _l("Important value"),
    "important_develop": _l("Important to develop"),
    "important_keep": _l("Important to keep"),
    "important_retain": _l("Important to win back"),
    "general_value": _l("General value"),
    "general_develop": _l("General to develop"),
    "general_keep": _l("General to keep"),
    "general_retain": _l("General to win back"),
}

# Why a guide is asked to reach out (data.alerts).
ALERT_KINDS = {
    "dormant": _l("went dormant"),
    "lost": _l("lapsed"),
    "quiet_big_spender": _l("big spender gone quiet"),
}

# What an API key may do (org.api_keys.SCOPES).
API_SCOPES = {
    "coupons:redeem": _l("redeem coupons"),
    "orders:write": _l("send orders"),
    "members:write": _l("send members"),
    "events:write": _l("send mall behaviour"),
    "products:write": _l("send the product catalogue"),
    "stores:write": _l("create and change stores"),
}

# Identifiers two customers can claim (data.oneid.conflicts).
# Where a phone was learned (``IdentitySource``).
PHONE_SOURCES = {
    "wecom": _l("typed in WeCom by a guide"),
    "member": _l("from the member record"),
    "guide": _l("entered in the sidebar"),
    "order": _l("from an order"),
    "demo": _l("demo data"),
}
IDENTIFIERS = {"phone": _l("phone"), "unionid": "UnionID"}

# How an order was tied to this customer (data.oneid).
MATCHED_BY = {
    "unionid": _l("matched by WeChat unionid"),
    "phone": _l("matched by phone"),
    "member_no": _l("matched by member number"),
    "buyer_id": _l("matched by platform buyer id"),
}

ATTRIBUTION_RULES = {
    "latest_follower": _l("The guide who added the customer last, among those following when paid"),
    "first_follower": _l("The guide who added the customer first, among those following when paid"),
    "coupon": _l(
        "The guide whose coupon led to the order (redeemed on it, or issued within the window "
        "before it); otherwise the latest follower"
    ),
}
CREDITED_BY = {
    "latest_follower": _l("latest follower"),
    "first_follower": _l("first follower"),
    "coupon_redeemed": _l("redeemed their coupon"),
    "coupon_issued": _l("their coupon, issued shortly before"),
}
# The guides' table: a column's heading for each sortable figure (``guides.report.SORTS``).
GUIDE_FIGURES = {
    "name": _l("Guide"),
    "customers_added": _l("Added"),
    "customers_lost": _l("Lost"),
    "customers_reached": _l("Reached"),
    "sends_per_customer": _l("Messages per customer"),
    "sop_completion": _l("SOP done"),
    "coupon_redemption": _l("Coupons redeemed"),
    "orders": _l("Orders"),
    "sales": _l("Sales"),
    "refund_rate": _l("Refund rate"),
    "conversations": _l("Conversations (customer-days)"),
    "response_minutes": _l("First answer (min)"),
    "answered_in_time": _l("Answered in time"),
    "sensitive_hits": _l("Compliance alerts"),
}

TIER_PERIODS = {"month": _l("monthly"), "quarter": _l("quarterly")}
RATE_SCOPES = {
    "category": _l("Category"),
    "store": _l("Store"),
    "tier": _l("Tier"),
    "default": _l("Default"),
}
# Where a commission line's rate came from (its ``rate_from`` before the colon).
RATE_SOURCES = {**RATE_SCOPES, "none": _l("no rate")}
TIER_UNITS = {"yuan": _l("yuan"), "count": _l("count"), "percent": "%"}


def percent(value: float | None) -> str:
    """A rate as people read it (0.5 → 50%); a dash where there was nothing to divide by."""
    return "—" if value is None else f"{value * 100:.0f}%"


def one_decimal(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


GENDERS = {0: _l("gender unknown"), 1: _l("male"), 2: _l("female")}

ORDER_STATUS = {
    "paid": _l("paid"),
    "shipped": _l("shipped"),
    "done": _l("completed"),
    "cancelled": _l("cancelled"),
    "refunded": _l("refunded"),
    "partly_refunded": _l("partly refunded"),
}

PLATFORMS = {
    "mall": _l("Mini-program mall"),
    "tmall": _l("Tmall"),
    "jd": _l("JD"),
    "douyin": _l("Douyin"),
    "youzan": _l("Youzan"),
    "weimob": _l("Weimob"),
    "pos": _l("In store"),
    "other": _l("Other"),
}

# Our fields in an order or member file (data.presets), as the mapping form names them.
IMPORT_FIELDS = {
    "order_no": _l("Order number"),
    "paid_at": _l("Paid at"),
    "total_amount": _l("Amount paid (yuan)"),
    "status": _l("Order status"),
    "refund_amount": _l("Refunded (yuan)"),
    "after_sale": _l("After-sale status"),
    "store_code": _l("Store code"),
    "phone": _l("Phone"),
    "address": _l("Address (a phone inside it is read)"),
    "member_no": _l("Member number"),
    "buyer_id": _l("Platform buyer id"),
    "unionid": "UnionID",
    "sku": _l("SKU"),
    "item_name": _l("Product name"),
    "item_names": _l("All product names in one cell (kept without prices)"),
    "category": _l("Category"),
    "quantity": _l("Quantity"),
    "price": _l("Unit price (yuan)"),
    "name": _l("Name"),
    "level": _l("Member level"),
    "points": _l("Points"),
    "birthday": _l("Birthday"),
    "skin_type": _l("Skin type"),
}

# The conditions of an automatic tag rule (customers.rule_tags.RULE_FIELDS).
RULE_FIELDS = {
    "tags_any": _l("Has any of the tags"),
    "tags_all": _l("Has all of the tags"),
    "tags_none": _l("Has none of the tags"),
    "skin_type": _l("Skin type"),
    "lifecycle_stage": _l("Lifecycle stage"),
    "rfm_segment": _l("RFM segment"),
    "member_level": _l("Member level"),
    "team_id": _l("Team"),
    "spent_min": _l("Spent at least (yuan)"),
    "spent_max": _l("Spent at most (yuan)"),
    "avg_order_min": _l("Average order at least (yuan)"),
    "avg_order_max": _l("Average order at most (yuan)"),
    "orders_min": _l("Bought at least (times)"),
    "orders_max": _l("Bought at most (times)"),
    "order_days_min": _l("No purchase for at least (days)"),
    "order_days_max": _l("Bought within (days)"),
    "bought_category": _l("Bought the category"),
    "bought_product": _l("Bought the product (SKU or name)"),
    "store_code": _l("Bought at the store (code)"),
    "state": _l("Came through the channel code"),
    "added_days_min": _l("Added at least (days ago)"),
    "added_days_max": _l("Added at most (days ago)"),
    "birthday_within": _l("Birthday within (days)"),
    "unreached_days": _l("No mass message for at least (days)"),
    "guide_tier": _l("Served by a guide of tier"),
    "follower_id": _l("Guide"),
}

ROLES = {"admin": _l("Admin"), "manager": _l("Manager"), "guide": _l("Shopping guide")}

SKIN_TYPE_WORDS = {
    "dry": _l("Dry"),
    "oily": _l("Oily"),
    "combination": _l("Combination"),
    "normal": _l("Normal"),
    "sensitive": _l("Sensitive"),
}

# SOP triggers (models.sop.Trigger): the name, and a sentence with the rule's days.
TRIGGERS = {
    "added": _l("After the customer added the guide"),
    "first_order": _l("After the first order"),
    "last_order": _l("After the latest order"),
    "birthday": _l("Before the birthday"),
    "fixed": _l("At a fixed time"),
    "weekly": _l("Every week"),
}
WEEKDAYS = [
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
]


def trigger_in_words(rule) -> str:  # type: ignore[no-untyped-def]
    """When a rule's tasks fall due, in words: 添加好友 7 天后, 生日前 3 天, 每周一."""
    days = rule.trigger_days
    if rule.trigger == "added":
        return str(_l("%(n)s days after the customer added the guide", n=days))
    if rule.trigger == "first_order":
        return str(_l("%(n)s days after the first order", n=days))
    if rule.trigger == "last_order":
        return str(_l("%(n)s days after the latest order", n=days))
    if rule.trigger == "birthday":
        return str(_l("%(n)s days before the birthday", n=days))
    if rule.trigger == "weekly" and rule.weekday is not None:
        return str(_l("Every %(day)s", day=WEEKDAYS[rule.weekday]))
    if rule.trigger == "fixed" and rule.fixed_at is not None:
        return str(_l("At %(time)s", time=local(rule.fixed_at, "%Y-%m-%d %H:%M") + zone_note()))
    return str(TRIGGERS.get(rule.trigger, rule.trigger))


def zone_note() -> str:
    """The time zone times are shown in, e.g. "（北京时间）"."""
    return str(_l(" (Beijing time)")) if _zone_is_beijing() else f" ({_zone_name()})"


def _zone_name() -> str:
    from flask import current_app

    return str(current_app.config["DISPLAY_TIMEZONE"])


def _zone_is_beijing() -> bool:
    return _zone_name() in ("Asia/Shanghai", "Asia/Chongqing", "PRC")


HANDOVER_STATUS = {
    "requested": _l("asked WeCom"),
    "waiting": _l("waiting for WeCom"),
    "done": _l("moved"),
    "refused": _l("refused by WeCom"),
    "limited": _l("the colleague is full"),
    "failed": _l("not moved"),
}

RFM_LEVEL = {1: _l("very low"), 2: _l("low"), 3: _l("medium"), 4: _l("high"), 5: _l("very high")}


MATERIAL_KINDS = {
    "text": _l("Text"),
    "image": _l("Image"),
    "video": _l("Video"),
    "file": _l("File"),
    "link": _l("Link"),
    "miniprogram": _l("Mini-program"),
    "article": _l("Article"),
}


def reminders_today(raw: str) -> int:
    """How many reminders a campaign batch got in the last 24 hours (its JSON list of epoch seconds)."""
    import json
    import time

    return sum(1 for t in json.loads(raw or "[]") if t > time.time() - 86400)


def material_choice(material):  # type: ignore[no-untyped-def]
    """A material as a picker's option: (id, "标题（图片）")."""
    return material.id, f"{material.title}（{MATERIAL_KINDS.get(material.kind, material.kind)}）"


def tag_choices(group):  # type: ignore[no-untyped-def]
    """A tag group as a picker's group: (name, [(tag id, tag name), ...])."""
    return group.name, [(t.id, t.name) for t in group.tags]


def duration(seconds: float | int | None) -> str:
    """Reading time in words: "45 秒", "3 分 20 秒"."""
    total = int(round(seconds or 0))
    minutes, secs = divmod(total, 60)
    if not minutes:
        return _("%(n)s s", n=secs)
    if not secs:
        return _("%(n)s min", n=minutes)
    return _("%(m)s min %(s)s s", m=minutes, s=secs)


_SETTING = re.compile(r"\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b")


def settings_as_code(text: object) -> Markup:
    """Text with the settings it names (WECOM_SECRET, PUBLIC_URL) set as code: they are typed as they
    are, in any language."""
    # Escaped first: only the <code> tags added here are markup.
    return Markup(_SETTING.sub(r"<code>\1</code>", str(escape(str(text)))))  # noqa: S704


def filesize(size: int | None) -> str:
    """A file's size as people read it: "512 B", "38 KB", "4.2 MB" (never "0 KB")."""
    size = size or 0
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{round(size / 1024):,} KB"
    return f"{size / (1024 * 1024):,.1f} MB"


def stage(code: str | None) -> str:
    """A lifecycle stage's name ("成长期"), "—" when not computed yet."""
    return str(LIFECYCLE[code][0]) if code in LIFECYCLE else "—"


def stage_hint(code: str | None) -> str:
    """What the stage means ("has bought once")."""
    return str(LIFECYCLE[code][1]) if code in LIFECYCLE else ""


class RawValueShown(TypeError):
    """A template printed a Python object (a tuple, a list, None): a page would show ``('流失期', …)``."""


def printable(value: object) -> object:
    """Jinja's ``finalize``: every ``{{ … }}`` passes here. A tuple, list, dict, set or None is a value
    that was meant to go through a filter (``stage``, ``yuan``, ``join``…); under tests it fails the
    page so the template is fixed, in production it prints nothing rather than Python's repr."""
    if value is None or isinstance(value, tuple | list | dict | set):
        from flask import current_app

        if current_app.testing:
            raise RawValueShown(f"a template printed {value!r}; give it a filter")
        return ""
    return value


# 企业群发
CAMPAIGN_STATUS = {
    "scheduled": _l("Scheduled"),
    "sending": _l("Handing to WeCom"),
    "sent": _l("With the guides"),
    "cancelled": _l("Withdrawn"),
}
TARGET_STATUS = {
    "planned": _l("Waiting for the guide"),
    "held_out": _l("Held out to compare"),
    "over_limit": _l("Left out: WeCom's limit"),
    "failed": _l("Refused by WeCom"),
    "sent": _l("Sent"),
    "not_friend": _l("No longer a contact"),
    "limit_reached": _l("Had received its limit"),
    "cancelled": _l("Withdrawn"),
}
MOMENT_STATUS = {
    "creating": _l("Being made in WeCom"),
    "live": _l("With the guides"),
    "failed": _l("Refused by WeCom"),
    "cancelled": _l("Stopped"),
}
GUIDE_SEND_STATUS = {0: _l("Not sent"), 1: _l("Confirmed"), 2: _l("Sent")}


def register(app) -> None:  # type: ignore[no-untyped-def]
    app.jinja_env.globals.update(
        CAMPAIGN_STATUS=CAMPAIGN_STATUS,
        MOMENT_STATUS=MOMENT_STATUS,
        MATERIAL_KINDS=MATERIAL_KINDS,
        TARGET_STATUS=TARGET_STATUS,
        GUIDE_SEND_STATUS=GUIDE_SEND_STATUS,
        ADD_WAYS=ADD_WAYS,
        SEND_KINDS=SEND_KINDS,
        SEND_VIAS=SEND_VIAS,
        SEND_RESULTS=SEND_RESULTS,
        LIFECYCLE=LIFECYCLE,
        GENDERS=GENDERS,
        HANDOVER_STATUS=HANDOVER_STATUS,
        ORDER_STATUS=ORDER_STATUS,
        PLATFORMS=PLATFORMS,
        RFM_LEVEL=RFM_LEVEL,
        RFM_SEGMENTS=RFM_SEGMENTS,
        MATCHED_BY=MATCHED_BY,
        ALERT_KINDS=ALERT_KINDS,
        ATTRIBUTION_RULES=ATTRIBUTION_RULES,
        CREDITED_BY=CREDITED_BY,
        GUIDE_FIGURES=GUIDE_FIGURES,
        TIER_PERIODS=TIER_PERIODS,
        RATE_SCOPES=RATE_SCOPES,
        RATE_SOURCES=RATE_SOURCES,
        TIER_UNITS=TIER_UNITS,
        API_SCOPES=API_SCOPES,
        IDENTIFIERS=IDENTIFIERS,
        PHONE_SOURCES=PHONE_SOURCES,
        IMPORT_FIELDS=IMPORT_FIELDS,
        RULE_FIELDS=RULE_FIELDS,
        ROLES=ROLES,
        SKIN_TYPE_WORDS=SKIN_TYPE_WORDS,
        TRIGGERS=TRIGGERS,
        WEEKDAYS=WEEKDAYS,
        trigger_in_words=trigger_in_words,
        zone_note=zone_note,
    )
    app.jinja_env.finalize = printable
    app.jinja_env.filters["stage"] = stage
    app.jinja_env.filters["filesize"] = filesize
    app.jinja_env.filters["stage_hint"] = stage_hint
    app.jinja_env.filters["yuan"] = yuan
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["one_decimal"] = one_decimal
    app.jinja_env.filters["fromjson"] = json.loads
    app.jinja_env.filters["tag_choices"] = tag_choices
    app.jinja_env.filters["material_choice"] = material_choice
    app.jinja_env.filters["reminders_today"] = reminders_today
    app.jinja_env.filters["pair"] = lambda value: (value, value)
    app.jinja_env.filters["staff_choice"] = lambda staff: (staff.id, staff.name)
    app.jinja_env.filters["group_choice"] = lambda g: (g.chat_id, f"{g.name or g.chat_id} · {g.member_count}")
    app.jinja_env.filters["material_choice"] = lambda m: (m.id, m.title)
    app.jinja_env.filters["local"] = local
    app.jinja_env.filters["phone_display"] = phones.display
    app.jinja_env.filters["settings_as_code"] = settings_as_code
    app.jinja_env.filters["duration"] = duration
