"""A campaign from the console's form: checked (every problem in words, nothing saved), forecast (whom it
reaches through which guides, who would be left out and why) and planned (one row per customer, written
set-based, as the SOP engine writes its tasks).

Who sends to whom: each customer in the audience gets the message once, from their main guide — among the
guides still with the brand who have them as a contact (for a manager's campaign, the guides they
oversee), the one the brand's attribution rule names (the guide who added them last, or first;
``guides.attribution``). A customer who is nobody's contact
cannot receive a mass message and is counted, not planned.

WeCom's per-customer limit (doc 92135: "每位客户/每个客户群每月最多可接收条数为当月天数", or per the brand's
群发规则 one a day or seven a week — ``MASS_MESSAGE_RULE``) is forecast from our own campaigns: a customer
who has had, or is due, as many as the rule allows in the period is left out as ``over_limit`` rather
than failing silently in WeCom as status 3. Mass messages guides send by themselves are not known here,
so WeCom can still refuse a few; the results say so.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, and_, case, cast, func, insert, literal, or_, select, update
from werkzeug.datastructures import MultiDict

from sidebar.acquisition.welcome import attachable, not_attachable
from sidebar.content import scripts
from sidebar.core.analyze import analyze
from sidebar.core.errors import DomainError
from sidebar.core.locking import changed
from sidebar.core.units import brand_zone
from sidebar.customers import query as customer_query
from sidebar.customers import visibility
from sidebar.extensions import db
from sidebar.models import (
    AdminAccount,
    AttributionRule,
    Campaign,
    CampaignGroupTarget,
    CampaignStatus,
    CampaignTarget,
    CouponTemplate,
    Follow,
    GroupChat,
    GroupChatTag,
    GroupTag,
    Material,
    Staff,
    StaffStatus,
    TargetStatus,
)
from sidebar.money import campaign_coupons

MAX_ATTACHMENTS = 9  # doc 92135: "最多支持添加9个附件"
MAX_TEXT_BYTES = 4000  # doc 92135: text.content "最多4000个字节"
MAX_HOLDOUT = 50
# Filled per guide (each guide's batch is its own add_msg_template call); the rest are one customer's
# and WeCom sends one text to everyone in a batch.
PER_GUIDE = {"导购姓名", "门店"}


class CampaignInvalid(DomainError):
    code = "invalid_campaign"

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def audience_of(form: Mapping[str, Any]) -> dict[str, str]:
    """The customer filter's fields from the form, as the customer list's query parameters."""
    getlist = getattr(form, "getlist", None)
    out: dict[str, str] = {}
    for name in AUDIENCE_FIELDS:
        if name in ("tags_any", "tags_all", "tags_none") and getlist is not None:
            value = ",".join(v for v in getlist(name) if v)
        else:
            value = str(form.get(name) or "").strip()
        if value:
            out[name] = value
    return out


AUDIENCE_FIELDS = (
    "tags_any",
    "tags_all",
    "tags_none",
    "lifecycle_stage",
    "rfm_segment",
    "skin_type",
    "member_level",
    "team_id",
    "follower_id",
    "store_code",
    "state",
    "order_days_min",
    "added_days_min",
    "added_days_max",
    "unreached_days",
    "guide_tier",
)


def build(form: Mapping[str, Any], viewer: Any, *, now: datetime) -> Campaign:
    """The campaign the form describes (not added to the session), or ``CampaignInvalid``."""
    errors: dict[str, str] = {}
    name = str(form.get("name") or "").strip()
    if not name:
        errors["name"] = str(_l("Give the campaign a name."))
    elif len(name) > 64:
        errors["name"] = str(_l("At most %(n)s characters.", n=64))
    text = str(form.get("text") or "").strip()
    if len(text.encode()) > MAX_TEXT_BYTES:
        errors["text"] = str(
            _l("WeCom takes at most %(n)s bytes of text (about 1,300 Chinese characters).", n=MAX_TEXT_BYTES)
        )
    per_customer = sorted({v for v in scripts.VARIABLE.findall(text) if v not in PER_GUIDE})
    if per_customer:
        errors["text"] = str(
            _l(
                "A mass message is one text for every customer of a guide, so {%(name)s} cannot be filled "
                "per customer. Use {导购姓名} or {门店}, or write it without.",
                name=per_customer[0],
            )
        )
    getlist: Any = getattr(form, "getlist", lambda _: [])
    raw_ids = [v for v in getlist("material_ids") if v]
    material_ids: list[int] = []
    for raw in raw_ids:
        material = db.session.get(Material, int(raw)) if raw.isdigit() else None
        if material is None:
            errors["material_ids"] = str(_l("That material no longer exists; choose again."))
            break
        if not attachable(material):
            # doc 92135: attachments are images, links, mini-programs, videos and files
            errors["material_ids"] = not_attachable(material.title)
            break
        if int(raw) not in material_ids:
            material_ids.append(int(raw))
    coupon_template_id, coupon_error = _coupon_of(form, now)
    if coupon_error:
        errors["coupon_template_id"] = coupon_error
    if len(material_ids) + (coupon_template_id is not None) > MAX_ATTACHMENTS:
        errors["material_ids"] = str(
            _l("At most %(n)s attachments, the coupon card included (WeCom's limit).", n=MAX_ATTACHMENTS)
        )
    if not text and not material_ids and coupon_template_id is None:
        errors["text"] = str(_l("Write a text or choose at least one material."))
    target = str(form.get("target") or "customers")
    if target not in ("customers", "groups"):
        errors["target"] = str(_l("Send to customers or to groups."))
    if target == "groups":
        audience = group_audience_of(form)
    else:
        audience = audience_of(form)
        try:
            customer_query.parse(audience)
        except customer_query.BadFilter as exc:
            errors["audience"] = str(exc)
        if not audience:
            errors["audience"] = str(
                _l("Choose whom it is for: at least one condition (a tag, a stage, a team…).")
            )
    holdout_raw = str(form.get("holdout_percent") or "0").strip()
    holdout = int(holdout_raw) if holdout_raw.isdigit() else -1
    if not 0 <= holdout <= MAX_HOLDOUT:
        errors["holdout_percent"] = str(_l("Hold out from 0 to %(n)s percent.", n=MAX_HOLDOUT))
    elif holdout and target == "groups":
        errors["holdout_percent"] = str(
            _l("A holdout compares customers' orders: it is for customers, not groups.")
        )
    send_at = now
    when = str(form.get("send_at") or "").strip()
    if when:
        try:
            send_at = datetime.fromisoformat(when).replace(tzinfo=brand_zone()).astimezone(now.tzinfo)
        except ValueError:
            errors["send_at"] = str(_l("Enter a date and time."))
        else:
            if send_at < now - timedelta(minutes=1):
                errors["send_at"] = str(_l("This time has passed: choose a later one, or send now."))
    if errors:
        raise CampaignInvalid(errors)
    return Campaign(
        name=name,
        target=target,
        status=CampaignStatus.SCHEDULED.value,
        text=text,
        material_ids=json.dumps(material_ids),
        coupon_template_id=coupon_template_id,
        audience=json.dumps(audience, ensure_ascii=False),
        holdout_percent=holdout,
        send_at=send_at,
        staff_id=viewer.id if isinstance(viewer, Staff) else None,
        admin_account_id=viewer.id if isinstance(viewer, AdminAccount) else None,
    )


# What an edit may change; who made the campaign (and so whose customers it reaches) stays.
EDITABLE = (
    "name",
    "target",
    "text",
    "material_ids",
    "coupon_template_id",
    "audience",
    "holdout_percent",
    "send_at",
)


def too_late() -> str:
    return str(
        _l(
            "This mass message has already been handed to the guides (or was withdrawn): it can no longer "
            "be changed. Nothing was changed."
        )
    )


def revise(campaign: Campaign, form: Mapping[str, Any], viewer: Any, *, now: datetime) -> None:
    """Change a campaign that is still scheduled, checked as a new one would be (``CampaignInvalid``).
    One ``UPDATE … WHERE status = 'scheduled'``: the send job claims the campaign the same way
    (``send.hand_over``), so an edit and a send starting at the same moment cannot both win, and nothing
    handed to WeCom is ever changed under it."""
    if campaign.status != CampaignStatus.SCHEDULED.value:
        raise CampaignInvalid({"status": too_late()})
    fresh = build(form, viewer, now=now)
    done = changed(
        update(Campaign)
        .where(Campaign.id == campaign.id, Campaign.status == CampaignStatus.SCHEDULED.value)
        .values({name: getattr(fresh, name) for name in EDITABLE})
    )
    if not done:
        raise CampaignInvalid({"status": too_late()})
    db.session.refresh(campaign)


def form_of(campaign: Campaign) -> MultiDict[str, str]:
    """The campaign as the form that made it (to edit it)."""
    form: MultiDict[str, str] = MultiDict()
    form["name"], form["text"], form["target"] = campaign.name, campaign.text, campaign.target
    for material_id in json.loads(campaign.material_ids or "[]"):
        form.add("material_ids", str(material_id))
    if campaign.coupon_template_id:
        form["coupon_template_id"] = str(campaign.coupon_template_id)
    audience = json.loads(campaign.audience or "{}")
    if campaign.target == "groups":
        form["group_tag"], form["group_owner"] = audience.get("tag", ""), audience.get("owner", "")
    for name, value in audience.items():
        if campaign.target == "groups":
            break
        for one in value.split(",") if name in ("tags_any", "tags_all", "tags_none") else [value]:
            form.add(name, one)
    form["holdout_percent"] = str(campaign.holdout_percent)
    form["send_at"] = campaign.send_at.astimezone(brand_zone()).strftime("%Y-%m-%dT%H:%M")
    return form


def _coupon_of(form: Mapping[str, Any], now: datetime) -> tuple[int | None, str | None]:
    """The coupon card's template, or why it cannot go in a mass message."""
    raw = str(form.get("coupon_template_id") or "").strip()
    if not raw:
        return None, None
    if not current_app.config.get("PUBLIC_URL"):  # the card's link is made in a job, without a request
        return None, str(
            _l("Set PUBLIC_URL (where customers reach Beside) before putting coupons in mass messages.")
        )
    template = db.session.get(CouponTemplate, int(raw)) if raw.isdigit() else None
    if template is None or not template.active:
        return None, str(_l("That coupon is no longer offered; choose again."))
    if not campaign_coupons.offerable(template):
        return None, str(
            _l(
                "“%(name)s” names one customer in its card (a WeChat Pay voucher or a mini-program coupon): "
                "a mass message can carry only a coupon with a claim link.",
                name=template.name,
            )
        )
    if template.valid_until is not None and template.valid_until <= now:
        return None, str(_l("“%(name)s” has ended.", name=template.name))
    if template.stock_left <= 0:
        return None, str(_l("“%(name)s” is out of stock.", name=template.name))
    return template.id, None


def group_audience_of(form: Mapping[str, Any]) -> dict[str, str]:
    """A group campaign's audience: groups with a group tag, owned by one guide; none: every group."""
    out = {}
    if str(form.get("group_tag") or "").strip():
        out["tag"] = str(form.get("group_tag")).strip()[:32]
    if str(form.get("group_owner") or "").strip():
        out["owner"] = str(form.get("group_owner")).strip()[:64]
    return out


def _groups(viewer: Any, audience: dict[str, str]) -> Any:
    """(group_id, staff_id) of the live groups in the audience whose owner is an active guide (for a
    manager, one they oversee): the owner sends into the group."""
    conditions: list[Any] = [GroupChat.status == "active"]
    if audience.get("tag"):
        conditions.append(
            GroupChat.id.in_(
                select(GroupChatTag.group_id)
                .join(GroupTag, GroupTag.id == GroupChatTag.tag_id)
                .where(GroupTag.name == audience["tag"])
            )
        )
    if audience.get("owner"):
        conditions.append(GroupChat.owner_userid == audience["owner"])
    scope = visibility.follower_ids(viewer) if isinstance(viewer, Staff) else None
    if scope is not None:
        conditions.append(Staff.id.in_(list(db.session.scalars(scope))))
    return (
        select(GroupChat.id.label("group_id"), Staff.id.label("staff_id"))
        .join(Staff, and_(Staff.userid == GroupChat.owner_userid, Staff.status == StaffStatus.ACTIVE.value))
        .where(*conditions)
    )


def _groups_at_limit(now: datetime) -> Any:
    """Groups at WeCom's limit (doc 92135: "每个客户群每月最多可接收条数为当月天数")."""
    return _recipients_at_limit(CampaignGroupTarget, CampaignGroupTarget.group_id, now)


def owner(campaign: Campaign) -> Staff | AdminAccount:
    """Whose scope the audience is read in: the person who made the campaign."""
    found: Staff | AdminAccount | None
    if campaign.admin_account_id:
        found = db.session.get(AdminAccount, campaign.admin_account_id)
    else:
        found = db.session.get(Staff, campaign.staff_id)
    if found is None:
        raise LookupError("the person who made this campaign no longer exists")
    return found


# -- who sends to whom ----------------------------------------------------------------------------


def _main_guides(viewer: Any, audience: dict[str, str]) -> Any:
    """(customer_id, staff_id) for every customer in the audience who is some active guide's contact:
    one row each, the main guide by the attribution rule."""
    from sidebar.guides import attribution

    latest = attribution.settings().rule != AttributionRule.FIRST_FOLLOWER.value
    ids = customer_query.ids(viewer, customer_query.parse(audience)).subquery()
    # A manager's campaign goes out through the guides they oversee, never a colleague elsewhere who
    # also serves the customer; an admin's (or a local account's) through any guide.
    scope = visibility.follower_ids(viewer) if isinstance(viewer, Staff) else None
    in_scope = [Follow.staff_id.in_(list(db.session.scalars(scope)))] if scope is not None else []
    order = (Follow.added_at.desc() if latest else Follow.added_at.asc(), Follow.staff_id)
    ranked = (
        select(
            Follow.customer_id.label("customer_id"),
            Follow.staff_id.label("staff_id"),
            func.row_number().over(partition_by=Follow.customer_id, order_by=order).label("n"),
        )
        .join(ids, ids.c.id == Follow.customer_id)
        .join(Staff, and_(Staff.id == Follow.staff_id, Staff.status == StaffStatus.ACTIVE.value))
        .where(Follow.deleted_at.is_(None), *in_scope)
        .subquery()
    )
    return select(ranked.c.customer_id, ranked.c.staff_id).where(ranked.c.n == 1)


def period(now: datetime) -> tuple[datetime, int]:
    """The start of WeCom's counting period that holds ``now`` and how many mass messages a customer may
    receive in it (``MASS_MESSAGE_RULE``: month — as many as the month has days —, week — 7 —, day — 1),
    in the brand's time zone."""
    local = now.astimezone(brand_zone())
    rule = current_app.config.get("MASS_MESSAGE_RULE", "month")
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if rule == "day":
        return day, 1
    if rule == "week":
        return day - timedelta(days=local.weekday()), 7
    return day.replace(day=1), calendar.monthrange(local.year, local.month)[1]


def _at_limit(now: datetime) -> Any:
    """Customers who have received, or are due from another campaign, as many mass messages as WeCom
    allows in this period."""
    return _recipients_at_limit(CampaignTarget, CampaignTarget.customer_id, now)


def _recipients_at_limit(table: Any, column: Any, now: datetime) -> Any:
    """``SELECT`` the recipients (``column`` of ``table``, customers or groups) who were sent, or are due
    from a campaign being handed over, as many mass messages as the period allows."""
    start, allowed = period(now)
    counted = or_(
        and_(table.status == TargetStatus.SENT.value, table.sent_at >= start),
        and_(
            table.status == TargetStatus.PLANNED.value,
            table.campaign_id.in_(
                select(Campaign.id).where(
                    Campaign.status.in_((CampaignStatus.SENDING.value, CampaignStatus.SENT.value)),
                    Campaign.handed_at >= start,
                )
            ),
        ),
    )
    return select(column).where(counted).group_by(column).having(func.count() >= allowed)


@dataclass
class Forecast:
    customers: int  # in the audience
    reached: int  # planned to receive it
    held_out: int
    over_limit: int
    nobodys: int  # in the audience, nobody's contact
    guides: list[tuple[str, int]]  # (guide's name, customers) most first


def forecast(campaign: Campaign, viewer: Any, *, now: datetime, guides_shown: int = 20) -> Forecast:
    """What planning now would write, counted in SQL (nothing written)."""
    audience = json.loads(campaign.audience or "{}")
    if campaign.target == "groups":
        return _forecast_groups(audience, viewer, now=now, guides_shown=guides_shown)
    f = customer_query.parse(audience)
    customers = (
        db.session.scalar(select(func.count()).select_from(customer_query.ids(viewer, f).subquery())) or 0
    )
    mains = _main_guides(viewer, audience).subquery()
    limited = _at_limit(now).subquery()
    over = (
        db.session.scalar(
            select(func.count())
            .select_from(mains)
            .where(mains.c.customer_id.in_(select(limited.c.customer_id)))
        )
        or 0
    )
    with_guide = db.session.scalar(select(func.count()).select_from(mains)) or 0
    held = 0
    if campaign.holdout_percent:
        held = (
            db.session.scalar(
                select(func.count())
                .select_from(mains)
                .where(
                    _held_out(mains.c.customer_id, campaign),
                    mains.c.customer_id.not_in(select(limited.c.customer_id)),
                )
            )
            or 0
        )
    rows = db.session.execute(
        select(Staff.name, func.count())
        .select_from(mains)
        .join(Staff, Staff.id == mains.c.staff_id)
        .group_by(Staff.id, Staff.name)
        .order_by(func.count().desc(), Staff.name)
        .limit(guides_shown)
    ).all()
    return Forecast(
        customers=customers,
        reached=with_guide - over - held,
        held_out=held,
        over_limit=over,
        nobodys=customers - with_guide,
        guides=[(name, n) for name, n in rows],
    )


def _forecast_groups(audience: dict[str, str], viewer: Any, *, now: datetime, guides_shown: int) -> Forecast:
    groups = _groups(viewer, audience).subquery()
    limited = _groups_at_limit(now).subquery()
    total = db.session.scalar(select(func.count()).select_from(groups)) or 0
    over = (
        db.session.scalar(
            select(func.count()).select_from(groups).where(groups.c.group_id.in_(select(limited.c.group_id)))
        )
        or 0
    )
    rows = db.session.execute(
        select(Staff.name, func.count())
        .select_from(groups)
        .join(Staff, Staff.id == groups.c.staff_id)
        .group_by(Staff.id, Staff.name)
        .order_by(func.count().desc(), Staff.name)
        .limit(guides_shown)
    ).all()
    return Forecast(
        customers=total,
        reached=total - over,
        held_out=0,
        over_limit=over,
        nobodys=0,
        guides=[(name, n) for name, n in rows],
    )


def _held_out(customer_id: Any, campaign: Campaign) -> Any:
    """The holdout: a fixed pseudo-random share of the audience (the same customers whenever asked),
    by a multiplicative hash of the customer and campaign ids."""
    mixed = cast(customer_id, BigInteger) * literal(2654435761, BigInteger) + literal(
        campaign.id * 40503, BigInteger
    )
    return mixed % 100 < campaign.holdout_percent


ANALYZE_AFTER = 10_000


def write_targets(campaign: Campaign, *, now: datetime) -> int:
    """One row per customer in the audience with a guide: planned, held out or over the limit. Idempotent
    (a customer already written is skipped), so a planning cut short is simply run again."""
    viewer = owner(campaign)
    if campaign.target == "groups":
        return _write_group_targets(campaign, viewer, now=now)
    mains = _main_guides(viewer, json.loads(campaign.audience or "{}")).subquery()
    limited = _at_limit(now).subquery()
    row_status = case(
        (mains.c.customer_id.in_(select(limited.c.customer_id)), literal(TargetStatus.OVER_LIMIT.value)),
        (_held_out(mains.c.customer_id, campaign), literal(TargetStatus.HELD_OUT.value)),
        else_=literal(TargetStatus.PLANNED.value),
    )
    already = select(CampaignTarget.customer_id).where(CampaignTarget.campaign_id == campaign.id)
    rows = select(literal(campaign.id), mains.c.customer_id, mains.c.staff_id, row_status).where(
        mains.c.customer_id.not_in(already)
    )
    statement = (
        insert(CampaignTarget)
        .from_select(["campaign_id", "customer_id", "staff_id", "status"], rows)
        .execution_options(preserve_rowcount=True)
    )
    made = db.session.execute(statement).rowcount or 0  # type: ignore[attr-defined]
    if made >= ANALYZE_AFTER:
        analyze("campaign_targets")
    counts = dict(
        db.session.execute(
            select(CampaignTarget.status, func.count())
            .where(CampaignTarget.campaign_id == campaign.id)
            .group_by(CampaignTarget.status)
        )
        .tuples()
        .all()
    )
    audience_size = (
        db.session.scalar(
            select(func.count()).select_from(
                customer_query.ids(
                    viewer, customer_query.parse(json.loads(campaign.audience or "{}"))
                ).subquery()
            )
        )
        or 0
    )
    campaign.planned = counts.get(TargetStatus.PLANNED.value, 0)
    campaign.held_out = counts.get(TargetStatus.HELD_OUT.value, 0)
    campaign.over_limit = counts.get(TargetStatus.OVER_LIMIT.value, 0)
    campaign.nobodys = max(0, audience_size - sum(counts.values()))
    return made


def _write_group_targets(campaign: Campaign, viewer: Any, *, now: datetime) -> int:
    groups = _groups(viewer, json.loads(campaign.audience or "{}")).subquery()
    limited = _groups_at_limit(now).subquery()
    row_status = case(
        (groups.c.group_id.in_(select(limited.c.group_id)), literal(TargetStatus.OVER_LIMIT.value)),
        else_=literal(TargetStatus.PLANNED.value),
    )
    already = select(CampaignGroupTarget.group_id).where(CampaignGroupTarget.campaign_id == campaign.id)
    rows = select(literal(campaign.id), groups.c.group_id, groups.c.staff_id, row_status).where(
        groups.c.group_id.not_in(already)
    )
    statement = (
        insert(CampaignGroupTarget)
        .from_select(["campaign_id", "group_id", "staff_id", "status"], rows)
        .execution_options(preserve_rowcount=True)
    )
    made = db.session.execute(statement).rowcount or 0  # type: ignore[attr-defined]
    counts = dict(
        db.session.execute(
            select(CampaignGroupTarget.status, func.count())
            .where(CampaignGroupTarget.campaign_id == campaign.id)
            .group_by(CampaignGroupTarget.status)
        )
        .tuples()
        .all()
    )
    campaign.planned = counts.get(TargetStatus.PLANNED.value, 0)
    campaign.over_limit = counts.get(TargetStatus.OVER_LIMIT.value, 0)
    campaign.held_out = campaign.nobodys = 0
    return made


def fill_for_guide(text: str, staff: Staff) -> str:
    """The text one guide's batch carries: {导购姓名} and {门店} filled with theirs."""
    store = staff.store.name if staff.store is not None else ""
    filled, _ = scripts.fill(text, {"导购姓名": staff.name, "门店": store})
    return filled
