"""The console's menu in chromium: six groups on one line, a group's pages below it."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import console_as_admin


def test_an_admin_finds_the_coupons_through_the_groups(seeded, live_app, context, artifacts):
    page = console_as_admin(context, live_app.url)
    page.set_viewport_size({"width": 1024, "height": 700})
    header = page.locator("header.nav")
    assert header.bounding_box()["height"] <= 53  # one line, not wrapped
    page.get_by_role("navigation", name="管理后台").get_by_role("link", name="SOP 与权益").click()
    subnav = page.get_by_test_id("subnav")
    expect(subnav.get_by_role("link")).to_have_text(
        ["SOP", "客户群发", "客户朋友圈", "优惠券", "红包", "商城信号"]
    )
    subnav.get_by_role("link", name="优惠券").click()
    expect(page).to_have_url(live_app.url + "/admin/coupons")
    expect(page.get_by_test_id("subnav").locator('[aria-current="page"]')).to_have_text("优惠券")
    page.screenshot(path=str(artifacts / "console-nav-1024.png"))


def test_the_dashboard_draws_the_lifecycle_in_stage_order_and_an_empty_chart_says_so(
    seeded, live_app, context, artifacts
):
    page = console_as_admin(context, live_app.url)
    stages = page.get_by_test_id("lifecycle-bars").locator("li")
    order = [stages.nth(i).get_attribute("data-stage") for i in range(stages.count())]
    wanted = ["prospect", "new", "active", "dormant", "lost", "unknown"]
    assert order == [s for s in wanted if s in order] and len(order) >= 4
    page.screenshot(path=str(artifacts / "console-dashboard-1280.png"))
    # A code no one came through yet: its chart says there is nothing, not a blank box with 0/0 axes.
    from sidebar.extensions import db
    from sidebar.models import ChannelCode

    with seeded.app_context():
        code = ChannelCode(name="还没人扫的码", state="nobody_yet", kind="single")
        db.session.add(code)
        db.session.commit()
        code_id = code.id
    page.goto(f"{live_app.url}/admin/channel-codes/{code_id}")
    expect(page.get_by_test_id("chart-empty")).to_have_text("这段时间还没有可显示的数据。")
