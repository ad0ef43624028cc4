"""Personal codes: each inviter's own 「联系我」 code in a campaign, whose ``state`` names them.

WeCom allows 500,000 「联系我」 made through the API per company (doc 92228, 配置客户联系「联系我」方式:
"每个企业可通过API最多配置50万个「联系我」"), and channel codes draw on the same allowance. So codes are
kept and reused: a code freed when its campaign ended is given to the next inviter with a new ``state``
and member (``update_contact_way``, doc 92228 更新企业已配置的「联系我」方式) before a new one is made.
WeCom first, then our row: if WeCom refuses, nothing changes here."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from sidebar.core.errors import DomainError
from sidebar.core.once import insert_once
from sidebar.extensions import db
from sidebar.growth import campaigns as referral_campaigns
from sidebar.models import (
    ChannelCode,
    Customer,
    Follow,
    ReferralCampaign,
    ReferralCode,
    Staff,
    StaffStatus,
    utcnow,
)
from sidebar.wecom.gateway import wecom

CONTACT_WAY_LIMIT = 500_000  # doc 92228
STATE_PREFIX = "rf"  # a referral code's state; channel codes' start "bs"


class CodeRefused(DomainError):
    code = "referral_code_refused"


def state_of_new() -> str:
    return STATE_PREFIX + secrets.token_hex(8)  # 18 characters: within WeCom's 30


def made_so_far() -> int:
    """「联系我」 this company holds through the API: channel codes not retired and referral codes."""
    channel = db.session.scalar(select(func.count()).where(ChannelCode.retired_at.is_(None))) or 0
    referral = db.session.scalar(select(func.count()).select_from(ReferralCode)) or 0
    return int(channel) + int(referral)


def member_for(campaign: ReferralCampaign, inviter: Customer) -> Staff:
    """Whom the inviter's friends add: the inviter's own guide if the campaign routes there (or they
    follow one of its members), else the campaign's member with the fewest codes in it."""
    routed = referral_campaigns.members(campaign)
    follows = select(Follow.staff_id).where(Follow.customer_id == inviter.id, Follow.deleted_at.is_(None))
    live = select(Staff).where(Staff.status == StaffStatus.ACTIVE.value)
    own = db.session.scalar(
        live.where(Staff.id.in_(follows), *([Staff.id.in_(routed)] if routed else [])).order_by(Staff.id)
    )
    if own is not None:
        return own
    if routed:
        load = (
            select(func.count())
            .where(ReferralCode.campaign_id == campaign.id, ReferralCode.staff_userid == Staff.userid)
            .scalar_subquery()
        )
        member = db.session.scalar(live.where(Staff.id.in_(routed)).order_by(load, Staff.id).limit(1))
        if member is not None:
            return member
    raise CodeRefused(str(_l("No active member to bring this customer's friends to.")))


def kept(campaign: ReferralCampaign, inviter: Customer) -> ReferralCode | None:
    return db.session.scalar(
        select(ReferralCode).where(
            ReferralCode.campaign_id == campaign.id, ReferralCode.inviter_id == inviter.id
        )
    )


def code_for(campaign: ReferralCampaign, inviter: Customer, *, now: datetime | None = None) -> ReferralCode:
    """The inviter's code in the campaign, made (or a free one reused) the first time; flushes."""
    now = now or utcnow()
    if (held := kept(campaign, inviter)) is not None:
        return held
    if not referral_campaigns.is_open(campaign, now):
        raise CodeRefused(str(_l("The campaign is not running.")))
    member = member_for(campaign, inviter)
    state = state_of_new()
    free = db.session.scalar(
        select(ReferralCode).where(ReferralCode.campaign_id.is_(None)).order_by(ReferralCode.id).limit(1)
        .with_for_update(skip_locked=True)
    )  # fmt: skip
    if free is not None:
        wecom().external_contact.update_contact_way(
            config_id=free.config_id,
            remark=campaign.name,
            skip_verify=True,
            state=state,
            user=[member.userid],
        )
        taken = update(ReferralCode).where(ReferralCode.id == free.id, ReferralCode.campaign_id.is_(None))
        db.session.execute(
            taken.values(
                campaign_id=campaign.id,
                inviter_id=inviter.id,
                state=state,
                staff_userid=member.userid,
                assigned_at=now,
            )  # fmt: skip
        )
        db.session.flush()
        db.session.refresh(free)
        return free
    if made_so_far() >= CONTACT_WAY_LIMIT:
        raise CodeRefused(
            str(_l("WeCom's limit of %(n)s 「联系我」 codes is reached: end a campaign or retire "
                   "channel codes to free some.", n=f"{CONTACT_WAY_LIMIT:,}"))
        )  # fmt: skip
    made = wecom().external_contact.add_contact_way(
        type=1, scene=2, remark=campaign.name, skip_verify=True, state=state, user=[member.userid]
    )
    code = ReferralCode(
        config_id=made["config_id"], state=state, qr_code=made.get("qr_code"), campaign_id=campaign.id,
        inviter_id=inviter.id, staff_userid=member.userid, assigned_at=now,
    )  # fmt: skip
    twin = insert_once(code, lambda: kept(campaign, inviter))
    if twin is not None:  # a second tap made one at the same moment: theirs stands, ours waits in the pool
        db.session.add(ReferralCode(config_id=made["config_id"], state=state, qr_code=made.get("qr_code"),
                                    staff_userid=member.userid, assigned_at=now))  # fmt: skip
        db.session.flush()
        return twin
    return code


def by_state(state: str | None) -> ReferralCode | None:
    if not state or not state.startswith(STATE_PREFIX):
        return None
    return db.session.scalar(select(ReferralCode).where(ReferralCode.state == state))
