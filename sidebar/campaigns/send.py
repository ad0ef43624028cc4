"""Handing a campaign to WeCom: the customers planned, split per guide into batches of at most 10,000
(doc 92135: ``external_userid`` "最多可传入1万个客户"), one ``add_msg_template`` each with the guide as
``sender``. WeCom then shows it in the guide's 群发助手; nothing reaches a customer until they confirm.

Never twice, and resumable: a batch is marked ``asking`` (committed) before the call and ``handed`` with
its msgid after. A run cut short between the two cannot know whether WeCom made the message, so the
next run looks for it (``get_groupmsg_list_v2`` over the minutes since it asked: same text, our guide in
its task list, our first customer in its send list) and asks again only when WeCom has none. A WeCom
that timed out leaves the batch ``asking`` for the same check; a rate limit leaves it ``pending``.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, literal, select, update

from sidebar.acquisition.welcome import ATTACHABLE, attachment
from sidebar.campaigns import plan
from sidebar.core import uow
from sidebar.core.analyze import analyze
from sidebar.extensions import db
from sidebar.models import (
    BatchStatus,
    Campaign,
    CampaignBatch,
    CampaignStatus,
    CampaignTarget,
    Customer,
    Material,
    Staff,
    TargetStatus,
)
from sidebar.wecom.errors import WeComError, WeComRateLimited, WeComUnavailable
from sidebar.wecom.gateway import wecom

log = logging.getLogger(__name__)
BATCH = 10_000
LOOK_BACK = timedelta(minutes=2)  # before asked_at: WeCom's clock and ours differ a little


def due(now: datetime) -> list[int]:
    """Campaigns to hand over now: scheduled and due, or cut short while sending."""
    return list(
        db.session.scalars(
            select(Campaign.id)
            .where(
                (Campaign.status == CampaignStatus.SENDING.value)
                | ((Campaign.status == CampaignStatus.SCHEDULED.value) & (Campaign.send_at <= now))
            )
            .order_by(Campaign.id)
        )
    )


def hand_over(campaign_id: int, *, now: datetime) -> dict[str, int]:
    """Plan (once) and hand every batch to WeCom; returns counts of batches by what happened."""
    campaign = db.session.get(Campaign, campaign_id)
    counts = {"handed": 0, "failed": 0, "waiting": 0}
    if campaign is None or campaign.status not in (
        CampaignStatus.SCHEDULED.value,
        CampaignStatus.SENDING.value,
    ):
        return counts
    if campaign.status == CampaignStatus.SCHEDULED.value:
        plan.write_targets(campaign, now=now)
        _make_batches(campaign)
        campaign.status = CampaignStatus.SENDING.value
        campaign.handed_at = now
        uow.commit_point("the plan is written: batches can now be handed over one by one")
    attachments = _attachments(campaign)
    for batch_id in db.session.scalars(
        select(CampaignBatch.id)
        .where(
            CampaignBatch.campaign_id == campaign.id,
            CampaignBatch.status.in_((BatchStatus.PENDING.value, BatchStatus.ASKING.value)),
        )
        .order_by(CampaignBatch.id)
    ).all():
        batch = db.session.get(CampaignBatch, batch_id)
        if batch is None or campaign.status != CampaignStatus.SENDING.value:
            break  # cancelled meanwhile (the commit before reloads the campaign)
        outcome = _hand(campaign, batch, attachments, now=now)
        counts[outcome] += 1
        uow.commit_point("one batch's outcome is kept before the next is asked")
    left = db.session.scalar(
        select(func.count())
        .select_from(CampaignBatch)
        .where(
            CampaignBatch.campaign_id == campaign.id,
            CampaignBatch.status.in_((BatchStatus.PENDING.value, BatchStatus.ASKING.value)),
        )
    )
    if not left and campaign.status == CampaignStatus.SENDING.value:
        campaign.status = CampaignStatus.SENT.value
    return counts


def _make_batches(campaign: Campaign) -> None:
    """A batch per guide (more for a guide with over 10,000 customers), and each planned customer in one."""
    planned = (CampaignTarget.campaign_id == campaign.id, CampaignTarget.status == TargetStatus.PLANNED.value)
    db.session.execute(
        insert(CampaignBatch).from_select(
            ["campaign_id", "staff_id", "seq", "size", "status", "failed", "send_status", "reminders"],
            select(
                CampaignTarget.campaign_id,
                CampaignTarget.staff_id,
                literal(0),
                func.count(),
                literal(BatchStatus.PENDING.value),
                literal(0),
                literal(0),
                literal("[]"),
            )
            .where(*planned)
            .group_by(CampaignTarget.campaign_id, CampaignTarget.staff_id),
        )
    )
    first = (
        select(CampaignBatch.id)
        .where(
            CampaignBatch.campaign_id == CampaignTarget.campaign_id,
            CampaignBatch.staff_id == CampaignTarget.staff_id,
            CampaignBatch.seq == 0,
        )
        .scalar_subquery()
    )
    db.session.execute(update(CampaignTarget).where(*planned).values(batch_id=first))
    # The few guides with more than a batch's worth: the rest of theirs into further batches.
    for batch in db.session.scalars(
        select(CampaignBatch).where(CampaignBatch.campaign_id == campaign.id, CampaignBatch.size > BATCH)
    ).all():
        ids = list(
            db.session.scalars(
                select(CampaignTarget.id)
                .where(CampaignTarget.batch_id == batch.id)
                .order_by(CampaignTarget.id)
            )
        )
        batch.size = BATCH
        for seq, start in enumerate(range(BATCH, len(ids), BATCH), start=1):
            chunk = ids[start : start + BATCH]
            extra = CampaignBatch(
                campaign_id=campaign.id, staff_id=batch.staff_id, seq=seq, size=len(chunk), reminders="[]"
            )
            db.session.add(extra)
            db.session.flush()
            for part in range(0, len(chunk), 1000):
                db.session.execute(
                    update(CampaignTarget)
                    .where(CampaignTarget.id.in_(chunk[part : part + 1000]))
                    .values(batch_id=extra.id)
                )
    analyze("campaign_targets")


def _attachments(campaign: Campaign) -> list[dict[str, Any]]:
    ids = json.loads(campaign.material_ids or "[]")
    found = {m.id: m for m in db.session.scalars(select(Material).where(Material.id.in_(ids)))}
    return [attachment(found[i]) for i in ids if i in found and found[i].kind in ATTACHABLE]


def _customers(batch: CampaignBatch) -> list[str]:
    return list(
        db.session.scalars(
            select(Customer.external_userid)
            .join(CampaignTarget, CampaignTarget.customer_id == Customer.id)
            .where(CampaignTarget.batch_id == batch.id)
            .order_by(CampaignTarget.id)
        )
    )


def _payload(
    campaign: Campaign, staff: Staff, customers: list[str], attachments: list[dict[str, Any]]
) -> dict:
    text = plan.fill_for_guide(campaign.text, staff)
    payload: dict[str, Any] = {"chat_type": "single", "external_userid": customers, "sender": staff.userid}
    if text:
        payload["text"] = {"content": text}
    if attachments:
        payload["attachments"] = attachments
    return payload


def _hand(
    campaign: Campaign, batch: CampaignBatch, attachments: list[dict[str, Any]], *, now: datetime
) -> str:
    staff = db.session.get(Staff, batch.staff_id)
    customers = _customers(batch)
    if staff is None or not customers:
        batch.status, batch.error = (
            BatchStatus.FAILED.value,
            str(_l("The guide or their customers are gone.")),
        )
        return "failed"
    payload = _payload(campaign, staff, customers, attachments)
    if batch.status == BatchStatus.ASKING.value:
        found = _find_in_wecom(batch, staff, payload, customers, now=now)
        if found is not None:
            batch.msgid, batch.status = found, BatchStatus.HANDED.value
            log.info("campaign %s batch %s was already in WeCom as %s", campaign.id, batch.id, found)
            return "handed"
    batch.status, batch.asked_at = BatchStatus.ASKING.value, now
    uow.commit_point(
        "asking is on record before WeCom is asked: a crash now is checked, never re-sent blindly"
    )
    try:
        answer = wecom().post("externalcontact/add_msg_template", data=payload)
    except WeComRateLimited:
        batch.status = BatchStatus.PENDING.value  # WeCom made nothing: ask again on the next run
        return "waiting"
    except WeComUnavailable as exc:
        log.warning(
            "campaign %s batch %s: WeCom did not answer (%s); checked on the next run",
            campaign.id,
            batch.id,
            exc,
        )
        return "waiting"  # stays asking: WeCom may have made it
    except WeComError as exc:
        batch.status, batch.error = BatchStatus.FAILED.value, exc.in_words()[:255]
        db.session.execute(
            update(CampaignTarget)
            .where(CampaignTarget.batch_id == batch.id)
            .values(status=TargetStatus.FAILED.value)
        )
        return "failed"
    batch.msgid, batch.status = answer["msgid"], BatchStatus.HANDED.value
    failed = [str(e) for e in answer.get("fail_list") or []]
    if failed:
        batch.failed = len(failed)
        for part in range(0, len(failed), 1000):
            db.session.execute(
                update(CampaignTarget)
                .where(
                    CampaignTarget.batch_id == batch.id,
                    CampaignTarget.customer_id.in_(
                        select(Customer.id).where(Customer.external_userid.in_(failed[part : part + 1000]))
                    ),
                )
                .values(status=TargetStatus.FAILED.value)
            )
    return "handed"


def _find_in_wecom(
    batch: CampaignBatch, staff: Staff, payload: dict[str, Any], customers: list[str], *, now: datetime
) -> str | None:
    """The msgid WeCom made for this batch before we could store it, or None when it made none."""
    asked = batch.asked_at or now
    taken = set(db.session.scalars(select(CampaignBatch.msgid).where(CampaignBatch.msgid.is_not(None))))
    cursor = ""
    text = (payload.get("text") or {}).get("content", "")
    while True:
        page = wecom().post(
            "externalcontact/get_groupmsg_list_v2",
            data={
                "chat_type": "single",
                "start_time": int((asked - LOOK_BACK).timestamp()),
                "end_time": int(max(now, asked + LOOK_BACK).timestamp()),
                "filter_type": 0,
                "limit": 100,
                "cursor": cursor,
            },
        )
        for msg in page.get("group_msg_list") or []:
            if msg["msgid"] in taken or (msg.get("text") or {}).get("content", "") != text:
                continue
            tasks = wecom().post(
                "externalcontact/get_groupmsg_task", data={"msgid": msg["msgid"], "limit": 1000}
            )
            if staff.userid not in {t["userid"] for t in tasks.get("task_list") or []}:
                continue
            sent = wecom().post(
                "externalcontact/get_groupmsg_send_result",
                data={"msgid": msg["msgid"], "userid": staff.userid, "limit": 1000},
            )
            if customers[0] in {r.get("external_userid") for r in sent.get("send_list") or []}:
                return str(msg["msgid"])
        cursor = page.get("next_cursor") or ""
        if not cursor:
            return None
