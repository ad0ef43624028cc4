"""The console in chromium: QR sign-in through the emulator, filter by a tag, bulk-tag, watch the job."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from sidebar import demo
from sidebar.extensions import db
from sidebar.models import Tag
from tests.browser.conftest import console_as_admin


def test_sign_in_filter_bulk_tag_and_see_the_job_finish(
    seeded, live_app, emulator, context, consumer, artifacts
):
    seeded.config["BULK_PUSH_PACE"] = 0.03  # slow enough to see progress move
    with seeded.app_context():
        perfume = db.session.scalar(select(Tag).where(Tag.wecom_tag_id == demo.tag_id("兴趣", "香水")))
        intent = db.session.scalar(select(Tag).where(Tag.wecom_tag_id == demo.tag_id("购买意向", "高意向")))
        perfume_id, intent_id, intent_wecom = perfume.id, intent.id, intent.wecom_tag_id
    targets = [
        c
        for c in (demo.customer(i) for i in range(demo.DEFAULT_CUSTOMERS))
        if demo.tag_id("兴趣", "香水") in c.tag_ids
    ]

    page = context.new_page()
    page.goto(live_app.url + "/admin/")
    page.get_by_test_id("wecom-login").click()
    page.get_by_role("link", name="张伟").click()  # the emulator's QR page: pick the admin
    page.get_by_test_id("total").wait_for()

    page.goto(live_app.url + "/admin/customers")
    page.get_by_test_id("filter-tag").select_option(str(perfume_id))
    page.get_by_test_id("apply-filter").click()
    page.get_by_test_id("result-count").filter(has_text=str(len(targets))).wait_for()
    assert page.get_by_test_id("customer-row").count() == min(20, len(targets))

    page.get_by_test_id("bulk-add").select_option(str(intent_id))
    page.get_by_test_id("bulk-apply").click()
    # A change to every customer that matches asks first, naming how many.
    expect(page.locator("dialog#confirm-dialog")).to_contain_text(f"全部 {len(targets)} 位")
    page.get_by_test_id("confirm-ok").click()
    job = page.get_by_test_id("job")
    job.wait_for()
    seen_running = job.get_attribute("data-status") in ("queued", "running")
    page.locator('[data-testid=job][data-status="done"]').wait_for(timeout=60_000)
    page.screenshot(path=str(artifacts / "console-customers.png"), full_page=True)

    marked = {
        c["json"]["external_userid"]
        for c in emulator.calls("externalcontact/mark_tag")
        if c["json"]["add_tag"] == [intent_wecom]
    }
    assert marked == {c.external_userid for c in targets if intent_wecom not in c.tag_ids}
    assert seen_running  # the page showed the job before it finished, then followed it to the end

    page.goto(live_app.url + "/admin/")
    page.locator("#chart-daily canvas").wait_for()
    page.wait_for_timeout(1500)  # let the chart's entry animation finish before the picture
    page.screenshot(path=str(artifacts / "console-dashboard.png"))


def test_an_admin_writes_an_sop_rule_watching_what_the_customer_receives(
    seeded, live_app, context, artifacts
):
    page = console_as_admin(context, live_app.url)
    page.goto(live_app.url + "/admin/sop")
    page.get_by_test_id("rule-name").fill("换季关怀")
    page.get_by_test_id("rule-trigger").select_option("added")
    # Tick a tag in the searchable picker: typing narrows the list, the summary names the choice.
    picker = page.get_by_test_id("pick-tags-any")
    picker.locator("[data-picker-search]").fill("高意")
    expect(picker.locator(".picker__option:visible")).to_have_count(1)
    picker.locator(".picker__option:visible input").check()
    expect(picker.locator("[data-picker-summary]")).to_have_text("高意向")
    step = page.get_by_test_id("step-card").first
    step.locator("textarea").fill("，换季了，记得加强保湿～")
    step.locator("textarea").press("Home")
    step.get_by_role("button", name="客户称呼").click()  # the variable goes in at the cursor
    step.locator("select[name=step0_coupon]").select_option(label="新客礼券")
    preview = step.get_by_test_id("preview-piece")
    expect(preview.first).to_have_text("王女士，换季了，记得加强保湿～")  # a sample customer, filled
    expect(preview.nth(1)).to_contain_text("满300减50")
    page.locator("#new-rule").screenshot(path=str(artifacts / "console-sop-editor.png"))
    page.get_by_test_id("create-rule").click()
    expect(page.get_by_test_id("preview-customers")).to_be_visible()
    summary = page.get_by_test_id("rule-summary").inner_text()
    assert "添加好友 0 天后" in summary and "有任一标签: 高意向" in summary  # in words, not JSON

    page.goto(live_app.url + "/admin/audit")
    row = page.get_by_test_id("audit-row").first
    expect(row).to_contain_text("新建了 SOP 规则“换季关怀”")
    expect(row).to_contain_text("张伟")
    page.screenshot(path=str(artifacts / "console-audit-log.png"))
