"""会话存档 in a real browser, through the preview: a customer's message with a rule's word raises an alert
the manager sees in the console (1280 px); the conversation is the manager's to read and not another
region's; the sidebar (360 px) suggests the script for the customer's question; a customer who refuses
to be archived disappears from the console."""

from __future__ import annotations

import requests
from playwright.sync_api import expect

from sidebar.archive import compliance, pull
from sidebar.models import utcnow
from tests.browser.test_sidebar_preview import open_chat


def console_as(context, app_url: str, name: str):
    """A page signed in to the console as ``name`` through the emulator's QR login."""
    page = context.new_page()
    page.goto(app_url + "/admin/")
    page.get_by_test_id("wecom-login").click()
    page.get_by_role("link", name=name).click()
    page.wait_for_url("**/admin/**")
    return page


def run_archive_jobs(app) -> None:
    """What the job does every minute: pull, then tell the managers."""
    with app.app_context():
        pull.pull(now=utcnow())
        compliance.notify(now=utcnow(), agent_id=str(app.config["WECOM_AGENT_ID"]))
        from sidebar.extensions import db

        db.session.commit()


def test_an_alert_the_conversation_and_a_suggestion_from_what_a_customer_types(
    seeded, live_app, preview, browser, context, emulator, artifacts
):
    requests.post(emulator.url + "/_emulator/archive/history", timeout=10).raise_for_status()
    admin = console_as(context, live_app.url, "张伟")
    admin.goto(live_app.url + "/admin/archive/rules")
    admin.get_by_test_id("rule-name").fill("过敏反馈")
    admin.get_by_test_id("rule-words").fill("过敏")
    admin.get_by_test_id("save-rule").click()
    expect(admin.get_by_test_id("sensitive-rule")).to_have_count(1)

    device = browser.new_context(viewport={"width": 1000, "height": 800}, locale="zh-CN")
    page = device.new_page()
    page.goto(f"{preview}?member=chenjing")
    first_chat = page.locator(".chat[data-kind=single]").first
    name, ext = first_chat.get_attribute("data-name"), first_chat.get_attribute("data-id")
    side = open_chat(page, preview, "chenjing", name)
    side.get_by_test_id("customer-name").wait_for()
    page.get_by_label("以客户身份发消息").fill("敏感皮能用你们的精华吗？之前用别家的过敏了")
    page.get_by_role("button", name="客户发送").click()
    expect(page.locator(".bubble--customer")).to_contain_text("过敏了")
    run_archive_jobs(seeded)

    # The sidebar's scripts tab suggests the answer first.
    inner = next(f for f in page.frames if "/sidebar/customers/" in f.url)
    inner.goto(inner.url.split("/sidebar/")[0] + f"/sidebar/customers/{ext}/scripts")
    suggested = inner.get_by_test_id("suggested-script")
    expect(suggested).to_have_count(3)
    expect(suggested.first).to_contain_text("敏感肌精华")
    assert page.evaluate("() => document.querySelector('#sidebar').getBoundingClientRect().width") <= 360
    page.locator("#sidebar").screenshot(path=str(artifacts / "sidebar-360-reply-help.png"))

    # The manager of the region: the alert, with the message, and the conversation.
    manager = console_as(browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN"),
                         live_app.url, "李娜")  # fmt: skip
    manager.goto(live_app.url + "/admin/archive/alerts")
    alert = manager.get_by_test_id("alert").filter(has_text="之前用别家的过敏了")
    expect(alert).to_have_count(1)  # (the demo's history has others: customers said 过敏 before)
    expect(alert.get_by_test_id("alert-matched")).to_have_text("过敏")
    manager.screenshot(path=str(artifacts / "console-archive-alerts-1280.png"), full_page=True)
    conversation = f"{live_app.url}/admin/archive/members/chenjing/customers/{ext}"
    manager.goto(conversation)
    expect(manager.get_by_test_id("archive-message").last).to_contain_text("之前用别家的过敏了")
    manager.screenshot(path=str(artifacts / "console-archive-conversation-1280.png"), full_page=True)
    told = [c["json"] for c in emulator.calls("message/send") if c["json"]["touser"] == "lina"]
    assert len(told) == 1 and "过敏" in told[0]["text"]["content"]  # one message for every new hit

    # Another region's manager cannot read it.
    other = console_as(browser.new_context(locale="zh-CN"), live_app.url, "赵敏")
    assert other.goto(conversation).status == 404

    # The customer refuses to be archived: from the next pull, gone from the console.
    page.get_by_role("button", name="客户拒绝存档").click()
    expect(page.locator(".bubble--customer").last).to_contain_text("拒绝了会话存档")
    run_archive_jobs(seeded)
    assert manager.goto(conversation).status == 404
    manager.goto(live_app.url + "/admin/archive/alerts")
    expect(manager.get_by_test_id("alert").filter(has_text="之前用别家的过敏了")).to_have_count(0)
    device.close()
