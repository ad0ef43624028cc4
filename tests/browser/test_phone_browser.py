"""A guide types the customer's mobile in the sidebar (as in a 360 px frame in the preview): it shows on
the profile, and an order that was waiting for that phone is the customer's at once."""

from __future__ import annotations

from sqlalchemy import select

from sidebar.extensions import db
from sidebar.models import Order
from tests.browser.test_sidebar_preview import open_chat
from tests.data.test_orders_api import make_key, order
from tests.web.sidebar.test_customers import customer_of


def test_a_guide_enters_a_mobile_and_the_waiting_order_is_the_customers(
    seeded, preview, context, app, artifacts
):
    person = customer_of("chenjing")
    app.test_client().post(
        "/api/v1/orders", json=order("JD-PHONE", platform="jd", buyer={"phone": "13911112222"}),
        headers=make_key(app, "orders:write"),
    )  # fmt: skip
    page = context.new_page()
    side = open_chat(page, preview, "chenjing", person.name)
    side.get_by_test_id("customer-name").wait_for()
    side.get_by_test_id("edit-profile").click()
    side.locator("input[name=phone]").fill("139 1111 2222")
    side.locator("input[name=phone]").scroll_into_view_if_needed()
    page.locator("#sidebar").screenshot(path=str(artifacts / "sidebar-profile-phone-edit.png"))
    side.get_by_test_id("save-profile").click()
    side.get_by_test_id("phone").filter(has_text="139 1111 2222").wait_for()
    side.get_by_test_id("phone").scroll_into_view_if_needed()
    page.locator("#sidebar").screenshot(path=str(artifacts / "sidebar-profile-phone.png"))
    with app.app_context():
        owner = db.session.scalar(select(Order.customer_id).where(Order.order_no == "JD-PHONE"))
        assert owner is not None
