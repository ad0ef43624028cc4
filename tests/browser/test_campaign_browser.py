"""企业群发 end to end in a real browser: head office writes a tag campaign at 1280 px and sees whom it
reaches; the guide finds it on the today page at 360 px, sends it from 群发助手 in the preview, and the
customer's chat shows it; the campaign's page then shows that guide and those customers as sent."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from sidebar import demo
from sidebar.extensions import db
from sidebar.models import Tag
from tests.browser.conftest import console_as_admin
from tests.browser.test_sidebar_preview import open_chat

SENSITIVE = demo.tag_id("肤质", "敏感肌")


def _main_guide_customers(userid: str) -> list[str]:
    out = []
    for i in range(demo.DEFAULT_CUSTOMERS):
        c = demo.customer(i)
        if (
            SENSITIVE in c.tag_ids
            and c.serving
            and max(c.serving, key=lambda f: f.createtime).userid == userid
        ):
            out.append(c.name)
    return out


def test_a_campaign_from_the_console_reaches_a_customers_chat(
    seeded, live_app, preview, browser, context, artifacts
):
    with seeded.app_context():
        tag_name = db.session.scalar(select(Tag.name).where(Tag.wecom_tag_id == SENSITIVE))
    console = console_as_admin(context, live_app.url)
    console.goto(live_app.url + "/admin/campaigns")
    console.get_by_test_id("new-campaign").click()
    console.get_by_test_id("campaign-name").fill("敏感肌修护季")
    console.get_by_test_id("campaign-text").fill("修护新品到店，")
    console.get_by_role("button", name="导购姓名").click()  # the variable goes in at the cursor
    picker = console.get_by_test_id("pick-tags-any")
    picker.get_by_label(tag_name).check()
    forecast = console.get_by_test_id("forecast-reached")
    expect(forecast).not_to_have_text("0")
    reached = int(forecast.inner_text().replace(",", ""))
    console.screenshot(path=str(artifacts / "console-campaign-new-1280.png"), full_page=True)
    console.get_by_test_id("create-campaign").click()
    console.get_by_role("dialog").get_by_role("button", name="确定").click()
    expect(console.get_by_test_id("campaign-status")).to_have_text("等待导购发送")
    expect(console.get_by_test_id("count-total")).to_have_text(f"{reached:,}")

    # The guide: the today page says what waits in 群发助手.
    names = _main_guide_customers("chenjing")
    assert names
    # The guide's WeCom is another device than head office's browser.
    device = browser.new_context(viewport={"width": 1000, "height": 800}, locale="zh-CN")
    page = device.new_page()
    open_chat(page, preview, "chenjing", names[0]).get_by_test_id("customer-name").wait_for()
    inner = next(f for f in page.frames if "/sidebar/customers/" in f.url)
    inner.goto(inner.url.split("/sidebar/")[0] + "/sidebar/tasks")
    row = inner.get_by_test_id("mass-message-row").filter(has_text="敏感肌修护季")
    expect(row).to_contain_text(f"{len(names)} 位客户")
    expect(row).to_contain_text("修护新品到店，陈静")  # filled with her own name
    page.locator("#sidebar").screenshot(path=str(artifacts / "sidebar-360-today-mass-message.png"))

    # She sends it from 群发助手; the chat shows it.
    page.get_by_test_id("mass-assistant").locator("summary").click()
    page.get_by_test_id("pending-mass-message").filter(has_text="修护新品到店").get_by_role(
        "button", name="发送"
    ).click()
    expect(page.locator("#assistant-count")).to_have_text("0")
    page.get_by_role("button", name=names[0]).first.click()
    expect(page.locator(".bubble--mass").first).to_contain_text("修护新品到店，陈静")
    page.screenshot(path=str(artifacts / "preview-mass-message-in-chat.png"))

    # Head office reads the results.
    console.get_by_test_id("refresh").click()
    expect(console.get_by_test_id("count-sent")).to_have_text(str(len(names)))
    guide = console.get_by_test_id("guide-row").filter(has_text="陈静")
    expect(guide).to_contain_text("已发送")
    console.screenshot(path=str(artifacts / "console-campaign-1280.png"), full_page=True)
    device.close()


def test_a_guide_sends_to_some_customers_from_the_sidebar(seeded, preview, context, artifacts):
    """At 360 px: 群发 from the today page, two customers ticked, a script's text; WeCom's composer (the
    preview) sends it, the sidebar says so, and a ticked customer's chat shows it."""
    mine = [
        demo.customer(i)
        for i in range(demo.DEFAULT_CUSTOMERS)
        if "chenjing" in {f.userid for f in demo.customer(i).follows}
    ]
    page = context.new_page()
    page.set_viewport_size({"width": 1000, "height": 800})
    open_chat(page, preview, "chenjing", mine[0].name).get_by_test_id("customer-name").wait_for()
    inner = next(f for f in page.frames if "/sidebar/customers/" in f.url)
    inner.goto(inner.url.split("/sidebar/")[0] + "/sidebar/tasks")
    # Two customers the preview lists as chats (it shows the member's first 40).
    listed = page.locator(".chat[data-kind=single]").evaluate_all("els => els.map(e => e.dataset.name)")
    mine = [p for p in mine if p.name in listed[:10]]
    inner.get_by_test_id("send-to-many").click()
    form = inner.get_by_test_id("share-form")
    form.get_by_test_id("share-text").fill("本周末新品体验，欢迎来店～")
    for person in mine[:2]:
        form.get_by_label(person.name, exact=True).check()
    expect(form.locator("[data-selected-count]")).to_have_text("已选 2 位")
    assert page.evaluate("() => document.querySelector('#sidebar').getBoundingClientRect().width") <= 360
    page.locator("#sidebar").screenshot(path=str(artifacts / "sidebar-360-send-to-many.png"))
    form.get_by_test_id("share-send").click()
    expect(inner.locator("#toast")).to_contain_text("已发给 2")
    expect(page.locator(".bubble").filter(has_text="已发给 2 位客户")).to_have_count(1)
    page.get_by_role("button", name=mine[1].name).first.click()
    expect(page.locator(".bubble--mass").first).to_contain_text("本周末新品体验")
