"""A channel code in chromium: an admin makes it and its welcome in the console, a customer scans it
(the emulator's control call), the welcome and the coupon card appear in the guide's chat in the
preview, and the code counts one add."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import console_as_admin


def test_a_scan_brings_a_welcomed_customer_the_code_counts(
    seeded, live_app, emulator, preview, context, artifacts
):
    seeded.config["PUBLIC_URL"] = live_app.url
    page = console_as_admin(context, live_app.url)

    page.goto(live_app.url + "/admin/channel-codes")
    page.get_by_test_id("code-name").fill("静安快闪 · 柜台")
    page.get_by_test_id("code-kind").select_option("single")
    members = page.get_by_test_id("pick-members")
    members.locator("[data-picker-search]").fill("陈静")
    members.locator(".picker__option:visible input").check()
    page.get_by_test_id("create-code").click()
    expect(page.locator("img.qr")).to_be_visible()
    code_url = page.url.split("#")[0]

    page.get_by_test_id("welcome-text").fill("{客户称呼}您好，我是{导购姓名}，欢迎来到{门店}～")
    perk = page.get_by_test_id("welcome-coupon").locator("option", has_text="新客礼券")
    page.get_by_test_id("welcome-coupon").select_option(perk.get_attribute("value"))
    page.get_by_test_id("save-welcome").click()
    page.wait_for_url(code_url + "#welcome")
    config_id = (
        emulator.calls("externalcontact/add_contact_way")[-1]["json"]
        and next(c for c in emulator.state.contact_ways.values() if c["remark"] == "静安快闪 · 柜台")[
            "config_id"
        ]
    )

    ext = "wmSCANNED0000000000000000000001"
    emulator.send_event(
        change_type="add_external_contact",
        config_id=config_id,
        external_userid=ext,
        contact={"external_userid": ext, "name": "周小雨", "type": 1, "gender": 2},
    )

    page.goto(code_url)
    expect(page.get_by_test_id("stat-adds")).to_have_text("1")
    expect(page.get_by_test_id("welcome-status").first).to_have_text("已发送")
    page.screenshot(path=str(artifacts / "console-channel-code.png"), full_page=True)

    # The guide's chat (the preview signs this browser in as 陈静, so the console comes first).
    guide = context.new_page()
    guide.goto(f"{preview}?member=chenjing")
    guide.get_by_role("button", name="周小雨").first.click()
    welcome = guide.locator(".bubble", has_text="周女士您好，我是陈静，欢迎来到上海静安嘉里店～")
    expect(welcome).to_be_visible()
    card = guide.locator(".bubble", has_text="新客礼券")
    expect(card).to_be_visible()
    guide.screenshot(path=str(artifacts / "preview-welcome.png"))
