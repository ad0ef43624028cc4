"""获客助手 links: made and deleted in WeCom first (doc 97297), kept here with the channel Beside appends
(``customer_channel``, which WeCom reports as the add's ``State``, doc 101359), so every customer a link
brings names it as their source. The quota left (doc 97400) and a forecast of the days it lasts at the
last week's pace; WeCom itself warns only under 20 (``balance_low``, doc 97299)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from sidebar.core.errors import DomainError
from sidebar.extensions import db
from sidebar.models import AcquisitionLink, Follow, Staff, StaffStatus
from sidebar.wecom.gateway import wecom

MAX_NAME = 30
MAX_MEMBERS = 500  # a link's range covers at most 500 people
CHANNEL_PREFIX = "ca"


class LinkInvalid(DomainError):
    code = "invalid_link"

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def live() -> list[AcquisitionLink]:
    return list(
        db.session.scalars(
            select(AcquisitionLink).where(AcquisitionLink.deleted_at.is_(None)).order_by(AcquisitionLink.id)
        )
    )


def tracked_url(link: AcquisitionLink) -> str:
    """The link to put in an ad: WeCom's URL with Beside's channel."""
    joiner = "&" if "?" in link.url else "?"
    return link.url + joiner + urlencode({"customer_channel": link.channel})


def create(name: str, staff_ids: list[int], *, skip_verify: bool, now: datetime) -> AcquisitionLink:
    """Make the link in WeCom and keep it (flushes); ``LinkInvalid`` before any call if it breaks a rule."""
    name = name.strip()
    active = select(Staff).where(Staff.id.in_(staff_ids), Staff.status == StaffStatus.ACTIVE.value)
    members = list(db.session.scalars(active.order_by(Staff.id)))
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = str(_l("Give the link a name."))
    elif len(name) > MAX_NAME:
        errors["name"] = str(_l("At most %(n)s characters (WeCom's limit).", n=MAX_NAME))
    if not members:
        errors["staff_ids"] = str(_l("Choose at least one active member."))
    elif len(members) > MAX_MEMBERS:
        errors["staff_ids"] = str(_l("At most %(n)s members on one link (WeCom's limit).", n=MAX_MEMBERS))
    if errors:
        raise LinkInvalid(errors)
    userids = [m.userid for m in members]
    made = wecom().post(
        "externalcontact/customer_acquisition/create_link",
        data={"link_name": name, "range": {"user_list": userids}, "skip_verify": skip_verify},
    )["link"]
    link = AcquisitionLink(
        link_id=made["link_id"], name=name, url=made["url"], channel=CHANNEL_PREFIX + secrets.token_hex(8),
        userids=json.dumps(userids), skip_verify=skip_verify, created_at=now,
    )  # fmt: skip
    db.session.add(link)
    db.session.flush()
    return link


def delete(link: AcquisitionLink, *, now: datetime) -> None:
    """Delete it in WeCom; the customers it brought keep it as their source."""
    if link.deleted_at is None:
        wecom().post("externalcontact/customer_acquisition/delete_link", data={"link_id": link.link_id})
        link.deleted_at = now
        db.session.flush()


def names(states: list[str]) -> dict[str, str]:
    """channel → the link's name, for the states a link of ours carries."""
    wanted = sorted({s for s in states if s and s.startswith(CHANNEL_PREFIX)})
    if not wanted:
        return {}
    rows = db.session.execute(
        select(AcquisitionLink.channel, AcquisitionLink.name).where(AcquisitionLink.channel.in_(wanted))
    )
    return dict(rows.tuples().all())


def adds(links: Iterable[AcquisitionLink], *, since: datetime | None = None) -> dict[str, int]:
    """channel → customers added through it (since ``since``)."""
    channels = [link.channel for link in links]
    if not channels:
        return {}
    query = select(Follow.state, func.count()).where(Follow.state.in_(channels))
    if since is not None:
        query = query.where(Follow.added_at >= since)
    return {str(state): int(n) for state, n in db.session.execute(query.group_by(Follow.state)).tuples()}


@dataclass(frozen=True)
class Quota:
    balance: int
    used: int  # WeCom's total: used so far
    expiring: list[tuple[datetime, int]]
    per_day: float  # customers added through our links a day, over the last week
    days_left: int | None  # at that pace; None when nothing was added lately


def quota(*, now: datetime) -> Quota:
    answer = wecom().get("externalcontact/customer_acquisition_quota")
    balance, used = int(answer.get("balance") or 0), int(answer.get("total") or 0)
    expiring = [
        (datetime.fromtimestamp(int(q["expire_date"]), now.tzinfo), int(q["balance"]))
        for q in answer.get("quota_list") or []
    ]
    week = adds(db.session.scalars(select(AcquisitionLink)).all(), since=now - timedelta(days=7))
    per_day = sum(week.values()) / 7
    return Quota(balance, used, expiring, round(per_day, 1), int(balance / per_day) if per_day else None)
