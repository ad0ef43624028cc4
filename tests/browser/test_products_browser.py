"""Products in chromium through the preview, at a phone's width: the profile's suggestions with their
reasons, the products tab searched, a product's card sent to the chat and opened by the customer."""

from __future__ import annotations

from playwright.sync_api import expect

from sidebar.extensions import db
from sidebar.signals import recommend
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_sidebar_preview import open_chat
from tests.web.sidebar.test_customers import customer_of


def test_a_guide_sees_suggestions_and_sends_a_product_the_customer_opens(seeded, preview, context):
    with seeded.app_context():
        recommend.recompute_pairs()
        db.session.commit()
        recommend.forget_catalogue()
    person = next(p for p in (customer_of("chenjing"),) if p)
    page = context.new_page()
    page.set_viewport_size({"width": 1000, "height": 800})
    side = open_chat(page, preview, "chenjing", person.name)
    expect(side.get_by_test_id("suggestion").first).to_be_visible()
    assert 1 <= side.get_by_test_id("suggestion").count() <= 5
    ARTIFACTS.mkdir(exist_ok=True)
    side.locator("#suggestions").screenshot(path=str(ARTIFACTS / "profile-suggestions.png"))

    side.get_by_test_id("tab-products").click()
    side.get_by_test_id("product-search").fill("防晒")
    expect(side.get_by_test_id("product")).to_have_count(1)
    side.get_by_test_id("send-product").click()
    page.locator(".bubble", has_text="[链接] 澜序 轻薄防晒乳").wait_for()
    side.locator("body").screenshot(path=str(ARTIFACTS / "products-tab.png"))

    with context.expect_page() as opened:
        page.locator(".bubble__open").last.click()
    reader = opened.value
    reader.set_viewport_size({"width": 360, "height": 640})
    expect(reader.get_by_test_id("product-price")).to_contain_text("298")
    reader.screenshot(path=str(ARTIFACTS / "tracked-product.png"))
    # Leave the page now, while the app is up: its reading-time beacon is answered before the test ends.
    reader.close(run_before_unload=True)
    page.wait_for_timeout(500)
    side.get_by_test_id("tab-timeline").click()
    expect(side.get_by_test_id("timeline-entry")).to_have_count(1)
    side.locator("body").screenshot(path=str(ARTIFACTS / "activity-tab.png"))
