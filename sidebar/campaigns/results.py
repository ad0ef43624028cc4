"""What became of a campaign, read back from WeCom by a job (doc 93338): per guide from
``get_groupmsg_task`` (0 not sent, 1 confirmed, 2 sent, with the send time) and, once a guide has sent,
per customer from ``get_groupmsg_send_result`` (1 sent, 2 not a friend, 3 had received its limit).
Reminders (``remind_groupmsg_send``: at most three a message in 24 hours) and cancelling
(``cancel_groupmsg_send``, for what no guide has sent yet) live here too (doc 97610)."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import exists, func, literal, select, update

from sidebar.archive import source as archive_source
from sidebar.campaigns import send
from sidebar.core import uow
from sidebar.core.day_math import plus_days
from sidebar.extensions import db
from sidebar.models import (
    ArchiveMessage,
    BatchStatus,
    Campaign,
    CampaignBatch,
    CampaignStatus,
    CampaignTarget,
    Customer,
    TargetStatus,
)
from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import wecom

PAGE = 1000  # the most get_groupmsg_task and get_groupmsg_send_result answer a call
RESULT = {1: TargetStatus.SENT, 2: TargetStatus.NOT_FRIEND, 3: TargetStatus.LIMIT_REACHED}
REMINDS_PER_DAY = 3
FOLLOWED_FOR = timedelta(days=30)  # a campaign's results are read this long after it was handed


def followed(now: datetime) -> list[int]:
    """Campaigns whose results are still coming in."""
    return list(
        db.session.scalars(
            select(Campaign.id).where(
                Campaign.status.in_((CampaignStatus.SENDING.value, CampaignStatus.SENT.value)),
                Campaign.handed_at >= now - FOLLOWED_FOR,
            )
        )
    )


def poll(campaign_id: int, *, now: datetime) -> dict[str, int]:
    """Read each handed batch's state; store its customers' results once its guide has sent."""
    counts = {"batches": 0, "sent": 0, "results": 0}
    batch_ids = db.session.scalars(
        select(CampaignBatch.id).where(
            CampaignBatch.campaign_id == campaign_id,
            CampaignBatch.status == BatchStatus.HANDED.value,
            CampaignBatch.results_at.is_(None),
        )
    ).all()
    for batch_id in batch_ids:
        batch = db.session.get(CampaignBatch, batch_id)
        assert batch is not None and batch.msgid
        counts["batches"] += 1
        task = _task(batch)
        if task is None:
            continue
        batch.send_status = int(task.get("status") or 0)
        if batch.send_status == 2:
            batch.sent_at = datetime.fromtimestamp(int(task.get("send_time") or time.time()), UTC)
            counts["sent"] += 1
            counts["results"] += _store_results(batch)
            batch.results_at = now
        uow.commit_point("a batch's results are kept before the next is read")
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is not None:
        campaign.polled_at = now
    return counts


def _task(batch: CampaignBatch) -> dict | None:
    cursor = ""
    while True:
        page = wecom().post(
            "externalcontact/get_groupmsg_task", data={"msgid": batch.msgid, "limit": PAGE, "cursor": cursor}
        )
        for row in page.get("task_list") or []:
            if row.get("userid") == _userid(batch):
                return row
        cursor = page.get("next_cursor") or ""
        if not cursor:
            return None


def _userid(batch: CampaignBatch) -> str:
    from sidebar.models import Staff

    staff = db.session.get(Staff, batch.staff_id)
    return staff.userid if staff else ""


def _store_results(batch: CampaignBatch) -> int:
    """Every customer's result for the batch, a page (1,000) at a time, one UPDATE per result kind; the
    batch's counts with them (kept in the same commit as ``results_at``)."""
    batch.sent = batch.not_friend = batch.limit_reached = 0
    campaign = batch.campaign
    stored = 0
    cursor = ""
    userid = _userid(batch)
    while True:
        page = wecom().post(
            "externalcontact/get_groupmsg_send_result",
            data={"msgid": batch.msgid, "userid": userid, "limit": PAGE, "cursor": cursor},
        )
        by_result: dict[int, list[str]] = defaultdict(list)
        when: dict[int, int] = {}
        key = "chat_id" if campaign.target == "groups" else "external_userid"
        for row in page.get("send_list") or []:
            status = int(row.get("status") or 0)
            if status in RESULT and row.get(key):
                by_result[status].append(row[key])
                if row.get("send_time"):
                    when[status] = int(row["send_time"])
        for status, externals in by_result.items():
            column = RESULT[status].value  # sent, not_friend, limit_reached: the batch's own counts
            setattr(batch, column, getattr(batch, column) + len(externals))
            values: dict = {}
            if status == 1:
                values["sent_at"] = datetime.fromtimestamp(when.get(1, int(time.time())), UTC)
            stored += send.mark(campaign, externals, RESULT[status].value, **values)
        cursor = page.get("next_cursor") or ""
        if not cursor:
            return stored


def remind(campaign_id: int, *, now: datetime) -> dict[str, int]:
    """Remind every guide who has not sent yet, within WeCom's three reminders a message a day."""
    counts = {"reminded": 0, "at_limit": 0, "failed": 0}
    for batch in db.session.scalars(
        select(CampaignBatch).where(
            CampaignBatch.campaign_id == campaign_id,
            CampaignBatch.status == BatchStatus.HANDED.value,
            CampaignBatch.send_status != 2,
        )
    ).all():
        day_ago = now.timestamp() - 86400
        recent = [t for t in json.loads(batch.reminders or "[]") if t > day_ago]
        if len(recent) >= REMINDS_PER_DAY:
            counts["at_limit"] += 1
            continue
        try:
            wecom().post("externalcontact/remind_groupmsg_send", data={"msgid": batch.msgid})
        except WeComError:
            counts["failed"] += 1
            continue
        batch.reminders = json.dumps(recent + [int(now.timestamp())])
        counts["reminded"] += 1
    return counts


def can_remind(batch: CampaignBatch, *, now: datetime) -> bool:
    """Whether this batch's guide has not sent and may still be reminded today (three a day)."""
    if batch.status != BatchStatus.HANDED.value or batch.send_status == 2:
        return False
    day_ago = now.timestamp() - 86400
    return len([t for t in json.loads(batch.reminders or "[]") if t > day_ago]) < REMINDS_PER_DAY


def cancel(campaign_id: int, *, now: datetime) -> dict[str, int]:
    """Stop what no guide has sent: WeCom's tasks withdrawn, the customers not yet reached cancelled."""
    campaign = db.session.get(Campaign, campaign_id)
    counts = {"withdrawn": 0, "kept": 0}
    if campaign is None or campaign.status == CampaignStatus.CANCELLED.value:
        return counts
    for batch in campaign.batches:
        if batch.status == BatchStatus.HANDED.value and batch.send_status != 2:
            try:
                wecom().post("externalcontact/cancel_groupmsg_send", data={"msgid": batch.msgid})
            except WeComError:
                counts["kept"] += 1
                continue
            batch.status = BatchStatus.CANCELLED.value
            counts["withdrawn"] += 1
        elif batch.status in (BatchStatus.PENDING.value,):
            batch.status = BatchStatus.CANCELLED.value
    # Customers still waiting whose guide has nothing left to send (a guide whose batch was sent keeps
    # their customers' results, which the poll brings in).
    still_open = select(CampaignBatch.staff_id).where(
        CampaignBatch.campaign_id == campaign_id, CampaignBatch.status != BatchStatus.CANCELLED.value
    )
    table, _column, _size = send.rows_of(campaign)
    db.session.execute(
        update(table)
        .where(
            table.campaign_id == campaign_id,
            table.status == TargetStatus.PLANNED.value,
            table.staff_id.not_in(still_open),
        )
        .values(status=TargetStatus.CANCELLED.value)
        .execution_options(synchronize_session=False)
    )
    campaign.status, campaign.cancelled_at = CampaignStatus.CANCELLED.value, now
    return counts


def pending_for(staff_id: int) -> list[tuple[Campaign, int]]:
    """The mass messages waiting in this guide's 群发助手 (handed, not sent, not withdrawn), with how
    many of their customers each goes to; oldest first."""
    rows = db.session.execute(
        select(Campaign, func.sum(CampaignBatch.size))
        .join(CampaignBatch, CampaignBatch.campaign_id == Campaign.id)
        .where(
            CampaignBatch.staff_id == staff_id,
            CampaignBatch.status == BatchStatus.HANDED.value,
            CampaignBatch.send_status != 2,
            Campaign.status != CampaignStatus.CANCELLED.value,
        )
        .group_by(Campaign.id)
        .order_by(Campaign.handed_at, Campaign.id)
    ).all()
    return [(campaign, int(n or 0)) for campaign, n in rows]


@dataclass
class Outcome:
    """What the campaign led to: orders within the window after it reached each customer, against the
    holdout over the same window from when the campaign was handed over."""

    window_days: int
    reached: int
    reached_buyers: int
    reached_spent: int  # fen
    held_out: int
    held_out_buyers: int
    held_out_spent: int
    # Customers who wrote to a guide in the window (from the chat archive; None: no archive).
    reached_replied: int | None = None
    held_out_replied: int | None = None

    @property
    def reached_rate(self) -> float | None:
        return 100 * self.reached_buyers / self.reached if self.reached else None

    @property
    def held_out_rate(self) -> float | None:
        return 100 * self.held_out_buyers / self.held_out if self.held_out else None

    @property
    def uplift(self) -> float | None:
        """Percentage points of buyers the message added over the holdout."""
        if self.reached_rate is None or self.held_out_rate is None:
            return None
        return self.reached_rate - self.held_out_rate


def outcome(campaign: Campaign) -> Outcome:
    """Buyers and sales in the attribution window (the guides' coupon window, ``touch_days``) after the
    message reached each customer; for the holdout, after the campaign was handed over. Counted orders
    only (paid, not refunded away)."""
    from sidebar.guides import attribution
    from sidebar.models import COUNTED_STATUSES, Order

    days = attribution.settings().touch_days
    window = timedelta(days=days)

    def measure(status: str, since: Any) -> tuple[int, int, int]:
        targets = (CampaignTarget.campaign_id == campaign.id, CampaignTarget.status == status)
        total = db.session.scalar(select(func.count()).select_from(CampaignTarget).where(*targets)) or 0
        if not total:
            return 0, 0, 0
        if since is not None:
            start, end = since, since + window
        else:
            start, end = CampaignTarget.sent_at, plus_days(CampaignTarget.sent_at, days)
        bought = (
            select(
                CampaignTarget.customer_id, func.sum(Order.total_amount - Order.refund_amount).label("fen")
            )
            .join(Order, Order.customer_id == CampaignTarget.customer_id)
            .where(
                *targets,
                Order.status.in_(COUNTED_STATUSES),
                Order.paid_at >= start,
                Order.paid_at < end,
            )
            .group_by(CampaignTarget.customer_id)
            .subquery()
        )
        buyers, fen = db.session.execute(select(func.count(), func.coalesce(func.sum(bought.c.fen), 0))).one()
        return total, int(buyers), int(fen)

    reached = measure(TargetStatus.SENT.value, None)
    held = measure(TargetStatus.HELD_OUT.value, campaign.handed_at) if campaign.handed_at else (0, 0, 0)
    result = Outcome(days, *reached, *held)
    if archive_source.enabled(current_app.config):
        result.reached_replied = _replied(campaign, TargetStatus.SENT.value, None, days)
        if campaign.handed_at is not None and campaign.holdout_percent:
            result.held_out_replied = _replied(
                campaign, TargetStatus.HELD_OUT.value, campaign.handed_at, days
            )
    return result


def _replied(campaign: Campaign, status: str, since: Any, days: int) -> int:
    """Customers of the campaign (by result) who wrote to a guide within the window — after the message
    reached them, or for the holdout after the campaign was handed over (one index probe each:
    ``ix_archive_messages_customer_at``)."""
    start = CampaignTarget.sent_at if since is None else literal(since)
    end = plus_days(CampaignTarget.sent_at, days) if since is None else literal(since + timedelta(days=days))
    wrote = exists().where(
        ArchiveMessage.customer_userid == Customer.external_userid,
        ArchiveMessage.from_customer.is_(True),
        ArchiveMessage.sent_at >= start,
        ArchiveMessage.sent_at < end,
    )
    return (
        db.session.scalar(
            select(func.count())
            .select_from(CampaignTarget)
            .join(Customer, Customer.id == CampaignTarget.customer_id)
            .where(CampaignTarget.campaign_id == campaign.id, CampaignTarget.status == status, wrote)
        )
        or 0
    )


def summary(campaign_id: int) -> dict[str, int]:
    """Customers by result (only results some customer has), added up from the campaign's batches and
    its planning counts: a page view never counts a million rows."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        return {}
    counts = dict.fromkeys((s.value for s in TargetStatus), 0)
    counts[TargetStatus.HELD_OUT.value] = campaign.held_out
    counts[TargetStatus.OVER_LIMIT.value] = campaign.over_limit
    rows = db.session.execute(
        select(
            CampaignBatch.status,
            func.sum(CampaignBatch.size),
            func.sum(CampaignBatch.failed),
            func.sum(CampaignBatch.sent),
            func.sum(CampaignBatch.not_friend),
            func.sum(CampaignBatch.limit_reached),
        )
        .where(CampaignBatch.campaign_id == campaign_id)
        .group_by(CampaignBatch.status)
    ).tuples()
    for status, size, failed, sent, not_friend, limit_reached in rows:
        counts[TargetStatus.FAILED.value] += failed
        counts[TargetStatus.SENT.value] += sent
        counts[TargetStatus.NOT_FRIEND.value] += not_friend
        counts[TargetStatus.LIMIT_REACHED.value] += limit_reached
        rest = size - failed - sent - not_friend - limit_reached
        key = TargetStatus.CANCELLED if status == BatchStatus.CANCELLED.value else TargetStatus.PLANNED
        counts[key.value] += rest
    return {k: v for k, v in counts.items() if v}
