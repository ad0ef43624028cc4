"""A mass message's coupon card: the card is a link in the message; each recipient claims one coupon
through it (WeChat OAuth as the emulator answers it), once, from the template's stock but not from any
guide's daily quota; customers the message did not go to cannot; the campaign's outcome counts the
coupons claimed and redeemed."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import func, select

from sidebar.campaigns import send
from sidebar.extensions import db
from sidebar.models import (
    Campaign,
    CampaignStatus,
    CampaignTarget,
    Coupon,
    CouponTemplate,
    Customer,
    Staff,
    TargetStatus,
    utcnow,
)
from sidebar.money import campaign_coupons, coupons
from tests.campaigns.test_campaigns import _campaign
from tests.web.sidebar.test_money import as_customer


def claim(app, path: str, ext: str):
    """A customer opens the card in WeChat and taps to claim; returns the page they end on."""
    visitor = app.test_client()
    page = as_customer(visitor, path, ext)
    if page.status_code == 302:  # claimed before: straight to their coupon
        page = visitor.get(page.headers["Location"])
    html = page.get_data(as_text=True)
    if 'data-testid="take-campaign-coupon"' not in html:
        return page
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    res = visitor.post(path, data={"csrf_token": token})
    assert res.status_code == 303
    return visitor.get(res.headers["Location"])


def _template(name: str = "新客礼券") -> CouponTemplate:
    return db.session.scalar(select(CouponTemplate).where(CouponTemplate.name == name))


def test_each_recipient_claims_one_from_the_stock_not_from_the_guides_day(seeded, app, emulator):
    seeded.config["PUBLIC_URL"] = "https://beside.example.com"
    with seeded.app_context():
        template = _template()
        stock = template.stock_left
        campaign = _campaign(coupon_template_id=template.id, holdout_percent=30)
        db.session.commit()
        send.hand_over(campaign.id, now=utcnow())
        db.session.commit()

        def ext_of(status: str) -> tuple[str, int]:
            return db.session.execute(
                select(Customer.external_userid, CampaignTarget.staff_id)
                .join(Customer, Customer.id == CampaignTarget.customer_id)
                .where(CampaignTarget.campaign_id == campaign.id, CampaignTarget.status == status)
                .order_by(CampaignTarget.id)
                .limit(1)
            ).one()

        (recipient, guide_id), (held_out, _) = ext_of("planned"), ext_of("held_out")
        guide = db.session.get(Staff, guide_id)
        before = coupons.issued_today(guide, utcnow()).get(template.id, 0)
        outsider = db.session.scalar(
            select(Customer.external_userid)
            .where(Customer.id.not_in(select(CampaignTarget.customer_id)))
            .order_by(Customer.id)
            .limit(1)
        )
        campaign_id = campaign.id

    calls = emulator.calls("externalcontact/add_msg_template")
    cards = [c["json"]["attachments"][-1] for c in calls]
    assert all(card["msgtype"] == "link" and "新客礼券" in card["link"]["title"] for card in cards)
    path = urlsplit(cards[0]["link"]["url"]).path
    assert path.startswith("/claim/m/") and len({c["link"]["url"] for c in cards}) == 1

    page = claim(app, path, recipient)
    assert 'data-testid="claim-code"' in page.get_data(as_text=True)
    again = claim(app, path, recipient)  # opened again: the same coupon, not a second one
    assert 'data-testid="claim-code"' in again.get_data(as_text=True)
    assert "发送对象" in claim(app, path, held_out).get_data(as_text=True)  # held out: not sent to
    assert "发送对象" in claim(app, path, outsider).get_data(as_text=True)
    assert app.test_client().post(path).status_code == 400  # no CSRF token: refused

    with seeded.app_context():
        mine = db.session.scalars(select(Coupon).where(Coupon.campaign_id == campaign_id)).all()
        assert len(mine) == 1 and mine[0].staff_id == guide_id  # attributed to the guide who sent it
        assert _template().stock_left == stock - 1
        guide = db.session.get(Staff, guide_id)
        assert coupons.issued_today(guide, utcnow()).get(template.id, 0) == before  # not the guide's quota
        coupons.redeem(mine[0].code, order_no="T-CAMPAIGN-1", amount=40000, by="pos")
        db.session.commit()
        assert campaign_coupons.figures(db.session.get(Campaign, campaign_id)) == (1, 1, 40000)


def test_a_withdrawn_campaigns_card_gives_nothing(seeded, app, emulator):
    seeded.config["PUBLIC_URL"] = "https://beside.example.com"
    with seeded.app_context():
        campaign = _campaign(coupon_template_id=_template().id)
        db.session.commit()
        send.hand_over(campaign.id, now=utcnow())
        campaign.status = CampaignStatus.CANCELLED.value
        db.session.commit()
        recipient = db.session.scalar(
            select(Customer.external_userid)
            .join(CampaignTarget, CampaignTarget.customer_id == Customer.id)
            .where(
                CampaignTarget.campaign_id == campaign.id, CampaignTarget.status == TargetStatus.PLANNED.value
            )
            .limit(1)
        )
        path = "/claim/m/" + campaign_coupons.claim_token(campaign)
        campaign_id = campaign.id
    assert "已撤回" in claim(app, path, recipient).get_data(as_text=True)
    with seeded.app_context():
        assert not db.session.scalar(
            select(func.count()).select_from(Coupon).where(Coupon.campaign_id == campaign_id)
        )
    assert app.test_client().get("/claim/m/forged-token").status_code == 404
