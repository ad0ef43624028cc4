"""Which customers a staff member may see: the one check every customer-scoped path goes through.

A guide sees customers they follow (a live ``follows`` row); a manager sees those followed by anyone in
their team's subtree; an admin sees everyone. The external_userid from a browser is only a claim: when no
live follow is on record, WeCom is asked (``externalcontact/get``) and its answer stored before deciding,
so a customer added a moment ago (callback not yet processed) still opens. A "no" is remembered for a
minute, and each member may make at most ``LOOKUPS_PER_MINUTE`` such lookups, so made-up ids cannot
spend the corp's API quota.
"""

from __future__ import annotations

import logging
import re
import time

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import aliased

from sidebar.core import uow
from sidebar.core.errors import DomainError
from sidebar.customers import contacts
from sidebar.extensions import db
from sidebar.models import Customer, Follow, Role, Staff, Team
from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import gateway

log = logging.getLogger(__name__)

EXTERNAL_USERID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
NEGATIVE_TTL = 60
LOOKUPS_PER_MINUTE = 30


class NotVisible(DomainError):
    """No such customer for this staff member. Views answer 404: existence is not disclosed."""

    code = "not_found"

    def __init__(self, external_userid: str):
        super().__init__(external_userid)
        self.external_userid = external_userid


def _remember_refusal(staff: Staff, external_userid: str) -> None:
    """Do not ask WeCom about this id for this member again for a minute."""
    gateway().store.set(_negative_key(staff, external_userid), "1", ttl=NEGATIVE_TTL)


def _spend_lookup(staff: Staff, external_userid: str) -> None:
    """Count one WeCom lookup for this member, or raise ``NotVisible`` when the minute's are spent.

    A sliding window (the times of the last minute's lookups), so no 60 seconds ever hold more than
    ``LOOKUPS_PER_MINUTE``: a window per clock minute let twice that through across a minute's end.
    Not atomic: two concurrent lookups may both count as one. A bound, not an exact quota.
    """
    store = gateway().store
    key = f"visibility:lookups:{staff.id}"
    now = time.time()
    recent = [float(t) for t in (store.get(key) or "").split(",") if t and now - float(t) < 60]
    if len(recent) >= LOOKUPS_PER_MINUTE:
        raise NotVisible(external_userid)
    recent.append(now)
    store.set(key, ",".join(f"{t:.3f}" for t in recent), ttl=60)


def _negative_key(staff: Staff, external_userid: str) -> str:
    return f"visibility:no:{staff.id}:{external_userid}"


def team_subtree(team_id: int) -> Select:
    """Ids of a team and every team under it (a recursive CTE; works on SQLite and PostgreSQL)."""
    tree = select(Team.id).where(Team.id == team_id).cte("team_tree", recursive=True)
    child = aliased(Team)
    tree = tree.union_all(select(child.id).where(child.parent_id == tree.c.id))
    return select(tree.c.id)


def _through_teams(staff: Staff) -> bool:
    """A manager with a team sees through the follows of the team's subtree."""
    return staff.role == Role.MANAGER and staff.team_id is not None


def follower_ids(staff: Staff) -> Select | None:
    """Staff whose follows this member may see through; None means everyone (admin)."""
    if staff.role == Role.ADMIN:
        return None
    if _through_teams(staff) and staff.team_id is not None:  # (the second for the type checker)
        return select(Staff.id).where(Staff.team_id.in_(team_subtree(staff.team_id)))
    return select(Staff.id).where(Staff.id == staff.id)


def visible(staff: Staff) -> Select:
    """``SELECT customers`` restricted to what ``staff`` may see.

    The followers are looked up first and named in the statement as values (one small query for a
    manager, none for a guide): PostgreSQL then knows how many follows they hold and checks each
    customer with one probe of the live follows' index (``ix_follows_live``). Left as a subquery it
    guessed, and hashed every follow of the region to count a filtered list (0.4 s at 1 M). A
    customer → team table kept by triggers was the other way; this one has nothing to keep right.
    """
    query = select(Customer)
    followers = follower_ids(staff)
    if followers is not None:
        ids = list(db.session.scalars(followers)) if _through_teams(staff) else [staff.id]
        live = exists().where(
            Follow.customer_id == Customer.id, Follow.deleted_at.is_(None), Follow.staff_id.in_(ids)
        )
        query = query.where(live)
    return query


def _find(staff: Staff, external_userid: str) -> Customer | None:
    return db.session.scalar(visible(staff).where(Customer.external_userid == external_userid))


def decide(staff: Staff, customer: Customer | None, follows: bool, external_userid: str) -> Customer:
    """``customer_for`` with what was loaded already (``opening``): the customer by that id, if any,
    and whether ``staff`` follows them. Settled without another statement for an admin or a member
    who follows them; anything else takes the whole path (a manager's teams, asking WeCom)."""
    if customer is not None and (staff.role == Role.ADMIN or (follows and not _through_teams(staff))):
        return customer
    return customer_for(staff, external_userid)


def customer_for(staff: Staff, external_userid: str, *, ask_wecom: bool = True) -> Customer:
    """The customer, if ``staff`` may see them; else ``NotVisible``. May flush what WeCom said."""
    if not EXTERNAL_USERID.match(external_userid or ""):
        raise NotVisible(external_userid)
    customer = _find(staff, external_userid)
    if customer is not None or not ask_wecom:
        if customer is None:
            raise NotVisible(external_userid)
        return customer
    if gateway().store.get(_negative_key(staff, external_userid)):
        raise NotVisible(external_userid)
    _spend_lookup(staff, external_userid)
    try:
        contacts.refresh_customer(external_userid)
    except WeComError as exc:
        # 84061: not anyone's contact; anything else (WeCom down): cannot confirm, so do not show.
        log.info("WeCom did not confirm %s for %s: %s", external_userid, staff.userid, exc)
        if exc.errcode is not None:  # WeCom answered "no"; an outage is not remembered
            _remember_refusal(staff, external_userid)
        raise NotVisible(external_userid) from exc
    # What WeCom said is kept whatever we decide; and the shared store (its own connection) must not
    # wait for this open write on SQLite.
    uow.commit_point("keep what WeCom said about the customer")
    customer = _find(staff, external_userid)
    if customer is None:
        _remember_refusal(staff, external_userid)
        raise NotVisible(external_userid)
    return customer
