"""任务宝 through the emulator over HTTP: an inviter's personal code, friends scanning it and adding the
guide (WeCom's add events carrying the code's state), counted honestly — new customers only, once each,
taken back by a delete inside the hold period — and the reward issued exactly once."""

from __future__ import annotations

import io
import threading
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from sidebar.core import slots
from sidebar.extensions import db
from sidebar.growth import campaigns, codes, invites, rewards
from sidebar.models import (
    Coupon,
    CouponTemplate,
    Customer,
    RedPacket,
    ReferralCampaign,
    ReferralCode,
    ReferralInvite,
    ReferralReward,
    Staff,
    utcnow,
)
from sidebar.money import red_packets
from tests.sidebar_helpers import sign_in
from tests.web.sidebar.test_customers import customer_of
from tests.web.test_route_table import csrf_of

NEW = "wmREFERRAL{:021d}"


def _template_id() -> int:
    return db.session.scalar(select(CouponTemplate.id).where(CouponTemplate.name == "新客礼券"))


def a_campaign(app, **settings) -> int:
    with app.app_context():
        now = utcnow()
        rungs = settings.pop("rungs", None) or [
            campaigns.RungSpec(3, "coupon", coupon_template_id=_template_id())
        ]
        made = campaigns.create("老带新 冬季", starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=30),
                                rungs=rungs, **settings)  # fmt: skip
        db.session.commit()
        return made.id


def inviter_code(app, campaign_id: int, ext: str) -> tuple[str, str]:
    """The inviter's code: (config_id, state)."""
    with app.app_context():
        inviter = db.session.scalar(select(Customer).where(Customer.external_userid == ext))
        code = codes.code_for(db.session.get(ReferralCampaign, campaign_id), inviter)
        db.session.commit()
        return code.config_id, code.state


def scan(emulator, config_id: str, ext: str, name: str = "新朋友") -> None:
    contact = {"external_userid": ext, "name": name, "type": 1, "gender": 2}
    done = emulator.send_event(change_type="add_external_contact", config_id=config_id,
                               external_userid=ext, contact=contact)  # fmt: skip
    assert done["delivered"]


def delete(emulator, userid: str, ext: str) -> None:
    assert emulator.send_event(change_type="del_follow_user", userid=userid, external_userid=ext)["delivered"]


def statuses(app, campaign_id: int) -> dict[str, tuple[str, str | None]]:
    with app.app_context():
        rows = db.session.execute(
            select(Customer.external_userid, ReferralInvite.status, ReferralInvite.reason)
            .join(Customer, Customer.id == ReferralInvite.invitee_id)
            .where(ReferralInvite.campaign_id == campaign_id)
        )
        return {ext: (status, reason) for ext, status, reason in rows}


def progress(app, campaign_id: int, ext: str) -> invites.Progress:
    with app.app_context():
        inviter = db.session.scalar(select(Customer).where(Customer.external_userid == ext))
        return invites.progress(db.session.get(ReferralCampaign, campaign_id), inviter)


def run_job(app, now=None):
    job, _every = slots.PERIODIC["referrals"]
    with app.app_context():
        if now is None:
            return job()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("sidebar.jobs.utcnow", lambda: now)
            return job()


def coupons_of(app, ext: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(Coupon).join(Customer, Customer.id == Coupon.customer_id)
            .where(Customer.external_userid == ext, Coupon.referral_campaign_id.is_not(None))
        )  # fmt: skip


def test_three_friends_bring_the_coupon_and_a_delete_takes_one_back(seeded, live_app, emulator):
    inviter = customer_of("chenjing").external_userid
    campaign_id = a_campaign(seeded)
    config_id, state = inviter_code(seeded, campaign_id, inviter)
    made = emulator.calls("externalcontact/add_contact_way")[-1]["json"]
    assert made["state"] == state and made["user"] == ["chenjing"] and len(state) <= 30
    assert inviter_code(seeded, campaign_id, inviter) == (config_id, state)  # asked again: the same code

    friends = [NEW.format(n) for n in range(3)]
    for ext in friends:
        scan(emulator, config_id, ext)
    assert progress(seeded, campaign_id, inviter).counted == 3
    run_job(seeded)
    assert coupons_of(seeded, inviter) == 1

    delete(emulator, "chenjing", friends[0])  # inside the hold period
    assert statuses(seeded, campaign_id)[friends[0]] == ("reversed", "deleted")
    shown = progress(seeded, campaign_id, inviter)
    assert shown.counted == 2 and shown.next_rung == 3
    run_job(seeded)
    assert coupons_of(seeded, inviter) == 1  # the rung was paid once; it is not paid again

    # Past the hold period the two who stayed count for good; a delete then takes nothing back.
    run_job(seeded, now=utcnow() + timedelta(days=8))
    assert progress(seeded, campaign_id, inviter).confirmed == 2
    delete(emulator, "chenjing", friends[1])
    assert statuses(seeded, campaign_id)[friends[1]] == ("counted", None)


def test_only_customers_new_to_the_brand_count_and_each_once(seeded, live_app, emulator):
    inviter = customer_of("chenjing").external_userid
    campaign_id = a_campaign(seeded)
    config_id, _ = inviter_code(seeded, campaign_id, inviter)
    existing = customer_of("wangfang").external_userid  # already a contact of another guide
    scan(emulator, config_id, existing)
    lapsed = customer_of("huangli").external_userid  # deleted the guide, then adds again through the poster
    delete(emulator, "huangli", lapsed)
    scan(emulator, config_id, lapsed)
    fresh = NEW.format(7)
    scan(emulator, config_id, fresh)
    scan(emulator, config_id, fresh)  # the same friend again: one invitation
    seen = statuses(seeded, campaign_id)
    assert seen[existing] == ("refused", "not_new") and seen[lapsed] == ("refused", "not_new")
    assert seen[fresh] == ("pending", None) and len(seen) == 3
    assert progress(seeded, campaign_id, inviter).counted == 1


def test_self_invites_and_bursts_are_held_not_paid(seeded, live_app, emulator):
    inviter = customer_of("chenjing").external_userid
    campaign_id = a_campaign(seeded, burst_per_hour=2)
    config_id, _ = inviter_code(seeded, campaign_id, inviter)
    scan(emulator, config_id, inviter)  # scanning one's own poster
    friends = [NEW.format(n) for n in range(10, 13)]
    for ext in friends:
        scan(emulator, config_id, ext)
    seen = statuses(seeded, campaign_id)
    assert seen[inviter] == ("held", "self")
    assert [seen[f] for f in friends] == [("pending", None), ("pending", None), ("held", "burst")]

    run_job(seeded)
    assert coupons_of(seeded, inviter) == 0  # two count, the rung needs three: held ones are not paid


def test_a_ring_is_held(seeded, live_app, emulator):
    first = customer_of("chenjing").external_userid
    campaign_id = a_campaign(seeded)
    config_id, _ = inviter_code(seeded, campaign_id, first)
    friend = NEW.format(20)
    scan(emulator, config_id, friend)
    friend_code, _ = inviter_code(seeded, campaign_id, friend)
    scan(emulator, friend_code, first)  # the friend "invites" the one who invited them
    with seeded.app_context():
        reason = db.session.scalar(
            select(ReferralInvite.reason).join(Customer, Customer.id == ReferralInvite.invitee_id)
            .where(Customer.external_userid == first)
        )  # fmt: skip
    assert reason == "ring"


def test_a_reward_is_issued_once_however_many_runs_race_for_it(seeded, live_app, emulator):
    inviter = customer_of("chenjing").external_userid
    campaign_id = a_campaign(seeded, rungs=None)
    config_id, _ = inviter_code(seeded, campaign_id, inviter)
    for n in range(30, 33):
        scan(emulator, config_id, NEW.format(n))
    with seeded.app_context():
        assert rewards.make_due(utcnow()) == 1
        assert rewards.make_due(utcnow()) == 0  # made once
        db.session.commit()
        reward_id = db.session.scalar(select(ReferralReward.id))
    outcomes: list[str] = []

    def issue() -> None:
        with seeded.app_context():
            outcomes.append(rewards.issue_one(reward_id, now=utcnow()))
            db.session.remove()

    racers = [threading.Thread(target=issue) for _ in range(4)]
    for t in racers:
        t.start()
    for t in racers:
        t.join(30)
    assert sorted(outcomes).count("issued") == 1 and coupons_of(seeded, inviter) == 1
    with seeded.app_context():
        reward = db.session.get(ReferralReward, reward_id)
        assert reward.status == "issued" and reward.coupon_id


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return out.getvalue()


def test_a_campaign_that_breaks_a_rule_is_refused_in_words_and_nothing_is_made(seeded):
    with seeded.app_context():
        now = utcnow()
        cap = db.session.scalar(select(func.max(CouponTemplate.id)))
        window = {"starts_at": now, "ends_at": now + timedelta(days=7)}
        cases = {
            "rungs": dict(rungs=[campaigns.RungSpec(3, "red_packet", amount=500)], budget=0),  # no budget
            "poster": dict(
                rungs=[campaigns.RungSpec(3, "coupon", coupon_template_id=_template_id())],
                poster=b"GIF89a not really",
            ),  # fmt: skip
            "name": dict(rungs=[campaigns.RungSpec(3, "coupon", coupon_template_id=cap)]),
        }
        for field, settings in cases.items():
            name = "一" * 31 if field == "name" else "春季老带新"
            with pytest.raises(campaigns.CampaignInvalid) as refused:
                campaigns.create(name, **window, **settings)
            assert field in refused.value.errors and refused.value.errors[field]
        with pytest.raises(campaigns.CampaignInvalid) as refused:  # above head office's red-packet cap
            campaigns.create("春季老带新", **window, budget=10**6,
                             rungs=[campaigns.RungSpec(5, "red_packet", amount=10**6)])  # fmt: skip
        assert "红包" in refused.value.errors["rungs"] or "red packet" in refused.value.errors["rungs"]
        assert db.session.scalar(select(func.count()).select_from(ReferralCampaign)) == 0
        made = campaigns.create("春季老带新", **window, poster=_png(),
                                rungs=[campaigns.RungSpec(3, "coupon", coupon_template_id=_template_id())])  # fmt: skip
        assert made.poster_key


def test_a_code_past_wecoms_limit_is_refused_before_asking_wecom(seeded, emulator, monkeypatch):
    campaign_id = a_campaign(seeded)
    before = len(emulator.calls("externalcontact/add_contact_way"))
    with seeded.app_context():
        limit = codes.made_so_far()
        monkeypatch.setattr(codes, "CONTACT_WAY_LIMIT", limit)
        inviter = db.session.scalar(
            select(Customer).where(Customer.external_userid == customer_of("chenjing").external_userid)
        )
        with pytest.raises(codes.CodeRefused) as refused:
            codes.code_for(db.session.get(ReferralCampaign, campaign_id), inviter)
        assert f"「联系我」{limit:,} 个的上限" in str(refused.value)
        assert db.session.scalar(select(func.count()).select_from(ReferralCode)) == 0
    assert len(emulator.calls("externalcontact/add_contact_way")) == before


def test_an_ended_campaigns_codes_are_reused_with_a_new_state(seeded, live_app, emulator):
    first = a_campaign(seeded)
    config_id, state = inviter_code(seeded, first, customer_of("chenjing").external_userid)
    with seeded.app_context():
        assert campaigns.end(db.session.get(ReferralCampaign, first), now=utcnow()) == 1
        db.session.commit()
    second = a_campaign(seeded)
    made_before = len(emulator.calls("externalcontact/add_contact_way"))
    reused, new_state = inviter_code(seeded, second, customer_of("wangfang").external_userid)
    assert reused == config_id and new_state != state
    assert len(emulator.calls("externalcontact/add_contact_way")) == made_before
    updated = emulator.calls("externalcontact/update_contact_way")[-1]["json"]
    assert updated["config_id"] == config_id and updated["state"] == new_state
    assert updated["user"] == ["wangfang"]
    scan(emulator, config_id, NEW.format(40))  # the code now names the new inviter
    assert statuses(seeded, second) == {NEW.format(40): ("pending", None)}
    assert statuses(seeded, first) == {}


def test_red_packet_rewards_come_from_the_campaigns_budget_and_the_guide_sends_them(
    seeded, live_app, emulator
):
    with seeded.app_context():
        rule = red_packets.rule()
        rule.enabled = True
        db.session.commit()
        amount = rule.min_amount
    campaign_id = a_campaign(
        seeded, budget=amount, rungs=[campaigns.RungSpec(1, "red_packet", amount=amount)]
    )
    first, second = customer_of("chenjing").external_userid, customer_of("wangfang").external_userid
    for n, inviter in enumerate((first, second)):
        config_id, _ = inviter_code(seeded, campaign_id, inviter)
        scan(emulator, config_id, NEW.format(60 + n))
    run_job(seeded)
    with seeded.app_context():
        rewards_ = {r.inviter_id: r for r in db.session.scalars(select(ReferralReward))}
        by_ext = {c.external_userid: c.id for c in db.session.scalars(select(Customer).where(
            Customer.external_userid.in_([first, second])))}  # fmt: skip
        paid, refused = rewards_[by_ext[first]], rewards_[by_ext[second]]
        assert paid.status == "issued" and paid.red_packet_id
        assert (refused.status, refused.error) == ("failed", "campaign_budget")  # the budget paid one
        packet = db.session.get(RedPacket, paid.red_packet_id)
        assert packet.referral_campaign_id == campaign_id and packet.amount == amount
        staff = db.session.scalar(select(Staff).where(Staff.userid == "chenjing"))
        inviter = db.session.get(Customer, by_ext[first])
        used = red_packets.usage(staff, inviter, red_packets.rule(), utcnow())
        assert (used.guide_count, used.guide_amount) == (0, 0)  # not the guide's caps
        reward_id = paid.id

    # The guide sends it in one tap from the inviter's chat.
    client = seeded.test_client()
    sign_in(client, "chenjing")
    token = csrf_of(client, "/sidebar/")
    today = client.get("/sidebar/tasks").get_data(as_text=True)
    assert today.count('data-testid="reward-row"') == 1 and f'data-open-chat="{first}"' in today
    tab = client.get(f"/sidebar/customers/{first}/coupons").get_data(as_text=True)
    assert 'data-testid="send-reward"' in tab
    card = client.post(f"/sidebar/customers/{first}/referral-rewards/{reward_id}", headers={"X-CSRFToken": token},
                       data={"external_userid": first})  # fmt: skip
    assert card.status_code == 200 and card.json["message"]["msgtype"] in ("news", "link")
    assert client.post(card.json["sent_url"], headers={"X-CSRFToken": token}).status_code == 200
    assert 'data-testid="send-reward"' not in client.get(f"/sidebar/customers/{first}/coupons").get_data(
        as_text=True
    )
    with seeded.app_context():
        assert db.session.get(ReferralReward, reward_id).told_at is not None
        assert db.session.get(RedPacket, paid.red_packet_id).card_sent_at is not None
