"""Coupons and red packets in chromium through the preview: the cards appear in the chat, and the
customer opens the red packet (WeChat OAuth as that customer, through the emulator) and is paid once."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from sidebar.extensions import db
from sidebar.models import Coupon, RedPacket
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_sidebar_preview import open_chat
from tests.web.sidebar.test_customers import customer_of


def test_issue_a_coupon_and_send_a_red_packet_then_the_customer_opens_it(seeded, preview, context, emulator):
    person = customer_of("chenjing")
    page = context.new_page()
    side = open_chat(page, preview, "chenjing", person.name)

    side.get_by_test_id("tab-coupons").click()
    offer = side.get_by_test_id("coupon-offer").filter(has_text="新客礼券")
    offer.get_by_test_id("issue-coupon").click()
    expect(page.locator(".bubble")).to_have_count(1)
    assert "新客礼券（满300减50）" in page.locator(".bubble").first.inner_text()
    expect(side.get_by_test_id("held-coupon")).to_have_count(1)
    ARTIFACTS.mkdir(exist_ok=True)
    side.locator("body").screenshot(path=str(ARTIFACTS / "coupons-tab.png"))
    with seeded.app_context():
        coupon = db.session.scalar(select(Coupon))
        assert coupon.card_sent_at is not None

    side.get_by_test_id("tab-red-packet").click()
    side.get_by_test_id("packet-amount").fill("6.66")
    side.get_by_test_id("packet-next").click()
    expect(side.get_by_test_id("packet-confirm")).to_contain_text("6.66")
    side.locator("body").screenshot(path=str(ARTIFACTS / "red-packet-confirm.png"))
    side.get_by_test_id("packet-send").click()
    expect(page.locator(".bubble")).to_have_count(2)
    assert "给你发了一个红包" in page.locator(".bubble").nth(1).inner_text()
    expect(side.get_by_test_id("packet")).to_have_count(1)

    # The customer taps the card: WeChat OAuth picks the chat's customer; they open it; paid once.
    with context.expect_page() as opened:
        page.locator(".bubble__open").last.click()
    claim = opened.value
    claim.set_viewport_size({"width": 360, "height": 640})
    claim.get_by_test_id("open-packet").click()
    expect(claim.get_by_test_id("claim-packet")).to_have_attribute("data-status", "paid")
    claim.screenshot(path=str(ARTIFACTS / "red-packet-claimed.png"))
    payouts = emulator.pay()["payouts"]
    assert len(payouts) == 1 and payouts[0]["total_amount"] == 666
    with seeded.app_context():
        packet = db.session.scalar(select(RedPacket))
        assert packet.status == "paid" and packet.card_sent_at is not None


def test_a_failed_card_send_keeps_the_coupon_to_send_again(seeded, preview, context):
    person = customer_of("chenjing")
    page = context.new_page()
    side = open_chat(page, preview, "chenjing", person.name)
    side.get_by_test_id("tab-coupons").click()
    page.locator("#fail-mode").select_option("0")  # the next send fails
    side.get_by_test_id("coupon-offer").filter(has_text="新客礼券").get_by_test_id("issue-coupon").click()
    expect(side.get_by_test_id("held-coupon")).to_have_count(1)
    assert page.locator(".bubble").count() == 0
    side.get_by_test_id("held-coupon").get_by_role("button").click()  # "send the card"
    expect(page.locator(".bubble")).to_have_count(1)
    # Once the page has reported the send, the tab is drawn again without the button.
    expect(side.get_by_test_id("held-coupon").get_by_role("button")).to_have_count(0)
    with seeded.app_context():
        assert db.session.scalar(select(Coupon.card_sent_at)) is not None
