"""企业群发 end to end against the emulator over HTTP, from the demo's data: planned once per customer from
the main guide, handed to WeCom one add_msg_template per guide, never twice after a crash, results read
back per guide and customer, reminders within WeCom's three a day, and cancelling what was not sent."""

from __future__ import annotations

import json
from datetime import timedelta

import requests
from sqlalchemy import func, select

from sidebar import demo
from sidebar.campaigns import plan, results, send
from sidebar.extensions import db
from sidebar.models import (
    AdminAccount,
    BatchStatus,
    Campaign,
    CampaignBatch,
    CampaignStatus,
    CampaignTarget,
    Customer,
    Follow,
    Staff,
    Tag,
    utcnow,
)

SENSITIVE = demo.tag_id("肤质", "敏感肌")


def _admin() -> AdminAccount:
    account = db.session.scalar(select(AdminAccount).where(AdminAccount.username == "campaigns"))
    if account is None:
        account = AdminAccount(username="campaigns", password_hash="x")
        db.session.add(account)
        db.session.flush()
    return account


def _campaign(**fields) -> Campaign:
    tag = db.session.scalar(select(Tag.id).where(Tag.wecom_tag_id == SENSITIVE))
    campaign = Campaign(
        name=fields.pop("name", "敏感肌新品"),
        text=fields.pop("text", "{导购姓名}为您推荐：修护新品到店～"),
        material_ids="[]",
        audience=json.dumps(fields.pop("audience", {"tags_any": str(tag)})),
        holdout_percent=fields.pop("holdout_percent", 0),
        send_at=utcnow(),
        admin_account_id=_admin().id,
        **fields,
    )
    db.session.add(campaign)
    db.session.flush()
    return campaign


def _sensitive() -> dict[str, str]:
    """Sensitive-skin customers who are some active guide's contact → their main guide (the latest added)."""
    out = {}
    for i in range(demo.DEFAULT_CUSTOMERS):
        c = demo.customer(i)
        if SENSITIVE not in c.tag_ids or not c.serving:
            continue
        out[c.external_userid] = max(c.serving, key=lambda f: f.createtime).userid
    return out


def _confirm(emulator, msgid: str, userid: str) -> dict:
    return requests.post(
        emulator.url + "/_emulator/groupmsg/confirm", json={"msgid": msgid, "userid": userid}, timeout=5
    ).json()


def test_a_campaign_reaches_each_customer_once_from_their_main_guide(seeded, emulator):
    want = _sensitive()
    with seeded.app_context():
        campaign = _campaign()
        ahead = plan.forecast(campaign, _admin(), now=utcnow())
        assert ahead.reached == len(want) and ahead.over_limit == ahead.held_out == 0
        assert sum(n for _, n in ahead.guides) == len(want)
        db.session.commit()
        send.hand_over(campaign.id, now=utcnow())
        db.session.commit()
        campaign = db.session.get(Campaign, campaign.id)
        assert campaign.status == CampaignStatus.SENT.value and campaign.planned == len(want)
        batches = {db.session.get(Staff, b.staff_id).userid: b for b in campaign.batches}
    calls = emulator.calls("externalcontact/add_msg_template")
    assert len(calls) == len(batches) == len(set(want.values()))
    sent_to = {}
    for call in calls:
        body = call["json"]
        assert body["chat_type"] == "single" and len(body["external_userid"]) <= 10_000
        guide = next(s for s in demo.STAFF if s.userid == body["sender"])
        assert body["text"]["content"] == f"{guide.name}为您推荐：修护新品到店～"  # filled per guide
        for ext in body["external_userid"]:
            assert ext not in sent_to  # never twice
            sent_to[ext] = body["sender"]
    assert sent_to == want


def test_a_crash_between_asking_and_storing_never_sends_twice(seeded, emulator):
    with seeded.app_context():
        campaign = _campaign()
        send.hand_over(campaign.id, now=utcnow())
        db.session.commit()
        first = db.session.scalar(
            select(CampaignBatch).where(CampaignBatch.campaign_id == campaign.id).order_by(CampaignBatch.id)
        )
        made = first.msgid
        # As if the process died after WeCom made the message and before its msgid was stored.
        first.status, first.msgid, first.asked_at = (
            BatchStatus.ASKING.value,
            None,
            utcnow() - timedelta(seconds=5),
        )
        db.session.get(Campaign, campaign.id).status = CampaignStatus.SENDING.value
        db.session.commit()
        asked = len(emulator.calls("externalcontact/add_msg_template"))
        send.hand_over(campaign.id, now=utcnow())
        db.session.commit()
        assert len(emulator.calls("externalcontact/add_msg_template")) == asked  # found, not asked again
        assert db.session.get(CampaignBatch, first.id).msgid == made
        assert db.session.get(Campaign, campaign.id).status == CampaignStatus.SENT.value


def test_results_reminders_and_cancelling(seeded, emulator):
    want = _sensitive()
    with seeded.app_context():
        campaign = _campaign()
        send.hand_over(campaign.id, now=utcnow())
        db.session.commit()
        batches = list(
            db.session.scalars(select(CampaignBatch).where(CampaignBatch.campaign_id == campaign.id))
        )
        userids = {b.id: db.session.get(Staff, b.staff_id).userid for b in batches}
        first, rest = batches[0], batches[1:]
        # One customer of the first guide deleted them before the guide sent.
        gone_ext = next(e for e, u in want.items() if u == userids[first.id])
        with emulator.state.lock:
            del emulator.state.follows[gone_ext][userids[first.id]]
        counts = _confirm(emulator, first.msgid, userids[first.id])
        assert counts["not_friend"] == 1 and counts["sent"] == first.size - 1
        polled = results.poll(campaign.id, now=utcnow())
        db.session.commit()
        assert polled["sent"] == 1 and polled["results"] == first.size
        by_status = results.summary(campaign.id)
        assert by_status["sent"] == first.size - 1 and by_status["not_friend"] == 1
        assert by_status["planned"] == len(want) - first.size
        gone = db.session.scalar(select(Customer.id).where(Customer.external_userid == gone_ext))
        assert (
            db.session.scalar(
                select(CampaignTarget.status).where(
                    CampaignTarget.campaign_id == campaign.id, CampaignTarget.customer_id == gone
                )
            )
            == "not_friend"
        )

        # Reminders: the guides who have not sent, three times a day at most.
        for _ in range(3):
            assert results.remind(campaign.id, now=utcnow())["reminded"] == len(rest)
        assert results.remind(campaign.id, now=utcnow()) == {
            "reminded": 0,
            "at_limit": len(rest),
            "failed": 0,
        }
        assert len(emulator.calls("externalcontact/remind_groupmsg_send")) == 3 * len(rest)
        db.session.commit()

        # Cancelled: what was not sent is withdrawn; a guide's tap afterwards sends nothing.
        outcome = results.cancel(campaign.id, now=utcnow())
        db.session.commit()
        assert outcome["withdrawn"] == len(rest)
        assert _confirm(emulator, rest[0].msgid, userids[rest[0].id])["sent"] == 0
        by_status = results.summary(campaign.id)
        assert by_status["cancelled"] == len(want) - first.size and by_status["sent"] == first.size - 1


def test_customers_over_wecoms_limit_are_left_out_and_said(seeded, emulator):
    seeded.config["MASS_MESSAGE_RULE"] = "day"  # the brand's 群发规则: one a day
    try:
        with seeded.app_context():
            earlier = _campaign(name="早上的群发")
            send.hand_over(earlier.id, now=utcnow())
            db.session.commit()
            later = _campaign(name="下午的群发")
            ahead = plan.forecast(later, _admin(), now=utcnow())
            assert ahead.reached == 0 and ahead.over_limit == len(_sensitive())
            send.hand_over(later.id, now=utcnow())
            db.session.commit()
            later = db.session.get(Campaign, later.id)
            assert later.over_limit == len(_sensitive()) and later.planned == 0 and not later.batches
    finally:
        seeded.config["MASS_MESSAGE_RULE"] = "month"


def test_a_holdout_is_kept_out_and_nobodys_customers_are_counted(seeded, emulator):
    with seeded.app_context():
        # One sensitive-skin customer is nobody's contact any more.
        ext = next(iter(_sensitive()))
        customer = db.session.scalar(select(Customer).where(Customer.external_userid == ext))
        for f in db.session.scalars(select(Follow).where(Follow.customer_id == customer.id)):
            f.deleted_at = utcnow()
        campaign = _campaign(holdout_percent=30)
        ahead = plan.forecast(campaign, _admin(), now=utcnow())
        assert ahead.nobodys == 1
        send.hand_over(campaign.id, now=utcnow())
        db.session.commit()
        campaign = db.session.get(Campaign, campaign.id)
        total = len(_sensitive()) - 1
        assert campaign.held_out == ahead.held_out and 0 < campaign.held_out < total
        assert campaign.planned + campaign.held_out == total and campaign.nobodys == 1
        asked = {
            e
            for c in emulator.calls("externalcontact/add_msg_template")
            for e in c["json"]["external_userid"]
        }
        held = set(
            db.session.scalars(
                select(Customer.external_userid)
                .join(CampaignTarget, CampaignTarget.customer_id == Customer.id)
                .where(CampaignTarget.campaign_id == campaign.id, CampaignTarget.status == "held_out")
            )
        )
        assert held and not held & asked and ext not in asked
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(CampaignTarget)
                .where(CampaignTarget.campaign_id == campaign.id)
            )
            == total
        )


def test_what_it_led_to_counts_orders_in_the_window_against_the_holdout(seeded, emulator):
    from sidebar.models import Order, TargetStatus

    with seeded.app_context():
        campaign = _campaign(holdout_percent=40)
        send.hand_over(campaign.id, now=utcnow())
        db.session.commit()
        for batch in db.session.get(Campaign, campaign.id).batches:
            _confirm(emulator, batch.msgid, db.session.get(Staff, batch.staff_id).userid)
        results.poll(campaign.id, now=utcnow())
        db.session.commit()
        reached = db.session.scalars(
            select(CampaignTarget.customer_id).where(
                CampaignTarget.campaign_id == campaign.id, CampaignTarget.status == TargetStatus.SENT.value
            )
        ).all()
        held = db.session.scalars(
            select(CampaignTarget.customer_id).where(
                CampaignTarget.campaign_id == campaign.id,
                CampaignTarget.status == TargetStatus.HELD_OUT.value,
            )
        ).all()
        assert reached and held
        later = utcnow() + timedelta(days=1)
        for n, customer_id in enumerate([reached[0], reached[1], held[0]]):
            db.session.add(
                Order(
                    platform="mall",
                    order_no=f"CAMP-{n}",
                    customer_id=customer_id,
                    total_amount=10000,
                    paid_at=later,
                    status="paid",
                )
            )
        # Long after the window: not counted.
        db.session.add(
            Order(
                platform="mall",
                order_no="CAMP-late",
                customer_id=reached[2],
                total_amount=10000,
                paid_at=utcnow() + timedelta(days=40),
                status="paid",
            )
        )
        db.session.commit()
        led = results.outcome(db.session.get(Campaign, campaign.id))
        assert (led.reached, led.reached_buyers, led.reached_spent) == (len(reached), 2, 20000)
        assert (led.held_out, led.held_out_buyers, led.held_out_spent) == (len(held), 1, 10000)
        assert round(led.uplift, 3) == round(200 / len(reached) - 100 / len(held), 3)


def test_a_guide_with_more_customers_than_a_batch_gets_several_none_twice(seeded, emulator, monkeypatch):
    monkeypatch.setattr(send, "BATCH", 5)  # WeCom's is 10,000: the same split, on the demo's numbers
    want = _sensitive()
    with seeded.app_context():
        campaign = _campaign()
        send.hand_over(campaign.id, now=utcnow())
        db.session.commit()
        batches = db.session.get(Campaign, campaign.id).batches
        assert all(b.size <= 5 for b in batches) and sum(b.size for b in batches) == len(want)
    calls = emulator.calls("externalcontact/add_msg_template")
    assert len(calls) == len(batches) > len(set(want.values()))
    asked = [e for c in calls for e in c["json"]["external_userid"]]
    assert sorted(asked) == sorted(want) and all(len(c["json"]["external_userid"]) <= 5 for c in calls)


def test_a_group_campaign_goes_into_each_tagged_group_from_its_owner(seeded, emulator):
    from sidebar.customers import group_notes
    from sidebar.models import CampaignGroupTarget, GroupChat

    with seeded.app_context():
        groups = list(db.session.scalars(select(GroupChat).order_by(GroupChat.id)))
        tagged = groups[:2]
        for g in tagged:
            group_notes.add_tag(g, "新品体验群")
        db.session.commit()
        campaign = _campaign(name="群发新品", audience={"tag": "新品体验群"}, target="groups")
        ahead = plan.forecast(campaign, _admin(), now=utcnow())
        assert ahead.customers == ahead.reached == 2
        send.hand_over(campaign.id, now=utcnow())
        db.session.commit()
        calls = emulator.calls("externalcontact/add_msg_template")
        assert {c["json"]["chat_type"] for c in calls} == {"group"}
        sent_to = {chat: c["json"]["sender"] for c in calls for chat in c["json"]["chat_id_list"]}
        assert sent_to == {g.chat_id: g.owner_userid for g in tagged}
        for batch in db.session.get(Campaign, campaign.id).batches:
            _confirm(emulator, batch.msgid, db.session.get(Staff, batch.staff_id).userid)
        results.poll(campaign.id, now=utcnow())
        db.session.commit()
        statuses = set(
            db.session.scalars(
                select(CampaignGroupTarget.status).where(CampaignGroupTarget.campaign_id == campaign.id)
            )
        )
        assert statuses == {"sent"} and results.summary(campaign.id) == {"sent": 2}


def test_an_audience_of_the_customers_of_a_guide_tier(seeded, emulator):
    with seeded.app_context():
        campaign = _campaign(audience={"guide_tier": "C"})
        ahead = plan.forecast(campaign, _admin(), now=utcnow())
        tier_c = {s.userid for s in demo.STAFF if s.tier == "C" and s.active}
        served = {
            demo.customer(i).external_userid
            for i in range(demo.DEFAULT_CUSTOMERS)
            if {f.userid for f in demo.customer(i).serving} & tier_c
        }
        assert ahead.customers == len(served) > 0


def test_what_it_led_to_counts_customers_who_wrote_back_in_the_archive(seeded, emulator):
    from sidebar.archive import pull
    from sidebar.models import Customer, TargetStatus
    from tests.archive.test_pull import say, text

    with seeded.app_context():
        campaign = _campaign(holdout_percent=40)
        send.hand_over(campaign.id, now=utcnow())
        db.session.commit()
        for batch in db.session.get(Campaign, campaign.id).batches:
            _confirm(emulator, batch.msgid, db.session.get(Staff, batch.staff_id).userid)
        results.poll(campaign.id, now=utcnow())
        db.session.commit()

        def first(status: str) -> tuple[str, str]:
            return db.session.execute(
                select(Customer.external_userid, Staff.userid)
                .join(CampaignTarget, CampaignTarget.customer_id == Customer.id)
                .join(Staff, Staff.id == CampaignTarget.staff_id)
                .where(CampaignTarget.campaign_id == campaign.id, CampaignTarget.status == status)
                .limit(1)
            ).one()

        reached, held = first(TargetStatus.SENT.value), first(TargetStatus.HELD_OUT.value)
        campaign_id = campaign.id
    for ext, guide in (reached, held):
        say(emulator, "customer", text("收到了，新品什么时候到店？"), userid=guide, ext=ext)
    with seeded.app_context():
        pull.pull(now=utcnow())
        led = results.outcome(db.session.get(Campaign, campaign_id))
        assert (led.reached_replied, led.held_out_replied) == (1, 1)
