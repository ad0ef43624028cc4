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
import typing
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, func, insert, literal, select, update
from sqlalchemy.orm import selectinload

from sidebar.acquisition.welcome import attachable, attachment, public_url
from sidebar.campaigns import plan
from sidebar.core import uow
from sidebar.core.analyze import analyze
from sidebar.core.locking import changed
from sidebar.extensions import db
from sidebar.models import (
    BatchStatus,
    Campaign,
    CampaignBatch,
    CampaignGroupTarget,
    CampaignStatus,
    CampaignTarget,
    CouponTemplate,
    Customer,
    GroupChat,
    Material,
    Staff,
    TargetStatus,
)
from sidebar.money import campaign_coupons
from sidebar.wecom.errors import WeComError, WeComRateLimited, WeComUnavailable
from sidebar.wecom.gateway import wecom

log = logging.getLogger(__name__)
BATCH = 10_000
GROUP_BATCH = 2_000
LOOK_BACK = timedelta(minutes=2)  # before asked_at: WeCom's clock and ours differ a little


# Customers who were never in a batch: their status is set at planning and never changes.
NOT_SENT_BY_DESIGN = (TargetStatus.HELD_OUT.value, TargetStatus.OVER_LIMIT.value)
ZEROS = ("failed", "sent", "not_friend", "limit_reached", "send_status")  # a new batch's counts
CHUNK = 50  # batches marked as being asked in one commit, their msgids kept in the next


def rows_of(campaign: Campaign) -> tuple[Any, Any, int]:
    """The campaign's target table, its recipient column and how many recipients a call takes (doc
    92135): customers (``external_userid``, "最多可传入1万个客户") or groups (``chat_id_list``,
    "最多可一次指定2000个客户群")."""
    if campaign.target == "groups":
        return CampaignGroupTarget, CampaignGroupTarget.group_id, GROUP_BATCH
    return CampaignTarget, CampaignTarget.customer_id, BATCH


def of_batch(campaign: Campaign, batch: CampaignBatch) -> Any:
    """``SELECT`` a batch's recipients (ids): its guide's planned customers (or groups) of the campaign,
    in id order, the ``seq``-th batch-full of them. Membership is fixed at planning (statuses that leave
    a batch — held out, over the limit — are set then and never change), so no row carries its batch."""
    table, column, size = rows_of(campaign)
    return (
        select(column)
        .where(
            table.campaign_id == batch.campaign_id,
            table.staff_id == batch.staff_id,
            table.status.not_in(NOT_SENT_BY_DESIGN),
        )
        .order_by(table.id)
        .offset(batch.seq * size)
        .limit(size)
    )


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
        # Claimed first, the way an edit changes it (``plan.revise``): from here on its content and
        # audience are fixed, and a second runner finds it taken.
        if not changed(
            update(Campaign)
            .where(Campaign.id == campaign.id, Campaign.status == CampaignStatus.SCHEDULED.value)
            .values(status=CampaignStatus.SENDING.value)
        ):
            return counts
        uow.commit_point("the campaign is claimed: no edit can change it now")
        db.session.refresh(campaign)
    if campaign.handed_at is None:  # not planned yet (or a planning cut short, rolled back whole)
        plan.write_targets(campaign, now=now)
        _make_batches(campaign)
        campaign.handed_at = now
        uow.commit_point("the plan is written: batches can now be handed over one by one")
    attachments = _attachments(campaign)
    staff = {
        s.id: s
        for s in db.session.scalars(
            select(Staff)
            .options(selectinload(Staff.store))
            .where(
                Staff.id.in_(select(CampaignBatch.staff_id).where(CampaignBatch.campaign_id == campaign.id))
            )
        )
    }
    asking = list(
        db.session.scalars(
            select(CampaignBatch).where(
                CampaignBatch.campaign_id == campaign.id, CampaignBatch.status == BatchStatus.ASKING.value
            )
        )
    )
    if asking:  # a run cut short: find what WeCom made before asking again
        found = _find_in_wecom(campaign, asking, staff, attachments, now=now)
        for batch in asking:
            if batch.id in found:
                batch.msgid, batch.status = found[batch.id], BatchStatus.HANDED.value
                counts["handed"] += 1
            else:
                batch.status = BatchStatus.PENDING.value
        uow.commit_point("what WeCom already had is kept; the rest is asked again")
    while campaign.status == CampaignStatus.SENDING.value:
        chunk = list(
            db.session.scalars(
                select(CampaignBatch)
                .where(
                    CampaignBatch.campaign_id == campaign.id,
                    CampaignBatch.status == BatchStatus.PENDING.value,
                )
                .order_by(CampaignBatch.id)
                .limit(CHUNK)
            )
        )
        if not chunk:
            break
        for batch in chunk:
            batch.status, batch.asked_at = BatchStatus.ASKING.value, now
        uow.commit_point(
            "asking is on record before WeCom is asked: a crash now is checked, never re-sent blindly"
        )
        outcomes = [_hand(campaign, batch, staff.get(batch.staff_id), attachments) for batch in chunk]
        for outcome in outcomes:
            counts[outcome] += 1
        uow.commit_point("the chunk's msgids are kept before the next chunk is asked")
        if "waiting" in outcomes:
            break  # WeCom is limiting or not answering: the next run goes on
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
    """A batch per guide (more for a guide with over a batch-full), and each planned recipient in one."""
    table, _column, size = rows_of(campaign)
    planned = (table.campaign_id == campaign.id, table.status == TargetStatus.PLANNED.value)
    db.session.execute(
        insert(CampaignBatch).from_select(
            ["campaign_id", "staff_id", "seq", "size", "status", "reminders", *ZEROS],
            select(
                table.campaign_id,
                table.staff_id,
                literal(0),
                func.count(),
                literal(BatchStatus.PENDING.value),
                literal("[]"),
                *(literal(0) for _ in ZEROS),
            )
            .where(*planned)
            .group_by(table.campaign_id, table.staff_id),
        )
    )
    # The few guides with more than a batch's worth: further batches for the rest of theirs.
    for batch in db.session.scalars(
        select(CampaignBatch).where(CampaignBatch.campaign_id == campaign.id, CampaignBatch.size > size)
    ).all():
        total, batch.size = batch.size, size
        for seq in range(1, -(-total // size)):
            db.session.add(
                CampaignBatch(
                    campaign_id=campaign.id,
                    staff_id=batch.staff_id,
                    seq=seq,
                    size=min(size, total - seq * size),
                    reminders="[]",
                )
            )
    db.session.flush()
    analyze(table.__tablename__)


def _attachments(campaign: Campaign) -> list[dict[str, Any]]:
    ids = json.loads(campaign.material_ids or "[]")
    found = {m.id: m for m in db.session.scalars(select(Material).where(Material.id.in_(ids)))}
    made = [attachment(found[i]) for i in ids if i in found and attachable(found[i])]
    if campaign.coupon_template_id is not None:
        made.append(_coupon_card(campaign))
    return made


def _coupon_card(campaign: Campaign) -> dict[str, Any]:
    """The coupon card, last: a link to the campaign's claim page (``money.campaign_coupons``)."""
    template = db.session.get(CouponTemplate, campaign.coupon_template_id)
    assert template is not None  # RESTRICT: a template a campaign names cannot be deleted
    adapter = current_app.url_map.bind("localhost")
    token = campaign_coupons.claim_token(campaign)
    claim = public_url(adapter.build("claim.campaign_page", {"token": token}))
    image = public_url(adapter.build("claim.card_image", {"kind": "coupon"}))
    return campaign_coupons.attachment(template, claim, image)


def _recipients(campaign: Campaign, batch: CampaignBatch) -> list[str]:
    """The batch's external_userids (or chat_ids), in its order."""
    ids = of_batch(campaign, batch).subquery()
    if campaign.target == "groups":
        return list(db.session.scalars(select(GroupChat.chat_id).join(ids, ids.c.group_id == GroupChat.id)))
    return list(
        db.session.scalars(select(Customer.external_userid).join(ids, ids.c.customer_id == Customer.id))
    )


def _payload(
    campaign: Campaign, staff: Staff, customers: list[str], attachments: list[dict[str, Any]]
) -> dict[str, Any]:
    text = plan.fill_for_guide(campaign.text, staff)
    if campaign.target == "groups":
        payload: dict[str, Any] = {"chat_type": "group", "chat_id_list": customers, "sender": staff.userid}
    else:
        payload = {"chat_type": "single", "external_userid": customers, "sender": staff.userid}
    if text:
        payload["text"] = {"content": text}
    if attachments:
        payload["attachments"] = attachments
    return payload


def mark(campaign: Campaign, recipients: list[str], status: str, **values: Any) -> int:
    """Set these customers' (or groups') status in the campaign, 1,000 a statement ((campaign, recipient)
    is unique); how many rows changed."""
    table, column, _size = rows_of(campaign)
    if campaign.target == "groups":
        ids = lambda part: select(GroupChat.id).where(GroupChat.chat_id.in_(part))  # noqa: E731
    else:
        ids = lambda part: select(Customer.id).where(Customer.external_userid.in_(part))  # noqa: E731
    changed = 0
    for start in range(0, len(recipients), 1000):
        result = db.session.execute(
            update(table)
            .where(table.campaign_id == campaign.id, column.in_(ids(recipients[start : start + 1000])))
            .values(status=status, **values)
            .execution_options(synchronize_session=False)
        )
        changed += typing.cast(CursorResult, result).rowcount or 0
    return changed


def _hand(
    campaign: Campaign, batch: CampaignBatch, staff: Staff | None, attachments: list[dict[str, Any]]
) -> str:
    """Ask WeCom for one batch (already marked as being asked); keep its msgid or why it failed."""
    customers = _recipients(campaign, batch)
    if staff is None or not customers:
        batch.status, batch.failed = BatchStatus.FAILED.value, len(customers)
        batch.error = str(_l("The guide or their customers are gone."))
        return "failed"
    try:
        answer = wecom().post(
            "externalcontact/add_msg_template", data=_payload(campaign, staff, customers, attachments)
        )
    except WeComRateLimited:
        batch.status = BatchStatus.PENDING.value  # WeCom made nothing: asked again on the next run
        return "waiting"
    except WeComUnavailable as exc:
        log.warning(
            "campaign %s batch %s: WeCom did not answer (%s); checked next run", campaign.id, batch.id, exc
        )
        return "waiting"  # stays asking: WeCom may have made it
    except WeComError as exc:
        batch.status, batch.error = BatchStatus.FAILED.value, exc.in_words()[:255]
        batch.failed = len(customers)
        mark(campaign, customers, TargetStatus.FAILED.value)
        return "failed"
    batch.msgid, batch.status = answer["msgid"], BatchStatus.HANDED.value
    failed = [str(e) for e in answer.get("fail_list") or []]
    if failed:
        batch.failed = len(failed)
        mark(campaign, failed, TargetStatus.FAILED.value)
    return "handed"


def _find_in_wecom(
    campaign: Campaign,
    batches: list[CampaignBatch],
    staff: dict[int, Staff],
    attachments: list[dict[str, Any]],
    *,
    now: datetime,
) -> dict[int, str]:
    """batch id → the msgid WeCom made for it before we could keep it. One pass over WeCom's list of
    the minutes since the first was asked: each unclaimed message's sender (``get_groupmsg_task``),
    then, for a message with our guide and our text, its send list holding the batch's first customer."""
    asked = min((b.asked_at or now) for b in batches)
    taken = set(db.session.scalars(select(CampaignBatch.msgid).where(CampaignBatch.msgid.is_not(None))))
    by_sender: dict[tuple[str, str], list[str]] = {}
    cursor = ""
    while True:
        page = wecom().post(
            "externalcontact/get_groupmsg_list_v2",
            data={
                "chat_type": "group" if campaign.target == "groups" else "single",
                "start_time": int((asked - LOOK_BACK).timestamp()),
                "end_time": int(max(now, asked + LOOK_BACK).timestamp()),
                "filter_type": 0,
                "limit": 100,
                "cursor": cursor,
            },
        )
        for msg in page.get("group_msg_list") or []:
            if msg["msgid"] in taken:
                continue
            text = (msg.get("text") or {}).get("content", "")
            tasks = wecom().post(
                "externalcontact/get_groupmsg_task", data={"msgid": msg["msgid"], "limit": 1000}
            )
            for task in tasks.get("task_list") or []:
                by_sender.setdefault((task["userid"], text), []).append(msg["msgid"])
        cursor = page.get("next_cursor") or ""
        if not cursor:
            break
    found: dict[int, str] = {}
    for batch in batches:
        person = staff.get(batch.staff_id)
        customers = _recipients(campaign, batch)
        if person is None or not customers:
            continue
        text = (_payload(campaign, person, customers, attachments).get("text") or {}).get("content", "")
        for msgid in by_sender.get((person.userid, text), []):
            if msgid in found.values():
                continue
            if campaign.target == "groups":
                # A group send lists only the groups it reached, none before the owner sends: the owner
                # and the text are all there is to match (one group message per owner and run).
                found[batch.id] = msgid
                break
            sent = wecom().post(
                "externalcontact/get_groupmsg_send_result",
                data={"msgid": msgid, "userid": person.userid, "limit": 1000},
            )
            if customers[0] in {r.get("external_userid") for r in sent.get("send_list") or []}:
                found[batch.id] = msgid
                log.info("campaign %s batch %s was already in WeCom as %s", campaign.id, batch.id, msgid)
                break
    return found
