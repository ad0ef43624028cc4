"""The console in chromium: QR sign-in through the emulator, filter by a tag, bulk-tag, watch the job."""

from __future__ import annotations

from sqlalchemy import select

from sidebar import demo
from sidebar.extensions import db
from sidebar.models import Tag


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
