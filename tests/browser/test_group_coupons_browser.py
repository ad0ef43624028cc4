"""Coupons into a group chat in chromium through the preview: the owner opens the group's coupons tab,
puts three coupons into the group in one tap, the card shows in the group, and the drop is listed."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from sidebar import demo
from sidebar.extensions import db
from sidebar.models import GroupCouponDrop
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_sidebar_preview import open_chat


def test_a_guide_puts_coupons_into_a_group_in_one_tap(seeded, preview, context):
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
