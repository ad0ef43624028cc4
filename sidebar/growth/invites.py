"""Counting invitations honestly.

An add through a personal code (its ``State``, doc 92130 添加企业客户事件) is one invitation. It counts
once per campaign and invitee, only if the invitee is new to the brand — never a contact of any member
before, by their WeCom id or by OneID (the same unionid or phone as someone who was) — and only while they
stay a contact for the campaign's hold period: a delete inside it takes the count back; after it, the
count stands. Suspicious ones are held for review, not paid: the inviter inviting themselves (the same
customer, unionid or phone), a ring (inviting the one who invited them), and a burst (more in an hour than
a person brings). Everything here is set-based or one row at a time by key: a million adds cost what
their rows do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select, update

from sidebar.core import upsert
from sidebar.extensions import db
from sidebar.growth import campaigns, codes
from sidebar.models import (
    COUNTING,
    Customer,
    Follow,
    InviteStatus,
    ReferralCampaign,
    ReferralInvite,
    Staff,
)


def known_before(external_userid: str) -> bool:
    """Whether this WeCom customer was ever a contact of any member (read before the add is stored)."""
    return bool(
        db.session.scalar(
            select(
                exists().where(Follow.customer_id == Customer.id, Customer.external_userid == external_userid)
            )
        )
    )


def _same_person(a: Customer, b: Customer) -> bool:
    if a.id == b.id:
        return True
    return bool((a.unionid and a.unionid == b.unionid) or (a.phone and a.phone == b.phone))


def _known_by_oneid(invitee: Customer) -> bool:
    """Someone else with the invitee's unionid or phone is, or was, a contact: the same person again."""
    same = [Customer.unionid == invitee.unionid] if invitee.unionid else []
    same += [Customer.phone == invitee.phone] if invitee.phone else []
    if not same:
        return False
    other = select(Customer.id).where(or_(*same), Customer.id != invitee.id)
    return bool(db.session.scalar(select(exists().where(Follow.customer_id.in_(other)))))


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str | None = None


def judge(campaign: ReferralCampaign, inviter: Customer, invitee: Customer, *, at: datetime,
          was_contact: bool) -> Verdict:  # fmt: skip
    """Whether an add counts, waits, or is held or refused, and why."""
    if _same_person(inviter, invitee):
        return Verdict(InviteStatus.HELD.value, "self")
    ring = select(ReferralInvite.id).where(
        ReferralInvite.campaign_id == campaign.id,
        ReferralInvite.inviter_id == invitee.id,
        ReferralInvite.invitee_id == inviter.id,
    )
    if db.session.scalar(ring.limit(1)) is not None:
        return Verdict(InviteStatus.HELD.value, "ring")
    if was_contact or _known_by_oneid(invitee):
        return Verdict(InviteStatus.REFUSED.value, "not_new")
    if not campaigns.is_open(campaign, at):
        return Verdict(InviteStatus.REFUSED.value, "campaign_over")
    last_hour = select(func.count()).where(
        ReferralInvite.campaign_id == campaign.id,
        ReferralInvite.inviter_id == inviter.id,
        or_(ReferralInvite.status.in_(COUNTING), ReferralInvite.reason == "burst"),
        ReferralInvite.added_at > at - timedelta(hours=1),
    )
    if (db.session.scalar(last_hour) or 0) >= campaign.burst_per_hour:
        return Verdict(InviteStatus.HELD.value, "burst")
    return Verdict(InviteStatus.PENDING.value)


def on_add(
    state: str | None, userid: str, external_userid: str, *, at: datetime, was_contact: bool
) -> str | None:
    """Record the invitation an add through a personal code makes (once: a second add by the same invitee
    in the campaign — another member, a re-add — changes nothing). None: not a referral code's add."""
    code = codes.by_state(state)
    if code is None or code.campaign_id is None or code.inviter_id is None:
        return None
    campaign = db.session.get(ReferralCampaign, code.campaign_id)
    inviter = db.session.get(Customer, code.inviter_id)
    invitee = db.session.scalar(select(Customer).where(Customer.external_userid == external_userid))
    if campaign is None or inviter is None or invitee is None:
        return None
    verdict = judge(campaign, inviter, invitee, at=at, was_contact=was_contact)
    row = {
        "campaign_id": campaign.id, "inviter_id": inviter.id, "invitee_id": invitee.id,
        "staff_userid": userid or code.staff_userid, "status": verdict.status, "reason": verdict.reason,
        "added_at": at, "counts_at": at + timedelta(days=campaign.hold_days),
        "decided_at": None if verdict.status == InviteStatus.PENDING.value else at,
    }  # fmt: skip
    db.session.execute(upsert.insert(ReferralInvite.__table__).values(row).on_conflict_do_nothing())
    return f"referral {verdict.status}" + (f" ({verdict.reason})" if verdict.reason else "")


def on_delete(userid: str, external_userid: str, *, at: datetime) -> int:
    """A contact ended: an invitation still inside its hold period no longer counts (set-based)."""
    invitee = select(Customer.id).where(Customer.external_userid == external_userid).scalar_subquery()
    result = db.session.execute(
        update(ReferralInvite)
        .where(ReferralInvite.invitee_id == invitee, ReferralInvite.staff_userid == userid,
               ReferralInvite.status == InviteStatus.PENDING.value, ReferralInvite.counts_at > at)
        .values(status=InviteStatus.REVERSED.value, reason="deleted", decided_at=at)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    return int(getattr(result, "rowcount", 0) or 0)


def confirm(now: datetime) -> dict[str, int]:
    """Invitations whose hold period is over: counted if the invitee is still the member's contact,
    reversed if not (a delete whose event never came). Two set-based statements."""
    live = (
        select(Follow.id)
        .join(Staff, Staff.id == Follow.staff_id)
        .where(Follow.customer_id == ReferralInvite.invitee_id, Staff.userid == ReferralInvite.staff_userid,
               Follow.deleted_at.is_(None))
        .exists()
    )  # fmt: skip
    due = and_(ReferralInvite.status == InviteStatus.PENDING.value, ReferralInvite.counts_at <= now)
    counted = db.session.execute(
        update(ReferralInvite).where(due, live)
        .values(status=InviteStatus.COUNTED.value, decided_at=now)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    reversed_ = db.session.execute(
        update(ReferralInvite).where(due, ~live)
        .values(status=InviteStatus.REVERSED.value, reason="not_a_contact", decided_at=now)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    return {"counted": int(getattr(counted, "rowcount", 0) or 0),
            "reversed": int(getattr(reversed_, "rowcount", 0) or 0)}  # fmt: skip


@dataclass(frozen=True)
class Progress:
    counted: int  # friends who count (inside the hold period or past it)
    confirmed: int  # of those, past the hold period: they count for good
    held: int
    next_rung: int | None  # friends the next reward needs, None: every reward reached


def progress(campaign: ReferralCampaign, inviter: Customer) -> Progress:
    rows = dict(
        db.session.execute(
            select(ReferralInvite.status, func.count())
            .where(ReferralInvite.campaign_id == campaign.id, ReferralInvite.inviter_id == inviter.id)
            .group_by(ReferralInvite.status)
        )
        .tuples()
        .all()  # (a Result has keys(): dict() would take it for a mapping)
    )
    counted = sum(int(rows.get(s, 0)) for s in COUNTING)
    next_rung = next((r.friends for r in campaign.rungs if r.friends > counted), None)
    return Progress(counted, int(rows.get(InviteStatus.COUNTED.value, 0)),
                    int(rows.get(InviteStatus.HELD.value, 0)), next_rung)  # fmt: skip


def count_of(campaign_id: int, inviter_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count()).where(
                ReferralInvite.campaign_id == campaign_id,
                ReferralInvite.inviter_id == inviter_id,
                ReferralInvite.status.in_(COUNTING),
            )  # fmt: skip
        )
        or 0
    )


def review(invite: ReferralInvite, *, approve: bool, now: datetime) -> None:
    """An admin's word on a held invitation: approved, it counts (waiting out what is left of the hold
    period); rejected, it never does."""
    if invite.status != InviteStatus.HELD.value:
        return
    if approve:
        invite.status = InviteStatus.PENDING.value if invite.counts_at > now else InviteStatus.COUNTED.value
        invite.reason = None
    else:
        invite.status, invite.reason = InviteStatus.REFUSED.value, "rejected"
    invite.decided_at = now
    db.session.flush()
