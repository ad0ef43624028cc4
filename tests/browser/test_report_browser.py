"""A guide opens their daily report from the text card, on a 360 px phone: the figures and the chart
are there and nothing overflows. The screenshot goes to ``artifacts/``."""

from __future__ import annotations

from datetime import UTC, datetime

from sidebar.acquisition import reports


def test_a_guide_reads_the_daily_report_on_a_phone(seeded, live_app, emulator, browser, artifacts):
    with seeded.app_context():
        day = reports.latest_start("daily", datetime.now(UTC)).isoformat()
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    # The card's link signs the guide in through WeCom's OAuth first (the emulator's page, as 王芳).
    page.goto(f"{live_app.url}/auth/login?next=/sidebar/reports/daily/{day}")
    page.goto(page.url.split("#")[0] + "&as=wangfang")
    page.get_by_test_id("report-title").wait_for()
    assert page.get_by_test_id("report-title").inner_text().startswith("日报")
    assert page.get_by_test_id("report-chart").is_visible()
    assert page.get_by_text("您本人的数据").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing sideways
    page.screenshot(path=str(artifacts / "report-360-daily.png"), full_page=True)
    context.close()
