"""Coupons into a group chat in chromium through the preview: the owner opens the group's coupons tab,
puts three coupons into the group in one tap, the card shows in the group, the drop is listed; a member
opens the card at a phone's width and claims one."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from sidebar import demo
from sidebar.extensions import db
from sidebar.models import GroupCouponDrop
from sidebar.money import group_coupons
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_sidebar_preview import open_chat


def test_a_guide_puts_coupons_into_a_group_and_a_member_claims_one(
    seeded, preview, context, browser, live_app
):
    group = next(g for g in demo.group_chats() if g.owner == "chenjing")
    page = context.new_page()
    side = open_chat(page, preview, group.owner, group.name)
    side.get_by_test_id("tab-coupons").click()
    offer = side.get_by_test_id("drop-offer").filter(has_text="新客礼券")
    offer.get_by_test_id("drop-quantity").fill("3")
    ARTIFACTS.mkdir(exist_ok=True)
    side.locator("body").screenshot(path=str(ARTIFACTS / "group-coupons.png"))
    before = page.locator(".bubble").count()
    offer.get_by_test_id("drop-coupons").click()
    expect(page.locator(".bubble")).to_have_count(before + 1)
    assert "新客礼券" in page.locator(".bubble").last.inner_text()
    expect(side.get_by_test_id("group-drop")).to_have_count(1)
    expect(side.get_by_test_id("group-drop")).to_contain_text("已领 0 / 3 张")
    with seeded.app_context():
        row = db.session.scalar(select(GroupCouponDrop))
        assert row.quantity == 3 and row.card_sent_at is not None
        link = f"{live_app.url}/claim/g/{group_coupons.claim_token(row)}"

    # A member of the group opens the card in WeChat (a phone's width) and claims one.
    member = demo.customer(group.customers[0])
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    wechat = phone.new_page()
    wechat.goto(link)
    wechat.get_by_role("link", name=member.name).first.click()  # WeChat says who she is (OAuth)
    expect(wechat.get_by_test_id("claim-drop")).to_contain_text("还剩 3 张")
    wechat.screenshot(path=str(ARTIFACTS / "group-coupon-claim.png"))
    wechat.get_by_test_id("take-drop").click()
    expect(wechat.get_by_test_id("claim-code")).to_be_visible()
    phone.close()
    with seeded.app_context():
        assert db.session.scalar(select(GroupCouponDrop)).claimed == 1
