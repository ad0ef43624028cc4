"""Guides' results in chromium: an admin sets the tier criteria, sorts the month's table; a manager
opens a guide, overrides the tier with a reason, and the table shows the new tier."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import func, select

from sidebar.extensions import db
from sidebar.guides import metrics
from sidebar.models import AuditLog, GuideMonth, Staff
from tests.browser.conftest import console_as_admin


def test_criteria_sorting_and_a_tier_override(seeded, live_app, emulator, context, artifacts):
    with seeded.app_context():
        month = db.session.scalar(
            select(GuideMonth.month)
            .where(GuideMonth.month < metrics.this_month())
            .group_by(GuideMonth.month)
            .order_by(func.max(GuideMonth.month).desc())
            .limit(1)
        )
    page = console_as_admin(context, live_app.url)
    page.goto(live_app.url + "/admin/guides")
    form = page.get_by_test_id("tiers-form")
    form.locator('select[name="metric_0"]').select_option("sales")
    for name, value in (
        ("a_from_0", "3000"),
        ("b_from_0", "1000"),
        ("b_to_0", "3000"),
        ("c_from_0", "0"),
        ("c_to_0", "900"),
    ):
        form.locator(f'input[name="{name}"]').fill(value)
    form.get_by_role("button").click()
    expect(page.get_by_test_id("tier-error")).to_contain_text("900 到 1000 没有覆盖")  # a gap: refused
    page.get_by_test_id("tiers-form").locator('input[name="c_to_0"]').fill("1000")
    page.get_by_test_id("tiers-form").get_by_role("button").click()
    expect(page.get_by_test_id("tier-error")).to_have_count(0)

    page.goto(live_app.url + f"/admin/guides?month={month:%Y-%m}")
    page.get_by_test_id("sort-orders").click()  # most orders first
    counts = [int(t) for t in page.locator('[data-testid="guide-row"] td:nth-child(10)').all_inner_texts()]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0
    page.get_by_test_id("sort-orders").click()  # and the other way
    counts = [int(t) for t in page.locator('[data-testid="guide-row"] td:nth-child(10)').all_inner_texts()]
    assert counts == sorted(counts)
    page.screenshot(path=str(artifacts / "guides.png"), full_page=True)

    # 李娜 (manager, 华东) raises 王芳's tier, with a reason.
    page.get_by_role("button", name="退出").click()
    page.goto(live_app.url + "/admin/")
    page.get_by_test_id("wecom-login").click()
    page.get_by_role("link", name="李娜").click()
    page.get_by_test_id("total").wait_for()
    page.goto(live_app.url + "/admin/guides")
    page.get_by_role("link", name="王芳").click()
    expect(page.get_by_test_id("tier-row").first).to_be_visible()
    override = page.get_by_test_id("override-form")
    override.locator('select[name="tier"]').select_option("A")
    override.locator('input[name="reason"]').fill("新店开业带教表现突出")
    override.get_by_role("button").click()
    expect(page.get_by_test_id("tier-panel")).to_contain_text("新店开业带教表现突出")
    page.goto(live_app.url + "/admin/guides")
    row = page.get_by_test_id("guide-row").filter(has_text="王芳")
    expect(row.locator("td:nth-child(3)")).to_have_text("A")
    page.screenshot(path=str(artifacts / "guide-override.png"), full_page=True)
    with seeded.app_context():
        assert db.session.scalar(select(Staff.tier).where(Staff.userid == "wangfang")) == "A"
        assert (
            db.session.scalar(select(AuditLog).where(AuditLog.action == "guides.tier_override")) is not None
        )
