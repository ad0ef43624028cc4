"""客户朋友圈 in a real browser: head office asks two guides to post at 1280 px; the guide posts it from the
sidebar's today page at 360 px (the preview stands for WeCom's composer); a customer comments, and the
comment shows on the task's page and in that customer's activity tab."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import console_as_admin
from tests.browser.test_sidebar_preview import open_chat


def test_a_moment_task_is_posted_from_the_sidebar_and_a_comment_comes_back(
    seeded, live_app, preview, browser, context, emulator, artifacts
):
    console = console_as_admin(context, live_app.url)
    console.goto(live_app.url + "/admin/moments")
    console.get_by_test_id("new-moment").click()
    console.get_by_test_id("moment-name").fill("秋冬新品朋友圈")
    console.get_by_test_id("moment-text").fill("秋冬修护季，新品到店～")
    guides = console.get_by_test_id("pick-moment-guides")
    guides.get_by_label("陈静").check()
    guides.get_by_label("王芳").check()
    console.get_by_test_id("pick-moment-materials").locator("input[type=checkbox]").first.check()
    console.screenshot(path=str(artifacts / "console-moment-new-1280.png"), full_page=True)
    console.get_by_test_id("create-moment").click()
    expect(console.get_by_test_id("moment-posted")).to_have_text("0 / 2")

    device = browser.new_context(viewport={"width": 1000, "height": 800}, locale="zh-CN")
    page = device.new_page()
    first_chat = page.locator(".chat[data-kind=single]")
    page.goto(f"{preview}?member=chenjing")
    name = first_chat.first.get_attribute("data-name")
    ext = first_chat.first.get_attribute("data-id")
    open_chat(page, preview, "chenjing", name).get_by_test_id("customer-name").wait_for()
    inner = next(f for f in page.frames if "/sidebar/customers/" in f.url)
    inner.goto(inner.url.split("/sidebar/")[0] + "/sidebar/tasks")
    row = inner.get_by_test_id("moment-task-row").filter(has_text="秋冬新品朋友圈")
    expect(row).to_have_count(1)
    page.locator("#sidebar").screenshot(path=str(artifacts / "sidebar-360-today-moment.png"))
    row.get_by_test_id("post-moment").click()
    expect(inner.locator("#toast")).to_contain_text("已发表")
    expect(inner.get_by_test_id("moment-task-row")).to_have_count(0)

    # The console reads WeCom: her post found; a customer of hers comments on it.
    console.get_by_test_id("moment-refresh").click()
    expect(console.get_by_test_id("moment-posted")).to_have_text("1 / 2")
    # In the preview, the customer of the open chat comments on her post (客户朋友圈 → 评论).
    page.get_by_test_id("moments-assistant").locator("summary").click()
    posted = page.get_by_test_id("posted-moment").filter(has_text="秋冬修护季")
    posted.get_by_role("button", name="评论").click()
    expect(page.locator(".bubble").filter(has_text="评论了你的朋友圈")).to_have_count(1)
    console.get_by_test_id("moment-refresh").click()
    expect(console.get_by_test_id("moment-comments")).to_have_text("1")
    console.screenshot(path=str(artifacts / "console-moment-1280.png"), full_page=True)

    inner.goto(inner.url.split("/sidebar/")[0] + f"/sidebar/customers/{ext}/timeline")
    expect(inner.get_by_test_id("moment-entry")).to_contain_text("评论了陈静的朋友圈")
    page.locator("#sidebar").screenshot(path=str(artifacts / "sidebar-360-activity-moment.png"))
    device.close()
