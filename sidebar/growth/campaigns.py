"""Making a referral campaign (任务宝): its dates, hold period, reward ladder, budget and poster, checked
whole before anything is kept — a campaign that breaks a rule is refused in words and nothing is made."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError
from sqlalchemy import select, update

from sidebar.core.errors import DomainError
from sidebar.core.files import files
from sidebar.core.units import brand_zone, parse_yuan
from sidebar.extensions import db
from sidebar.models import (
    CouponTemplate,
    ReferralCampaign,
    ReferralCode,
    ReferralRung,
    ReferralStatus,
    RewardKind,
    Staff,
    StaffStatus,
    utcnow,
)
from sidebar.money import campaign_coupons, red_packets

MAX_NAME = 30  # the codes' remark carries it: WeCom's 30 characters (doc 92228)
MAX_RUNGS = 10
MAX_HOLD_DAYS = 60
POSTER_MAX_BYTES = 5 * 1024 * 1024


class CampaignInvalid(DomainError):
    """The campaign cannot be made as asked; ``errors`` maps each field to what is wrong."""

    code = "invalid_campaign"

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class RungSpec:
    friends: int
    kind: str
    coupon_template_id: int | None = None
    amount: int | None = None  # fen


def _rung_errors(rungs: list[RungSpec], budget: int) -> str | None:
    if not rungs:
        return str(_l("Give at least one reward."))
    if len(rungs) > MAX_RUNGS:
        return str(_l("At most %(n)s rewards.", n=MAX_RUNGS))
    friends = [r.friends for r in rungs]
    if any(f < 1 for f in friends) or friends != sorted(set(friends)):
        return str(_l("Each reward needs more friends than the one before it (1 or more)."))
    cap = red_packets.rule()
    packets = 0
    for rung in rungs:
        if rung.kind == RewardKind.COUPON.value:
            template = db.session.get(CouponTemplate, rung.coupon_template_id or 0)
            if template is None or not template.active:
                return str(_l("Choose an active coupon for %(n)s friends.", n=rung.friends))
            if not campaign_coupons.offerable(template):
                return str(_l("%(name)s names one customer in its card; choose a coupon with a claim link.",
                              name=template.name))  # fmt: skip
        elif rung.kind == RewardKind.RED_PACKET.value:
            amount = rung.amount or 0
            if not cap.min_amount <= amount <= cap.max_amount:
                return str(_l("A red packet for %(n)s friends must be between %(lo)s and %(hi)s fen "
                              "(head office's red-packet limits).",
                              n=rung.friends, lo=cap.min_amount, hi=cap.max_amount))  # fmt: skip
            packets += amount
        else:
            return str(_l("A reward is a coupon or a red packet."))
    if packets and budget < packets:
        return str(_l("The budget (%(b)s fen) does not pay one inviter's red packets (%(p)s fen).",
                      b=budget, p=packets))  # fmt: skip
    return None


def _poster_errors(poster: bytes | None) -> str | None:
    if poster is None:
        return None
    if len(poster) > POSTER_MAX_BYTES:
        return str(_l("The poster is larger than 5 MB."))
    try:
        with Image.open(io.BytesIO(poster)) as image:
            image.verify()
            if image.format not in ("PNG", "JPEG"):
                return str(_l("The poster must be a PNG or JPEG picture."))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return str(_l("The poster is not a picture."))
    return None


def create(
    name: str, *, starts_at: datetime, ends_at: datetime, rungs: list[RungSpec], hold_days: int = 7,
    burst_per_hour: int = 20, budget: int = 0, staff_ids: list[int] | None = None, poster_text: str = "",
    poster: bytes | None = None, now: datetime | None = None,
) -> ReferralCampaign:  # fmt: skip
    """Keep a new campaign (flushes), or raise ``CampaignInvalid`` with every problem and keep nothing."""
    now = now or utcnow()
    name, staff_ids = name.strip(), list(staff_ids or [])
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = str(_l("Give the campaign a name."))
    elif len(name) > MAX_NAME:
        errors["name"] = str(_l("At most %(n)s characters (WeCom's limit).", n=MAX_NAME))
    if ends_at <= starts_at:
        errors["ends_at"] = str(_l("The campaign must end after it starts."))
    elif ends_at <= now:
        errors["ends_at"] = str(_l("The end is already past."))
    if not 0 <= hold_days <= MAX_HOLD_DAYS:
        errors["hold_days"] = str(_l("Between 0 and %(n)s days.", n=MAX_HOLD_DAYS))
    if not 1 <= burst_per_hour <= 1000:
        errors["burst_per_hour"] = str(_l("Between 1 and 1,000 an hour."))
    if budget < 0:
        errors["budget"] = str(_l("The budget cannot be negative."))
    if (problem := _rung_errors(rungs, budget)) is not None:
        errors["rungs"] = problem
    if staff_ids:
        active = set(
            db.session.scalars(
                select(Staff.id).where(Staff.id.in_(staff_ids), Staff.status == StaffStatus.ACTIVE.value)
            )
        )
        if active != set(staff_ids):
            errors["staff_ids"] = str(_l("Choose active members only."))
    if (problem := _poster_errors(poster)) is not None:
        errors["poster"] = problem
    if errors:
        raise CampaignInvalid(errors)
    campaign = ReferralCampaign(
        name=name, status=ReferralStatus.ACTIVE.value, starts_at=starts_at, ends_at=ends_at,
        hold_days=hold_days, burst_per_hour=burst_per_hour, budget=budget, poster_text=poster_text,
        staff_ids=json.dumps(staff_ids), created_at=now,
    )  # fmt: skip
    campaign.rungs = [
        ReferralRung(friends=r.friends, kind=r.kind, coupon_template_id=r.coupon_template_id, amount=r.amount)
        for r in rungs
    ]
    db.session.add(campaign)
    db.session.flush()
    if poster is not None:
        campaign.poster_key = f"referral_posters/{campaign.id}"
        with Image.open(io.BytesIO(poster)) as image:
            kind = "image/png" if image.format == "PNG" else "image/jpeg"
        files().put(campaign.poster_key, io.BytesIO(poster), kind)
    return campaign


def is_open(campaign: ReferralCampaign, at: datetime) -> bool:
    """Whether an add at ``at`` takes part: the campaign active and ``at`` within its dates."""
    return campaign.status == ReferralStatus.ACTIVE.value and campaign.starts_at <= at <= campaign.ends_at


def running(now: datetime) -> list[ReferralCampaign]:
    """The active campaigns within their dates, the newest first."""
    return list(
        db.session.scalars(
            select(ReferralCampaign)
            .where(ReferralCampaign.status == ReferralStatus.ACTIVE.value,
                   ReferralCampaign.starts_at <= now, ReferralCampaign.ends_at > now)
            .order_by(ReferralCampaign.id.desc())
        )
    )  # fmt: skip


def members(campaign: ReferralCampaign) -> list[int]:
    """The staff ids new friends are routed to; empty: each inviter's own guide."""
    return [int(i) for i in json.loads(campaign.staff_ids or "[]")]


RUNG_ROWS = 3  # the console's form offers three rungs


def from_form(form: Any, poster: bytes | None, *, now: datetime) -> dict[str, Any]:
    """``create``'s arguments from the console's form (dates are days in the brand's zone: from the start
    of the first to the end of the last); raises ``CampaignInvalid`` for what cannot be read at all."""
    errors: dict[str, str] = {}

    def whole(name: str, default: int) -> int:
        raw = str(form.get(name) or "").strip()
        if not raw:
            return default
        if not raw.isdigit():
            errors[name] = str(_l("Enter a whole number."))
            return default
        return int(raw)

    def day(name: str) -> datetime | None:
        try:
            return datetime.fromisoformat(str(form.get(name) or "")).replace(tzinfo=brand_zone())
        except ValueError:
            errors[name] = str(_l("Enter a date."))
            return None

    starts, ends = day("starts_on"), day("ends_on")
    budget = parse_yuan(str(form.get("budget") or "0"), allow_zero=True)
    if budget is None:
        errors["budget"] = str(_l("Enter an amount in yuan, like 500 or 99.50."))
    rungs = []
    for n in range(RUNG_ROWS):
        friends = str(form.get(f"rung{n}_friends") or "").strip()
        if not friends:
            continue
        kind = str(form.get(f"rung{n}_kind") or "")
        template = str(form.get(f"rung{n}_coupon") or "")
        amount = (
            parse_yuan(str(form.get(f"rung{n}_amount") or ""))
            if kind == RewardKind.RED_PACKET.value
            else None
        )
        if not friends.isdigit() or (kind == RewardKind.RED_PACKET.value and amount is None):
            errors["rungs"] = str(_l("Each reward needs a number of friends, and a red packet its amount."))
            continue
        rungs.append(RungSpec(int(friends), kind, int(template) if template.isdigit() else None, amount))
    if errors:
        raise CampaignInvalid(errors)
    assert starts is not None and ends is not None
    return {
        "name": str(form.get("name") or ""), "starts_at": max(starts, now - timedelta(minutes=1)),
        "ends_at": ends + timedelta(days=1), "rungs": rungs, "hold_days": whole("hold_days", 7),
        "burst_per_hour": whole("burst_per_hour", 20), "budget": budget or 0,
        "staff_ids": [int(v) for v in form.getlist("staff_ids") if str(v).isdigit()],
        "poster_text": str(form.get("poster_text") or "")[:200], "poster": poster, "now": now,
    }  # fmt: skip


def end(campaign: ReferralCampaign, *, now: datetime) -> int:
    """End the campaign now: no more codes or counting; its codes go back to the pool (how many). A
    freed code keeps its state until reused, so a late scan still names its inviter and is refused as
    after the campaign."""
    campaign.status, campaign.ended_at = ReferralStatus.ENDED.value, now
    freed = db.session.execute(
        update(ReferralCode).where(ReferralCode.campaign_id == campaign.id).values(campaign_id=None)
    )
    return int(getattr(freed, "rowcount", 0) or 0)
